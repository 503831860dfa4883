"""The 审核 tab's handlers over the real PDFs and seeds (no browser): filters, a finding opening its cells, export."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ingest.index import ReportInfo
from ui.audit_tab import ALL, DEFAULT_VERDICTS, VERDICTS, AuditView


class CorpusAssistant:
    """The two public methods the tab uses, over reports parsed from the shared corpus."""

    def __init__(self, reports):
        self._reports = {r.id: r for r in reports}

    def reports(self):
        return [ReportInfo(report_id=r.id, agency=r.agency, year=r.year, source=r.source, template=r.template,
                           sections=6, cells=len(r.cells), findings=len(r.findings)) for r in self._reports.values()]

    def get_report(self, rid):
        return self._reports[rid]


@pytest.fixture(scope="module")
def view(raw_dir, seeds_dir):
    from ingest.parse import parse_file

    reports = [parse_file(p) for p in [*sorted(raw_dir.glob("*.pdf")), *sorted(seeds_dir.glob("*.txt"))]]
    return AuditView(CorpusAssistant(reports))


def test_choices_and_default_listing(view):
    agencies, years = view.choices()
    assert agencies[0] == ALL and "淮安市洪泽区人民政府" in agencies
    assert years[:3] == [ALL, "2024", "2023"]
    rows, ids, summary = view.table(ALL, ALL, ALL, DEFAULT_VERDICTS)
    assert len(rows) == len(ids) > 0
    assert {r[5].split()[-1] for r in rows} <= set(DEFAULT_VERDICTS)
    assert "8 份报告" in summary and "✗ 不通过" in summary


def test_filters_by_agency_year_table_verdict(view):
    rows, ids, _ = view.table("淮安市洪泽区人民政府", "2023", "表四", ["不通过"])
    assert [r[3] for r in rows] == ["t4.total", "t4.total"]
    assert all(r[0] == "淮安市洪泽区人民政府" and r[1] == 2023 and r[2] == "表四" for r in rows)
    rows, _, _ = view.table(ALL, ALL, ALL, ["通过"])
    assert rows and all(r[5] == "✓ 通过" for r in rows)
    assert view.table(ALL, ALL, ALL, [])[0] == []


def test_a_finding_opens_its_cells_and_quotes(view):
    rows, ids, _ = view.table("淮安市洪泽区人民政府", "2023", "表四", ["不通过"])
    i = next(k for k, r in enumerate(rows) if "行政复议」" in r[6])
    md, cells = view.detail(ids, SimpleNamespace(index=[i, 0]))
    assert "t4.total" in md and "合计 11" in md and "hzq2023_working.pdf" in md
    assert [c[4] for c in cells] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [c[5] for c in cells] == ["10", "1", "0", "0", "0"]
    assert all(c[7] and c[9] for c in cells)  # page and quote
    rows, ids, _ = view.table("洪泽区", "2024", "正文", ["提示"])
    md, cells = view.detail(ids, SimpleNamespace(index=[0, 0]))
    kinds = {c[0] for c in cells}
    assert kinds == {"正文", "单元格"} and any("17件" in c[9] for c in cells if c[0] == "正文")


def test_export_writes_the_filtered_findings(view):
    from openpyxl import load_workbook

    path = view.export("淮安市洪泽区人民政府", ALL, ALL, list(VERDICTS), "xlsx")
    ws = load_workbook(path)["审核结果"]
    want = view.table("淮安市洪泽区人民政府", ALL, ALL, list(VERDICTS))[0]
    assert ws.max_row - 1 == len(want)
    assert {c.value for c in ws["B"][1:]} == {"淮安市洪泽区人民政府"}
    csv_path = view.export(ALL, "2023", ALL, ["不通过"], "csv")
    text = open(csv_path, encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("序号,机关,年度") and "t4.total" in text


def test_export_with_nothing_selected_is_a_message(view):
    import gradio as gr

    with pytest.raises(gr.Error):
        view.export(ALL, ALL, ALL, [], "csv")


def test_app_has_the_audit_tab():
    from ingest.settings import Settings
    from tests.ui.fake_assistant import FakeAssistant
    from ui.app import build_app

    app = build_app(FakeAssistant(), Settings(index_dir="/tmp/reportqa-audit-tab-test"))
    assert isinstance(app.rqa_audit, AuditView)
    rows, ids, summary = app.rqa_audit.table(ALL, ALL, ALL, list(VERDICTS))
    assert rows and "1 份报告" in summary
