"""Markdown report and PNG chart of an eval run (the ``metrics.json`` dict of :mod:`eval.runner`).

``python -m eval.report OUT_DIR...`` prints one Markdown table over several
runs' ``metrics.json`` (one row per gold set and system), the table pasted
into the README.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFINITIONS = """\
- **answer accuracy**: share of questions answered right. `number`: the expected number appears among the
  numbers of the answer text or equals `value` (compared numerically, thousands separators ignored, citation
  markers like `[1]` ignored); `text` / `list`: every `must_include` string / every item appears in the answer
  (NFKC, whitespace and thousands separators removed); `refusal`: `answerable` is false. An answerable question
  also needs `answerable: true`.
- **strict** (diagnostic, not in the contract): answer accuracy where a `number` answer that gives a `value`
  counts only when that value is the expected number (a wrong value whose quoted text happens to contain the
  expected number is not counted).
- **citation recall**: expected citations met / expected citations, pooled over questions with expected
  citations. An expected citation is met when one returned citation meets all its given fields: `agency`
  substring of the returned agency, `year` equal, `row`/`section` substrings of the returned ones after removing
  spaces and punctuation, `column`/`table` equal after the same normalisation.
- **citation precision**: returned citations that *support* the answer / returned citations, pooled over
  answerable questions. A citation supports the answer when it loosely matches one of the expected citations,
  or, for `number` questions, when its `value` or `quote` contains the expected number (as a number).
- **refusal accuracy**: share of unanswerable questions answered with `answerable: false`;
  **false refusals**: share of answerable questions answered with `answerable: false`.
- **confidently wrong**: share of questions answered with `answerable: true` and wrong — a wrong answer to an
  answerable question, or any answer to an unanswerable one (the most harmful outcome). Refusals and errors are
  never confidently wrong. Denominator: every question of the group.
- **latency**: wall-clock time of one `ask`, warm (the first question of each type asked once, untimed, before the timed pass); p50/p95 by linear
  interpolation.
