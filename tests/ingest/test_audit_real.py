"""The audit on real layouts: the three PDFs and five seeds (parsed), and the real HTML reports of
../shared/corpus/real built from the cells a person read off the markup (tests/fixtures/real)."""

from __future__ import annotations

import json

import pytest

from ingest.audit import Verdict, audit_reports, findings_for
from ingest.models import CellState, Report, Section, TableCell
from ingest.template import T2_ITEMS, T3_COLUMNS, T3_ROW_BY_KEY, T4_COLUMNS, T4_GROUPS
from tests.conftest import FIXTURES, SHARED


@pytest.fixture(scope="module")
def pdfs(raw_dir) -> dict[str, Report]:
    from ingest.parse import parse_file

    return {p.stem: parse_file(p) for p in sorted(raw_dir.glob("*.pdf"))}


@pytest.fixture(scope="module")
def seeds(seeds_dir) -> dict[str, Report]:
    from ingest.parse import parse_file

    return {p.name[:3]: parse_file(p) for p in sorted(seeds_dir.glob("*.txt"))}


def by(findings, rule, verdict=None):
    return [f for f in findings if f.rule == rule and (verdict is None or f.verdict is verdict)]


ARITHMETIC = ("t3.results_total", "t3.balance", "t3.row_total", "t4.total", "t2.counts")


@pytest.mark.parametrize("stem", ["szfgs2024", "hzq2024_working"])
def test_pdfs_that_add_up_pass_every_arithmetic_rule(pdfs, stem):
    got = findings_for(pdfs[stem])
    for rule in ARITHMETIC:
        fs = by(got, rule)
        assert fs and {f.verdict for f in fs} == {Verdict.passed}, (rule, [f.detail for f in fs])


def test_hongze_2023_table4_review_is_flagged_with_its_cells(pdfs):
    got = findings_for(pdfs["hzq2023_working"])
    bad = by(got, "t4.total", Verdict.failed)
    review = [f for f in bad if f.subject == "「行政复议」"]
    assert len(review) == 1
    f = review[0]
    assert "合计 11" in f.detail and "总计印为 0" in f.detail and f.severity == "error"
    # the cells it compared, as printed (page 4 of the PDF: 结果维持 10, 结果纠正 1, 其他 0, 尚未审结 0, 总计 0)
    assert [(e.column, e.value) for e in f.evidence] == [("upheld", 10), ("corrected", 1), ("other", 0),
                                                         ("pending", 0), ("total", 0)]
    assert all(e.kind == "cell" and e.page and e.quote and e.source == "hzq2023_working.pdf" for e in f.evidence)
    # 表三 of the same report adds up
    assert {f.verdict for f in by(got, "t3.results_total")} == {Verdict.passed}


def test_hongze_2024_narrative_17_against_table_95_is_a_notice_with_both_quotes(pdfs):
    fs = by(findings_for(pdfs["hzq2024_working"]), "narrative.t3_new")
    assert [f.verdict for f in fs] == [Verdict.notice]
    text = [e for e in fs[0].evidence if e.kind == "text"]
    cells = [e for e in fs[0].evidence if e.kind == "cell"]
    assert "受理政府信息公开申请17件" in text[0].quote and text[0].section.startswith("一、总体情况")
    assert [(c.row, c.column, c.value) for c in cells] == [("new", "total", 95)]


def test_huaian_2024_narrative_numbers_agree_with_tables(pdfs):
    # the text of 一（二）: 受理 3119, 答复 3050, 上年度结转 34, 顺延到下年度 103, 行政复议 351, 行政诉讼 46
    got = {f.rule: f for f in findings_for(pdfs["szfgs2024"]) if f.rule.startswith("narrative.")}
    assert set(got) == {"narrative.t3_new", "narrative.t3_closed", "narrative.t3_carried", "narrative.t3_forward",
                        "narrative.t4_review", "narrative.t4_litigation"}
    assert {f.verdict for f in got.values()} == {Verdict.passed}
    lit = got["narrative.t4_litigation"]
    assert sorted(e.row for e in lit.evidence if e.kind == "cell") == ["after_review", "direct"]


