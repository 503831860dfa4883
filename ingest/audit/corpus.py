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


def _is_related(info, report: Report) -> bool:
    """``info`` is another year of ``report``'s agency (the reports the cross-report rules read)."""
    return info.report_id != report.id and (info.agency == report.agency or report.agency in info.agency_variants
                                            or info.agency in report.agency_variants)


def related_reports(index, report: Report) -> list[Report]:
    """The reports a cross-report rule may read for ``report``: the same agency's other years."""
    return [index.get_report(i.report_id) for i in index.reports() if _is_related(i, report)]


def _fingerprint(report: Report) -> str:
    return hashlib.sha1(report.model_dump_json().encode(), usedforsecurity=False).hexdigest()


def _stamp(info) -> tuple | None:
    """The version of a stored report: its id and when it was committed (a re-ingest under the same id commits
    it again); None when the listing does not say."""
    at = getattr(info, "ingested_at", None)
    return ("stored", info.report_id, at) if at else None


def index_findings_for(index, report: Report, *, info=None, infos: Iterable | None = None) -> list[AuditFinding]:
    """``findings_for`` with the related reports read from the index (what the answers use); the result for the
    same report and the same related reports is computed once (see FINDINGS_CACHE).

    ``info`` is the index's listing entry ``report`` was loaded from, and ``infos`` the listing to find related
    reports in (default: ``index.reports()``). With them the cache key is each stored report's version, so a
    repeated check neither loads the related reports nor serialises any report; without them (a report that may
    differ from what is stored) the key hashes the report's full record."""
    listing = index.reports() if infos is None else infos
    related_infos = [i for i in listing if _is_related(i, report)]
    own = _stamp(info) if info is not None and info.report_id == report.id else None
    loaded: dict[str, Report] = {}

    def related_key(i) -> tuple | str:
        stamp = _stamp(i)
        if stamp is not None:
            return stamp
        loaded[i.report_id] = index.get_report(i.report_id)
        return _fingerprint(loaded[i.report_id])

    key = (own or _fingerprint(report), tuple(sorted(map(str, (related_key(i) for i in related_infos)))))
    with _findings_lock:
        hit = _findings.get(key)
        if hit is not None:
            _findings.move_to_end(key)
            return list(hit)
    related = [loaded.get(i.report_id) or index.get_report(i.report_id) for i in related_infos]
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
