"""The national report template as data: sections, table rows, columns.

Everything that names a row or column of 表二/表三/表四 comes from here, so the
parser, the checks, the index and the assistant agree on one vocabulary.
Keys are stable ASCII ids; labels are the canonical Chinese wording used in
citations (``row``/``column`` of the answer object).
"""

from __future__ import annotations

from dataclasses import dataclass, field

T2 = "表二"
T3 = "表三"
T4 = "表四"
TABLES = (T2, T3, T4)


@dataclass(frozen=True)
class SectionSpec:
    number: str  # 一 … 六
    title: str  # canonical title
    keywords: tuple[str, ...]  # any of these in a heading identifies the section


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("一", "总体情况", ("总体情况",)),
    SectionSpec("二", "主动公开政府信息情况", ("主动公开政府信息",)),
    SectionSpec("三", "收到和处理政府信息公开申请情况", ("收到和处理政府信息公开申请",)),
    SectionSpec(
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        ("行政复议、行政诉讼", "行政复议和提起行政诉讼", "行政复议和行政诉讼", "行政复议、提起行政诉讼"),
    ),
    SectionSpec("五", "存在的主要问题及改进情况", ("存在的主要问题", "主要问题及改进", "问题及改进")),
    SectionSpec("六", "其他需要报告的事项", ("其他需要报告",)),
)

SECTION_NUMBERS = tuple(s.number for s in SECTIONS)


# ---------------------------------------------------------------- 表三 rows


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str  # canonical label, full path (used in citations)
    keywords: tuple[str, ...]  # distinctive substrings of the printed label (spaces removed)
    group: str | None = None  # for result sub-rows: the （一）…（六） group
    short: str = ""  # the leaf wording, e.g. 属于行政查询事项
    synonyms: tuple[str, ...] = ()  # colloquial phrasings used in questions


RESULTS = "三、本年度办理结果"

