"""Parse coverage: every report says how much of each table it read (cells found / expected, unread, source)."""

from __future__ import annotations

from ingest.parse import parse_file
from ingest.readers import read_document
from ingest.tables_parse import parse_tables
from tests.conftest import seed
from tests.ingest.tables_layouts import t3_html, t4_html, zero_t3


def _doc(tmp_path, html: str):
    p = tmp_path / "t.html"
    p.write_text(f"<html><head><title>t</title></head><body><p>正文</p>{html}</body></html>", "utf-8")
    return read_document(p)


def _cov(result) -> dict:
    return {c.table: (c.found, c.expected, c.unread, c.source) for c in result.coverage}


def test_whole_tables_from_grids(tmp_path):
    t4 = {"review": [1, 0, 0, 0, 1], "direct": [0] * 5, "after_review": [0] * 5}
    doc = _doc(tmp_path, t3_html(zero_t3()) + t4_html(t4))
    res = parse_tables(doc, doc.lines(), {}, "2021")
    assert res.t3_found
    cov = _cov(res)
    assert cov["表三"] == (175, 175, 0, "grid") and cov["表四"] == (15, 15, 0, "grid")
    assert cov["表二"][:2] == (0, 10) and cov["表二"][3] == "none"  # no 表二 at all is said, not hidden


def test_unread_cells_and_missing_rows_lower_the_coverage(tmp_path):
    v = zero_t3()
    v["open"] = [1, 0, 0, 0, 0, 0, "见附件"]
    doc = _doc(tmp_path, t3_html(v))
    res = parse_tables(doc, doc.lines(), {}, "2021")
    assert _cov(res)["表三"] == (174, 175, 1, "grid")
    cell = next(c for c in res.cells if c.row == "open" and c.column == "total")
    assert cell.state.value == "unread" and cell.value is None and cell.display_value() == "未能读取"
    # a row not printed at all: its 7 cells are missing, and the warning names it
    html = t3_html(zero_t3())
    start = html.index("<tr><td>5.属于三类内部事务信息")
    html = html[:start] + html[html.index("</tr>", start) + 5:]
    html = html.replace('rowspan="8"', 'rowspan="7"').replace('rowspan="22"', 'rowspan="21"')  # spans still agree
    doc = _doc(tmp_path, html)
    res = parse_tables(doc, doc.lines(), {}, "2021")
    assert _cov(res)["表三"] == (168, 175, 0, "grid")
    assert any("未找到行" in w and "内部事务" in w for w in res.warnings)


def test_an_unlabelled_row_between_two_read_rows_is_read_with_a_warning(tmp_path):
    v = zero_t3()
    v["withheld_internal"] = [2, 0, 0, 0, 0, 0, 2]
    doc = _doc(tmp_path, t3_html(v).replace("5.属于三类内部事务信息", "&nbsp;"))
    res = parse_tables(doc, doc.lines(), {}, "2021")
    assert _cov(res)["表三"] == (175, 175, 0, "grid")
    assert next(c for c in res.cells if c.row == "withheld_internal" and c.column == "natural").value == 2
    assert any("按位置" in w for w in res.warnings)


def test_seed_reports_have_full_coverage(seeds_dir):
    for prefix in ("001", "003"):
        r = parse_file(seed(seeds_dir, prefix))
        assert r.coverage is not None
        s = r.coverage.summary()
        assert s["cells_found"] == s["cells_expected"] == 200 and s["sections_found"] == 6
        assert {t["source"] for t in s["tables"].values()} == {"lines"}


def test_reports_json_carries_the_coverage(monkeypatch, tmp_path, seeds_dir):
    import json

    import typer
    from typer.testing import CliRunner

    from ui import cli_index

    monkeypatch.setenv("REPORTQA_EMBEDDING_MODEL", "fake")
    app = typer.Typer(pretty_exceptions_enable=False)
    cli_index.register(app)
    runner = CliRunner()
    src = tmp_path / "in"
    src.mkdir()
    for prefix in ("000", "002"):
        p = seed(seeds_dir, prefix)
        (src / p.name).write_bytes(p.read_bytes())
    index = tmp_path / "idx"
    assert runner.invoke(app, ["ingest", str(src), "--index", str(index)], catch_exceptions=False).exit_code == 0
    res = runner.invoke(app, ["reports", "--index", str(index), "--json"], catch_exceptions=False)
    reports = json.loads(res.stdout)
    assert len(reports) == 2
    for r in reports:
        cov = r["coverage"]
        assert cov["sections_found"] == 6 and set(cov["tables"]) == {"表二", "表三", "表四"}
        assert cov["tables"]["表三"] == {"found": 175, "expected": 175, "unread": 0, "source": "lines"}
    # seed 000 prints 表二 with the 2019 columns for （一）（五）: 12 cells expected, not 10
    by_source = {r["source"]: r["coverage"] for r in reports}
    t2 = by_source[seed(seeds_dir, "000").name]["tables"]["表二"]
    assert (t2["found"], t2["expected"]) == (12, 12)