"""


# ---------------------------------------------------------------------------- formatting


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def ms(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def _cell(s: Any, limit: int = 90) -> str:
    s = " ".join(str(s if s is not None else "").split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s.replace("|", "\\|")


def _fraction(m: dict, key: str) -> str:
    c = m.get("counts", {})
    num_den = {
        "answer_accuracy": (c.get("correct"), m.get("n")),
        "citation_recall": (c.get("citations_met"), c.get("citations_expected")),
        "citation_precision": (c.get("citations_supported"), c.get("citations_returned")),
        "confidently_wrong": (c.get("confidently_wrong"), m.get("n")),
    }.get(key)
    if not num_den or m.get(key) is None:
        return pct(m.get(key))
    return f"{pct(m.get(key))} ({num_den[0]}/{num_den[1]})"


OVERALL_HEADER = ("| system | n | answer accuracy | strict | citation recall | citation precision | refusal accuracy | "
                  "false refusals | confidently wrong | p50 ms | p95 ms |\n"
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")


def overall_row(system: str, m: dict, prefix: str = "") -> str:
    return (f"| {prefix}{system} | {m['n']} | {_fraction(m, 'answer_accuracy')} | {pct(m.get('answer_accuracy_strict'))} | "
            f"{_fraction(m, 'citation_recall')} | "
            f"{_fraction(m, 'citation_precision')} | {pct(m.get('refusal_accuracy'))} | "
            f"{pct(m.get('false_refusal_rate'))} | {_fraction(m, 'confidently_wrong')} | "
            f"{ms(m.get('latency_p50_ms'))} | {ms(m.get('latency_p95_ms'))} |\n")


# ---------------------------------------------------------------------------- markdown


def render_markdown(metrics: dict, rows: Sequence[dict] = (), chart: str | None = "chart.png") -> str:
    run, systems = metrics["run"], metrics["systems"]
    gold = run.get("gold", {})
    git = run.get("git", {})
    mach = run.get("machine", {})
    commit = (git.get("commit") or "unknown")[:12] + (" (uncommitted changes)" if git.get("dirty") else "")
    out = [f"# ReportQA evaluation: {gold.get('name', '?')}\n\n",
           f"- run: {run.get('time')} · commit {commit}\n",
           f"- gold: `{gold.get('path')}` ({gold.get('questions')} questions, sha256 {str(gold.get('sha256'))[:12]})\n",
           f"- settings hash `{run.get('settings_hash')}` · embedding model `{run.get('model', {}).get('embedding_model')}`"
           f" · llm `{run.get('model', {}).get('llm')}`\n",
           f"- machine: {mach.get('cores')} cores, {mach.get('ram_gb')} GB RAM, Python {mach.get('python')}\n"]
    ing = run.get("ingest")
    if ing:
        out.append(f"- corpus ingested first: {', '.join(ing['paths'])} → {ing['ingested']} ingested, "
                   f"{ing['unchanged']} unchanged, {ing['failed']} failed\n")
    out.append("\n## Results\n\n" + OVERALL_HEADER)
    for name, s in systems.items():
        out.append(overall_row(name, s["overall"]))

    types = list(dict.fromkeys(t for s in systems.values() for t in s["by_type"]))
    names = list(systems)
    out.append("\n## By question type\n\nanswer accuracy / citation recall / confidently wrong\n\n")
    out.append("| type | n | " + " | ".join(f"{n} accuracy | {n} citation recall | {n} confidently wrong"
                                           for n in names) + " |\n")
    out.append("|---|---:|" + "---:|---:|---:|" * len(names) + "\n")
    for t in types:
        cells = []
        n = next((s["by_type"][t]["n"] for s in systems.values() if t in s["by_type"]), 0)
        for name in names:
            m = systems[name]["by_type"].get(t)
            cells += ([_fraction(m, "answer_accuracy"), _fraction(m, "citation_recall"), _fraction(m, "confidently_wrong")]
                      if m else ["–", "–", "–"])
        out.append(f"| {t} | {n} | " + " | ".join(cells) + " |\n")
    not_passed = {name: s["overall"].get("counts", {}).get("context_not_passed", 0) for name, s in systems.items()}
    for name, k in not_passed.items():
        if k:
            out.append(f"\nNote: {name} was asked {k} follow-up question(s) without their conversation context "
                       "(its `ask` takes no `context` yet), so they were answered as stand-alone questions.\n")
    if chart:
        out.append(f"\n![metrics]({chart})\n")

    for name in names:
        if name == "naive":
            continue
        misses = [r for r in rows if r.get("system") == name
                  and (not r["correct"] or not r.get("correct_strict", True) or r["unmet"])]
        if not misses:
            continue
        out.append(f"\n## {name}: wrong answers and unmet citations ({len(misses)})\n\n"
                   "| id | type | intent | expected | got | why | citations met |\n|---|---|---|---|---|---|---|\n")
        for r in misses:
            why = r["reason"] or ("" if r["correct"] else "wrong")
            if r.get("confidently_wrong"):
                why = f"CONFIDENTLY WRONG: {why}"
            if r.get("context_passed") is False:
                why += " (asked without its context)"
            if r["correct"] and not r.get("correct_strict", True):
                why = f"right by the text only: value {r.get('got_value')}"
            unmet = "; ".join(_cit(c) for c in r["unmet"])
            cit = f"{len(r['met'])}/{len(r['expected_citations'])}" + (f" — unmet {unmet}" if unmet else "")
            got = ("[refused] " if r.get("got_answerable") is False else "") + r["got_answer"]
            out.append(f"| {r['id']} | {r['type']} | {r.get('intent') or '–'} | {_cell(r['expected'], 50)} | "
                       f"{_cell(got, 80)} | {_cell(why if why else 'answer right', 50)} | {_cell(cit, 120)} |\n")

    out.append("\n## Definitions\n\n" + DEFINITIONS)
    return "".join(out)


def _cit(c: dict) -> str:
    return " ".join(str(c[k]) for k in ("agency", "year", "table", "row", "column", "section") if c.get(k) is not None)


def summary_table(runs: Iterable[dict]) -> str:
    """One Markdown table over several metrics dicts: a row per (gold set, system)."""
    out = [OVERALL_HEADER.replace("| system |", "| gold set | system |").replace("|---|", "|---|---|", 1)]
    for m in runs:
        gold = m["run"].get("gold", {}).get("name", "?")
        for name, s in m["systems"].items():
            out.append(overall_row(name, s["overall"], prefix=f"{gold} | "))
    return "".join(out)


# ---------------------------------------------------------------------------- chart


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a Noto Sans CJK font that fc-list finds and matplotlib can load, else None."""
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    from matplotlib import font_manager

    found = []
    for line in out.splitlines():
        path, _, families = line.partition(":")
        if "Noto Sans CJK" in families:
            found.append(path.strip())
    # a Regular face first: with only a Bold file registered, matplotlib warns about every normal-weight glyph
    for path in sorted(set(found), key=lambda p: ("Regular" not in p, p)):
        try:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
        except Exception:  # noqa: BLE001 - an unreadable font file: try the next one
            continue
    return None


