"""Findings stored on a Report at parse time: the single-report rules of the audit catalogue
(ingest/audit) that did not pass. ``reportqa check`` and the answers run the full catalogue
(with cross-report rules and verdicts) through ``ingest.audit.findings_for``."""

from __future__ import annotations

from ingest.audit import report_findings
from ingest.audit.rules_narrative import claims, measure
from ingest.models import Finding, Report


def run_checks(report: Report) -> list[Finding]:
    return [f.as_finding() for f in report_findings(report)]


def narrative_application_counts(report: Report) -> list[tuple[int, str, str]]:
    """(number, sentence, section path) for sentences like 受理政府信息公开申请 17 件."""
    return [(n, sent, sec.path) for n, sent, sec, _ in claims(report, measure("narrative.t3_new"))]
