"""Every rule of the audit catalogue on reports built from hand-written cells: pass, fail, cannot check."""

from __future__ import annotations

import pytest

from ingest.audit import RULES, Verdict, findings_for
from ingest.models import CellState, Section
from tests.ingest.audit_helpers import report, sections, t2_cells, t3_cells, t4_cells


def verdicts(rep, rule, others=()):
    return [(f.verdict, f.subject) for f in findings_for(rep, others) if f.rule == rule]


def only(rep, rule, verdict, others=()):
    return [f for f in findings_for(rep, others) if f.rule == rule and f.verdict is verdict]


def test_catalogue_has_ids_descriptions_and_reads():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for r in RULES:
        assert r.description and r.reads and any("\u4e00" <= ch <= "\u9fff" for ch in r.description)
    assert {"t3.results_total", "t3.balance", "t3.row_total", "t4.total", "t2.counts", "t2.in_force_carry",
            "cross.carried", "narrative.t3_new", "narrative.t4_litigation", "table.blank", "section.order",
            "section.part5_empty", "text.year"} <= set(ids)


# ---------------------------------------------------------------- 表三


def good_t3(single_other=False):
    """New 10 (自然人 8, 商业企业 2), carried 1, done 9 (公开 5, 部分公开 2, 不掌握 1, 其他 1), forward 2."""
    other = "other" if single_other else "other_other"
    return {"new": [8, 2, 0, 0, 0, 0, 10], "carried": [1, 0, 0, 0, 0, 0, 1], "open": [4, 1, 0, 0, 0, 0, 5],
            "partial": [1, 1, 0, 0, 0, 0, 2], "unable_not_held": [1, 0, 0, 0, 0, 0, 1], other: [1, 0, 0, 0, 0, 0, 1],
            "total": [7, 2, 0, 0, 0, 0, 9], "forward": [2, 0, 0, 0, 0, 0, 2]}


@pytest.mark.parametrize("single_other", [False, True])
def test_t3_rules_pass_on_consistent_table(single_other):
    rep = report(t3=t3_cells(good_t3(single_other), single_other=single_other))
    for rule in ("t3.results_total", "t3.balance", "t3.row_total"):
        got = findings_for(rep)
        vs = {f.verdict for f in got if f.rule == rule}
        assert vs == {Verdict.passed}, (rule, [f.detail for f in got if f.rule == rule])


def test_t3_column_sum_fails_on_one_column_with_its_cells():
    g = good_t3()
    g["partial"] = [1, 1, 0, 0, 0, 0, 3]  # 总计 column: parts 5+3+1+1 = 10, printed total 9
    g["partial"][6] = 3
    rep = report(t3=t3_cells(g))
    bad = only(rep, "t3.results_total", Verdict.failed)
    assert [f.subject for f in bad] == ["「总计」列"]
    assert "10" in bad[0].detail and "9" in bad[0].detail
    assert {(e.row, e.column) for e in bad[0].evidence} >= {("partial", "total"), ("total", "total")}
    assert all(e.kind == "cell" and e.page == 3 and e.quote for e in bad[0].evidence)
    # the other six columns pass, as one finding
    passed = only(rep, "t3.results_total", Verdict.passed)
    assert len(passed) == 1 and passed[0].subject == "6 项"
    # and the row of 部分公开 no longer adds up: 1 + 1 ≠ 3
    rows = only(rep, "t3.row_total", Verdict.failed)
    assert [f.subject for f in rows] == ["「三、本年度办理结果（二）部分公开」行"]


def test_t3_balance_fails_when_forward_is_wrong():
    g = good_t3()
    g["forward"] = [3, 0, 0, 0, 0, 0, 3]  # 8+1 ≠ 7+3
    bad = only(report(t3=t3_cells(g)), "t3.balance", Verdict.failed)
    assert {f.subject for f in bad} == {"「自然人」列", "「总计」列"}
    f = next(f for f in bad if f.subject == "「总计」列")
    assert "一（10）+ 二（1）= 11" in f.detail and "三（七）总计（9）+ 四（3）= 12" in f.detail
    assert [e.row for e in f.evidence] == ["new", "carried", "total", "forward"]


