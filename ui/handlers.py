"""The app's event handlers as plain methods (unit-testable without a browser): the catalogue (demo or user
index), the /ask endpoint, feedback, uploads and the report detail. The chat is in :mod:`ui.chat`, the 评测 tab in
:mod:`ui.eval_tab`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from ui import render
from ui.chat import MAX_QUESTION_CHARS, ChatMixin, ExportMixin
from ui.eval_tab import EvalMixin, default_gold_dir
from ui.feedback import FeedbackStore, feedback_path
from ui.upload_flow import Uploads, scrub
from ui.web_assets import DEMO_LABEL
from ui.web_common import AGENCY_ALL, YEAR_ALL, _agency, _friendly, _year

log = logging.getLogger(__name__)


def examples_html(questions: Sequence[str], demo: bool = False) -> str:
    if not questions:
        return '<div class="rqa-empty">入库报告后，这里会给出示例问题。</div>'
    chips = "".join(f'<button type="button" class="rqa-chip" data-q="{render.esc(q)}">{render.esc(q)}</button>'
                    for q in questions)
    tag = f'<span class="rqa-chip-s rqa-demo">{DEMO_LABEL}</span>' if demo else ""
    return f'<div class="rqa-chips">{tag}<span class="rqa-k">试试：</span>{chips}</div>'


def upload_overrides(agency: Any, year: Any) -> dict:
    """The upload form's optional 机关 / 年度 as ``ingest`` overrides; a year that is no year is a gr.Error."""
    out: dict[str, Any] = {}
    a = str(agency or "").strip()
    if a:
        out["agency"] = a
    y = str(year or "").strip().rstrip("年")
    if y:
        if not y.isdigit() or not 1990 <= int(y) <= 2100:
            raise gr.Error(f"年度「{render.esc(str(year).strip())}」不是有效的年份，请填写四位数字，例如 2024。",
                           print_exception=False)
        out["year"] = int(y)
    return out


