"""Table values that satisfy every 勾稽 rule, with skewed realistic distributions.

表三: per applicant column, 一 (new) + 二 (carried) = 三（七）(total of results) + 四
(forward); （七） = the sum of the result sub-rows; in every row 总计 = the sum of
the six applicant columns. 表四: in every group 总计 = the sum of the four results.
Violations are injected on the printed values afterwards (see ``inject_violations``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from ingest.template import T2_ITEMS, T3_APPLICANT_KEYS, T3_ROWS_2021, T4_COLUMNS, T4_GROUPS, t3_rows

from .agencies import Agency
from .model import Number, Violation

# Base shares of the result leaves (2021 template keys); perturbed per report.
_RESULT_WEIGHTS: dict[str, float] = {
    "open": 0.40, "partial": 0.09,
    "withheld_secret": 0.002, "withheld_law": 0.01, "withheld_safety": 0.003, "withheld_third_party": 0.012,
    "withheld_internal": 0.01, "withheld_process": 0.02, "withheld_enforcement": 0.008, "withheld_inquiry": 0.03,
    "unable_not_held": 0.24, "unable_need_create": 0.02, "unable_unclear": 0.02,
    "not_handled_petition": 0.03, "not_handled_repeat": 0.02, "not_handled_publication": 0.004,
    "not_handled_mass": 0.004, "not_handled_confirm": 0.005,
    "other_overdue": 0.03, "other_fee": 0.002, "other_other": 0.03,
}
# Shares of the legal-person columns among themselves.
_LEGAL_PERSON_WEIGHTS = np.array([0.45, 0.04, 0.04, 0.30, 0.17])  # commercial research social legal other

T3_RESULT_KEYS_2021 = tuple(r.key for r in T3_ROWS_2021 if r.group)
T4_GROUP_KEYS = tuple(g.key for g in T4_GROUPS)
T4_RESULT_KEYS = tuple(c.key for c in T4_COLUMNS if c.key != "total")


T3_ROW_BY_KEY_LOCAL = {r.key: bool(r.group) for r in (*T3_ROWS_2021, *t3_rows(True))}


def t3_result_keys(single_other: bool) -> tuple[str, ...]:
    return tuple(r.key for r in t3_rows(single_other) if r.group)


def t2_columns(item_index: int, style: str) -> tuple:
    it = T2_ITEMS[item_index]
    return it.columns_2019 if style == "2019" else it.columns_2021


@dataclass
class Tables:
    """The consistent values, before violations/blanking."""

    t2: dict[tuple[str, str], Number]
    t3: dict[tuple[str, str], int]
    t4: dict[tuple[str, str], int]
    t2_styles: dict[str, str]  # item -> "2019" | "2021"
    single_other: bool
    # rows printed only by the 2019 format (not in the template vocabulary): label -> values
    t2_extra: dict[str, list[Number]] = field(default_factory=dict)

    def t3_total(self, row: str) -> int:
        return self.t3[(row, "total")]


def _scale_new(rng: np.random.Generator, ag: Agency, year: int) -> int:
    """Total new applications of the year: many zeros, a long tail."""
    if rng.random() < ag.btype.zero_share:
        return 0
    mean = ag.expected_new * (0.8 + 0.1 * (year - 2019))  # applications grow over the years
    mean *= float(rng.lognormal(0.0, 0.8))
    return int(rng.poisson(max(mean, 0.3)))


def _split_columns(rng: np.random.Generator, n: int) -> np.ndarray:
    """Split ``n`` applications among the six applicant columns (most 自然人)."""
    if n == 0:
        return np.zeros(6, dtype=np.int64)
    natural = float(rng.beta(7.0, 1.2))
    lp = rng.dirichlet(_LEGAL_PERSON_WEIGHTS * 6)
    p = np.concatenate([[natural], (1 - natural) * lp])
    return rng.multinomial(n, p / p.sum())


def make_t3(rng: np.random.Generator, ag: Agency, year: int, single_other: bool) -> dict[tuple[str, str], int]:
    new = _split_columns(rng, _scale_new(rng, ag, year))
    carry_rate = float(rng.uniform(0, 0.06)) if new.sum() > 0 else 0.0
    fwd_rate = float(rng.uniform(0, 0.06)) if new.sum() > 0 else 0.0
    carried = rng.binomial(new + (new > 0), carry_rate)
    forward = rng.binomial(new + carried, fwd_rate)
    handled = new + carried - forward

    keys = T3_RESULT_KEYS_2021
    base = np.array([_RESULT_WEIGHTS[k] for k in keys])
    p = rng.dirichlet(base * 40 + 0.02)
    out: dict[tuple[str, str], int] = {}
    leaves = np.zeros((len(keys), 6), dtype=np.int64)
    for j in range(6):
        if handled[j] > 0:
            leaves[:, j] = rng.multinomial(int(handled[j]), p)
    rows: dict[str, np.ndarray] = {"new": new, "carried": carried, "forward": forward}
    for i, k in enumerate(keys):
        rows[k] = leaves[i]
    if single_other:
        rows["other"] = rows.pop("other_overdue") + rows.pop("other_fee") + rows.pop("other_other")
    rows["total"] = handled
    for key, vals in rows.items():
        for j, col in enumerate(T3_APPLICANT_KEYS):
            out[(key, col)] = int(vals[j])
        out[(key, "total")] = int(vals.sum())
    return out


def make_t4(rng: np.random.Generator, ag: Agency, new_total: int) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    lam = {"review": new_total * float(rng.uniform(0.0, 0.08)),
           "direct": new_total * float(rng.uniform(0.0, 0.015)),
           "after_review": new_total * float(rng.uniform(0.0, 0.01))}
    for g in T4_GROUP_KEYS:
        n = int(rng.poisson(lam[g])) if rng.random() < 0.85 else 0
        parts = rng.multinomial(n, rng.dirichlet([4.0, 1.0, 2.0, 1.0])) if n else np.zeros(4, dtype=np.int64)
        for k, v in zip(T4_RESULT_KEYS, parts):
            out[(g, k)] = int(v)
        out[(g, "total")] = int(parts.sum())
    return out


def _fee(rng: np.random.Generator, scale: float) -> float:
    if scale <= 0 or rng.random() < 0.5:
        return 0
    v = float(rng.lognormal(np.log(50 * scale + 1), 1.6))
    digits = int(rng.choice([1, 2, 4]))
    v = round(v, digits)
    return v if v > 0 else 0


def make_t2(rng: np.random.Generator, ag: Agency, styles: dict[str, str]) -> tuple[dict, dict]:
    bt = ag.btype
    big = {"省": 40.0, "市": 10.0, "区县": 1.0, "街道": 0.05}[ag.level]
    out: dict[tuple[str, str], Number] = {}
    extra: dict[str, list[Number]] = {}

    def pois(m: float) -> int:
        return int(rng.poisson(max(m, 0.0)))

    # （一） rules (only province/city governments make 规章) and normative documents
    rules_mean = 1.5 if (bt.kind == "government" and ag.level in ("省", "市")) else 0.0
    for row, mean in (("rules", rules_mean), ("normative", bt.normative)):
        issued = pois(mean * float(rng.lognormal(0, 0.5)))
        if styles["（一）"] == "2021":
            repealed = pois(issued * 0.6 + (mean * 0.5))
            out[(row, "issued")] = issued
            out[(row, "repealed")] = repealed
            out[(row, "in_force")] = issued + pois(mean * 6) if mean > 0 else issued
        else:
            published = issued if rng.random() < 0.8 else max(0, issued - pois(1))
            out[(row, "made")] = issued
            out[(row, "published")] = published
            out[(row, "public_total")] = published + pois(mean * 6) if mean > 0 else published
    # （五） licensing, （六） penalty / coercion: decisions, heavy tailed
    lic = pois(bt.licensing * big * 300 * float(rng.lognormal(0, 1.2))) if rng.random() < 0.8 else 0
    pen = pois(bt.penalty * big * 200 * float(rng.lognormal(0, 1.3))) if rng.random() < 0.75 else 0
    coe = pois(pen * 0.02 * float(rng.lognormal(0, 1.0)))
    for item, row, dec in (("（五）", "licensing", lic), ("（六）", "penalty", pen), ("（六）", "coercion", coe)):
        if styles[item] == "2021":
            out[(row, "decisions")] = dec
        else:
            prev = pois((3 + dec ** 0.5) if dec else (1 if rng.random() < 0.3 else 0))
            out[(row, "prev_items")] = prev
            out[(row, "change")] = int(rng.integers(-min(prev, 3), 4)) if prev else 0
            out[(row, "decisions")] = dec
    if styles["（五）"] == "2019":
        n = pois(bt.licensing * 4)
        extra["其他对外管理服务事项"] = [n, int(rng.integers(-min(n, 2), 3)) if n else 0, pois(n * 20)]
    # （八） fees
    if styles["（八）"] == "2021":
        out[("fees", "amount")] = _fee(rng, bt.fees * big)
    else:
        prev = pois(bt.fees * 5)
        out[("fees", "prev_items")] = prev
        out[("fees", "change")] = int(rng.integers(-min(prev, 2), 2)) if prev else 0
        n = pois(bt.scale * big * 3)
        extra["政府集中采购"] = [n, _fee(rng, 0.5 * n) if n else 0]
    return out, extra


def make_tables(rng: np.random.Generator, pyrng: random.Random, ag: Agency, year: int) -> Tables:
    template = "2019" if year <= 2020 else "2021"
    if template == "2019":
        styles = {"（一）": "2019", "（五）": "2019", "（六）": "2019", "（八）": "2019"}
        single_other = True
    else:
        r = pyrng.random()
        if r < 0.08:  # seed 000: a 2021 report still printing the 2019 columns of （一） and （五）
            styles = {"（一）": "2019", "（五）": "2019", "（六）": "2021", "（八）": "2021"}
        else:
            styles = {"（一）": "2021", "（五）": "2021", "（六）": "2021", "（八）": "2021"}
        single_other = pyrng.random() < 0.06  # e.g. 洪泽区 prints （六） as one row
    t3 = make_t3(rng, ag, year, single_other)
    t4 = make_t4(rng, ag, t3[("new", "total")])
    t2, extra = make_t2(rng, ag, styles)
    return Tables(t2=t2, t3=t3, t4=t4, t2_styles=styles, single_other=single_other, t2_extra=extra)


# ---------------------------------------------------------------- violations


def _bump(pyrng: random.Random, v: int) -> int:
    d = pyrng.choice([1, 1, 2, 3, 10, -1, -1, -2])
    return v + d if v + d >= 0 else v + abs(d)


VIOLATION_RULES = ("t3.row_total", "t3.results_total", "t3.balance", "t4.group_total", "narrative.new")


def inject_violations(pyrng: random.Random, tb: Tables, k: int, blank_tables: set[str]) -> list[Violation]:
    """Corrupt ``k`` printed values in place (each breaking its rule); return what was done.

    ``t3.results_total`` necessarily breaks the balance rule of its column too.
    Rules on a table printed blank are not used.
    """
    rules = [r for r in VIOLATION_RULES
             if not (r.startswith("t3") and "表三" in blank_tables) and not (r.startswith("t4") and "表四" in blank_tables)
             and not (r == "narrative.new" and "表三" in blank_tables)]
    out: list[Violation] = []
    used_cells: set[tuple[str, str, str]] = set()
    for rule in pyrng.sample(rules, k=min(k, len(rules))):
        if rule == "t3.row_total":
            # not the rows other rules touch (their total moves with them)
            row = pyrng.choice([r.key for r in t3_rows(tb.single_other) if r.key not in ("total", "forward")])
            cell = ("表三", row, "total")
            old = tb.t3[(row, "total")]
            tb.t3[(row, "total")] = new = _bump(pyrng, old)
            # its 总计 cell is also in the 总计 column: of the results total, or of the balance
            also = ["t3.results_total"] if T3_ROW_BY_KEY_LOCAL[row] else ["t3.balance"]
            out.append(Violation(rule=rule, table="表三", row=row, column="total", printed=new, expected=old,
                                 detail=f"表三 {row} 行总计印为 {new}，六类申请人之和为 {old}", also_breaks=also))
        elif rule == "t3.results_total":
            col = pyrng.choice(T3_APPLICANT_KEYS[:1] * 3 + T3_APPLICANT_KEYS)
            cell = ("表三", "total", col)
            old = tb.t3[("total", col)]
            tb.t3[("total", col)] = new = _bump(pyrng, old)
            # keep the row rule intact: the total column moves with it
            tb.t3[("total", "total")] += new - old
            out.append(Violation(rule=rule, table="表三", row="total", column=col, printed=new, expected=old,
                                 detail=f"表三（七）总计 {col} 列印为 {new}，办理结果各项之和为 {old}",
                                 also_breaks=["t3.balance"]))
        elif rule == "t3.balance":
            col = pyrng.choice(T3_APPLICANT_KEYS[:1] * 3 + T3_APPLICANT_KEYS)
            cell = ("表三", "forward", col)
            old = tb.t3[("forward", col)]
            tb.t3[("forward", col)] = new = _bump(pyrng, old)
            tb.t3[("forward", "total")] += new - old
            out.append(Violation(rule=rule, table="表三", row="forward", column=col, printed=new, expected=old,
                                 detail=f"表三 {col} 列：一+二 ≠ 三（七）+四（结转下年度印为 {new}，应为 {old}）"))
        elif rule == "t4.group_total":
            g = pyrng.choice(T4_GROUP_KEYS)
            cell = ("表四", g, "total")
            old = tb.t4[(g, "total")]
            tb.t4[(g, "total")] = new = _bump(pyrng, old)
            out.append(Violation(rule=rule, table="表四", row=g, column="total", printed=new, expected=old,
                                 detail=f"表四 {g} 总计印为 {new}，四项之和为 {old}"))
        else:
            old = tb.t3[("new", "total")]
            new = _bump(pyrng, old) if old else pyrng.randint(1, 30)
            cell = ("正文", "new", "total")
            out.append(Violation(rule=rule, table="正文", row="new", column="total", printed=new, expected=old,
                                 detail=f"总体情况称收到申请 {new} 件，表三本年新收为 {old} 件"))
        used_cells.add(cell)
    return out
