"""An abstract report document: title, headings, paragraphs and the three tables.

The renderers (txt/docx/html/pdf) only lay these elements out; every wording
choice (label variants, brackets, heading forms) is made here, once per report,
so all formats of the same report say the same thing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ingest.template import T2_ITEMS, T3_COLUMNS, T4_COLUMNS, T4_GROUPS, t3_rows

from .model import Number

# ---------------------------------------------------------------- elements


@dataclass
class Title:
    agency: str  # as printed (canonical or alias)
    tail: str  # 2021年政府信息公开工作年度报告 (maybe "2021 年…")
    split: bool = False  # agency and tail on two lines (seed 000)
    space: bool = False  # "机关 2021 年…" (seeds 001/003/004)

    @property
    def lines(self) -> list[str]:
        if self.split:
            return [self.agency, self.tail]
        return [f"{self.agency} {self.tail}" if self.space else f"{self.agency}{self.tail}"]

    def two_lines(self) -> list[str]:
        return [self.agency, self.tail]


@dataclass
class Heading:
    text: str
    level: int  # 1: 一、…; 2: （一）…


@dataclass
class Para:
    text: str


@dataclass
class T2Block:
    item_label: str  # 第二十条第（一）项
    header: list[str]  # 信息内容, column labels…
    rows: list[tuple[str, list[str]]]  # (printed row label, printed values)


@dataclass
class T2Table:
    blocks: list[T2Block]


@dataclass
class T3Row:
    key: str
    kind: str  # top | group | leaf
    top: str = ""  # label spanning all label columns (一、 二、 四、 rows)
    group: str = ""  # （一）予以公开 … (group rows: spans the sub-label columns)
    leaf: str = ""  # 1.属于国家秘密 …
    first_in_group: bool = False
    last_in_group: bool = False
    group_size: int = 1
    values: list[str] = field(default_factory=list)  # 7 printed values ('' when blank)


@dataclass
class T3Table:
    note: str  # （本列数据的勾稽关系为：…）
    results_label: str  # 三、本年度办理结果
    columns: list[str]  # 自然人, 商业企业, …, 其他, 总计
    rows: list[T3Row]

    @property
    def n_results(self) -> int:
        return sum(1 for r in self.rows if r.kind != "top")


@dataclass
class T4Table:
    groups: list[str]  # 行政复议, 未经复议直接起诉, 复议后起诉
    columns: list[str]  # 结果维持 … 总计
    values: list[str]  # 15 printed values ('' when blank)


@dataclass
class Signature:
    lines: list[str]


Element = Title | Heading | Para | T2Table | T3Table | T4Table | Signature


# ---------------------------------------------------------------- printing numbers


def fmt_number(v: Number | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


# ---------------------------------------------------------------- label style


_CN_NUM = "一二三四五六七八九十"


@dataclass
class LabelStyle:
    """Per-report typographic choices."""

    half_brackets: bool = False  # (一) instead of （一）
    bracket_space: bool = False  # "(一) 予以公开"
    leaf_sep: str = "."  # 1. / 1、 / "1. "
    short_law: bool = False  # 2.其他法律法规禁止公开 (seed 001)
    short_confirm: bool = False  # 5.要求行政机关确认或重新出具 (seed 001)
    year_space: bool = False  # "2021 年" (seeds 000/001/004)
    dash_one: bool = False  # "—、总体情况" (seed 000)
    fee_unit: str = "本年收费金额（单位：万元）"
    t4_title: str = "四、政府信息公开行政复议、行政诉讼情况"
    t5_title: str = "五、存在的主要问题及改进情况"
    item_space: bool = False  # 第二十条 第（一）项

    @classmethod
    def random(cls, rng: random.Random) -> LabelStyle:
        half = rng.random() < 0.35
        return cls(
            half_brackets=half,
            bracket_space=half and rng.random() < 0.6,
            leaf_sep=rng.choice([".", ".", ".", "、", ". "]),
            short_law=rng.random() < 0.15,
            short_confirm=rng.random() < 0.1,
            year_space=rng.random() < 0.4,
            dash_one=rng.random() < 0.08,
            fee_unit=rng.choice(["本年收费金额（单位：万元）"] * 4 + ["本年收费金额（单位：万元，保留4位小数）",
                                                             "本年收费金额(单位:万元)"]),
            t4_title=rng.choice(["四、政府信息公开行政复议、行政诉讼情况"] * 3
                                + ["四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"]),
            t5_title=rng.choice(["五、存在的主要问题及改进情况"] * 3 + ["五、政府信息公开工作存在的主要问题及改进情况"]),
            item_space=rng.random() < 0.3,
        )

    def br(self, n: str) -> str:
        """（一） in this report's bracket style, with the trailing space if any."""
        if self.half_brackets:
            return f"({n})" + (" " if self.bracket_space else "")
        return f"（{n}）"

    def year(self, y: int) -> str:
        return f"{y} 年" if self.year_space else f"{y}年"

    def item(self, n: str) -> str:
        b = f"({n})" if self.half_brackets else f"（{n}）"
        return f"第二十条 第{b}项" if self.item_space else f"第二十条第{b}项"


