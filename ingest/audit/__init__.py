"""The consistency audit: a catalogue of rules with verdicts (通过 / 不通过 / 无法核对 / 提示) and evidence.

One code path for every caller: ``reportqa check``, the 审核 tab and the assistant's answers all call
:func:`findings_for` (one report, with the other reports cross-report rules may read) or
:func:`audit_reports` (a corpus).
"""

from ingest.audit.catalogue import PARENT_RULE, RULE_BY_ID, RULES, audit_reports, findings_for, report_findings
from ingest.audit.model import AuditFinding, Evidence, Rule, Verdict
from ingest.audit.parents import load_parent_map

__all__ = ["AuditFinding", "Evidence", "PARENT_RULE", "RULES", "RULE_BY_ID", "Rule", "Verdict", "audit_reports",
           "findings_for", "load_parent_map", "report_findings"]