class Handlers(ChatMixin, ExportMixin, EvalMixin):
    """The app's event handlers as plain methods (unit-testable without a browser)."""

    def __init__(self, assistant: Any, settings: Any, *, gold_dir: Path | None = None,
                 demo_assistant: Any = None):
        self.assistant = assistant
        self.demo_assistant = demo_assistant  # 示例（虚构） reports in their own index, used while ours is empty
        self.settings = settings
        self.feedback = FeedbackStore(feedback_path(settings))
        self.gold_dir = gold_dir if gold_dir is not None else default_gold_dir()
        run = getattr(assistant, "ingest_isolated", None) or assistant.ingest  # a child process when available
        self.uploads = Uploads(settings, lambda paths, progress, **over: run(paths, progress=progress, **over),
                               after_job=getattr(assistant, "refresh", None))
        self.upload_dir = self.uploads.root

    # ------------------------------------------------------------------ catalogue

    def user_has_reports(self) -> bool:
        try:
            return bool(self.assistant.reports())
        except Exception:  # noqa: BLE001
            log.exception("cannot list reports")
            return False

    def is_demo(self) -> bool:
        """True while the demo index stands in for an empty user index."""
        return self.demo_assistant is not None and not self.user_has_reports()

    def qa(self) -> Any:
        """The assistant questions go to: the user's index, or the demo index while that is empty."""
        return self.demo_assistant if self.is_demo() else self.assistant

    def remove_demo(self) -> str:
        """Drop the demo index (files included); the app then shows only the user's index."""
        from ui.demo import remove_demo_index

        qa, self.demo_assistant = self.demo_assistant, None
        if qa is None:
            return "没有示例数据。"
        remove_demo_index(self.settings, qa)
        gr.Info("示例（虚构）数据已移除。")
        return "示例（虚构）数据已移除：问答、筛选和报告列表只显示您入库的报告。"

    def report_infos(self) -> list[Any]:
        try:
            return list(self.qa().reports())
        except Exception:  # an empty or missing index: show nothing rather than fail the page
            log.exception("cannot list reports")
            return []

    def filter_choices(self) -> tuple[list, list]:
        infos = self.report_infos()
        agencies = sorted({r.agency for r in infos})
        years = sorted({int(r.year) for r in infos}, reverse=True)
        if self.is_demo():
            return ([AGENCY_ALL, *((f"{a}（{DEMO_LABEL}）", a) for a in agencies)],
                    [YEAR_ALL, *((f"{y}（{DEMO_LABEL}）", str(y)) for y in years)])
        return [AGENCY_ALL, *agencies], [YEAR_ALL, *map(str, years)]

    def examples(self, n: int = 6) -> list[str]:
        try:
            return list(self.qa().example_questions(n))
        except Exception:
            log.exception("cannot draw example questions")
            return []

    def status_line(self) -> str:
        infos = self.report_infos()
        if self.is_demo():
            return (f"**当前显示{DEMO_LABEL}数据**：{len(infos)} 份虚构报告，机关名称和数字均为编造，仅供试用。"
                    "在「报告」页上传您自己的年报后自动切换到您的报告；示例数据不会写入您的索引，可在「报告」页移除。")
        if not infos:
            return "索引中还没有报告：请在「报告」页上传年报文件。"
        years = sorted({int(r.year) for r in infos})
        span = f"{years[0]}–{years[-1]}年" if len(years) > 1 else f"{years[0]}年"
        return f"已入库 {len(infos)} 份报告 · {len({r.agency for r in infos})} 个机关 · {span}"

    def reports_table(self) -> tuple[list[list[Any]], list[str]]:
        infos = self.report_infos()
        keyed = sorted(infos, key=lambda r: (str(r.agency), -int(r.year)))
        rows = render.report_rows(keyed)
        if self.is_demo():
            rows = [[f"{DEMO_LABEL} {r[0]}", *r[1:]] for r in rows]
        return rows, [r.report_id for r in keyed]

    # ------------------------------------------------------------------ asking

    def ask_api(self, question: str, agency: str | None = None, year: int | None = None) -> dict:
        """The /ask endpoint: the answer object as a dict (errors as gr.Error with one line)."""
        q = (question or "").strip()
        if not q:
            raise gr.Error("问题不能为空。", print_exception=False)
        if len(q) > MAX_QUESTION_CHARS:
            raise gr.Error(f"问题过长（最多 {MAX_QUESTION_CHARS} 字）。", print_exception=False)
        try:
            demo = self.is_demo()
            answer = (self.demo_assistant if demo else self.assistant).ask(q, agency=_agency(agency), year=_year(year))
        except Exception as e:  # noqa: BLE001
            log.exception("ask failed")
            raise gr.Error(_friendly(e), print_exception=False) from None
        d = render.as_dict(answer)
        if demo:
            d["demo"] = True  # extension: the answer comes from the 示例（虚构） reports
        return d

    def _report_id(self, c: dict, qa: Any = None) -> str:
        if c.get("report_id"):
            return c["report_id"]
        for r in (qa or self.assistant).reports():
            if r.agency == c.get("agency") and int(r.year) == int(c.get("year") or 0) and r.source == c.get("source"):
                return r.report_id
        from ingest.errors import ReportQAError

        raise ReportQAError(f"已入库的报告中没有 {c.get('agency')} {c.get('year')}年（{c.get('source')}）")

    # ------------------------------------------------------------------ feedback

    def like(self, answers: dict | None, evt: gr.LikeData) -> tuple:
        """👍 records at once; 👎 records at once and opens the correction box."""
        idx = evt.index if isinstance(evt.index, int) else (evt.index[0] if evt.index else None)
        entry = (answers or {}).get(str(idx))
        if entry is None:
            return gr.skip(), gr.skip(), gr.skip()
        if evt.liked is True:
            self._record(entry, "up")
            gr.Info("已记录：答案正确。谢谢！", duration=4)
            return gr.update(visible=False), None, ""
        if evt.liked is False:
            self._record(entry, "down")
            gr.Info("已记录：答案有误。如您知道正确答案，请在下方填写。", duration=5)
            return gr.update(visible=True), entry, ""
        return gr.skip(), gr.skip(), gr.skip()

    def submit_correction(self, pending: dict | None, correct: str) -> tuple:
        if not pending:
            return gr.update(visible=False), None, ""
        text = (correct or "").strip()
        if not text:
            gr.Warning("请填写正确答案，或点“不填写”。")
            return gr.skip(), gr.skip(), gr.skip()
        self._record(pending, "down", text)
        gr.Info("已记录更正，谢谢！", duration=4)
        return gr.update(visible=False), None, ""

    def _record(self, entry: dict, rating: str, correct: str | None = None) -> None:
        try:
            self.feedback.record(entry["answer"], answer_id=entry["id"], rating=rating, correct_answer=correct)
        except OSError as e:
            log.exception("cannot write feedback")
            raise gr.Error(f"反馈未能保存：{e.strerror or e}", print_exception=False) from None

    # ------------------------------------------------------------------ reports tab

    def ingest(self, files: Sequence[Any] | None, progress: Callable | None = None, *, agency: Any = None,
               year: Any = None) -> str:
        """Store uploads (content-addressed), queue them for ingest, follow the job; markdown summary.
        Questions are answered meanwhile from the last committed state. ``agency`` / ``year`` (the form's optional
        fields) override what the parser identifies, for every file of this upload."""
        if not files:
            gr.Warning("请先选择要上传的文件。")
            return "没有文件。"
        over = upload_overrides(agency, year)
        accepted, rejected = self.uploads.save(files)
        outcomes: list[dict] = list(rejected)
        if accepted:
            job = self.uploads.submit(accepted, **over)
            self.uploads.follow(job, progress)
            if job.error:
                msg = scrub(job.error)
                gr.Warning(f"入库失败：{msg}")
                return f"✗ 入库失败：{render.esc(msg)}"
            outcomes = self.uploads.outcomes(job, rejected)
        for o in outcomes:
            name = o.get("path") or ""
            if o.get("status") == "failed":
                gr.Warning(f"{name}：{o.get('reason') or '无法入库'}")
            elif o.get("status") == "ingested":
                gr.Info(f"{name}：已入库（{o.get('agency') or ''} {o.get('year') or ''}年）", duration=5)
            else:
                gr.Info(f"{name}：内容未变化，已跳过", duration=5)
        n_ok = sum(1 for o in outcomes if o.get("status") == "ingested")
        n_same = sum(1 for o in outcomes if o.get("status") == "unchanged")
        n_bad = sum(1 for o in outcomes if o.get("status") == "failed")
        if n_bad:  # never 「入库完成」 when a file failed: the failures lead
            head = (f"**✗ {n_bad} 个文件未能入库**（共 {len(outcomes)} 个）：新入库 {n_ok} 个，未变化 {n_same} 个。"
                    "失败原因见下。")
        else:
            head = f"**✓ 入库完成：** 新入库 {n_ok} 个，未变化 {n_same} 个。"
        return head + "\n\n" + render.ingest_result_markdown(outcomes)

    def report_detail(self, ids: list[str] | None, evt: gr.SelectData) -> str:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        try:
            rid = (ids or [])[int(row)]
            return render.report_detail_markdown(self.qa().get_report(rid))
        except Exception as e:  # noqa: BLE001
            return f"⚠ {render.esc(_friendly(e))}"
