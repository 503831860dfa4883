"""Agency name forms: what people call an agency, and what they must not be confused with."""

from __future__ import annotations

import pytest

from ingest.agency import forms, same_agency, strip_place_prefix


@pytest.mark.parametrize("name,local", [
    ("淮安市洪泽区人民政府", "洪泽区人民政府"),
    ("江苏省淮安市洪泽区人民政府", "洪泽区人民政府"),
    ("华源市湘坪区市场监督管理局", "湘坪区市场监督管理局"),  # 湘坪区市(场) is not a city
    ("淮安市人民政府", "淮安市人民政府"),  # nothing local left: kept whole
    ("海东市市直机关事务管理局", "海东市市直机关事务管理局"),
    ("安山市住房和城乡建设局", "安山市住房和城乡建设局"),  # 住房和城乡 is no township
])
def test_strip_place_prefix(name, local):
    assert strip_place_prefix(name) == local


def test_short_forms():
    assert {"河东区工信局", "河东区工业和信息化局"} <= forms("河东区工业和信息化局")
    assert {"湘坪区市场监管局", "湘坪区市场监督管理局"} <= forms("华源市湘坪区市场监督管理局")
    assert "白滨市民宗委" in forms("白滨市民族宗教事务委员会")
    assert "玉山市机关事务中心" in forms("玉山市机关事务服务中心")
    assert {"淮安市政府", "淮安市"} <= forms("淮安市人民政府")


def test_a_government_office_is_not_the_government():
    office = forms("月溪市桃水县人民政府办公室")
    assert {"桃水县政府办公室", "桃水县政府办", "桃水县府办"} <= office
    assert not {"桃水县", "桃水县政府", "月溪市桃水县"} & office  # these name 桃水县人民政府
    assert not same_agency("桃水县人民政府办公室", "桃水县人民政府")
    assert "湘丰省政府办公厅" in forms("湘丰省人民政府办公厅")
