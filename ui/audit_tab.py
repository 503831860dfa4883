"""The 审核 tab: the audit catalogue's findings across the corpus, filterable, each opening the cells and
quotes it compared, exportable as CSV or XLSX.

Data comes from the assistant's public API (``reports``, ``get_report``); the verdicts from
``ingest.audit`` (the same code path as ``reportqa check`` and the answers).
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from ui import render

log = logging.getLogger(__name__)

ALL = "全部"
VERDICTS = ("不通过", "提示", "无法核对", "通过")
DEFAULT_VERDICTS = ["不通过", "提示", "无法核对"]
TABLES = ("表二", "表三", "表四", "正文")
HEADERS = ["机关", "年度", "表", "规则", "对象", "结论", "说明"]
EVIDENCE_HEADERS = ["类别", "年度", "表", "行", "列", "数值", "状态", "页", "章节", "引文"]
_STATE = {"number": "已填数字", "blank": "未填报", "na": "不适用", "unread": "未读出", "missing": "未找到"}
# wide tables scroll inside their box instead of widening the page (390px phones)
STYLE = """<style>
#rqa-audit-grid, #rqa-audit-cells { max-width: calc(100vw - 64px); overflow-x: auto; }
</style>"""
_MARK = {"不通过": "✗ 不通过", "提示": "⚠ 提示", "无法核对": "? 无法核对", "通过": "✓ 通过"}


class AuditView:
    """The tab's state and handlers, testable without a browser. One audit per corpus version."""

    def __init__(self, assistant: Any):
        self.assistant = assistant
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._findings: list = []
        self._export_dir = Path(tempfile.mkdtemp(prefix="reportqa-audit-"))

    # ------------------------------------------------------------------ data

    def findings(self) -> list:
        from ingest.audit import audit_reports
        from ingest.audit.corpus import sort_key

        infos = list(self.assistant.reports())
        key = tuple(sorted((i.report_id, getattr(i, "ingested_at", 0)) for i in infos))
        with self._lock:
            if key != self._key:
                reports = [self.assistant.get_report(i.report_id) for i in infos]
                self._findings = sorted(audit_reports(reports), key=sort_key)
                self._key = key
            return self._findings

    def choices(self) -> tuple[list[str], list[str]]:
        infos = list(self.assistant.reports())
        agencies = [ALL, *sorted({i.agency for i in infos})]
        years = [ALL, *map(str, sorted({int(i.year) for i in infos}, reverse=True))]
        return agencies, years

    def select(self, agency: str | None, year: str | None, table: str | None, verdicts: list[str] | None) -> list:
        from ingest.audit.corpus import matches

        y = int(year) if year and year != ALL else None
        return [f for f in self.findings()
                if matches(f, agency=None if agency in (None, "", ALL) else agency, year=y,
                           table=None if table in (None, "", ALL) else table, verdicts=verdicts or [])]

    # ------------------------------------------------------------------ handlers

    def table(self, agency, year, table, verdicts) -> tuple[list[list], list[str], str]:
        try:
            shown = self.select(agency, year, table, verdicts)
            everything = self.select(agency, year, table, list(VERDICTS))
        except Exception as e:  # noqa: BLE001 - an empty or missing index shows a message, not a traceback
            log.exception("audit failed")
            return [], [], f"⚠ 无法审核：{render.esc(e)}"
        rows = [[f.agency, f.year, f.table, f.rule, f.subject, _MARK[f.verdict.value], f.detail] for f in shown]
        counts = {v: sum(1 for f in everything if f.verdict.value == v) for v in VERDICTS}
        n_reports = len({f.report_id for f in everything})
        summary = (f"**{n_reports} 份报告**：" + " · ".join(f"{_MARK[v]} {counts[v]}" for v in VERDICTS)
                   + f"　（列出 {len(rows)} 条；点击一行查看它比对的单元格和原文）")
        return rows, [f.id for f in shown], summary

    def detail(self, ids: list[str] | None, evt: gr.SelectData) -> tuple[str, list[list]]:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        try:
            fid = (ids or [])[int(row)]
        except (IndexError, TypeError, ValueError):
            return "", []
        return self.detail_of(fid)

    def detail_of(self, finding_id: str) -> tuple[str, list[list]]:
        f = next((x for x in self.findings() if x.id == finding_id), None)
        if f is None:
            return "⚠ 这条审核结果已不存在（索引已更新），请刷新。", []
        md = (f"**{render.esc(f.agency)} {f.year}年 · {render.esc(f.table)} · `{render.esc(f.rule)}` · "
              f"{_MARK[f.verdict.value]}**\n\n规则：{render.esc(f.description)}\n\n{render.esc(f.detail)}\n\n"
              f"来源文件：{render.esc(f.source)}")
        rows = [["单元格" if e.kind == "cell" else "正文", e.year, e.table or "", e.row_label or e.row or "",
                 e.column_label or e.column or "", e.display if e.kind == "cell" else "",
                 _STATE.get(e.state or "", "") if e.kind == "cell" else "", e.page or "", e.section or "", e.quote]
                for e in f.evidence]
        return md, rows

    def export(self, agency, year, table, verdicts, fmt: str) -> str:
        from ingest.audit.export import write

        shown = self.select(agency, year, table, verdicts)
        if not shown:
            raise gr.Error("没有可导出的审核结果：请调整筛选条件。", print_exception=False)
        ext = "xlsx" if fmt == "xlsx" else "csv"
        path = self._export_dir / f"审核结果.{ext}"
        return str(write(shown, path, ext))


