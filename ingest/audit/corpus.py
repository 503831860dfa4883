"""The audit over an index: load its reports, run the catalogue, filter what is shown."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable

from ingest.audit.catalogue import audit_reports, findings_for
from ingest.audit.model import AuditFinding, Verdict
from ingest.models import Report

VERDICT_ORDER = (Verdict.failed, Verdict.notice, Verdict.unknown, Verdict.passed)
# index_findings_for runs the whole catalogue, whose narrative rules read every sentence of the report: on a
# 1 MiB report about 3 s, and a check question ran it on every ask. The findings are a function of the reports'
# content: the last FINDINGS_CACHE results are kept, keyed by a hash of each report's full record (so a report
# re-parsed under the same id is never answered from the old findings).
FINDINGS_CACHE = 64
_findings: OrderedDict[tuple, list[AuditFinding]] = OrderedDict()
_findings_lock = threading.Lock()


def load_reports(index) -> list[Report]:
    """Every committed report of a ReportIndex, as parsed."""
    return [index.get_report(i.report_id) for i in index.reports()]


def related_reports(index, report: Report) -> list[Report]:
    """The reports a cross-report rule may read for ``report``: the same agency's other years."""
    out = []
    for i in index.reports():
        if i.report_id == report.id:
            continue
        if i.agency == report.agency or report.agency in i.agency_variants or i.agency in report.agency_variants:
            out.append(index.get_report(i.report_id))
    return out


def _fingerprint(report: Report) -> str:
    return hashlib.sha1(report.model_dump_json().encode(), usedforsecurity=False).hexdigest()


def index_findings_for(index, report: Report) -> list[AuditFinding]:
    """``findings_for`` with the related reports read from the index (what the answers use); the result for the
    same report and the same related reports is computed once (see FINDINGS_CACHE)."""
    related = related_reports(index, report)
    key = (_fingerprint(report), tuple(sorted(_fingerprint(r) for r in related)))
    with _findings_lock:
        hit = _findings.get(key)
        if hit is not None:
            _findings.move_to_end(key)
            return list(hit)
    found = findings_for(report, related)
    with _findings_lock:
        _findings[key] = found
        while len(_findings) > FINDINGS_CACHE:
            _findings.popitem(last=False)
    return list(found)


def cell_findings(findings: Iterable[AuditFinding], cells, report_id: str | None = None) -> list[AuditFinding]:
    """The 不通过 and 提示 findings that read one of ``cells`` (TableCells, or (table, row, column) keys):
    what a table answer over those cells should warn about."""
    keys = {(c.table, c.row, c.column) if hasattr(c, "table") else tuple(c) for c in cells}
    out = []
    for f in findings:
        if f.verdict not in (Verdict.failed, Verdict.notice):
            continue
        if any(e.kind == "cell" and (report_id is None or e.report_id == report_id)
               and (e.table, e.row, e.column) in keys for e in f.evidence):
            out.append(f)
    return out


def matches(f: AuditFinding, *, agency: str | None = None, year: int | None = None, table: str | None = None,
            verdicts: Iterable[Verdict | str] | None = None, rule: str | None = None) -> bool:
    if agency and agency not in f.agency:
        return False
    if year is not None and f.year != year:
        return False
    if table and f.table != table:
        return False
    if rule and not f.rule.startswith(rule):
        return False
    if verdicts is not None:
        vs = {Verdict(v) for v in verdicts}
        if f.verdict not in vs:
            return False
    return True


def sort_key(f: AuditFinding):
    return (f.agency, f.year, f.source, VERDICT_ORDER.index(f.verdict), f.table, f.rule)


def by_rule(findings: Iterable[AuditFinding]) -> dict[str, Counter]:
    """rule id -> Counter of verdict values."""
    out: dict[str, Counter] = {}
    for f in findings:
        out.setdefault(f.rule, Counter())[f.verdict.value] += 1
    return out


__all__ = ["audit_reports", "by_rule", "cell_findings", "index_findings_for", "load_reports", "matches", "related_reports",
           "sort_key"]