def render_chart(metrics: dict, path: str | Path) -> Path:
    """Grouped bars: the overall metrics per system, and answer accuracy per question type."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = cjk_font()
    rc = {"font.family": ["sans-serif"], "font.sans-serif": ([family] if family else []) + ["DejaVu Sans"],
          "axes.unicode_minus": False}
    systems = metrics["systems"]
    names = list(systems)
    keys = [("answer_accuracy", "答案准确率\nanswer acc."), ("citation_recall", "引用召回\ncitation recall"),
            ("citation_precision", "引用精确\ncitation prec."), ("refusal_accuracy", "拒答准确\nrefusal acc."),
            ("confidently_wrong", "自信地答错\nconfidently wrong")]
    labels = [lbl if family else lbl.split("\n")[1] for _, lbl in keys]
    types = list(dict.fromkeys(t for s in systems.values() for t in s["by_type"]))
    gold = metrics["run"].get("gold", {}).get("name", "")
    many = len(types) > 10
    with plt.rc_context(rc):
        fig, axes = plt.subplots(1, 2, figsize=(16, 6) if many else (13, 4.8),
                                 gridspec_kw={"width_ratios": [1.3, max(1.4, len(types) / 4)]})
        width = 0.8 / max(1, len(names))
        for i, name in enumerate(names):
            raw = [systems[name]["overall"].get(k) for k, _ in keys]  # None: no question of that kind
            vals = [v or 0 for v in raw]
            xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(keys))]
            bars = axes[0].bar(xs, vals, width, label=name)
            axes[0].bar_label(bars, labels=["n/a" if v is None else f"{v:.0%}" for v in raw], fontsize=7)
            color = bars.patches[0].get_facecolor() if bars.patches else None
            tvals = [(systems[name]["by_type"].get(t) or {}).get("answer_accuracy") or 0 for t in types]
            xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(types))]
            axes[1].bar(xs, tvals, width, color=color, label=f"{name}: answer accuracy")
            # confidently wrong: a narrower hatched red bar inside each system's bar
            wvals = [(systems[name]["by_type"].get(t) or {}).get("confidently_wrong") or 0 for t in types]
            axes[1].bar(xs, wvals, width * 0.45, color="#c0392b", edgecolor="white" if i else None, hatch="//" if i else None,
                        label=f"{name}: confidently wrong")
        axes[0].set_xticks(range(len(keys)), labels, fontsize=7, rotation=30 if len(keys) > 4 else 0,
                           ha="right" if len(keys) > 4 else "center")
        axes[0].set_ylim(0, 1.1)
        axes[0].set_title("总体 overall" if family else "overall")
        axes[0].legend(fontsize=8)
        n_by_type = {t: next(s["by_type"][t]["n"] for s in systems.values() if t in s["by_type"]) for t in types}
        axes[1].set_xticks(range(len(types)), [f"{t}\n(n={n_by_type[t]})" for t in types], fontsize=7 if many else 8,
                           rotation=60 if many else 0, ha="right" if many else "center")
        axes[1].set_ylim(0, 1.1)
        axes[1].set_title("按题型的答案准确率与自信地答错 accuracy / confidently wrong by type" if family
                          else "answer accuracy / confidently wrong by type")
        axes[1].legend(fontsize=7, ncol=max(1, len(names)))
        fig.suptitle(f"ReportQA eval: {gold}")
        fig.tight_layout()
        out = Path(path)
        fig.savefig(out, dpi=110)
        plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", type=Path, help="eval output folders (or metrics.json files)")
    a = ap.parse_args(argv)
    runs = []
    for d in a.dirs:
        p = d / "metrics.json" if d.is_dir() else d
        runs.append(json.loads(p.read_text(encoding="utf-8")))
    import sys

    sys.stdout.write(summary_table(runs))


if __name__ == "__main__":
    main()