# 表三 printed wording (2021 template), by row key.
_LEAF_WORDING = {
    "withheld_secret": "属于国家秘密",
    "withheld_law": "其他法律行政法规禁止公开",
    "withheld_safety": "危及“三安全一稳定”",
    "withheld_third_party": "保护第三方合法权益",
    "withheld_internal": "属于三类内部事务信息",
    "withheld_process": "属于四类过程性信息",
    "withheld_enforcement": "属于行政执法案卷",
    "withheld_inquiry": "属于行政查询事项",
    "unable_not_held": "本机关不掌握相关政府信息",
    "unable_need_create": "没有现成信息需要另行制作",
    "unable_unclear": "补正后申请内容仍不明确",
    "not_handled_petition": "信访举报投诉类申请",
    "not_handled_repeat": "重复申请",
    "not_handled_publication": "要求提供公开出版物",
    "not_handled_mass": "无正当理由大量反复申请",
    "not_handled_confirm": "要求行政机关确认或重新出具已获取信息",
    "other_overdue": "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_fee": "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "其他",
}
_GROUP_WORDING = {
    "open": ("一", "予以公开"),
    "partial": ("二", "部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "withheld": ("三", "不予公开"),
    "unable": ("四", "无法提供"),
    "not_handled": ("五", "不予处理"),
    "other": ("六", "其他处理"),
    "total": ("七", "总计"),
}


def t3_printed_rows(style: LabelStyle, single_other: bool, values: dict[str, list[str]]) -> list[T3Row]:
    """表三's rows as printed, with this report's label variants."""
    rows: list[T3Row] = []
    specs = t3_rows(single_other)
    # group sizes
    sizes: dict[str, int] = {}
    for r in specs:
        if r.group:
            sizes[r.group] = sizes.get(r.group, 0) + 1
    leaf_no: dict[str, int] = {}
    seen_group: set[str] = set()
    for r in specs:
        vals = values[r.key]
        if r.key in ("new", "carried", "forward"):
            rows.append(T3Row(r.key, "top", top=r.label, values=vals))
            continue
        if r.key == "total":
            n, w = _GROUP_WORDING["total"]
            rows.append(T3Row(r.key, "group", group=style.br(n) + w, values=vals))
            continue
        g = r.group or ""
        n, w = _GROUP_WORDING[g]
        if style.half_brackets and g == "partial":
            w = "部分公开(区分处理的，只计这一情形，不计其他情形)"
        glabel = style.br(n) + w
        if sizes[g] == 1:  # 予以公开, 部分公开, single （六）其他处理
            rows.append(T3Row(r.key, "group", group=glabel, values=vals))
            continue
        leaf_no[g] = leaf_no.get(g, 0) + 1
        wording = _LEAF_WORDING[r.key]
        if r.key == "withheld_law" and style.short_law:
            wording = "其他法律法规禁止公开"
        if r.key == "not_handled_confirm" and style.short_confirm:
            wording = "要求行政机关确认或重新出具"
        first = g not in seen_group
        seen_group.add(g)
        rows.append(T3Row(r.key, "leaf", group=glabel, leaf=f"{leaf_no[g]}{style.leaf_sep}{wording}",
                          first_in_group=first, last_in_group=leaf_no[g] == sizes[g], group_size=sizes[g],
                          values=vals))
    return rows


def t3_table(style: LabelStyle, single_other: bool, values: dict[str, list[str]]) -> T3Table:
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    if style.half_brackets:
        note = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"
    return T3Table(note=note, results_label="三、本年度办理结果", columns=[c.label for c in T3_COLUMNS],
                   rows=t3_printed_rows(style, single_other, values))


def t4_table(values: list[str]) -> T4Table:
    return T4Table(groups=["行政复议", "未经复议直接起诉", "复议后起诉"], columns=[c.label for c in T4_COLUMNS],
                   values=values)


_T2_ROW_LABEL_2019 = {"normative": "规范性文件"}


def t2_table(style: LabelStyle, styles: dict[str, str], values: dict[tuple[str, str], str],
             extra: dict[str, list[str]]) -> T2Table:
    blocks: list[T2Block] = []
    for it in T2_ITEMS:
        st = styles[it.item]
        cols = it.columns_2019 if st == "2019" else it.columns_2021
        header = ["信息内容"]
        for c in cols:
            header.append(style.fee_unit if c.key == "amount" else c.label)
        rows: list[tuple[str, list[str]]] = []
        for r in it.rows:
            label = _T2_ROW_LABEL_2019.get(r.key, r.label) if st == "2019" else r.label
            rows.append((label, [values[(r.key, c.key)] for c in cols]))
        if it.item == "（五）" and "其他对外管理服务事项" in extra:
            rows.append(("其他对外管理服务事项", extra["其他对外管理服务事项"]))
        blocks.append(T2Block(style.item(it.item[1:-1]), header, rows))
        if it.item == "（八）" and "政府集中采购" in extra:
            blocks.append(T2Block(style.item("九"), ["信息内容", "采购项目数量", "采购总金额"],
                                  [("政府集中采购", extra["政府集中采购"])]))
    return T2Table(blocks)


T4_GROUP_KEYS = tuple(g.key for g in T4_GROUPS)
T4_COL_KEYS = tuple(c.key for c in T4_COLUMNS)


# ---------------------------------------------------------------- tables as grids (HTML semantics)


@dataclass
class GCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False  # a label cell (vs a value cell)


@dataclass
class Grid:
    n_cols: int
    rows: list[list[GCell]]  # each row lists the cells that start in it, left to right

    def placed(self) -> list[tuple[int, int, GCell]]:
        """(row, col, cell) of every cell, resolving row/col spans like an HTML table."""
        taken: set[tuple[int, int]] = set()
        out: list[tuple[int, int, GCell]] = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                out.append((r, c, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken.add((r + dr, c + dc))
                c += cell.colspan
        return out


def _v(text: str) -> GCell:
    return GCell(text)


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> GCell:
    return GCell(text, rowspan, colspan, header=True)


def grid_t2(t: T2Table) -> Grid:
    rows: list[list[GCell]] = []
    for b in t.blocks:
        rows.append([_h(b.item_label, colspan=4)])
        rows.append([_h(x) for x in b.header[:-1]] + [_h(b.header[-1], colspan=5 - len(b.header))])
        for lab, vals in b.rows:
            cells = [_h(lab)] + [_v(x) for x in vals]
            cells[-1].colspan = 5 - len(cells)
            rows.append(cells)
    return Grid(4, rows)


def grid_t3(t: T3Table) -> Grid:
    c = t.columns
    rows: list[list[GCell]] = [
        [_h(t.note, rowspan=3, colspan=3), _h("申请人情况", colspan=7)],
        [_h(c[0], rowspan=2), _h("法人或其他组织", colspan=5), _h(c[6], rowspan=2)],
        [_h(x) for x in c[1:6]],
    ]
    first_result = True
    for r in t.rows:
        cells: list[GCell] = []
        if r.kind == "top":
            cells.append(_h(r.top, colspan=3))
        else:
            if first_result:
                cells.append(_h(t.results_label, rowspan=t.n_results))
                first_result = False
            if r.kind == "group":
                cells.append(_h(r.group, colspan=2))
            else:
                if r.first_in_group:
                    cells.append(_h(r.group, rowspan=r.group_size))
                cells.append(_h(r.leaf))
        cells += [_v(x) for x in r.values]
        rows.append(cells)
    return Grid(10, rows)


def grid_t4(t: T4Table) -> Grid:
    rows = [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [_h(x, rowspan=2) for x in t.columns] + [_h(t.groups[1], colspan=5), _h(t.groups[2], colspan=5)],
        [_h(x) for x in t.columns * 2],
        [_v(x) for x in t.values],
    ]
    return Grid(15, rows)


def grid_of(el) -> Grid:
    if isinstance(el, T2Table):
        return grid_t2(el)
    if isinstance(el, T3Table):
        return grid_t3(el)
    if isinstance(el, T4Table):
        return grid_t4(el)
    raise TypeError(type(el).__name__)
