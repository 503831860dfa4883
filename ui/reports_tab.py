"""The 报告 tab: the report list with the consistency verdicts of a clicked report, uploads with per-file outcomes,
removing the 示例（虚构） data; layout (:func:`build_reports_tab`) and events (:func:`wire_reports`)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr

from ui import render
from ui.handlers import examples_html
from ui.upload_flow import ALLOWED_SUFFIXES
from ui.web_assets import DEMO_LABEL
from ui.web_common import _safe

WATCH_S = 5  # how often an open page looks whether the report list changed (uploads by others, the CLI)


def build_reports_tab(h: Any, settings: Any) -> SimpleNamespace:
    """The 报告 tab inside the open gr.Tabs; returns its components by name."""
    with gr.Tab("报告", id="reports"):
        rows, _ = h.reports_table()
        reports_df = gr.Dataframe(value=rows, headers=render.REPORT_HEADERS, interactive=False, wrap=True,
                                  label="已入库的报告（点击一行查看一致性检查结果）", elem_id="rqa-reports",
                                  max_height=420)
        report_md = gr.Markdown("")
        with gr.Row(elem_id="rqa-upload-row"):
            with gr.Column(scale=3):
                kinds = "PDF / DOCX / HTML / Markdown / TXT"
                files = gr.File(label=f"上传年报（{kinds}，单个不超过 {settings.upload_max_mb} MB）",
                                file_count="multiple", file_types=list(ALLOWED_SUFFIXES), elem_id="rqa-upload")
                with gr.Row(elem_id="rqa-upload-over"):
                    up_agency = gr.Textbox(label="机关（可选）", placeholder="留空则从报告中识别", scale=3,
                                           elem_id="rqa-upload-agency")
                    up_year = gr.Textbox(label="年度（可选）", placeholder="如 2024", scale=1, min_width=100,
                                         elem_id="rqa-upload-year")
                gr.Markdown("填写后覆盖从报告中识别出的机关或年度，对本次上传的所有文件生效（同命令行 "
                            "`reportqa ingest --agency/--year`）。", elem_classes=["rqa-hint"])
            with gr.Column(scale=2):
                ingest_btn = gr.Button("入库", variant="primary", elem_id="rqa-ingest")
                refresh = gr.Button("刷新列表", size="sm")
                demo_rm = gr.Button(f"移除{DEMO_LABEL}数据", size="sm", variant="stop", elem_id="rqa-demo-remove",
                                    visible=h.demo_assistant is not None)
                ingest_md = gr.Markdown("", elem_id="rqa-ingest-result")
    return SimpleNamespace(
        reports_df=reports_df, report_md=report_md, files=files, ingest_btn=ingest_btn, refresh=refresh,
        demo_rm=demo_rm, up_agency=up_agency, up_year=up_year, ingest_md=ingest_md)


def wire_reports(h: Any, ui: SimpleNamespace) -> None:
    """The 报告 tab's events and the page's report-list refresh (filters, example chips, status line follow it)."""
    reports_df, report_md, files, ingest_btn, refresh, demo_rm, ingest_md = (
        ui.reports_df, ui.report_md, ui.files, ui.ingest_btn, ui.refresh, ui.demo_rm, ui.ingest_md)
    report_ids, agency_dd, year_dd, examples, status, app = (
        ui.report_ids, ui.agency_dd, ui.year_dd, ui.examples, ui.status, ui.app)

    def refresh_all():
        rows, ids = h.reports_table()
        ag, yr = h.filter_choices()
        return (rows, ids, gr.update(choices=ag), gr.update(choices=yr), examples_html(h.examples(), demo=h.is_demo()),
                h.status_line())

    refresh_out = [reports_df, report_ids, agency_dd, year_dd, examples, status]
    seen = gr.State(None)  # the report ids this page shows

    def refresh_if_changed(shown):
        ids = h.reports_table()[1]
        if shown is not None and sorted(shown) == sorted(ids):
            return (gr.skip(),) * len(refresh_out) + (shown,)
        return (*refresh_all(), ids)

    gr.Timer(WATCH_S).tick(refresh_if_changed, [seen], refresh_out + [seen], api_visibility="private",
                           queue=False, show_progress="hidden")

    def do_ingest(uploaded, agency=None, year=None, progress=gr.Progress()):
        return h.ingest(uploaded, progress=progress, agency=agency, year=year)

    # also the named endpoint /ingest for scripts: Client(url).predict([handle_file(path)], api_name="/ingest")
    # (agency and year are optional there too)
    ingest_btn.click(_safe(do_ingest), [files, ui.up_agency, ui.up_year], [ingest_md], concurrency_id="ingest",
                     concurrency_limit=4,
                     api_name="ingest").then(refresh_all, None, refresh_out, api_visibility="private")
    refresh.click(refresh_all, None, refresh_out, api_visibility="private")
    demo_rm.click(lambda: (h.remove_demo(), gr.update(visible=False)), None, [ingest_md, demo_rm],
                  api_visibility="private").then(refresh_all, None, refresh_out, api_visibility="private")

    def uploaded(fs):
        names = [Path(getattr(f, "name", f)).name for f in (fs or [])]
        if not names:
            return ""
        return f"已上传 {len(names)} 个文件（{render.esc('、'.join(names))}），点“入库”开始。"

    files.upload(uploaded, [files], [ingest_md], api_visibility="private")
    reports_df.select(h.report_detail, [report_ids], [report_md], api_visibility="private")
    app.load(refresh_all, None, refresh_out, api_visibility="private")
