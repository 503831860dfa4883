"""The 评测 tab: a gold set run on its own index built from the gold set's corpus (never the live one), the
metrics table, the chart and the misses; the layout and its events (:func:`build_eval_tab`)."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from ui import render
from ui.web_common import _friendly, _safe

log = logging.getLogger(__name__)


class EvalMixin:
    """gold_choices / run_eval of :class:`ui.handlers.Handlers` (needs ``self.gold_dir`` and ``self.settings``)."""

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
    """(summary markdown, metrics table, chart HTML, misses table) from an EvalRun or a metrics dict."""
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
    chart = chart_html([(labels[k], float(overall[k])) for k in CHART_METRICS
                        if isinstance(overall.get(k), (int, float))])
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


CHART_EMPTY = '<div class="rqa-empty">运行评测后，这里显示总体指标图。</div>'


def chart_html(bars: list[tuple[str, float]]) -> str:
    """Horizontal bars (0–100%): the metric's name on the left, never cut; the value written on each bar; a
    0 / 50% / 100% scale under them. Plain HTML and CSS, so it reads the same on a phone."""
    if not bars:
        return CHART_EMPTY
    rows = []
    for label, v in bars:
        pct = max(0.0, min(1.0, v)) * 100
        rows.append(f'<div class="rqa-bar-row"><span class="rqa-bar-label">{render.esc(label)}</span>'
                    f'<span class="rqa-bar-track"><span class="rqa-bar-fill" style="width:{pct:.1f}%"></span>'
                    f'<span class="rqa-bar-value">{v:.1%}</span></span></div>')
    scale = ('<div class="rqa-bar-row rqa-bar-axis"><span class="rqa-bar-label"></span><span class="rqa-bar-ticks">'
             '<span>0</span><span>50%</span><span>100%</span></span></div>')
    return (f'<div class="rqa-chart" role="img" aria-label="总体指标图"><div class="rqa-chart-title">总体指标</div>'
            f'{"".join(rows)}{scale}</div>')


CHART_CSS = """
.rqa-chart { font-size: 0.9em; padding: 6px 2px; }
.rqa-chart-title { font-weight: 600; margin-bottom: 6px; }
.rqa-bar-row { display: flex; align-items: center; gap: 10px; margin: 5px 0; }
.rqa-bar-label { flex: 0 0 7.5em; text-align: right; color: var(--body-text-color); }
.rqa-bar-track { position: relative; flex: 1 1 auto; height: 24px; background: var(--background-fill-secondary);
  border-radius: 4px; }
.rqa-bar-fill { position: absolute; left: 0; top: 0; bottom: 0; background: var(--color-accent); border-radius: 4px; }
.rqa-bar-value { position: absolute; left: 8px; top: 0; line-height: 24px; font-weight: 700;
  color: var(--body-text-color); text-shadow: 0 0 3px var(--background-fill-primary); }
.rqa-bar-axis { margin-top: 2px; }
.rqa-bar-ticks { flex: 1 1 auto; display: flex; justify-content: space-between; color: var(--body-text-color-subdued);
  font-size: 0.85em; border-top: 1px solid var(--border-color-primary); padding-top: 2px; }
"""


def _fmt_metric(key: str, v: Any) -> Any:
    if v is None:
        return "—"
    if key.startswith("latency"):
        return round(float(v), 1)
    if isinstance(v, float) and 0 <= v <= 1:
        return f"{v:.1%}"
    return v


def build_eval_tab(h: Any) -> None:
    """The 评测 tab inside the open gr.Tabs, with its events."""
    with gr.Tab("评测", id="eval"):
        gold_choices = h.gold_choices()
        with gr.Row(elem_id="rqa-eval-row"):
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
        chart = gr.HTML(chart_html([]), elem_id="rqa-chart")
        misses_df = gr.Dataframe(headers=MISS_HEADERS, interactive=False, wrap=True, label="答错的题", elem_id="rqa-misses",
                                 max_height=400, column_widths=["13%", "7%", "24%", "8%", "28%", "20%"])

    def do_eval(name, upload, progress=gr.Progress()):
        return h.run_eval(name, upload, progress=progress)

    def gold_uploaded(f):
        if f is None:
            return gr.skip()
        return f"已上传 {render.esc(Path(getattr(f, 'name', f)).name)}，点“运行评测”开始（优先于左侧的选择）。"

    gold_up.upload(gold_uploaded, [gold_up], [eval_md], api_visibility="private")
    run_btn.click(_safe(do_eval), [gold_dd, gold_up], [eval_md, metrics_df, chart, misses_df], concurrency_id="eval",
                  concurrency_limit=1, api_visibility="private")