def test_blank_seed_table_is_cannot_check_not_consistent(seeds):
    got = findings_for(seeds["003"])
    for rule in ("t3.results_total", "t3.balance", "t3.row_total", "t4.total"):
        assert [f.verdict for f in by(got, rule)] == [Verdict.unknown], rule
    assert not [f for f in got if f.table in ("表三", "表四") and f.verdict is Verdict.passed and f.rule != "table.missing"]
    assert {f.table for f in by(got, "table.blank", Verdict.failed)} == {"表三", "表四"}


def test_seeds_with_zero_tables_pass_and_keep_report_findings(seeds):
    for k in ("000", "001", "002", "004"):
        got = findings_for(seeds[k])
        assert not [f for f in got if f.verdict is Verdict.failed], k
    assert {f.rule for f in seeds["003"].findings if f.table in ("表三", "表四")} == {"table.blank"}


def test_cross_year_hongze_2023_to_2024(pdfs):
    """PDF text read by hand: 2023 四、结转下年度 0 in every column, 2024 二、上年结转 0;
    行政规范性文件 2023 现行有效 5, 2024 制发 3 废止 0 现行有效 8 (5 + 3 − 0 = 8)."""
    r23, r24 = pdfs["hzq2023_working"], pdfs["hzq2024_working"]
    got = findings_for(r24, [r23, pdfs["szfgs2024"]])
    carried = by(got, "cross.carried")
    assert carried and {f.verdict for f in carried} == {Verdict.passed}
    years = {e.year for f in carried for e in f.evidence}
    assert years == {2023, 2024}
    norm = [f for f in by(got, "t2.in_force_carry") if "规范性文件" in f.subject]
    assert [f.verdict for f in norm] == [Verdict.passed] and "5 + 2024年制发 3 − 废止 0 = 8" in norm[0].detail
    # the 2023 report has no earlier report: the cross-year rules do not apply
    assert not by(findings_for(r23, [r24]), "cross.carried")
    # 淮安市 is another agency: not last year's report of 洪泽区
    assert not by(findings_for(r24, [pdfs["szfgs2024"]]), "cross.carried")


# ---------------------------------------------------------------- real HTML, cells read by a person


def fixture_report(name: str, texts: dict[str, str] | None = None) -> Report:
    """A Report holding the cells a person read off ../shared/corpus/real/<name>.html."""
    fx = json.loads((FIXTURES / "real" / f"{name}.json").read_text(encoding="utf-8"))
    cells: list[TableCell] = []

    def add(table, row, row_label, col, col_label, v):
        st = CellState.number if v is not None else CellState.blank
        cells.append(TableCell(table=table, row=row, row_label=row_label, column=col, column_label=col_label,
                               value=v, state=st, quote=f"{row_label} {v}"))

    t2_cols = {c.key: c.label for it in T2_ITEMS for c in (*it.columns_2021, *it.columns_2019)}
    t2_rows = {r.key: r.label for it in T2_ITEMS for r in it.rows}
    for row, cols in fx["table2"].items():
        for col, v in cols.items():
            add("表二", row, t2_rows.get(row, row), col, t2_cols.get(col, col), v)
    for row, vals in fx["table3"].items():
        for c, v in zip(T3_COLUMNS, vals, strict=True):
            add("表三", row, T3_ROW_BY_KEY[row].label, c.key, c.label, v)
    groups = {g.key: g.label for g in T4_GROUPS}
    for grp, vals in fx["table4"].items():
        for c, v in zip(T4_COLUMNS, vals, strict=True):
            add("表四", grp, groups[grp], c.key, c.label, v)
    secs = [Section(number=n, title=f"{n}、", path=f"{n}、", text=(texts or {}).get(n, "正文内容，不是空的部分。"))
            for n in "一二三四五六"]
    return Report(agency=fx["agency"], agency_variants=fx.get("agency_variants", []), year=fx["year"],
                  source=fx["file"], sha256=fx["file"], template=fx.get("template", "2021"), cells=cells,
                  sections=secs)