def test_blank_t3_is_never_a_pass():
    rep = report(t3=t3_cells(blank=True))
    for rule in ("t3.results_total", "t3.balance", "t3.row_total"):
        fs = [f for f in findings_for(rep) if f.rule == rule]
        assert [f.verdict for f in fs] == [Verdict.unknown], rule
        assert "未填报" in fs[0].detail and fs[0].evidence
    assert [f.verdict for f in findings_for(rep) if f.rule == "table.blank" and f.table == "表三"] == [Verdict.failed]


def _states():
    out = [CellState.blank]
    if (unread := getattr(CellState, "unread", None)) is not None:
        out.append(unread)
    return out


@pytest.mark.parametrize("state", [*_states(), "missing"])
def test_one_unreadable_cell_makes_its_column_and_row_unknown(state):
    cells = t3_cells(good_t3())
    target = next(c for c in cells if c.row == "open" and c.column == "commercial")
    if state == "missing":
        cells.remove(target)
    else:
        cells[cells.index(target)] = target.model_copy(update={"state": state, "value": None})
    rep = report(t3=cells)
    col = only(rep, "t3.results_total", Verdict.unknown)
    assert [f.subject for f in col] == ["「商业企业」列"] and "无法核对" in col[0].detail
    row = only(rep, "t3.row_total", Verdict.unknown)
    assert [f.subject for f in row] == ["「三、本年度办理结果（一）予以公开」行"]
    assert not only(rep, "t3.results_total", Verdict.failed)


# ---------------------------------------------------------------- 表四


def test_t4_group_totals():
    rep = report(t4=t4_cells({"review": [1, 0, 0, 0, 0], "direct": [2, 1, 0, 1, 4]}))
    bad = only(rep, "t4.total", Verdict.failed)
    assert [f.subject for f in bad] == ["「行政复议」"]
    assert "合计 1" in bad[0].detail and "总计印为 0" in bad[0].detail
    assert [e.column for e in bad[0].evidence] == ["upheld", "corrected", "other", "pending", "total"]
    assert [f.subject for f in only(rep, "t4.total", Verdict.passed)] == ["「行政诉讼 未经复议直接起诉」",
                                                                          "「行政诉讼 复议后起诉」"]
    blank = report(t4=t4_cells(blank=True))
    assert [f.verdict for f in findings_for(blank) if f.rule == "t4.total"] == [Verdict.unknown]


# ---------------------------------------------------------------- 表二


def test_t2_counts_are_non_negative_integers():
    rep = report(t2=t2_cells({("normative", "issued"): -1, ("licensing", "decisions"): 2.5,
                              ("fees", "amount"): 12.34}))
    bad = only(rep, "t2.counts", Verdict.failed)
    assert {f.subject for f in bad} == {"「行政规范性文件」「本年制发件数」", "「行政许可」「本年处理决定数量」"}
    assert not any("收费" in f.subject for f in bad)  # money is not a count


def test_t2_in_force_follows_last_year():
    last = report(year=2023, source="a.txt", t2=t2_cells({("normative", "in_force"): 5}))
    now = report(year=2024, source="b.txt", t2=t2_cells({("normative", "issued"): 3, ("normative", "repealed"): 1,
                                                         ("normative", "in_force"): 7}))
    got = findings_for(now, [last])
    norm = [f for f in got if f.rule == "t2.in_force_carry" and "规范性文件" in f.subject]
    assert [f.verdict for f in norm] == [Verdict.passed] and "5 + 2024年制发 3 − 废止 1 = 7" in norm[0].detail
    wrong = now.model_copy(update={"cells": [c.model_copy(update={"value": 9}) if (c.row, c.column) == (
        "normative", "in_force") else c for c in now.cells]})
    bad = only(wrong, "t2.in_force_carry", Verdict.failed, [last])
    assert len(bad) == 1 and "印为 9" in bad[0].detail
    assert {e.year for e in bad[0].evidence} == {2023, 2024}
    # no report of last year: the rule does not apply, no verdict at all
    assert not [f for f in findings_for(now) if f.rule == "t2.in_force_carry"]
    # another agency's report of last year is not last year's report
    other = last.model_copy(update={"agency": "别的县人民政府"})
    assert not [f for f in findings_for(now, [other]) if f.rule == "t2.in_force_carry"]


