"""Gold questions from synthetic ground truth, in the contracts.md gold format.

Types: ``table`` (one cell of 表二/表三/表四, many rows and columns), ``narrative``
(a number stated in the text), ``aggregate`` (sums within a report and across
years, a comparison across agencies), ``check`` (an injected 勾稽 violation),
``blank`` (a cell of a table printed empty: not reported, not 0), ``refusal``
(agencies or years that are not in the corpus).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ingest.template import T2_ITEMS, T3_COLUMN_BY_KEY, T3_ROW_BY_KEY, T4_COLUMN_BY_KEY

from .agencies import unused_agencies
from .document import fmt_number
from .model import SynthReport, SynthTruth, TruthCell

_PUNCT = re.compile(r"[“”\"‘’'（）()、，,。.：:\s]")

_GROUP_VERB = {"withheld": "不予公开", "unable": "无法提供", "not_handled": "不予处理", "other": "不再处理"}
_WHO = {"natural": "自然人", "commercial": "商业企业", "research": "科研机构", "social": "社会公益组织",
        "legal": "法律服务机构", "other": "“其他”类法人或其他组织"}
_WITHHELD = ("withheld_secret", "withheld_law", "withheld_safety", "withheld_third_party", "withheld_internal",
             "withheld_process", "withheld_enforcement", "withheld_inquiry")
_T4_ROW = {"review": "行政复议", "direct": "未经复议直接起诉", "after_review": "复议后起诉"}
_T4_COL_PHRASE = {"upheld": "结果维持的", "corrected": "结果纠正的", "other": "其他结果的", "pending": "尚未审结的"}


def _as_truth(t: Any) -> SynthTruth:
    if isinstance(t, SynthTruth):
        return t
    if isinstance(t, SynthReport):
        return t.truth
    if isinstance(t, dict):
        return SynthTruth.model_validate(t)
    if isinstance(t, (str, Path)):
        return SynthTruth.load(t)
    raise TypeError(f"cannot read ground truth from {type(t).__name__}")


def _row_hint(table: str, row: str) -> str:
    """The part of the canonical row label an answer's citation must contain."""
    if table == "表三":
        spec = T3_ROW_BY_KEY[row]
        return _PUNCT.sub("", spec.short or spec.label)
    if table == "表四":
        return _T4_ROW[row]
    for it in T2_ITEMS:
        for r in it.rows:
            if r.key == row:
                return r.label
    raise KeyError(row)


def _cite(t: SynthTruth, table: str | None = None, row: str | None = None, column: str | None = None,
          section: str | None = None) -> dict:
    c: dict[str, Any] = {"agency": t.agency, "year": t.year}
    if table:
        c["table"] = table
    if row:
        c["row"] = row
    if column:
        c["column"] = column
    if section:
        c["section"] = section
    return c


def _entry(id_: str, question: str, type_: str, answer: Any, citations: list[dict], **kw) -> dict:
    e: dict[str, Any] = {"id": id_, "question": question, "type": type_, "answerable": True}
    if kw.get("answer_type") == "refusal":
        e.update(answerable=False, answer="", answer_type="refusal", citations=[])
        return e
    e["answer"] = fmt_number(answer) if isinstance(answer, (int, float)) else answer
    e["answer_type"] = kw.get("answer_type", "number")
    for k in ("must_include", "items"):
        if k in kw:
            e[k] = kw[k]
    e["citations"] = citations
    return e


# ---------------------------------------------------------------- question wording


def _t3_question(a: str, y: int, row: str, col: str) -> str:
    spec = T3_ROW_BY_KEY[row]
    who = "" if col == "total" else f"{_WHO[col]}提出的"
    if row == "new":
        return f"{a}{y}年本年新收政府信息公开申请多少件？" if col == "total" else \
            f"{a}{y}年{who}政府信息公开申请有多少件？"
    if row == "carried":
        return f"{a}{y}年上年结转的{who}政府信息公开申请有多少件？"
    if row == "forward":
        return f"{a}{y}年{who}申请中结转下年度继续办理的有多少件？"
    if row == "total":
        return f"{a}{y}年{who}政府信息公开申请办理结果总计多少件？"
    if row == "open":
        desc = "予以公开"
    elif row == "partial":
        desc = "部分公开"
    elif row == "other":
        desc = "作其他处理"
    elif row == "other_other":
        desc = "属于（六）其他处理中“其他”情形"
    else:
        desc = f"因“{spec.short}”而{_GROUP_VERB[spec.group or '']}"
    return f"{a}{y}年{who}政府信息公开申请中，{desc}的有多少件？"