@pytest.fixture(scope="module")
def real_fixtures():
    if not (SHARED / "corpus" / "real").exists():
        pytest.skip(f"shared corpus not found at {SHARED / 'corpus' / 'real'}")
    return FIXTURES / "real"


def test_zrz_2023_partial_row_8_plus_1_is_not_8(real_fixtures):
    got = findings_for(fixture_report("zrz_2023"))
    rows = by(got, "t3.row_total", Verdict.failed)
    subjects = {f.subject for f in rows}
    assert "「三、本年度办理结果（二）部分公开」行" in subjects and "「三、本年度办理结果（七）总计」行" in subjects
    f = next(f for f in rows if "部分公开" in f.subject)
    assert "六类申请人之和为 9" in f.detail and "为 8" in f.detail
    # 商业企业: 0 new + 0 carried, yet 1 result
    bal = by(got, "t3.balance", Verdict.failed)
    assert [f.subject for f in bal] == ["「商业企业」列"]


def test_hzs_2024_table4_review_upheld_1_total_0(real_fixtures):
    got = findings_for(fixture_report("hzs_2024"))
    bad = by(got, "t4.total", Verdict.failed)
    assert [f.subject for f in bad] == ["「行政复议」"] and "合计 1" in bad[0].detail and "总计印为 0" in bad[0].detail


def test_gyz_2023_narrative_16_against_an_all_zero_table3(real_fixtures):
    # the sentences as printed in 一（三） and 一（四） of gyz_2023.html
    texts = {"一": "主动公开政府信息16条，依申请公开信息数16条，财政预决算信息2条。2023年,我局未收到过信息公开申请。"}
    got = findings_for(fixture_report("gyz_2023", texts))
    fs = by(got, "narrative.t3_new")
    assert [f.verdict for f in fs] == [Verdict.notice]
    assert "16" in fs[0].detail and "为 0" in fs[0].detail and "口径可能不同" in fs[0].detail
    assert fs[0].severity == "warning"
    assert {f.verdict for f in by(got, "t3.results_total")} == {Verdict.passed}


def test_jjp_2022_one_blank_forward_cell(real_fixtures):
    got = findings_for(fixture_report("jjp_2022"))
    unknown = by(got, "t3.balance", Verdict.unknown)
    assert [f.subject for f in unknown] == ["「商业企业」列"]
    assert by(got, "table.partly_blank", Verdict.failed)[0].table == "表三"


def test_cross_year_hzs_2023_to_2024(real_fixtures):
    """行政审批局: 2023 结转下年度 0 → 2024 上年结转 0 (通过); 规范性文件 2023 现行有效 16, 2024 制发 15 废止 6,
    现行有效 21 ≠ 16 + 15 − 6 = 25 (不通过, as printed)."""
    r23, r24 = fixture_report("hzs_2023"), fixture_report("hzs_2024")
    got = findings_for(r24, [r23])
    assert {f.verdict for f in by(got, "cross.carried")} == {Verdict.passed}
    norm = [f for f in by(got, "t2.in_force_carry") if "规范性文件" in f.subject]
    assert [f.verdict for f in norm] == [Verdict.failed]
    assert "16 + 2024年制发 15 − 废止 6 = 25" in norm[0].detail and "印为 21" in norm[0].detail


def test_corpus_audit_runs_every_report_against_the_others(pdfs, seeds):
    reports = [*pdfs.values(), *seeds.values()]
    got = audit_reports(reports)
    assert {f.report_id for f in got} == {r.id for r in reports}
    assert by(got, "cross.carried") and all(f.year == 2024 for f in by(got, "cross.carried"))


# ---------------------------------------------------------------- real HTML, parsed
# Truth: tests/fixtures/real/*.json (cells read off the markup by a person) and ../shared/corpus/real/SOURCES.md.


@pytest.fixture(scope="module")
def html(real_fixtures) -> dict[str, Report]:
    from ingest.parse import parse_file

    real = SHARED / "corpus" / "real"
    return {p.stem: parse_file(p) for p in sorted(real.glob("*.html"))}