def test_an_unread_cell_is_answered_as_unread_never_as_blank_or_zero():
    from assistant.query import CellTarget
    from assistant.table_answers import Cited, ReportValue, answer_single
    from ingest.index import ReportInfo
    from ingest.models import CellState, TableCell

    info = ReportInfo(report_id="r1", agency="某某局", year=2023, source="a.html", template="2021", sections=6,
                      cells=1, findings=0)
    cell = TableCell(table="表三", row="new", row_label="一、本年新收政府信息公开申请数量", column="natural",
                     column_label="自然人", value=None, state=CellState.unread, quote="一、本年新收… 见附件")
    target = CellTarget("表三", ["new"], ["natural"], "本年新收政府信息公开申请数量", "自然人")
    text, value = answer_single(ReportValue(info, [cell]), target, Cited())
    assert value is None and "未能读取" in text and "未填报" not in text
    blank = cell.model_copy(update={"state": CellState.blank})
    text, _ = answer_single(ReportValue(info, [blank]), target, Cited())
    assert "未填报" in text and "未能读取" not in text


def test_parse_prints_the_coverage(monkeypatch, seeds_dir):
    import typer
    from typer.testing import CliRunner

    from ui import cli_index

    monkeypatch.setenv("REPORTQA_EMBEDDING_MODEL", "fake")
    app = typer.Typer(pretty_exceptions_enable=False)
    cli_index.register(app)
    res = CliRunner().invoke(app, ["parse", str(seed(seeds_dir, "001"))], catch_exceptions=False)
    assert res.exit_code == 0
    assert "读取情况：表二 10/10 [按文字行读取] · 表三 175/175 [按文字行读取] · 表四" in res.stdout


def test_reports_tab_shows_the_coverage():
    from ui.render import REPORT_HEADERS, coverage_text

    assert REPORT_HEADERS[-2:] == ["解析覆盖", "文件指纹"]  # the hash stays last
    full = {"cells_found": 200, "cells_expected": 200, "tables": {"表三": {"found": 175, "expected": 175, "unread": 0}}}
    assert coverage_text(full) == "200/200"
    part = {"cells_found": 183, "cells_expected": 186, "tables": {
        "表二": {"found": 7, "expected": 10, "unread": 0}, "表三": {"found": 161, "expected": 161, "unread": 1}}}
    assert coverage_text(part) == "183/186（1 格未能读取）；表二缺3"
    assert coverage_text(None) == "—"


def test_a_text_row_with_a_number_missing_is_unread_not_blank(tmp_path, seeds_dir):
    """Text where one of seven numbers is missing: which column is empty is unknown, so the row is unread."""
    import re

    for prefix in ("000", "001", "002"):
        src = seed(seeds_dir, prefix).read_text("utf-8")
        m = re.search(r"^(\s*2\.\s*重复申请)((?:\s+\d+){7})\s*$", src, flags=re.M)
        assert m, prefix
        nums = m.group(2).split()
        broken = src[:m.start()] + m.group(1) + " " + " ".join(nums[:6]) + src[m.end():]
        p = tmp_path / f"{prefix}.txt"
        p.write_text(broken, "utf-8")
        r = parse_file(p)
        row = [c for c in r.cells if c.table == "表三" and c.row == "not_handled_repeat"]
        assert len(row) == 7 and all(c.state.value == "unread" for c in row), prefix
        cov = r.coverage.table("表三")
        assert cov.unread >= 7 and cov.found <= cov.expected - 7
        assert any("could not read" in w for w in r.warnings)
