"""The 报告 tab's verdicts on real reports: three states per table (一致 / 不一致 / 无法核对（未填报或未读出）), and a
narrative-vs-table difference is a 提示, never 不一致.

Truth read off the files by a person:
- hzq2024_working.pdf: the text says 受理政府信息公开申请17件 while 表三「本年新收」总计 is 95 (another scope);
  表三 itself balances.
- hzq2023_working.pdf: 表四's row reads 10 1 0 0 0 … — 行政复议 维持 10 + 纠正 1, printed 总计 0: a real 不一致.
- seed 003 (海东市市直机关事务管理局 2021): 表三 and 表四 printed empty.
"""

from __future__ import annotations

import re

import pytest

from ui.report_view import BAD, OK, UNKNOWN, audit, report_detail_markdown, table_verdicts


def _verdict_lines(md: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"^- (表[二三四])：[✓✗？] (.+)$", md, re.M)}


@pytest.fixture(scope="module")
def parsed(raw_dir, seeds_dir):
    from ingest.parse import parse_file

    return {"hzq2024": parse_file(raw_dir / "hzq2024_working.pdf"), "hzq2023": parse_file(raw_dir / "hzq2023_working.pdf"),
            "blank": parse_file(next(seeds_dir.glob("003_*.txt")))}


def test_a_narrative_difference_is_a_notice_not_an_inconsistency(parsed):
    md = report_detail_markdown(parsed["hzq2024"])
    v = _verdict_lines(md)
    assert v["表三"] == OK and BAD not in v.values()
    notice = md.split("**提示**", 1)[1]
    assert "17" in notice and "95" in notice


def test_a_printed_total_that_does_not_add_up_is_an_inconsistency(parsed):
    md = report_detail_markdown(parsed["hzq2023"])
    v = _verdict_lines(md)
    assert v["表四"] == BAD and v["表三"] == OK
    assert "合计 11，而总计印为 0" in md


def test_a_blank_table_cannot_be_checked_and_is_never_consistent(parsed):
    md = report_detail_markdown(parsed["blank"])
    v = _verdict_lines(md)
    assert v["表三"] == UNKNOWN and v["表四"] == UNKNOWN and v["表二"] == OK
    assert "整表未填报" in md.split("**注意**", 1)[1]
    states = {t: s for t, (s, _) in table_verdicts(audit(parsed["blank"])).items()}
    assert states == {"表二": OK, "表三": UNKNOWN, "表四": UNKNOWN}


def test_report_list_counts_only_inconsistencies_as_such():
    from ui.report_view import findings_cell

    assert findings_cell({"findings": 2, "errors": 2}) == "不一致 2 处"
    assert findings_cell({"findings": 1, "errors": 0}) == "无（另有提示/注意 1 条）"
    assert findings_cell({"findings": 0, "errors": 0}) == "无"
    assert findings_cell({"findings": 2, "errors": 0, "blank_tables": ["表三", "表四"]}) == "表三、表四无法核对（未填报）"