def test_parsed_zrz_2023_rows_that_do_not_add_up(html):
    got = findings_for(html["zrz_2023"])
    rows = {f.subject: f for f in by(got, "t3.row_total", Verdict.failed)}
    assert set(rows) == {"「三、本年度办理结果（二）部分公开」行", "「三、本年度办理结果（七）总计」行"}
    f = rows["「三、本年度办理结果（二）部分公开」行"]
    assert [(e.column, e.value) for e in f.evidence if e.value] == [("natural", 8), ("commercial", 1), ("total", 8)]
    assert all(e.quote for e in f.evidence)
    assert [f.subject for f in by(got, "t3.balance", Verdict.failed)] == ["「商业企业」列"]


def test_parsed_hzs_2024_review_group_and_cross_year_from_hzs_2023(html):
    r23, r24 = html["hzs_2023"], html["hzs_2024"]
    got = findings_for(r24, list(html.values()))
    assert [f.subject for f in by(got, "t4.total", Verdict.failed)] == ["「行政复议」"]
    # 上年结转 0 = 2023 结转下年度 0; 规范性文件 16 + 15 − 6 = 25, printed 21
    assert {f.verdict for f in by(got, "cross.carried")} == {Verdict.passed}
    norm = [f for f in by(got, "t2.in_force_carry") if "规范性文件" in f.subject]
    assert [f.verdict for f in norm] == [Verdict.failed] and "= 25" in norm[0].detail and "印为 21" in norm[0].detail
    assert {e.source for e in norm[0].evidence} == {r23.source, r24.source}
    # the narrative's 行政复议1起 against 表四 总计 0: a notice with the sentence
    review = by(got, "narrative.t4_review")
    assert [f.verdict for f in review] == [Verdict.notice]
    assert any("行政复议1起" in e.quote for e in review[0].evidence if e.kind == "text")
    # hzs_2023 itself is consistent
    assert not [f for f in findings_for(r23) if f.verdict is Verdict.failed]


def test_parsed_narrative_numbers_against_all_zero_tables(html):
    for stem, n in (("gyz_2023", 16), ("czj_2020_article", 182)):
        fs = by(findings_for(html[stem]), "narrative.t3_new", Verdict.notice)
        assert len(fs) == 1, stem
        assert f"（{n}）" in fs[0].detail and "为 0" in fs[0].detail and f"依申请公开信息数{n}条" in fs[0].detail
    # 海坛片区 and 金井片区 2021: all zero, and the text agrees (no applications): nothing to flag
    for stem in ("htp_2023", "jjp_2021_article"):
        assert not [f for f in findings_for(html[stem]) if f.verdict in (Verdict.failed, Verdict.notice)], stem


def test_parsed_jjp_2022_blank_cell_is_cannot_check(html):
    got = findings_for(html["jjp_2022"])
    assert [f.subject for f in by(got, "t3.balance", Verdict.unknown)] == ["「商业企业」列"]
    assert not by(got, "t3.balance", Verdict.failed)


def test_parsed_2019_template_reports_use_the_single_other_row(html):
    # scj_2020: 部分公开2 + （六）其他处理3 = 5 = （七）总计
    got = findings_for(html["scj_2020_article"])
    assert {f.verdict for f in by(got, "t3.results_total")} == {Verdict.passed}
    assert {f.verdict for f in by(got, "t3.row_total")} == {Verdict.passed}


def test_cell_findings_are_the_rules_over_an_answers_cells(pdfs):
    from ingest.audit.corpus import cell_findings

    r = pdfs["hzq2023_working"]
    got = findings_for(r)
    review_total = [r.cell("表四", "review", "total")]
    assert [f.subject for f in cell_findings(got, review_total, r.id)] == ["「行政复议」"]
    direct_total = [("表四", "direct", "total")]
    assert cell_findings(got, direct_total) == []  # 直接起诉 adds up: nothing to warn about
    assert cell_findings(got, review_total, "another report") == []
