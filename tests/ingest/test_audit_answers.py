"""Answers use the audit's findings (one code path): 「…数据一致吗」 lists every applicable rule with its verdict."""

from __future__ import annotations

import pytest

from ingest.audit import Verdict
from ingest.audit.corpus import index_findings_for


@pytest.fixture(scope="module")
def qa(tmp_path_factory, seeds_dir, raw_dir):
    mp = pytest.MonkeyPatch()
    mp.setenv("REPORTQA_EMBEDDING_MODEL", "fake")
    from assistant.assistant import Assistant
    from ingest.indexer import ingest_paths
    from ingest.settings import Settings

    settings = Settings(index_dir=tmp_path_factory.mktemp("answers") / "idx")
    assert ingest_paths(settings, [seeds_dir, raw_dir]).ingested == 8
    yield Assistant(settings)
    mp.undo()


def _report(qa, agency, year):
    info = next(i for i in qa.reports() if agency in i.agency and i.year == year)
    return qa.get_report(info.report_id)


def test_blank_table3_is_cannot_check_not_consistent(qa):
    a = qa.ask("海东市市直机关事务管理局2021年表三数据一致吗？")
    assert "无法核对" in a.answer and "一致，" not in a.answer
    assert a.answer.count("？ 无法核对") == 3  # column sums, balance, row sums


def test_failed_rules_are_the_audit_findings_with_their_cells(qa):
    a = qa.ask("洪泽区2023年表四数据一致吗？")
    assert "不一致" in a.answer
    rep = _report(qa, "洪泽区", 2023)
    failed = [f for f in index_findings_for(qa.index, rep) if f.table == "表四" and f.verdict is Verdict.failed]
    assert len(failed) == 2
    for f in failed:
        assert f"✗ 不通过：{f.detail}" in a.answer
    cited = {(c.table, c.row, c.column) for c in a.citations}
    assert {("表四", "行政复议", "结果维持"), ("表四", "行政复议", "总计")} <= cited


def test_consistent_report_lists_each_rule_passed_and_the_cross_year_rule(qa):
    a = qa.ask("洪泽区2024年表三数据一致吗？")
    assert "不通过" not in a.answer
    assert a.answer.count("✓ 通过") >= 4  # column sums, balance, row sums, 上年结转 against 2023
    assert "上年报告表三「四、结转下年度继续办理」" in a.answer
    assert "⚠ 提示" in a.answer and "17" in a.answer and "95" in a.answer  # the narrative notice