def test_t2_in_force_against_a_2019_template_report_cannot_be_checked():
    from ingest.models import TableCell

    old_cells = [TableCell(table="表二", row="normative", row_label="规范性文件", column=k, column_label=k, value=v)
                 for k, v in (("made", 6), ("published", 4), ("public_total", 11))]
    last = report(year=2020, source="a.txt", t2=old_cells).model_copy(update={"template": "2019"})
    now = report(year=2021, source="b.txt")
    got = [f for f in findings_for(now, [last]) if f.rule == "t2.in_force_carry"]
    assert got and all(f.verdict is Verdict.unknown for f in got) and "2019" in got[0].detail


# ---------------------------------------------------------------- across years


def test_carried_equals_last_years_forward():
    g = good_t3()
    last = report(year=2023, source="a.txt", t3=t3_cells({**g, "forward": [1, 0, 0, 0, 0, 0, 1]}))
    now = report(year=2024, source="b.txt", t3=t3_cells(g))
    assert {f.verdict for f in findings_for(now, [last]) if f.rule == "cross.carried"} == {Verdict.passed}
    last2 = report(year=2023, source="a.txt", t3=t3_cells({**g, "forward": [0, 2, 0, 0, 0, 0, 2]}))
    bad = only(now, "cross.carried", Verdict.failed, [last2])
    assert {f.subject for f in bad} == {"「自然人」列", "「商业企业」列", "「总计」列"}
    tot = next(f for f in bad if f.subject == "「总计」列")
    assert "2024年「上年结转」为 1" in tot.detail and "2023年报告「结转下年度继续办理」为 2" in tot.detail
    assert [(e.year, e.row) for e in tot.evidence] == [(2024, "carried"), (2023, "forward")]
    blank_last = report(year=2023, source="a.txt", t3=t3_cells(blank=True))
    assert [f.verdict for f in findings_for(now, [blank_last]) if f.rule == "cross.carried"] == [Verdict.unknown]


# ---------------------------------------------------------------- narrative


@pytest.mark.parametrize("text,rule,number", [
    ("2024年，本机关共收到政府信息公开申请12件，均按时答复。", "narrative.t3_new", 12),
    ("全年受理各类信息公开申请 12 件。", "narrative.t3_new", 12),
    ("本年度办结政府信息公开申请8件。", "narrative.t3_closed", 8),
    ("另有3件申请结转下年度继续办理。", "narrative.t3_forward", 3),
    ("发生政府信息公开行政复议2起。", "narrative.t4_review", 2),
    ("政府信息公开行政诉讼5件，其中结果维持4件。", "narrative.t4_litigation", 5),
    ("截至2024年底，现行有效行政规范性文件40件。", "narrative.t2_in_force", 40),
    ("本年度共收到公民、法人和其他组织提出的政府信息公开申请12件。", "narrative.t3_new", 12),
    ("因政府信息公开引发行政复议2起、行政诉讼5起。", "narrative.t4_review", 2),
    ("因政府信息公开引发行政复议2起、行政诉讼5起。", "narrative.t4_litigation", 5),
])
def test_narrative_numbers_are_compared_with_their_cells(text, rule, number):
    g = good_t3()
    secs = sections({"一": text})
    rep = report(t3=t3_cells(g), t4=t4_cells({"direct": [1, 0, 0, 0, 1]}), secs=secs)
    fs = [f for f in findings_for(rep) if f.rule == rule]
    assert len(fs) == 1, [f.detail for f in findings_for(rep) if f.rule.startswith("narrative")]
    f = fs[0]
    assert f.verdict is Verdict.notice and f.severity == "warning" and str(number) in f.detail
    text_ev = [e for e in f.evidence if e.kind == "text"]
    assert len(text_ev) == 1 and text_ev[0].quote == text and text_ev[0].section == secs[0].path
    assert [e for e in f.evidence if e.kind == "cell"]


def test_narrative_number_that_agrees_passes_and_a_blank_table_cannot_be_checked():
    secs = sections({"一": "本年共受理政府信息公开申请10件，办结9件。"})
    rep = report(t3=t3_cells(good_t3()), secs=secs)
    got = {f.rule: f.verdict for f in findings_for(rep) if f.rule.startswith("narrative")}
    assert got == {"narrative.t3_new": Verdict.passed, "narrative.t3_closed": Verdict.passed}
    blank = report(t3=t3_cells(blank=True), secs=secs)
    got = {f.rule: f.verdict for f in findings_for(blank) if f.rule.startswith("narrative")}
    assert got == {"narrative.t3_new": Verdict.unknown, "narrative.t3_closed": Verdict.unknown}