def _t4_question(a: str, y: int, group: str, col: str) -> str:
    if group == "review":
        base = f"{a}{y}年政府信息公开行政复议"
    else:
        base = f"{a}{y}年{_T4_ROW[group]}的政府信息公开行政诉讼"
    if col == "total":
        return f"{base}总计多少件？"
    return f"{base}中，{_T4_COL_PHRASE[col]}有多少件？"


def _t2_question(a: str, y: int, row: str, col: str, col_label: str, row_label: str) -> str:
    phr = {
        "issued": f"本年制发{row_label}多少件",
        "repealed": f"本年废止{row_label}多少件",
        "in_force": f"现行有效{row_label}多少件",
        "made": f"{row_label}本年新制作数量是多少",
        "published": f"{row_label}本年新公开数量是多少",
        "public_total": f"{row_label}对外公开总数量是多少",
        "decisions": f"{row_label}的本年处理决定数量是多少",
        "prev_items": f"{row_label}上一年项目数量是多少",
        "amount": "行政事业性收费本年收费金额是多少万元",
    }[col]
    return f"{a}{y}年{phr}？"


def _violated_cells(t: SynthTruth) -> set[tuple[str, str, str]]:
    return {(v.table, v.row or "", v.column or "") for v in t.violations}


# ---------------------------------------------------------------- per report


