"""Generate a synthetic corpus: report files + ``<name>.truth.json`` + ``gold.jsonl``."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.template import (
    T2_ITEMS,
    T3_COLUMNS,
    T4_COLUMNS,
    T4_GROUPS,
    t3_rows,
)

from . import narrative
from .agencies import Agency, build_world
from .document import (
    Heading,
    LabelStyle,
    Para,
    Signature,
    Title,
    fmt_number,
    t2_table,
    t3_table,
    t4_table,
)
from .model import SynthReport, SynthTruth, TruthCell
from .numbers import Tables, inject_violations, make_tables
from .render_txt import LAYOUTS, render_text

TXT_LAYOUTS = (*LAYOUTS, "webprint")

# Section headings as reports number them: mostly 一、…; some 第一部分 …, some with no number at all.
HEADING_STYLES = ("numbered",) * 8 + ("part", "bare")
_PART = {"一": "第一部分", "—": "第一部分", "二": "第二部分", "三": "第三部分", "四": "第四部分", "五": "第五部分",
         "六": "第六部分"}


def restyle_heading(el, style: str):
    """A top-level heading "一、总体情况" printed as "第一部分 总体情况" or "总体情况"; other elements unchanged."""
    if style == "numbered" or not isinstance(el, Heading) or el.level != 1:
        return el
    num, sep, rest = el.text.partition("、")
    if not sep or num not in _PART:
        return el
    return Heading(f"{_PART[num]} {rest}" if style == "part" else rest, 1)

log = logging.getLogger(__name__)

FORMATS = ("txt", "docx", "html", "pdf", "md")
YEARS = tuple(range(2019, 2025))
BLANK_CHOICES = (("表三",), ("表三",), ("表三", "表四"), ("表三", "表四"), ("表四",), ("表二", "表三", "表四"))


def _sub_seed(seed: int, *parts: object) -> int:
    h = hashlib.sha256(json.dumps([seed, *parts], ensure_ascii=False).encode()).digest()
    return int.from_bytes(h[:8], "little")


@dataclass
class _Plan:
    index: int
    agency: Agency
    year: int
    format: str


def plan_corpus(n: int, seed: int, formats: Sequence[str]) -> tuple[list[_Plan], list[Agency]]:
    """Which agency/year each report is; agencies recur over several years (for aggregations)."""
    rng = random.Random(_sub_seed(seed, "plan"))
    m = max(1, math.ceil(n / 1.7))
    world = build_world(random.Random(_sub_seed(seed, "world")), needed=max(2 * m, 40))
    # weight levels like a real corpus: many county bureaus, few provinces
    level_w = {"省": 0.6, "市": 1.0, "区县": 1.2, "街道": 0.8}
    # weighted sampling without replacement (Efraimidis-Spirakis keys)
    keyed = sorted(range(len(world)), key=lambda i: rng.random() ** (1.0 / level_w[world[i].level]), reverse=True)
    chosen = [world[i] for i in keyed[:m]]
    pairs: list[tuple[Agency, int]] = []
    years_of: dict[str, set[int]] = {ag.canonical: set() for ag in chosen}
    while len(pairs) < n:
        before = len(pairs)
        for ag in chosen:
            if len(pairs) >= n:
                break
            have = years_of[ag.canonical]
            left = [y for y in YEARS if y not in have]
            if not left:
                continue
            if have and rng.random() < 0.6:  # prefer a year next to one it has: consecutive runs
                near = [y for y in left if (y - 1) in have or (y + 1) in have]
                left = near or left
            y = rng.choice(left)
            have.add(y)
            pairs.append((ag, y))
        if len(pairs) == before:  # cannot happen: len(chosen) * len(YEARS) >= n
            raise RuntimeError("synthetic world too small")
    rng.shuffle(pairs)
    plans = [_Plan(i, ag, y, formats[i % len(formats)]) for i, (ag, y) in enumerate(pairs)]
    return plans, world


# ---------------------------------------------------------------- one report


def _printed(tb: Tables, blank: set[str], plus_sign: bool = False):
    """Printed strings of the three tables ('' for a blank table). ``plus_sign``: 本年增/减 printed "+3"."""
    b2, b3, b4 = "表二" in blank, "表三" in blank, "表四" in blank

    def t2_fmt(k: tuple[str, str], v) -> str:
        if b2:
            return ""
        return f"+{v}" if plus_sign and k[1] == "change" and v > 0 else fmt_number(v)

    t2 = {k: t2_fmt(k, v) for k, v in tb.t2.items()}
    extra = {k: [("" if b2 else fmt_number(v)) for v in vals] for k, vals in tb.t2_extra.items()}
    t3 = {r.key: [("" if b3 else fmt_number(tb.t3[(r.key, c.key)])) for c in T3_COLUMNS]
          for r in t3_rows(tb.single_other)}
    t4 = [("" if b4 else fmt_number(tb.t4[(g.key, c.key)])) for g in T4_GROUPS for c in T4_COLUMNS]
    return t2, extra, t3, t4


def _truth_cells(tb: Tables, blank: set[str]) -> list[TruthCell]:
    cells: list[TruthCell] = []
    for it in T2_ITEMS:
        cols = it.columns_2019 if tb.t2_styles[it.item] == "2019" else it.columns_2021
        for r in it.rows:
            for c in cols:
                v = None if "表二" in blank else tb.t2[(r.key, c.key)]
                cells.append(TruthCell(table="表二", row=r.key, column=c.key, value=v, row_label=r.label,
                                       column_label=c.label))
    for r in t3_rows(tb.single_other):
        for c in T3_COLUMNS:
            v = None if "表三" in blank else tb.t3[(r.key, c.key)]
            cells.append(TruthCell(table="表三", row=r.key, column=c.key, value=v, row_label=r.label,
                                   column_label=c.label))
    for g in T4_GROUPS:
        for c in T4_COLUMNS:
            v = None if "表四" in blank else tb.t4[(g.key, c.key)]
            cells.append(TruthCell(table="表四", row=g.key, column=c.key, value=v, row_label=g.label,
                                   column_label=c.label))
    return cells


def _numbers(tb: Tables, blank: set[str], narrative_new: int | None) -> narrative.Numbers:
    t3_ok = "表三" not in blank
    t4_ok = "表四" not in blank
    t2_ok = "表二" not in blank
    g = tb.t3
    norm = None
    if t2_ok:
        norm = tb.t2.get(("normative", "issued"), tb.t2.get(("normative", "made")))
    return narrative.Numbers(
        new=g[("new", "total")] if t3_ok else None,
        carried=g[("carried", "total")] if t3_ok else None,
        handled=g[("total", "total")] if t3_ok else None,
        forward=g[("forward", "total")] if t3_ok else None,
        natural=g[("new", "natural")] if t3_ok else None,
        review=tb.t4[("review", "total")] if t4_ok else None,
        litigation=(tb.t4[("direct", "total")] + tb.t4[("after_review", "total")]) if t4_ok else None,
        normative_issued=norm or None,
        narrative_new=narrative_new,
    )


def make_report(plan: _Plan, out_dir: Path, *, seed: int, violations: float, blank: float,
                txt_counter: int) -> SynthReport:
    t0, c0 = time.perf_counter(), time.process_time()
    ag, year, fmt = plan.agency, plan.year, plan.format
    pyrng = random.Random(_sub_seed(seed, "report", plan.index, ag.canonical, year))
    nprng = np.random.default_rng(_sub_seed(seed, "numbers", plan.index, ag.canonical, year))
    tb = make_tables(nprng, pyrng, ag, year)
    template = "2019" if year <= 2020 else "2021"

    blank_tables: set[str] = set(pyrng.choice(BLANK_CHOICES)) if pyrng.random() < blank else set()
    viols = []
    if pyrng.random() < violations:
        viols = inject_violations(pyrng, tb, pyrng.choice([1, 1, 1, 2]), blank_tables)
    narrative_new = next((int(v.printed) for v in viols if v.rule == "narrative.new"), None)

    style = LabelStyle.random(pyrng)
    t2p, extra, t3p, t4p = _printed(tb, blank_tables, plus_sign=pyrng.random() < 0.3)
    tables = {
        "表二": [t2_table(style, tb.t2_styles, t2p, extra)],
        "表三": [t3_table(style, tb.single_other, t3p)],
        "表四": [t4_table(t4p)],
    }
    fee_yuan = 0.0
    if pyrng.random() < 0.08 and "表三" not in blank_tables and tb.t3[("new", "total")] > 0:
        fee_yuan = float(pyrng.choice([20, 35.5, 100, 240, 1200, 3940]))

    use_alias = pyrng.random() < 0.3
    title_agency = ag.alias if use_alias else ag.canonical
    y = style.year(year)
    title_tail = f"{y}政府信息公开工作年度报告"
    title = f"{title_agency}{year}年政府信息公开工作年度报告"

    body = narrative.write(pyrng, ag, year, style, _numbers(tb, blank_tables, narrative_new), fee_yuan, tables)
    elements: list = [Title(title_agency, title_tail, split=pyrng.random() < 0.35, space=style.year_space)]
    for p in narrative.preamble(pyrng, ag, year, style):
        elements.append(Para(p))
    elements += body.elements
    if pyrng.random() < 0.5:
        elements.append(Signature([ag.canonical, f"{year + 1}年{pyrng.randint(1, 3)}月{pyrng.randint(1, 28)}日"]))

    # how this report numbers its section headings (its own RNG: the other draws stay as they were)
    heading_style = random.Random(_sub_seed(seed, "headings", plan.index)).choice(HEADING_STYLES)
    elements = [restyle_heading(el, heading_style) for el in elements]

    name = f"synth_{plan.index:04d}_{year}"
    layout, encoding = "", "utf-8"
    if fmt == "txt":
        layout = TXT_LAYOUTS[txt_counter % len(TXT_LAYOUTS)]
        encoding = "gbk" if pyrng.random() < 0.3 else "utf-8"
        path = out_dir / f"{name}.txt"
        if layout == "webprint":  # a page saved as PDF by a browser, as its text layer reads
            from .render_html_skins import page_title
            from .render_webprint import webprint

            encoding = "utf-8"  # radical code points have no GBK form
            plain = render_text(pyrng, elements, pyrng.choice(("tab", "space")))
            text = webprint(pyrng, plain, title="".join(elements[0].lines),
                            page_title=page_title(pyrng, title, ag.host_government, "site"), source=ag.alias,
                            year=year)
        else:
            text = render_text(pyrng, elements, layout)
        path.write_bytes(text.encode(encoding))
    elif fmt == "docx":
        from .render_docx import render_docx

        layout = "docx"
        path = out_dir / f"{name}.docx"
        render_docx(pyrng, elements, path, title=title, author=ag.canonical, year=year)
    elif fmt == "html":
        from .render_html import render_html
        from .render_html_skins import pick_skin

        encoding = "gbk" if pyrng.random() < 0.2 else "utf-8"
        skin = pick_skin(pyrng)
        layout = f"html-{skin}"
        path = out_dir / f"{name}.html"
        page = render_html(pyrng, elements, encoding, skin=skin, host=ag.host_government, year=year,
                           source=ag.alias)
        path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    elif fmt == "md":
        from .render_md import render_md

        path = out_dir / f"{name}.md"
        text, habit = render_md(pyrng, elements)
        layout = f"md-{habit}"
        path.write_text(text, encoding="utf-8")
    elif fmt == "pdf":
        from .render_pdf import render_pdf

        layout = "pdf"
        path = out_dir / f"{name}.pdf"
        render_pdf(pyrng, elements, path, title=title, author=ag.canonical)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")

    truth = SynthTruth(
        name=name, file=path.name, format=fmt, layout=layout, encoding=encoding, seed=seed,
        agency=ag.canonical, agency_alias=ag.alias, title_agency=title_agency, level=ag.level, kind=ag.kind,
        place=ag.place, parent=ag.parent, year=year, template=template,
        t2_columns=dict(tb.t2_styles), t3_rows=len(t3_rows(tb.single_other)), title=title,
        cells=_truth_cells(tb, blank_tables), blank_tables=sorted(blank_tables), violations=viols,
        narrative=body.facts, sections=body.sections,
    )
    truth_path = out_dir / f"{name}.truth.json"
    truth.dump(truth_path)
    return SynthReport(path=path, truth_path=truth_path, truth=truth, seconds=time.perf_counter() - t0,
                       cpu_seconds=time.process_time() - c0)


# ---------------------------------------------------------------- public API


def generate(n: int, out_dir: Path, *, seed: int = 0, formats: Iterable[str] = FORMATS, violations: float = 0.0,
             blank: float = 0.0, gold: bool = True,
             progress: Callable[[SynthReport], None] | None = None) -> list[SynthReport]:
    """Write ``n`` synthetic reports (formats rotating) and their ground truth into ``out_dir``.

    Beside each report ``<name>.<ext>`` goes ``<name>.truth.json`` (see ``SynthTruth``);
    ``<out_dir>/gold.jsonl`` holds questions in the contracts.md gold format (unless
    ``gold=False``). ``violations``/``blank`` are the per-report probabilities of an
    injected 勾稽 violation / of blank (unfilled) tables. Deterministic for a seed.
    """
    formats = tuple(f.strip().lower() for f in formats if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ValueError(f"unknown format(s) {', '.join(bad) or '(none)'}; expected some of {', '.join(FORMATS)}")
    if n < 0:
        raise ValueError("n must be >= 0")
    for name, p in (("violations", violations), ("blank", blank)):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{name} must be a probability in [0, 1], got {p}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plans, world = plan_corpus(n, seed, formats)
    reports: list[SynthReport] = []
    txt_counter = 0
    for plan in plans:
        rep = make_report(plan, out_dir, seed=seed, violations=violations, blank=blank, txt_counter=txt_counter)
        if plan.format == "txt":
            txt_counter += 1
        reports.append(rep)
        log.debug("wrote %s (%s, %.3fs)", rep.path.name, rep.format, rep.seconds)
        if progress is not None:
            progress(rep)
    if gold:
        from .gold import gold_from_truth

        entries = gold_from_truth([r.truth for r in reports], seed=seed, world=world)
        with (out_dir / "gold.jsonl").open("w", encoding="utf-8") as f:
            for e in entries:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
    log.info("generated %d synthetic reports in %s", len(reports), out_dir)
    return reports
