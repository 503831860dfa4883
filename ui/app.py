"""The Gradio web app: 问答 (chat with citation cards and a source panel), 报告, 评测.

Uses only the assistant's public API (``Assistant.ask/ask_stream/reports/get_report/
ingest/example_questions``) and, for the 评测 tab, ``eval.runner.run_gold``
(imported when that tab is used). HTML comes from :mod:`ui.render`.

``build_app(assistant, settings)`` returns the Blocks; ``launch(app, settings, ...)``
starts it with safe defaults (127.0.0.1, no share link, optional login, upload
size/type limits, a queue sized for a small machine). The named API endpoint
``/ask`` returns the answer object as a dict::

    from gradio_client import Client
    Client("http://127.0.0.1:7860/").predict("淮安市2024年…？", None, None, api_name="/ask")
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from ui import conversations as conv  # noqa: E402
from ui import render, scope_view  # noqa: E402
from ui.audit_tab import build_audit_tab  # noqa: E402
from ui.chat import MAX_QUESTION_CHARS, ChatMixin, ExportMixin  # noqa: E402
from ui.i18n import TOAST_CSS, chinese_toasts, force_zh_cn  # noqa: E402
from ui.feedback import FeedbackStore, feedback_path  # noqa: E402
from ui.serve_safety import LoginGuard, parse_auth, resolve_auth  # noqa: E402,F401 - parse_auth re-exported
from ui.upload_flow import ALLOWED_SUFFIXES, Uploads, scrub  # noqa: E402

log = logging.getLogger(__name__)

AGENCY_ALL = "全部机关"
YEAR_ALL = "全部年度"
ASSISTANT_CONCURRENCY = 2  # two CPU cores: two answers computed at a time, the rest wait in the queue
QUEUE_MAX_SIZE = 64
WATCH_S = 5  # how often an open page looks whether the report list changed (uploads by others, the CLI)

DEMO_LABEL = "示例（虚构）"
TITLE = "政府信息公开年报问答"
SUBTITLE = ("基于已入库的《政府信息公开工作年度报告》回答问题。每个数字都注明出处："
            "机关 · 年度 · 表 · 行 · 列 · 页，点击引用卡片可查看原表或原文。")

CARDS_JS = """
const pick = (e) => {
  const card = e.target.closest('[data-cite]');
  if (!card || !element.contains(card)) return;
  element.querySelectorAll('.rqa-card.active').forEach(c => c.classList.remove('active'));
  card.classList.add('active');
  trigger('click', {cite: Number(card.dataset.cite)});
};
element.addEventListener('click', pick);
element.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(e); } });
"""

SOURCE_JS = """
watch('value', () => {
  if (element.querySelector('.rqa-source') && element.offsetParent !== null) {
    element.scrollIntoView({block: 'start', inline: 'nearest', behavior: 'smooth'});
    setTimeout(() => { document.scrollingElement.scrollLeft = 0; }, 400);
  }
  const hit = element.querySelector('.rqa-hit');
  if (!hit) return;
  const box = hit.closest('.rqa-table-wrap');
  if (box) {
    const top = hit.offsetTop - box.clientHeight / 2;
    box.scrollTo({top: Math.max(0, top), behavior: 'smooth'});
  } else {
    hit.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  }
});
"""

# In <head>: Gradio's own widgets in Chinese whatever the browser's language (svelte-i18n reads navigator.language),
# and 「[n]」 markers in answers as links: the click goes to the hidden #rqa-jump box (answer id, n), the server
# answers with that answer's cards and source n, and SOURCE_JS scrolls the source into view.
HEAD = """<script>
(() => {
  try {
    Object.defineProperty(Navigator.prototype, 'language', {get: () => 'zh-CN', configurable: true});
    Object.defineProperty(Navigator.prototype, 'languages', {get: () => ['zh-CN', 'zh'], configurable: true});
  } catch (e) {}
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a.rqa-ref');
    if (!a) return;
    e.preventDefault(); e.stopPropagation();
    const m = (a.getAttribute('href') || '').match(/^#rqa-cite-([0-9a-zA-Z]+)-(\\d+)$/);
    const box = document.querySelector('#rqa-jump textarea, #rqa-jump input');
    if (!m || !box) return;
    box.value = m[1] + '-' + m[2] + '~' + Date.now();
    box.dispatchEvent(new Event('input', {bubbles: true}));
  }, true);
})();
</script>"""

EXAMPLES_JS = """
element.addEventListener('click', (e) => {
  const chip = e.target.closest('[data-q]');
  if (!chip || !element.contains(chip)) return;
  trigger('click', {q: chip.dataset.q});
});
"""


# ---------------------------------------------------------------------- small helpers


def _friendly(exc: BaseException) -> str:
    """One line for the user; never a traceback."""
    from ingest.errors import ReportQAError

    if isinstance(exc, ReportQAError):
        return scrub(exc)
    if isinstance(exc, TimeoutError):
        return "处理超时，请稍后重试。"
    return f"处理时出错（{type(exc).__name__}），详情已记录在服务器日志中。"


def _year(value: Any) -> int | None:
    if value in (None, "", YEAR_ALL):
        return None
    try:
        return int(str(value).strip().rstrip("年"))
    except ValueError:
        return None


def _agency(value: Any) -> str | None:
    v = (str(value).strip() if value is not None else "")
    return None if v in ("", AGENCY_ALL) else v


def examples_html(questions: Sequence[str], demo: bool = False) -> str:
    if not questions:
        return '<div class="rqa-empty">入库报告后，这里会给出示例问题。</div>'
    chips = "".join(f'<button type="button" class="rqa-chip" data-q="{render.esc(q)}">{render.esc(q)}</button>'
                    for q in questions)
    tag = f'<span class="rqa-chip-s rqa-demo">{DEMO_LABEL}</span>' if demo else ""
    return f'<div class="rqa-chips">{tag}<span class="rqa-k">试试：</span>{chips}</div>'


EXTRA_CSS = """
.rqa-phone-only { display: none !important; }
@media (max-width: 760px) {
  .rqa-phone-only { display: block !important; }
  #rqa-source { display: none !important; }
  #rqa-source-m:empty { display: none !important; }
  #rqa-source-m, #rqa-source-m .rqa-source { min-width: 0 !important; max-width: calc(100vw - 28px); }
  #rqa-source-m * { max-width: 100%; }
  #rqa-source-m .rqa-table-wrap { width: calc(100vw - 64px); max-width: calc(100vw - 64px); overflow-x: auto; }
  #rqa-source-m table.rqa-table { max-width: none; width: max-content; }
  html, body, .gradio-container { overflow-x: hidden; }
  #rqa-convs > * { min-width: 100% !important; }
}
.rqa-chips { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.rqa-chip { border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
  border-radius: 14px; padding: 3px 11px; font-size: 0.86em; cursor: pointer; color: var(--body-text-color); }
.rqa-chip:hover { border-color: var(--color-accent); color: var(--color-accent); }
"""


class Handlers(ChatMixin, ExportMixin):
    """The app's event handlers as plain methods (unit-testable without a browser)."""

    def __init__(self, assistant: Any, settings: Any, *, gold_dir: Path | None = None,
                 demo_assistant: Any = None):
        self.assistant = assistant
        self.demo_assistant = demo_assistant  # 示例（虚构） reports in their own index, used while ours is empty
        self.settings = settings
        self.feedback = FeedbackStore(feedback_path(settings))
        self.gold_dir = gold_dir if gold_dir is not None else default_gold_dir()
        run = getattr(assistant, "ingest_isolated", None) or assistant.ingest  # a child process when available
        self.uploads = Uploads(settings, lambda paths, progress: run(paths, progress=progress),
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

    def ingest(self, files: Sequence[Any] | None, progress: Callable | None = None) -> str:
        """Store uploads (content-addressed), queue them for ingest, follow the job; markdown summary.
        Questions are answered meanwhile from the last committed state."""
        if not files:
            gr.Warning("请先选择要上传的文件。")
            return "没有文件。"
        accepted, rejected = self.uploads.save(files)
        outcomes: list[dict] = list(rejected)
        if accepted:
            job = self.uploads.submit(accepted)
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

    # ------------------------------------------------------------------ eval tab

    def gold_choices(self) -> list[str]:
        if self.gold_dir is None or not Path(self.gold_dir).is_dir():
            return []
        return sorted(p.name for p in Path(self.gold_dir).glob("*.jsonl"))

    def run_eval(self, gold_name: str | None, upload: Any, progress: Callable | None = None) -> tuple:
        """Run a gold set with eval.runner over the shared assistant; (summary, metrics, chart, misses)."""
        if upload is not None:
            path = Path(getattr(upload, "name", upload))
        elif gold_name:
            path = Path(self.gold_dir or ".") / Path(gold_name).name
        else:
            raise gr.Error("请选择或上传一个金标准文件（.jsonl）。", print_exception=False)
        if path.suffix.lower() != ".jsonl":
            raise gr.Error("金标准文件须为 .jsonl。", print_exception=False)
        try:
            import eval.runner as runner  # lazy: only the 评测 tab needs it
            from eval.metrics import GoldError, load_gold
        except ImportError:
            raise gr.Error("评测模块（eval.runner）不可用。", print_exception=False) from None
        from ui.eval_view import gold_error_sentence

        shown = Path(getattr(upload, "orig_name", None) or path.name).name
        try:
            load_gold(path)  # a bad file: one sentence naming the line and the field, before anything runs
        except GoldError as e:
            raise gr.Error(gold_error_sentence(str(e), path, shown), print_exception=False) from None

        def cb(*args: Any) -> None:  # progress(system, done, total) or progress(done, total)
            nums = [x for x in args if isinstance(x, int)]
            if progress is not None and len(nums) >= 2:
                progress((nums[0], max(nums[1], 1)), desc="正在评测", unit="题")

        from ui.eval_view import eval_assistant, gold_corpus

        corpus = gold_corpus(shown)
        if not corpus:
            raise gr.Error("找不到评测语料（../shared/corpus）：评测只在由金标准集语料建立的独立索引上运行，"
                           "不使用在线索引。", print_exception=False)

        def on_ingest(done: int, total: int, _name: str = "") -> None:
            if progress is not None:
                progress((done, max(total, 1)), desc="正在建立评测索引", unit="份")

        try:
            qa, built, where = eval_assistant(self.settings, corpus, on_ingest)
            if hasattr(runner, "run_gold"):
                result = _call_run_gold(runner.run_gold, path, qa, self.settings, cb)
            else:
                result = runner.evaluate(self.settings, path, systems=("reportqa",), progress=cb,
                                         factory=lambda name, settings, corpus: _SharedSystem(qa))
        except Exception as e:  # noqa: BLE001
            log.exception("eval failed")
            raise gr.Error(f"评测失败：{_friendly(e)}", print_exception=False) from None
        summary, *rest = eval_views(result, shown)
        names = "、".join(p.name for p in corpus)
        note = (f"\n\n评测索引：由金标准集的语料（{render.esc(names)}）单独建立，共 {len(qa.reports())} 份报告"
                f"（本次新入库 {built.ingested}，失败 {built.failed}）；在线索引中的报告和上传不影响分数。")
        return (summary + note, *rest)



class _SharedSystem:
    """The app's assistant behind eval.runner's QASystem interface (never closed by the run)."""

    name = "reportqa"
    build_seconds = 0.0

    def __init__(self, assistant: Any):
        self.assistant = assistant

    def ask(self, question: str, agency: str | None = None, year: int | None = None) -> dict:
        return render.as_dict(self.assistant.ask(question, agency=agency, year=year))

    def close(self) -> None:
        return None


def default_gold_dir() -> Path | None:
    try:
        from importlib.resources import files

        p = Path(str(files("eval") / "gold"))
        return p if p.is_dir() else None
    except Exception:  # noqa: BLE001
        return None


def _call_run_gold(run_gold: Callable, path: Path, assistant: Any, settings: Any, progress: Callable) -> Any:
    """Call run_gold with whichever of our arguments it accepts."""
    params = inspect.signature(run_gold).parameters
    kwargs: dict[str, Any] = {}
    for name, value in (("assistant", assistant), ("settings", settings), ("progress", progress),
                        ("system", _SharedSystem(assistant))):
        if name in params:
            kwargs[name] = value
    return run_gold(path, **kwargs)


def _plain(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if hasattr(obj, "__dataclass_fields__"):
        return {f: getattr(obj, f) for f in obj.__dataclass_fields__}
    return obj


METRIC_COLUMNS = [
    ("n", "题数"), ("answer_accuracy", "答案准确率"), ("citation_recall", "引用召回率"),
    ("citation_precision", "引用精确率"), ("refusal_accuracy", "拒答准确率"), ("false_refusal_rate", "误拒率"),
    ("latency_p50_ms", "延迟 p50 (ms)"), ("latency_p95_ms", "延迟 p95 (ms)"),
]
CHART_METRICS = ("answer_accuracy", "citation_recall", "citation_precision", "refusal_accuracy")
MISS_HEADERS = ["编号", "类型", "问题", "期望答案", "系统答案", "原因"]


def eval_views(result: Any, name: str) -> tuple:
    """(summary markdown, metrics table, chart DataFrame, misses table) from an EvalRun or a metrics dict."""
    import pandas as pd

    r = _plain(result)
    scores: list[Any] = []
    if isinstance(r, dict) and isinstance(r.get("systems"), dict):  # EvalRun / metrics_dict()
        sysrun = _plain(r["systems"].get("reportqa") or next(iter(r["systems"].values())))
        metrics = _plain(sysrun.get("metrics", sysrun))
        scores = list(sysrun.get("scores") or [])
    elif isinstance(r, dict):
        metrics = _plain(r.get("metrics", r))
        scores = list(r.get("scores") or [])
    else:
        return f"评测完成：{render.esc(r)}", gr.skip(), gr.skip(), gr.skip()
    overall = _plain(metrics.get("overall") or {})
    from ui.eval_view import type_name

    groups = [("全部", overall)] + [(type_name(k), _plain(v)) for k, v in (metrics.get("by_type") or {}).items()]
    rows = [[g] + [_fmt_metric(k, (m or {}).get(k)) for k, _ in METRIC_COLUMNS] for g, m in groups]
    table = gr.update(value=rows, headers=["分组"] + [label for _, label in METRIC_COLUMNS])
    labels = dict(METRIC_COLUMNS)
    chart_rows = [{"指标": labels[k], "值": round(float(overall[k]), 4)}
                  for k in CHART_METRICS if isinstance(overall.get(k), (int, float))]
    chart = pd.DataFrame(chart_rows or {"指标": [], "值": []})
    misses = []
    for s in scores:
        d = s.to_dict() if hasattr(s, "to_dict") else _plain(s)
        if not d.get("correct"):
            misses.append([d.get("id"), type_name(d.get("type")), d.get("question"), d.get("expected"),
                           (d.get("got_answer") or "")[:200], d.get("reason")])
    acc = overall.get("answer_accuracy")
    summary = (f"**{render.esc(name)}**：共 {overall.get('n', '?')} 题，答案准确率 "
               f"{_fmt_metric('answer_accuracy', acc)}，答错 {len(misses)} 题。")
    return summary, table, chart, gr.update(value=misses or [["—"] * len(MISS_HEADERS)], headers=MISS_HEADERS)


def _fmt_metric(key: str, v: Any) -> Any:
    if v is None:
        return "—"
    if key.startswith("latency"):
        return round(float(v), 1)
    if isinstance(v, float) and 0 <= v <= 1:
        return f"{v:.1%}"
    return v


# ---------------------------------------------------------------------- the Blocks


def _safe(fn: Callable) -> Callable:
    """Any unexpected exception becomes a one-line gr.Error (no traceback in the page)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as e:  # noqa: BLE001
            log.exception("handler %s failed", getattr(fn, "__name__", fn))
            raise gr.Error(_friendly(e), print_exception=False) from None

    return wrapper


def build_app(assistant: Any, settings: Any, *, gold_dir: Path | None = None,
              demo_assistant: Any = None) -> gr.Blocks:
    """The whole app; ``assistant`` is shared by all sessions (its ask is thread-safe). ``demo_assistant``:
    示例（虚构） reports in their own index, answered from while ``assistant``'s index is empty."""
    chinese_toasts()  # 注意 / 提示 / 出错 as toast titles, every call site
    h = Handlers(assistant, settings, gold_dir=gold_dir, demo_assistant=demo_assistant)
    agencies, years = h.filter_choices()

    with gr.Blocks(title=f"{TITLE} · ReportQA", analytics_enabled=False) as app:
        app.rqa_handlers = h  # for tests and the CLI
        gr.Markdown(f"# {TITLE}\n{SUBTITLE}", elem_id="rqa-title")
        status = gr.Markdown(h.status_line(), elem_id="rqa-status")

        answers = gr.State({})  # str(chat message index) -> {"id", "answer", "demo"}
        store = gr.BrowserState(conv.empty(), storage_key="reportqa-conversations")  # conversations (ui/conversations.py)
        current = gr.State(None)  # the answer whose cards are shown
        pending = gr.State(None)  # the 👎 answer awaiting a correction
        report_ids = gr.State(h.reports_table()[1])

        with gr.Tabs():
            # ---------------------------------------------------------- 问答
            with gr.Tab("问答", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=11, min_width=320):
                        with gr.Row(elem_id="rqa-convs"):
                            convs_dd = gr.Dropdown([], value=None, label="对话（保存在本浏览器中）", scale=4,
                                                   min_width=220, elem_id="rqa-conv-list")
                            with gr.Column(scale=3, min_width=220, elem_id="rqa-conv-tools"):
                                with gr.Row():
                                    clear = gr.Button("新对话", size="sm", variant="primary", min_width=64,
                                                      elem_id="rqa-clear")
                                    conv_delete = gr.Button("删除", size="sm", variant="stop", min_width=56,
                                                            elem_id="rqa-conv-delete")
                                with gr.Row():
                                    conv_name = gr.Textbox(placeholder="新名称", show_label=False, scale=3,
                                                           min_width=90, elem_id="rqa-conv-name", container=False)
                                    conv_rename = gr.Button("重命名", size="sm", scale=1, min_width=64,
                                                            elem_id="rqa-conv-rename")
                        with gr.Row():
                            agency_dd = gr.Dropdown(agencies, value=AGENCY_ALL, label="机关", scale=3,
                                                    elem_id="rqa-agency")
                            year_dd = gr.Dropdown(years, value=YEAR_ALL, label="年度", scale=1, elem_id="rqa-year")
                        chatbot = gr.Chatbot(
                            label="对话", show_label=False, elem_id="rqa-chat", height=520, layout="bubble",
                            feedback_options=("Like", "Dislike"), buttons=[],
                            placeholder="请输入关于政府信息公开年报的问题，例如某机关某年收到多少申请、"
                                        "因某种原因不予公开多少件、行政复议结果如何……",
                        )
                        # on a phone the source opens here, under the answer (CSS shows one of the two panels)
                        source_m = gr.HTML("", js_on_load=SOURCE_JS, elem_id="rqa-source-m",
                                           elem_classes=["rqa-phone-only"])
                        with gr.Row():
                            box = gr.Textbox(placeholder="输入问题，按回车发送", show_label=False, scale=8,
                                             elem_id="rqa-question", autofocus=True)
                            send = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="rqa-send")
                        with gr.Row(elem_id="rqa-actions"):
                            copy_txt = gr.Button("复制文本", size="sm", min_width=70, elem_id="rqa-copy-text")
                            copy_md = gr.Button("复制 Markdown", size="sm", min_width=90, elem_id="rqa-copy-md")
                            dl_answer = gr.DownloadButton("导出回答", size="sm", min_width=70, elem_id="rqa-dl-answer",
                                                          interactive=False)
                            dl_csv = gr.DownloadButton("导出表格 CSV", size="sm", min_width=90, elem_id="rqa-dl-csv",
                                                       interactive=False)
                            dl_conv = gr.DownloadButton("导出对话", size="sm", min_width=70, elem_id="rqa-dl-conv",
                                                        interactive=False)
                        plain_box = gr.Textbox(visible="hidden", elem_id="rqa-plain")
                        md_box = gr.Textbox(visible="hidden", elem_id="rqa-md")
                        examples = gr.HTML(examples_html(h.examples(), demo=h.is_demo()), js_on_load=EXAMPLES_JS, elem_id="rqa-examples")
                        with gr.Row(elem_id="rqa-feedback"):
                            gr.Markdown("点击每个回答下方的 赞 / 踩 图标评价答案；点“踩”后可填写正确答案，用于改进评测集。",
                                        elem_id="rqa-fb-hint")
                        with gr.Row(visible=False, elem_id="rqa-correct-row") as correct_row:
                            correct_box = gr.Textbox(label="正确答案（可选）", placeholder="例如：105 或 一句话的正确答案",
                                                     scale=6, elem_id="rqa-correct")
                            correct_send = gr.Button("提交更正", scale=1, min_width=90, elem_id="rqa-correct-send")
                            correct_skip = gr.Button("不填写", scale=1, min_width=80, size="sm")
                    with gr.Column(scale=9, min_width=360):
                        gr.Markdown("#### 引用")
                        cards = gr.HTML(render.CARDS_EMPTY, js_on_load=CARDS_JS, elem_id="rqa-cards")
                        gr.Markdown("#### 原文")
                        source = gr.HTML(render.SOURCE_EMPTY, js_on_load=SOURCE_JS, elem_id="rqa-source")
                        jump_box = gr.Textbox(visible="hidden", elem_id="rqa-jump")  # '<answer id>-<n>' from a [n] click

            # ---------------------------------------------------------- 报告
            with gr.Tab("报告", id="reports"):
                rows, _ = h.reports_table()
                reports_df = gr.Dataframe(value=rows, headers=render.REPORT_HEADERS, interactive=False, wrap=True,
                                          label="已入库的报告（点击一行查看一致性检查结果）", elem_id="rqa-reports",
                                          max_height=420)
                report_md = gr.Markdown("")
                with gr.Row():
                    with gr.Column(scale=3):
                        files = gr.File(label=f"上传年报（PDF / DOCX / HTML / TXT，单个不超过 {settings.upload_max_mb} MB）",
                                        file_count="multiple", file_types=list(ALLOWED_SUFFIXES), elem_id="rqa-upload")
                    with gr.Column(scale=2):
                        ingest_btn = gr.Button("入库", variant="primary", elem_id="rqa-ingest")
                        refresh = gr.Button("刷新列表", size="sm")
                        demo_rm = gr.Button(f"移除{DEMO_LABEL}数据", size="sm", variant="stop", elem_id="rqa-demo-remove",
                                            visible=h.demo_assistant is not None)
                        ingest_md = gr.Markdown("", elem_id="rqa-ingest-result")

            app.rqa_audit = build_audit_tab(h.assistant)  # 审核 (ui/audit_tab.py)

            # ---------------------------------------------------------- 评测
            with gr.Tab("评测", id="eval"):
                gold_choices = h.gold_choices()
                with gr.Row():
                    gold_dd = gr.Dropdown(gold_choices, value=gold_choices[0] if gold_choices else None,
                                          label="金标准文件（eval/gold）", scale=2, elem_id="rqa-gold")
                    gold_up = gr.File(label="或上传金标准文件（.jsonl，优先使用）", file_types=[".jsonl"], scale=2,
                                     elem_id="rqa-gold-upload")
                    run_btn = gr.Button("运行评测", variant="primary", scale=1, elem_id="rqa-eval-run")
                eval_md = gr.Markdown("选择金标准文件后点“运行评测”：逐题提问并与标准答案比对（题目多时需要几分钟）。"
                                      "评测在由金标准集语料单独建立的评测索引上运行，从不使用在线索引，"
                                      "因此同事的上传不会改变分数。",
                                      elem_id="rqa-eval-summary")
                metrics_df = gr.Dataframe(headers=["分组"] + [label for _, label in METRIC_COLUMNS],
                                          interactive=False, label="指标", elem_id="rqa-metrics")
                chart = gr.BarPlot(x="指标", y="值", title="总体指标（0–1）", y_lim=[0, 1], label="指标图",
                                   height=360, y_title="比例", x_title="指标",
                                   sort=["答案准确率", "引用召回率", "引用精确率", "拒答准确率"])
                misses_df = gr.Dataframe(headers=MISS_HEADERS, interactive=False, wrap=True, label="答错的题",
                                         max_height=400, column_widths=["13%", "7%", "24%", "8%", "28%", "20%"])

        # ------------------------------------------------------------------ events
        chat_out = [chatbot, box, cards, source, answers, current, correct_row, store, convs_dd]
        chat_in = [box, chatbot, agency_dd, year_dd, answers, store]
        chat_kw = dict(concurrency_id="assistant", concurrency_limit=ASSISTANT_CONCURRENCY, api_visibility="private")
        box.submit(h.chat, chat_in, chat_out, **chat_kw)
        send.click(h.chat, chat_in, chat_out, **chat_kw)

        def from_example(q_box: str, history, agency, year, ans, st, evt: gr.EventData):
            q = (getattr(evt, "_data", None) or {}).get("q") or ""
            yield from h.chat(q, history, agency, year, ans, st)

        examples.click(from_example, chat_in, chat_out, **chat_kw)
        for ev in (box.submit, send.click, examples.click, clear.click, convs_dd.input, conv_delete.click):
            ev(lambda: "", None, [source_m], api_visibility="private", queue=False, show_progress="hidden")

        cards.click(_safe(h.on_card), [current], [source, source_m], api_visibility="private")

        def exports(cur, ans, st):
            plain, md, f_md, f_csv, f_conv = h.export_views(cur, ans, st)
            return (plain, md, gr.update(value=f_md, interactive=bool(f_md)),
                    gr.update(value=f_csv, interactive=bool(f_csv)), gr.update(value=f_conv, interactive=bool(f_conv)))

        current.change(_safe(exports), [current, answers, store], [plain_box, md_box, dl_answer, dl_csv, dl_conv],
                       api_visibility="private", show_progress="hidden")
        copy_js = ("(t) => { if (!t) return; navigator.clipboard.writeText(t).then(() => {"
                   " document.body.dataset.rqaCopied = t; }); }")
        copy_txt.click(None, [plain_box], None, js=copy_js, api_visibility="private")
        copy_md.click(None, [md_box], None, js=copy_js, api_visibility="private")
        chatbot.select(_safe(h.select_message), [answers], [cards, current], api_visibility="private")
        jump_box.change(_safe(h.jump), [answers, jump_box], [cards, source, source_m, current],
                        api_visibility="private")
        show_out = [chatbot, answers, current, cards, source, correct_row, store, convs_dd]
        convs_dd.input(_safe(h.switch_conversation), [store, convs_dd], show_out, api_visibility="private")
        conv_rename.click(_safe(h.rename_conversation), [store, convs_dd, conv_name], [store, convs_dd, conv_name],
                          api_visibility="private")
        conv_delete.click(_safe(h.delete_conversation), [store, convs_dd], show_out, api_visibility="private")
        chatbot.like(_safe(h.like), [answers], [correct_row, pending, correct_box], api_visibility="private")
        correct_send.click(_safe(h.submit_correction), [pending, correct_box], [correct_row, pending, correct_box],
                           api_visibility="private")
        correct_box.submit(_safe(h.submit_correction), [pending, correct_box], [correct_row, pending, correct_box],
                           api_visibility="private")
        correct_skip.click(lambda: (gr.update(visible=False), None, ""), None, [correct_row, pending, correct_box],
                           api_visibility="private")
        clear.click(_safe(h.new_conversation), [store], show_out, api_visibility="private")
        chatbot.clear(_safe(h.new_conversation), [store], show_out, api_visibility="private")
        # at once, not queued behind other load events: a restore must not land after the first answer
        app.load(h.restore, [store], [chatbot, answers, store, convs_dd], api_visibility="private", queue=False)

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

        def do_ingest(uploaded, progress=gr.Progress()):
            return h.ingest(uploaded, progress=progress)

        # also the named endpoint /ingest for scripts: Client(url).predict([handle_file(path)], api_name="/ingest")
        ingest_btn.click(_safe(do_ingest), [files], [ingest_md], concurrency_id="ingest", concurrency_limit=4,
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

        def do_eval(name, upload, progress=gr.Progress()):
            return h.run_eval(name, upload, progress=progress)

        def gold_uploaded(f):
            if f is None:
                return gr.skip()
            return f"已上传 {render.esc(Path(getattr(f, 'name', f)).name)}，点“运行评测”开始（优先于左侧的选择）。"

        gold_up.upload(gold_uploaded, [gold_up], [eval_md], api_visibility="private")
        run_btn.click(_safe(do_eval), [gold_dd, gold_up], [eval_md, metrics_df, chart, misses_df], concurrency_id="eval",
                      concurrency_limit=1, api_visibility="private")

        # the named API endpoint: Client(url).predict(question, agency, year, api_name="/ask")
        def ask(question: str, agency: str | None = None, year: int | None = None) -> dict:
            """Answer one question; returns the answer object (question, answer, answerable, value, citations, warnings)."""
            return h.ask_api(question, agency, year)

        gr.api(ask, api_name="ask", concurrency_id="assistant", concurrency_limit=ASSISTANT_CONCURRENCY)
    return app


def theme() -> gr.themes.Theme:
    # local fonts only: no request to a font CDN from an intranet
    fonts = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]
    return gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=fonts,
                          font_mono=["Noto Sans Mono CJK SC", "monospace"])


def launch(app: gr.Blocks, settings: Any, *, host: str | None = None, port: int | None = None,
           auth: str | None = None, prevent_thread_lock: bool = False, quiet: bool = False) -> Any:
    """Start the app with safe defaults; returns what Blocks.launch returns."""
    creds = resolve_auth(auth, settings)
    guard = LoginGuard(*creds).callable() if creds else None  # rate-limited login
    app.queue(default_concurrency_limit=ASSISTANT_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    return app.launch(
        server_name=host or settings.host,
        server_port=int(port or settings.port),
        share=False,
        auth=guard,
        auth_message="请登录以使用政府信息公开年报问答。" if creds else None,
        max_file_size=f"{int(settings.upload_max_mb)}mb",
        show_error=True,
        inbrowser=False,
        quiet=quiet,
        prevent_thread_lock=prevent_thread_lock,
        ssr_mode=False,
        mcp_server=False,
        footer_links=["api"],
        theme=theme(),
        css=render.CSS + EXTRA_CSS + scope_view.CSS + TOAST_CSS,
        head=HEAD,
        i18n=force_zh_cn(),
        allowed_paths=[],
    )