def _per_report(rng: random.Random, t: SynthTruth, tag: str, per_report: int) -> list[dict]:
    out: list[dict] = []
    bad = _violated_cells(t)
    k = 0

    def name() -> str:
        return t.agency if rng.random() < 0.6 else t.agency_alias

    def nid(kind: str) -> str:
        nonlocal k
        k += 1
        return f"{tag}-{t.name}-{kind}{k}"

    def usable(c: TruthCell) -> bool:
        return c.value is not None and (c.table, c.row, c.column) not in bad

    t3 = [c for c in t.cells if c.table == "表三" and usable(c)]
    t4 = [c for c in t.cells if c.table == "表四" and usable(c)]
    t2 = [c for c in t.cells if c.table == "表二" and usable(c) and c.column != "change"]
    picks: list[TruthCell] = []
    first = next((c for c in t3 if c.row == "new" and c.column == "total"), None)
    if first:
        picks.append(first)
    # prefer non-zero cells, but keep some zeros: a zero is an answer too
    def pick(pool: list[TruthCell], n: int) -> None:
        pool = [c for c in pool if c not in picks]
        nz = [c for c in pool if c.value]
        for _ in range(n):
            src = nz if nz and rng.random() < 0.75 else pool
            if not src:
                return
            c = rng.choice(src)
            picks.append(c)
            if c in nz:
                nz.remove(c)
            pool.remove(c)

    pick(t3, max(1, per_report - 4))
    pick(t4, 1)
    pick(t2, 1)
    for c in picks:
        a = name()
        if c.table == "表三":
            q = _t3_question(a, t.year, c.row, c.column)
            col = T3_COLUMN_BY_KEY[c.column].label
        elif c.table == "表四":
            q = _t4_question(a, t.year, c.row, c.column)
            col = T4_COLUMN_BY_KEY[c.column].label
        else:
            row_label = "规范性文件" if c.row == "normative" and c.column in ("made", "published", "public_total") \
                else c.row_label
            q = _t2_question(a, t.year, c.row, c.column, c.column_label, row_label)
            col = c.column_label
        out.append(_entry(nid("t"), q, "table", c.value,
                          [_cite(t, c.table, _row_hint(c.table, c.row), col)]))
    # narrative: the published-items count is always stated in 一、总体情况
    f = t.fact("published_items")
    if f is not None:
        out.append(_entry(nid("n"), f"{name()}{t.year}年主动公开政府信息多少条？", "narrative", f.value,
                          [_cite(t, section="总体情况")]))
    for key, q in (("npc_proposals", "{a}{y}年承办人大代表建议多少件？"),
                   ("fee_yuan", "{a}{y}年收取信息处理费多少元？")):
        f = t.fact(key)
        if f is not None and rng.random() < 0.5:
            out.append(_entry(nid("n"), q.format(a=name(), y=t.year), "narrative", f.value,
                              [_cite(t, section="其他需要报告的事项")]))
    # within-report aggregates (clean tables only; mostly where the sum is not 0)
    def keep(v: int) -> bool:
        return v > 0 or rng.random() < 0.15

    if "表三" not in t.blank_tables and not any(v.table == "表三" for v in t.violations):
        lp = sum(t.value("表三", "new", k2) or 0 for k2 in ("commercial", "research", "social", "legal", "other"))
        if keep(lp):
            out.append(_entry(nid("a"), f"{name()}{t.year}年法人或其他组织提出的政府信息公开申请共多少件？",
                              "aggregate", lp, [_cite(t, "表三", _row_hint("表三", "new"))]))
        total = sum(t.value("表三", r, "total") or 0 for r in _WITHHELD)
        if keep(total):
            out.append(_entry(nid("a"), f"{name()}{t.year}年不予公开的政府信息公开申请共多少件？", "aggregate", total,
                              [_cite(t, "表三", "不予公开", "总计")]))
    if "表四" not in t.blank_tables and not any(v.table == "表四" for v in t.violations):
        lit = (t.value("表四", "direct", "total") or 0) + (t.value("表四", "after_review", "total") or 0)
        if keep(lit):
            out.append(_entry(nid("a"), f"{name()}{t.year}年因政府信息公开被提起行政诉讼共多少件？", "aggregate", lit,
                              [_cite(t, "表四", "未经复议直接起诉", "总计"), _cite(t, "表四", "复议后起诉", "总计")]))
    # injected violations: the assistant should flag the printed number
    for v in t.violations:
        if v.table == "正文":
            continue
        col = T3_COLUMN_BY_KEY[v.column].label if v.table == "表三" else T4_COLUMN_BY_KEY[v.column].label
        out.append(_entry(nid("c"), f"{name()}{t.year}年报告的{v.table}数据是否符合勾稽关系？", "check", "",
                          [_cite(t, v.table, _row_hint(v.table, v.row or ""), col)],
                          answer_type="text", must_include=[fmt_number(v.printed)]))
    # blank tables: not reported is not 0
    for table in t.blank_tables:
        cells = [c for c in t.cells if c.table == table and c.column != "change"]
        c = rng.choice(cells)
        if table == "表三":
            q = _t3_question(name(), t.year, c.row, c.column)
            col = T3_COLUMN_BY_KEY[c.column].label
        elif table == "表四":
            q = _t4_question(name(), t.year, c.row, c.column)
            col = T4_COLUMN_BY_KEY[c.column].label
        else:
            q = _t2_question(name(), t.year, c.row, c.column, c.column_label, c.row_label)
            col = c.column_label
        out.append(_entry(nid("b"), q, "blank", "未填报", [_cite(t, table, _row_hint(table, c.row), col)],
                          answer_type="text", must_include=["未填报"]))
    return out


# ---------------------------------------------------------------- across reports


def _clean_t3(t: SynthTruth) -> bool:
    return "表三" not in t.blank_tables and not any(v.table == "表三" for v in t.violations)