T3_ROWS_2021: tuple[RowSpec, ...] = (
    RowSpec("new", "一、本年新收政府信息公开申请数量", ("本年新收",), short="本年新收政府信息公开申请数量",
            synonyms=("新收", "收到", "受理", "新申请", "申请数量", "申请总数", "申请数")),
    RowSpec("carried", "二、上年结转政府信息公开申请数量", ("上年结转",), short="上年结转政府信息公开申请数量",
            synonyms=("上年结转", "上一年结转", "去年结转")),
    RowSpec("open", f"{RESULTS}（一）予以公开", ("予以公开",), group="open", short="予以公开",
            synonyms=("予以公开", "全部公开", "同意公开")),
    RowSpec("partial", f"{RESULTS}（二）部分公开", ("部分公开",), group="partial", short="部分公开",
            synonyms=("部分公开",)),
    RowSpec("withheld_secret", f"{RESULTS}（三）不予公开 1.属于国家秘密", ("国家秘密",), "withheld", "属于国家秘密",
            ("国家秘密",)),
    RowSpec("withheld_law", f"{RESULTS}（三）不予公开 2.其他法律行政法规禁止公开", ("禁止公开",), "withheld",
            "其他法律行政法规禁止公开", ("法律行政法规禁止", "法规禁止公开")),
    RowSpec("withheld_safety", f"{RESULTS}（三）不予公开 3.危及“三安全一稳定”", ("三安全一稳定", "危及"), "withheld",
            "危及“三安全一稳定”", ("三安全一稳定",)),
    RowSpec("withheld_third_party", f"{RESULTS}（三）不予公开 4.保护第三方合法权益", ("第三方合法权益", "保护第三方"),
            "withheld", "保护第三方合法权益", ("第三方",)),
    RowSpec("withheld_internal", f"{RESULTS}（三）不予公开 5.属于三类内部事务信息", ("内部事务",), "withheld",
            "属于三类内部事务信息", ("内部事务",)),
    RowSpec("withheld_process", f"{RESULTS}（三）不予公开 6.属于四类过程性信息", ("过程性信息", "过程性"), "withheld",
            "属于四类过程性信息", ("过程性",)),
    RowSpec("withheld_enforcement", f"{RESULTS}（三）不予公开 7.属于行政执法案卷", ("执法案卷",), "withheld",
            "属于行政执法案卷", ("执法案卷",)),
    RowSpec("withheld_inquiry", f"{RESULTS}（三）不予公开 8.属于行政查询事项", ("行政查询",), "withheld",
            "属于行政查询事项", ("行政查询",)),
    RowSpec("unable_not_held", f"{RESULTS}（四）无法提供 1.本机关不掌握相关政府信息", ("不掌握",), "unable",
            "本机关不掌握相关政府信息", ("不掌握", "信息不存在")),
    RowSpec("unable_need_create", f"{RESULTS}（四）无法提供 2.没有现成信息需要另行制作", ("另行制作", "没有现成"),
            "unable", "没有现成信息需要另行制作", ("另行制作", "没有现成")),
    RowSpec("unable_unclear", f"{RESULTS}（四）无法提供 3.补正后申请内容仍不明确", ("仍不明确", "补正后申请"), "unable",
            "补正后申请内容仍不明确", ("仍不明确", "不明确")),
    RowSpec("not_handled_petition", f"{RESULTS}（五）不予处理 1.信访举报投诉类申请", ("信访举报", "投诉类"),
            "not_handled", "信访举报投诉类申请", ("信访", "举报投诉")),
    RowSpec("not_handled_repeat", f"{RESULTS}（五）不予处理 2.重复申请", ("重复申请",), "not_handled", "重复申请",
            ("重复申请",)),
    RowSpec("not_handled_publication", f"{RESULTS}（五）不予处理 3.要求提供公开出版物", ("公开出版物", "出版物"),
            "not_handled", "要求提供公开出版物", ("出版物",)),
    RowSpec("not_handled_mass", f"{RESULTS}（五）不予处理 4.无正当理由大量反复申请", ("大量反复",), "not_handled",
            "无正当理由大量反复申请", ("大量反复",)),
    RowSpec("not_handled_confirm", f"{RESULTS}（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
            ("确认或重新出具", "重新出具"), "not_handled", "要求行政机关确认或重新出具已获取信息", ("重新出具",)),
    RowSpec("other_overdue", f"{RESULTS}（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ("逾期不补正", "不补正"), "other", "申请人无正当理由逾期不补正", ("逾期不补正", "不补正")),
    RowSpec("other_fee", f"{RESULTS}（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ("收费通知", "缴纳费用"), "other", "申请人逾期未按收费通知要求缴纳费用", ("缴纳费用", "收费通知")),
    RowSpec("other_other", f"{RESULTS}（六）其他处理 3.其他", ("3.其他", "3、其他", "3其他"), "other", "其他",
            ()),
    RowSpec("total", f"{RESULTS}（七）总计", ("总计",), short="总计",
            synonyms=("办理结果总计", "办结", "处理总数", "办理总数", "办理完毕", "答复")),
    RowSpec("forward", "四、结转下年度继续办理", ("结转下年度", "结转下年", "继续办理"), short="结转下年度继续办理",
            synonyms=("结转下年", "结转到下一年", "结转至下年", "继续办理")),
)

# The 2019 template (and some later reports, e.g. 洪泽区) print （六）其他处理 as one row.
T3_ROW_OTHER_SINGLE = RowSpec("other", f"{RESULTS}（六）其他处理", ("其他处理",), "other", "其他处理", ("其他处理",))


def t3_rows(single_other: bool) -> tuple[RowSpec, ...]:
    """表三's rows in printed order; 23 rows when （六） is a single row, else 25."""
    if not single_other:
        return T3_ROWS_2021
    out: list[RowSpec] = []
    for r in T3_ROWS_2021:
        if r.group == "other":
            if r.key == "other_overdue":
                out.append(T3_ROW_OTHER_SINGLE)
            continue
        out.append(r)
    return tuple(out)


T3_ROW_BY_KEY: dict[str, RowSpec] = {r.key: r for r in (*T3_ROWS_2021, T3_ROW_OTHER_SINGLE)}

RESULT_GROUPS: dict[str, str] = {
    "open": "（一）予以公开",
    "partial": "（二）部分公开",
    "withheld": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_handled": "（五）不予处理",
    "other": "（六）其他处理",
}
GROUP_SYNONYMS: dict[str, tuple[str, ...]] = {
    "withheld": ("不予公开",),
    "unable": ("无法提供",),
    "not_handled": ("不予处理",),
    "other": ("其他处理",),
}


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    synonyms: tuple[str, ...] = ()


T3_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("natural", "自然人", ("自然人", "个人", "公民", "群众")),
    ColumnSpec("commercial", "商业企业", ("商业企业", "企业")),
    ColumnSpec("research", "科研机构", ("科研机构", "科研")),
    ColumnSpec("social", "社会公益组织", ("社会公益组织", "公益组织", "社会组织")),
    ColumnSpec("legal", "法律服务机构", ("法律服务机构", "律师事务所", "律所", "法律服务")),
    ColumnSpec("other", "其他", ()),
    ColumnSpec("total", "总计", ("总计", "合计", "总数", "一共", "总共")),
)
T3_COLUMN_BY_KEY = {c.key: c for c in T3_COLUMNS}
T3_APPLICANT_KEYS = ("natural", "commercial", "research", "social", "legal", "other")
T3_LEGAL_PERSON_KEYS = ("commercial", "research", "social", "legal", "other")

# ---------------------------------------------------------------- 表四

T4_GROUPS: tuple[ColumnSpec, ...] = (
    ColumnSpec("review", "行政复议", ("行政复议", "复议")),
    ColumnSpec("direct", "行政诉讼 未经复议直接起诉", ("未经复议直接起诉", "直接起诉")),
    ColumnSpec("after_review", "行政诉讼 复议后起诉", ("复议后起诉",)),
)
T4_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("upheld", "结果维持", ("维持",)),
    ColumnSpec("corrected", "结果纠正", ("纠正",)),
    ColumnSpec("other", "其他结果", ("其他结果",)),
    ColumnSpec("pending", "尚未审结", ("尚未审结", "未审结", "未结")),
    ColumnSpec("total", "总计", ("总计", "合计", "总数", "一共")),
)
T4_GROUP_BY_KEY = {g.key: g for g in T4_GROUPS}
T4_COLUMN_BY_KEY = {c.key: c for c in T4_COLUMNS}