def test_years_and_other_numbers_are_not_claims():
    secs = sections({"一": "2024年，我局严格执行《条例》第20条，收到群众来信3封。依申请公开工作有序开展。"})
    rep = report(secs=secs)
    assert not [f for f in findings_for(rep) if f.rule.startswith("narrative")]


# ---------------------------------------------------------------- template compliance


def test_missing_section_and_order_and_empty_part_five():
    secs = sections({"五": ""}, order="一二四三五")
    rep = report(secs=secs)
    f = {r: [x for x in findings_for(rep) if x.rule == r] for r in ("section.missing", "section.order",
                                                                    "section.part5_empty")}
    assert [x.verdict for x in f["section.missing"]] == [Verdict.failed] and "六、" in f["section.missing"][0].detail
    assert [x.verdict for x in f["section.order"]] == [Verdict.failed]
    assert [x.verdict for x in f["section.part5_empty"]] == [Verdict.failed]
    ok = report()
    assert all(x.verdict is Verdict.passed for x in findings_for(ok) if x.rule.startswith("section."))


def test_missing_table():
    rep = report(t4=[])
    bad = only(rep, "table.missing", Verdict.failed)
    assert [f.table for f in bad] == ["表四"]
    assert [f.verdict for f in findings_for(rep) if f.rule == "t4.total"] == [Verdict.unknown]


@pytest.mark.parametrize("text,bad", [
    ("报告中所列数据统计期限自2023年1月1日起至2023年12月31日止。", True),
    ("截至2025年12月31日，本机关共有规范性文件40件。", True),
    ("报告中所列数据统计期限自2024年1月1日起至2024年12月31日止。", False),
    ("2025年，我们将进一步加强政务公开工作。", False),  # plans for next year are not 本年
])
def test_report_year_against_the_year_the_text_calls_this_year(text, bad):
    rep = report(year=2024, secs=[Section(number="", title="", path="前言", text=text), *sections()])
    got = [f for f in findings_for(rep) if f.rule == "text.year"]
    assert [f.verdict for f in got] == ([Verdict.failed] if bad else [Verdict.passed])
    if bad:
        assert got[0].evidence[0].quote == text


def test_opening_of_part_one_names_the_year():
    rep = report(year=2024, secs=sections({"一": "2023年，区政府坚持以习近平新时代中国特色社会主义思想为指导。"}))
    assert [f.verdict for f in findings_for(rep) if f.rule == "text.year"] == [Verdict.failed]


# ---------------------------------------------------------------- parent = Σ children


def test_parent_equals_sum_of_children(tmp_path):
    from ingest.audit import load_parent_map

    csv = tmp_path / "map.csv"
    csv.write_text("上级,下级\n测试市人民政府,甲县人民政府\n测试市人民政府,乙县人民政府\n", encoding="utf-8")
    parents = load_parent_map(csv)
    assert parents == {"测试市人民政府": ["甲县人民政府", "乙县人民政府"]}
    a = report(agency="甲县人民政府", source="a.txt", t3=t3_cells({"new": [1, 0, 0, 0, 0, 0, 1],
                                                                 "forward": [1, 0, 0, 0, 0, 0, 1]}))
    b = report(agency="乙县人民政府", source="b.txt", t3=t3_cells({"new": [2, 0, 0, 0, 0, 0, 2],
                                                                 "forward": [2, 0, 0, 0, 0, 0, 2]}))
    good = report(source="p.txt", t3=t3_cells({"new": [3, 0, 0, 0, 0, 0, 3], "forward": [3, 0, 0, 0, 0, 0, 3]}))
    got = [f for f in findings_for(good, [a, b], parents=parents) if f.rule == "parent.sum"]
    assert {f.verdict for f in got} == {Verdict.passed}
    bad = report(source="p.txt", t3=t3_cells({"new": [4, 0, 0, 0, 0, 0, 4], "forward": [4, 0, 0, 0, 0, 0, 4]}))
    got = [f for f in findings_for(bad, [a, b], parents=parents) if f.rule == "parent.sum" and f.table == "表三"]
    assert got[0].verdict is Verdict.failed and "4 ≠ 下级合计 3" in got[0].detail
    got = [f for f in findings_for(good, [a], parents=parents) if f.rule == "parent.sum"]
    assert [f.verdict for f in got] == [Verdict.unknown] and "乙县人民政府" in got[0].detail