def build_audit_tab(assistant: Any) -> AuditView:
    """The 审核 tab; call inside ``gr.Tabs()`` of the app."""
    view = AuditView(assistant)
    with gr.Tab("审核", id="audit") as tab:
        gr.HTML(STYLE, padding=False, elem_id="rqa-audit-style")
        with gr.Row():
            agency = gr.Dropdown([ALL], value=ALL, label="机关", scale=3, elem_id="rqa-audit-agency",
                                 allow_custom_value=True)
            year = gr.Dropdown([ALL], value=ALL, label="年度", scale=1, elem_id="rqa-audit-year",
                               allow_custom_value=True)
            table = gr.Dropdown([ALL, *TABLES], value=ALL, label="表", scale=1, elem_id="rqa-audit-table")
            verdicts = gr.CheckboxGroup(list(VERDICTS), value=DEFAULT_VERDICTS, label="结论", scale=3,
                                        elem_id="rqa-audit-verdict")
        summary = gr.Markdown("", elem_id="rqa-audit-summary")
        ids = gr.State([])
        grid = gr.Dataframe(headers=HEADERS, interactive=False, wrap=True, max_height=460, elem_id="rqa-audit-grid",
                            label="审核结果（点击一行查看单元格）",
                            column_widths=["16%", "6%", "6%", "12%", "12%", "9%", "39%"])
        detail = gr.Markdown("", elem_id="rqa-audit-detail")
        cells = gr.Dataframe(headers=EVIDENCE_HEADERS, interactive=False, wrap=True, label="比对的单元格与原文",
                             elem_id="rqa-audit-cells")
        with gr.Row():
            fmt = gr.Radio(["xlsx", "csv"], value="xlsx", label="导出格式", scale=1, elem_id="rqa-audit-format")
            export_btn = gr.Button("导出筛选结果", scale=1, elem_id="rqa-audit-export")
            refresh = gr.Button("刷新", size="sm", scale=0, min_width=80, elem_id="rqa-audit-refresh")
            out_file = gr.File(label="导出文件", interactive=False, scale=2, elem_id="rqa-audit-file")

    filters = [agency, year, table, verdicts]

    def reload(a, y, t, v):
        ag, yr = view.choices()
        rows, shown, md = view.table(a if a in ag else ALL, y if y in yr else ALL, t, v)
        return gr.update(choices=ag), gr.update(choices=yr), rows, shown, md, "", []

    def show(a, y, t, v):
        rows, shown, md = view.table(a, y, t, v)
        return rows, shown, md, "", []

    kw = dict(api_visibility="private", concurrency_id="audit", concurrency_limit=1)
    out = [grid, ids, summary, detail, cells]
    for comp in filters:
        comp.change(show, filters, out, **kw)
    tab.select(reload, filters, [agency, year, *out], **kw)
    refresh.click(reload, filters, [agency, year, *out], **kw)
    grid.select(view.detail, [ids], [detail, cells], api_visibility="private")
    export_btn.click(lambda a, y, t, v, f: view.export(a, y, t, v, f), [*filters, fmt], [out_file], **kw)
    return view