def _across(rng: random.Random, truths: list[SynthTruth], tag: str) -> list[dict]:
    out: list[dict] = []
    by_agency: dict[str, list[SynthTruth]] = defaultdict(list)
    for t in truths:
        if _clean_t3(t):
            by_agency[t.agency].append(t)
    k = 0
    for ag, ts in sorted(by_agency.items()):
        if len(ts) < 2:
            continue
        ts = sorted(ts, key=lambda x: x.year)
        pick = rng.sample(ts, k=min(len(ts), rng.choice([2, 2, 3])))
        pick.sort(key=lambda x: x.year)
        years = [x.year for x in pick]
        total = sum(x.value("表三", "new", "total") or 0 for x in pick)
        a = ag if rng.random() < 0.6 else pick[0].agency_alias
        ys = "、".join(f"{y}年" for y in years)
        k += 1
        out.append(_entry(f"{tag}-years-{k}", f"{a}{ys}合计新收政府信息公开申请多少件？", "aggregate", total,
                          [_cite(x, "表三", _row_hint("表三", "new"), "总计") for x in pick]))
    # comparisons among agencies of one year
    by_year: dict[int, list[SynthTruth]] = defaultdict(list)
    for t in truths:
        if _clean_t3(t):
            by_year[t.year].append(t)
    for y, ts in sorted(by_year.items()):
        if len(ts) < 3:
            continue
        for _ in range(2):
            trio = rng.sample(ts, k=3)
            vals = [x.value("表三", "new", "total") or 0 for x in trio]
            if len(set(vals)) < 3 or max(vals) == 0:
                continue
            win = trio[vals.index(max(vals))]
            names = "、".join(x.agency for x in trio)
            k += 1
            out.append(_entry(f"{tag}-compare-{k}", f"{y}年，{names}中哪个机关新收政府信息公开申请最多？", "aggregate",
                              win.agency, [_cite(x, "表三", _row_hint("表三", "new"), "总计") for x in trio],
                              answer_type="text", must_include=[win.agency]))
    return out


def _refusals(rng: random.Random, truths: list[SynthTruth], tag: str, k: int, world=None) -> list[dict]:
    used_names = {t.agency for t in truths} | {t.agency_alias for t in truths}
    used_places = {t.place for t in truths} | {t.parent for t in truths}
    if world is not None:
        used_names |= {a.canonical for a in world} | {a.alias for a in world}
        used_places |= {a.place for a in world} | {a.parent for a in world}
    out: list[dict] = []
    forms = ["{a}{y}年本年新收政府信息公开申请多少件？", "{a}{y}年政府信息公开行政复议总计多少件？",
             "{a}{y}年予以公开的政府信息公开申请有多少件？", "{a}{y}年本年制发行政规范性文件多少件？"]
    for i, name in enumerate(unused_agencies(rng, used_names, used_places, max(1, k - k // 3))):
        out.append(_entry(f"{tag}-refuse-{i + 1}", rng.choice(forms).format(a=name, y=rng.randint(2019, 2024)),
                          "refusal", None, [], answer_type="refusal"))
    # a known agency, a year it has no report for
    years: dict[str, set[int]] = defaultdict(set)
    for t in truths:
        years[t.agency].add(t.year)
    cands = sorted(a for a, ys in years.items() if len(ys) < 6)
    rng.shuffle(cands)
    for j, a in enumerate(cands[: k // 3 or 1]):
        missing = sorted(set(range(2019, 2025)) - years[a])
        out.append(_entry(f"{tag}-refuse-year-{j + 1}", rng.choice(forms).format(a=a, y=rng.choice(missing)),
                          "refusal", None, [], answer_type="refusal"))
    return out


def gold_from_truth(truths: Iterable[Any], *, seed: int = 0, per_report: int = 6, refusals: int | None = None,
                    world=None) -> list[dict]:
    """Gold entries (contracts.md format) for the reports whose ground truth is given.

    ``truths``: SynthTruth objects, SynthReport objects, dicts or ``*.truth.json`` paths.
    Deterministic for the same truths and ``seed``.
    """
    ts = sorted((_as_truth(t) for t in truths), key=lambda t: t.name)
    rng = random.Random(f"gold-{seed}-{len(ts)}")
    tag = f"synth{seed}"
    out: list[dict] = []
    for t in ts:
        out += _per_report(rng, t, tag, per_report)
    out += _across(rng, ts, tag)
    n_ref = refusals if refusals is not None else max(3, len(ts) // 8)
    out += _refusals(rng, ts, tag, n_ref, world)
    ids = [e["id"] for e in out]
    assert len(ids) == len(set(ids)), "duplicate gold ids"
    return out


def write_gold(entries: list[dict], path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