# ---------------------------------------------------------------- 表二


@dataclass(frozen=True)
class T2Item:
    item: str  # 第二十条第（一）项 …
    rows: tuple[ColumnSpec, ...]
    columns_2021: tuple[ColumnSpec, ...]
    columns_2019: tuple[ColumnSpec, ...] = field(default_factory=tuple)


T2_ITEMS: tuple[T2Item, ...] = (
    T2Item(
        "（一）",
        (ColumnSpec("rules", "规章", ("规章",)), ColumnSpec("normative", "行政规范性文件", ("规范性文件",))),
        (
            ColumnSpec("issued", "本年制发件数", ("制发", "新制定", "发布")),
            ColumnSpec("repealed", "本年废止件数", ("废止",)),
            ColumnSpec("in_force", "现行有效件数", ("现行有效", "有效")),
        ),
        (
            ColumnSpec("made", "本年新制作数量", ("新制作",)),
            ColumnSpec("published", "本年新公开数量", ("新公开",)),
            ColumnSpec("public_total", "对外公开总数量", ("对外公开总",)),
        ),
    ),
    T2Item(
        "（五）",
        (ColumnSpec("licensing", "行政许可", ("行政许可", "许可")),),
        (ColumnSpec("decisions", "本年处理决定数量", ("处理决定", "决定数量")),),
        (
            ColumnSpec("prev_items", "上一年项目数量", ("上一年项目",)),
            ColumnSpec("change", "本年增/减", ("增/减", "增减")),
            ColumnSpec("decisions", "处理决定数量", ("处理决定",)),
        ),
    ),
    T2Item(
        "（六）",
        (
            ColumnSpec("penalty", "行政处罚", ("行政处罚", "处罚")),
            ColumnSpec("coercion", "行政强制", ("行政强制", "强制")),
        ),
        (ColumnSpec("decisions", "本年处理决定数量", ("处理决定", "决定数量")),),
        (
            ColumnSpec("prev_items", "上一年项目数量", ("上一年项目",)),
            ColumnSpec("change", "本年增/减", ("增/减", "增减")),
            ColumnSpec("decisions", "处理决定数量", ("处理决定",)),
        ),
    ),
    T2Item(
        "（八）",
        (ColumnSpec("fees", "行政事业性收费", ("事业性收费", "收费")),),
        (ColumnSpec("amount", "本年收费金额", ("收费金额", "金额")),),
        (
            ColumnSpec("prev_items", "上一年项目数量", ("上一年项目",)),
            ColumnSpec("change", "本年增/减", ("增/减", "增减")),
        ),
    ),
)

_COLS_2019_ITEMS = (
    ColumnSpec("prev_items", "上一年项目数量", ("上一年项目",)),
    ColumnSpec("change", "本年增/减", ("增/减", "增减")),
    ColumnSpec("decisions", "处理决定数量", ("处理决定",)),
)
# Rows and items only the 2019 template prints (no 2021 columns): read when printed, never expected in 2021.
T2_EXTRA_2019: tuple[T2Item, ...] = (
    T2Item("（五）", (ColumnSpec("other_services", "其他对外管理服务事项", ("其他对外管理服务", "对外管理服务")),),
           (), _COLS_2019_ITEMS),
    T2Item(
        "（九）",
        (ColumnSpec("procurement", "政府集中采购", ("政府集中采购", "集中采购")),),
        (),
        (
            ColumnSpec("count", "采购项目数量", ("采购项目数量", "项目数量")),
            ColumnSpec("amount", "采购总金额", ("采购总金额", "总金额")),
        ),
    ),
)
ALL_T2_ITEMS: tuple[T2Item, ...] = T2_ITEMS + T2_EXTRA_2019

T2_ROWS: tuple[ColumnSpec, ...] = tuple(r for it in T2_ITEMS for r in it.rows)
T2_ROW_BY_KEY = {r.key: r for it in ALL_T2_ITEMS for r in it.rows}


def t2_item_for_row(row_key: str) -> T2Item:
    for it in ALL_T2_ITEMS:
        if any(r.key == row_key for r in it.rows):
            return it
    raise KeyError(row_key)
