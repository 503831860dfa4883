"""Narrative answers name each report and section once, however many of its sentences they quote."""

from __future__ import annotations

import re

from assistant.quote_lines import quote_lines


def test_one_report_one_section_is_a_heading_and_bullets():
    assert quote_lines([("甲 2024 年", "一、总体情况", "句一[1]"), ("甲 2024 年", "一、总体情况", "句二[2]")]) == [
        "甲 2024 年「一、总体情况」：", "- 句一[1]", "- 句二[2]"]


def test_sections_of_one_report_nest_under_it():
    assert quote_lines([("甲 2024 年", "一", "a[1]"), ("甲 2024 年", "五", "b[2]"), ("甲 2024 年", "五", "c[3]")]) == [
        "甲 2024 年：", "- 「一」：a[1]", "- 「五」：", "  - b[2]", "  - c[3]"]


def test_several_reports_each_named_once_in_order_of_first_quote():
    got = quote_lines([("甲", "五", "a[1]"), ("乙", "五", "b[2]"), ("乙", "五", "c[3]"), ("甲", "一", "d[4]"),
                       ("丙", "一", "e[5]")])
    assert got == ["- 甲：", "  - 「五」：a[1]", "  - 「一」：d[4]", "- 乙「五」：", "  - b[2]", "  - c[3]",
                   "- 丙「一」：e[5]"]
    assert quote_lines([]) == []


def test_a_real_answer_with_several_quotes_names_its_report_once(tmp_path, seed_paths):
    from assistant import Assistant
    from ingest.indexer import ingest_paths
    from ingest.settings import Settings

    s = Settings(index_dir=tmp_path / "idx", embedding_model="fake", cache_dir=tmp_path / "cache")
    ingest_paths(s, seed_paths[:1])  # 河东区机关事务服务中心 2021年: its 第五部分 has two sub-parts, four sentences
    ans = Assistant(s).ask("河东区机关事务服务中心2021年报告第五部分讲了什么？")
    assert len(re.findall(r"\[\d+\]", ans.answer)) >= 3
    assert ans.answer.count("河东区机关事务服务中心") == 1, ans.answer
    assert ans.answer.count("（一）存在问题") == 1 and ans.answer.count("（二）改进情况") == 1
