"""The rule catalogue and the one function every caller uses to run it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ingest.audit import rules_cross as cross
from ingest.audit import rules_tables as tables
from ingest.audit import rules_template as tpl
from ingest.audit.model import AuditFinding, Evidence, Outcome, Rule, Verdict, report_id
from ingest.audit.rules_narrative import measures, narrative_rule
from ingest.models import Report
from ingest.template import T2, T3, T4

_TEXT = "正文"
COLLAPSE = 3  # a rule's passes beyond this many are reported as one 通过 (e.g. 七列全部相符)


def _rules() -> tuple[Rule, ...]:
    base = [
        Rule("t3.results_total", T3, "表三每一列：（一）+（二）+（三）1–8 +（四）1–3 +（五）1–5 +（六）=（七）总计",
             "表三「三、本年度办理结果」各行与（七）总计行，七列", tables.t3_results_total),
        Rule("t3.balance", T3, "表三每一列：一、本年新收 + 二、上年结转 =（七）总计 + 四、结转下年度继续办理",
             "表三一、二、（七）总计、四行，七列", tables.t3_balance),
        Rule("t3.row_total", T3, "表三每一行：自然人 + 五类法人或其他组织 = 总计", "表三每一行的七列", tables.t3_row_total),
        Rule("t4.total", T4, "表四行政复议、未经复议直接起诉、复议后起诉各自：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计",
             "表四三组各五格", tables.t4_total),
        Rule("t2.counts", T2, "表二的件数、数量是非负整数（收费金额除外）", "表二每一格", tables.t2_counts),
        Rule("t2.in_force_carry", T2, "表二现行有效件数 = 上年报告现行有效件数 + 本年制发件数 − 本年废止件数（同一机关）",
             "表二规章、行政规范性文件的三列，及上年报告的现行有效件数", cross.in_force_follows_last_year,
             needs_others=True),
        Rule("cross.carried", T3, "本年表三「二、上年结转」= 上年报告表三「四、结转下年度继续办理」（同一机关，逐列）",
             "本年表三二行、上年表三四行", cross.carried_matches_last_forward, needs_others=True),
    ]
    for m in measures():
        cells = "＋".join(f"{t}「{r}」「{c}」" for t, r, c in m.cells)
        base.append(Rule(m.id, _TEXT, f"正文所述{m.label}的数字与表格一致（口径可能不同，仅作提示）",
                         f"正文含「{'、'.join(m.triggers[:4])}」的句子；{cells}", narrative_rule(m.id),
                         severity="warning"))
    base += [
        Rule("table.missing", _TEXT, "报告包含表二、表三、表四", "三张表", tpl.table_present, severity="warning"),
        Rule("table.blank", _TEXT, "表格不能整表空白（未填报不等于 0）", "三张表的全部单元格", tpl.table_filled,
             severity="warning"),
        Rule("table.partly_blank", _TEXT, "已填报的表格每格都有数字", "三张表的全部单元格", tpl.table_cells_filled,
             severity="warning"),
        Rule("section.missing", _TEXT, "报告包含模板规定的六个部分", "各部分标题", tpl.sections_present,
             severity="warning"),
        Rule("section.order", _TEXT, "六个部分按模板顺序排列", "各部分标题", tpl.sections_in_order, severity="warning"),
        Rule("section.part5_empty", _TEXT, "第五部分「存在的主要问题及改进情况」不能为空", "第五部分正文",
             tpl.part_five_filled, severity="warning"),
        Rule("text.year", _TEXT, "正文所称本年（统计期限、截至日期、总体情况开头）与报告年度一致", "正文",
             tpl.year_named, severity="warning"),
    ]
    return tuple(base)


RULES: tuple[Rule, ...] = _rules()
PARENT_RULE = Rule("parent.sum", T3, "上级机关的表三、表四 = 各下级机关之和（按用户提供的上下级对照表）",
                   "本机关与各下级机关同年表三四行、表四全部单元格", cross.parent_sum, needs_others=True)
RULE_BY_ID = {r.id: r for r in (*RULES, PARENT_RULE)}


def _dedupe(evs: Iterable[Evidence]) -> list[Evidence]:
    seen, out = set(), []
    for e in evs:
        k = (e.report_id, e.kind, e.table, e.row, e.column, e.quote if e.kind == "text" else "")
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out


def _finding(rule: Rule, report: Report, verdict: Verdict, subject: str, detail: str,
             evidence: Iterable[Evidence], table: str | None = None) -> AuditFinding:
    severity = rule.severity if verdict is Verdict.failed else "warning"
    return AuditFinding(table=table or rule.table, rule=rule.id, severity=severity, detail=detail, verdict=verdict,
                        description=rule.description, subject=subject, agency=report.agency, year=report.year,
                        source=report.source, report_id=report_id(report), evidence=_dedupe(evidence))


def _to_findings(rule: Rule, report: Report, outcomes: list[Outcome]) -> list[AuditFinding]:
    """Every non-pass outcome is a finding; more than COLLAPSE passes of a rule are one finding."""
    out = [_finding(rule, report, o.verdict, o.subject, o.detail, o.evidence, o.table)
           for o in outcomes if o.verdict is not Verdict.passed]
    passed = [o for o in outcomes if o.verdict is Verdict.passed]
    if len(passed) <= COLLAPSE:
        out += [_finding(rule, report, o.verdict, o.subject, o.detail, o.evidence, o.table) for o in passed]
    else:
        rest = "其余" if len(passed) < len(outcomes) else "全部"
        subjects = "、".join(o.subject for o in passed[:3]) + ("等" if len(passed) > 3 else "")
        out.append(_finding(rule, report, Verdict.passed, f"{len(passed)} 项", (
            f"{rule.description}：{rest} {len(passed)} 项相符（{subjects}）。"),
            (e for o in passed for e in o.evidence)))
    return out


def findings_for(report: Report, others: Iterable[Report] = (), *,
                 parents: Mapping[str, list[str]] | None = None,
                 rules: Iterable[str] | None = None) -> list[AuditFinding]:
    """Every applicable rule's verdicts on ``report`` (passes included), with evidence.

    ``others``: other reports the cross-report rules may read (last year's report of the same agency;
    children named in ``parents``, a map parent agency -> child agencies). ``rules``: limit to these ids.
    """
    rid = report_id(report)
    pool = [o for o in others if report_id(o) != rid]
    wanted = set(rules) if rules is not None else None
    out: list[AuditFinding] = []
    for rule in RULES:
        if wanted is not None and rule.id not in wanted:
            continue
        outcomes = rule.fn(report, pool) if rule.needs_others else rule.fn(report)
        out += _to_findings(rule, report, outcomes)
    if parents and (wanted is None or PARENT_RULE.id in wanted):
        kids = parents.get(report.agency) or next(
            (v for k, v in parents.items() if k in report.agency_variants), [])
        out += _to_findings(PARENT_RULE, report, cross.parent_sum(report, pool, list(kids)))
    return out


def audit_reports(reports: list[Report], *, parents: Mapping[str, list[str]] | None = None,
                  progress=None) -> list[AuditFinding]:
    """The catalogue over a corpus: each report against all the others."""
    out: list[AuditFinding] = []
    for i, r in enumerate(reports):
        out += findings_for(r, reports, parents=parents)
        if progress is not None:
            progress(i + 1, len(reports), r.source)
    return out


def report_findings(report: Report) -> list[AuditFinding]:
    """The single-report findings stored on Report.findings at parse time: 不通过 and 提示 only."""
    return [f for f in findings_for(report) if f.verdict in (Verdict.failed, Verdict.notice)]
