"""The 报告 tab's verdicts for one report, from the audit catalogue (ingest.audit) the 审核 tab uses.

Each table gets one of three states: 一致 (its 勾稽 rules were checked and none failed), 不一致 (a rule failed),
无法核对（未填报或未读出） (no rule could be checked: the table is blank, unread or missing — never 一致).
Narrative-vs-table differences are 提示 (the text may use another scope), never 不一致; template compliance
(a blank table, a missing section) is listed apart as 注意.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

TABLES = ("表二", "表三", "表四")
OK, BAD, UNKNOWN = "一致", "不一致", "无法核对（未填报或未读出）"
ARITHMETIC_PREFIX = {"表二": "t2.", "表三": "t3.", "表四": "t4."}  # the table's 勾稽 rules in the catalogue


def _esc(value: object) -> str:
    from ui.render import esc

    return esc(value)


def audit(report: Any) -> list[Any]:
    """Every single-report verdict of the catalogue (通过 / 不通过 / 无法核对 / 提示); [] when it cannot run."""
    try:
        from ingest.audit.catalogue import findings_for

        return list(findings_for(report))
    except Exception:  # noqa: BLE001 - a report the audit cannot read: the tab shows the parser's findings
        import logging

        logging.getLogger(__name__).exception("audit failed for %s", getattr(report, "source", "?"))
        return []


def table_verdicts(findings: Iterable[Any]) -> dict[str, tuple[str, list[Any]]]:
    """{表: (state, the failed findings)} from the table's 勾稽 rules."""
    out: dict[str, tuple[str, list[Any]]] = {}
    findings = list(findings)
    for t in TABLES:
        mine = [f for f in findings if f.table == t and f.rule.startswith(ARITHMETIC_PREFIX[t])]
        failed = [f for f in mine if f.verdict.value == "不通过"]
        if failed:
            out[t] = (BAD, failed)
        elif any(f.verdict.value == "通过" for f in mine):
            out[t] = (OK, [])
        else:
            out[t] = (UNKNOWN, [])
    return out


def is_notice(f: Any) -> bool:
    return f.verdict.value == "提示" or f.rule.startswith("narrative.")


def report_detail_markdown(report: Any) -> str:
    """Markdown (escaped): one verdict line per table, then 提示, then 注意 (template compliance, warnings)."""
    head = (f"**{_esc(report.agency)}** {_esc(report.year)}年 · {_esc(report.source)}")
    findings = audit(report)
    if not findings:
        return _fallback(report, head)
    lines = [head, "", "**一致性检查（勾稽关系）**："]
    icon = {OK: "✓", BAD: "✗", UNKNOWN: "？"}
    for t, (state, failed) in table_verdicts(findings).items():
        lines.append(f"- {t}：{icon[state]} {state}")
        lines += [f"    - {_esc(f.detail)}" for f in failed]
    notices = [f for f in findings if is_notice(f) and f.verdict.value in ("提示", "不通过")]
    if notices:
        lines += ["", "**提示**（正文所述数字与表格不同，口径可能不同，请核对；不算不一致）："]
        lines += [f"- {_esc(f.detail)}" for f in notices]
    compliance = [f for f in findings if not is_notice(f) and f.verdict.value == "不通过"
                  and not f.rule.startswith(tuple(ARITHMETIC_PREFIX.values()))]
    warnings = list(getattr(report, "warnings", None) or [])
    if compliance or warnings:
        lines += ["", "**注意**（模板规范、读取情况）："]
        lines += [f"- {_esc(f.table)}：{_esc(f.detail)}" for f in compliance]
        lines += [f"- ⚠ {_esc(w)}" for w in warnings]
    return "\n".join(lines)


def _fallback(report: Any, head: str) -> str:
    """Without the audit (a report object it cannot take): the parser's findings, unread tables not 一致."""
    from ui.render import _get

    lines = [head]
    findings = list(_get(report, "findings") or [])
    unreadable = uncheckable_tables(report)
    notices = [f for f in findings if str(_get(f, "rule") or "").startswith("narrative.")]
    failed = [f for f in findings if f not in notices]
    if failed:
        lines.append("一致性检查（勾稽关系）发现：")
        lines += [f"- {_esc(_get(f, 'table'))}：{_esc(_get(f, 'detail'))}" for f in failed]
    for t in unreadable:
        lines.append(f"- {_esc(t)}：{UNKNOWN}，不是「一致」。")
    if not failed:
        checked = [t for t in TABLES if t not in unreadable]
        lines.append(f"一致性检查：{'、'.join(checked)}未发现不一致。" if checked else "一致性检查：没有可以核对的表格。")
    lines += [f"- 提示：{_esc(_get(f, 'detail'))}" for f in notices]
    lines += [f"- ⚠ {_esc(w)}" for w in _get(report, "warnings") or []]
    return "\n".join(lines)


def uncheckable_tables(report: Any) -> list[str]:
    """Tables with no number read (all blank, unread or missing): their checks can neither pass nor fail."""
    from ui.render import _get

    out = []
    cells = list(_get(report, "cells") or [])
    for t in TABLES:
        states = [getattr(_get(c, "state"), "value", _get(c, "state")) for c in cells if _get(c, "table") == t]
        if not any(st == "number" for st in states):
            out.append(t)
    return out


def findings_cell(info: Any) -> str:
    """The report list's 一致性问题 column from the catalogue's counts (errors = failed 勾稽 rules)."""
    from ui.render import _get

    errors = int(_get(info, "errors", 0) or 0)
    blank = [str(t) for t in _get(info, "blank_tables", None) or []]
    other = max(int(_get(info, "findings", 0) or 0) - errors - len(blank), 0)  # a blank table is one finding
    parts = [f"不一致 {errors} 处"] if errors else []
    if blank:
        parts.append(f"{'、'.join(blank)}无法核对（未填报）")
    text = "；".join(parts) or "无"
    return text + (f"（另有提示/注意 {other} 条）" if other else "")
