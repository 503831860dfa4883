"""normalise(): the text every match runs on (Kangxi radicals, radicals supplement, compatibility forms)."""

from __future__ import annotations

import unicodedata

import pytest

from ingest.text import _radical_table, key, normalise


@pytest.mark.parametrize("printed,plain", [
    ("\u2f2f业和信息化局", "工业和信息化局"),  # ⼯ KANGXI RADICAL WORK
    ("\u2ed3期", "长期"),  # ⻓ CJK RADICAL C-SIMPLIFIED LONG
    ("\u2ed4户网站", "门户网站"),  # ⻔
    ("\u2f83然资源", "自然资源"),  # ⾃ KANGXI RADICAL SELF
    ("２０２３年", "2023年"),  # full-width digits
    ("\uf9b4", "\u9818"),  # a CJK compatibility ideograph -> its unified form
    ("\u2ecb辆", "车辆"), ("\u2ee2上", "马上"), ("\u2ec5证", "见证"),
])
def test_normalise_maps_lookalikes(printed, plain):
    assert normalise(printed) == plain


def test_key_runs_on_normalised_text():
    assert key("（\u2f00）总体情况") == "（一）总体情况"  # ⼀ KANGXI RADICAL ONE
    assert key("\u2f08民政府 \u2f08\u2f12") == "人民政府人力"  # ⼈ ⼒
    assert key("\u2f2f信局 ２０２１ 年") == "工信局2021年"


def test_radical_table_is_data_over_the_supplement_block():
    table = _radical_table()
    assert len(table) > 90
    for code, ideograph in table.items():
        assert 0x2E80 <= code <= 0x2EF3
        assert unicodedata.name(chr(code)).startswith("CJK RADICAL")
        assert unicodedata.name(ideograph).startswith("CJK UNIFIED IDEOGRAPH")
        assert normalise(chr(code)) == ideograph


def test_plain_text_unchanged():
    s = "本年新收政府信息公开申请数量 19 件。"
    assert normalise(s) == s
