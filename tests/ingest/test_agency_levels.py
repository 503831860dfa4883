"""A question may leave out an agency's higher places (张店机关事务中心, 平潭行政审批局) but not its lowest one:
淄博市机关事务服务中心 is the city's centre, another agency than 淄博市张店区机关事务服务中心."""

from __future__ import annotations

import pytest

from ingest.agency import match_agencies

HELD = ["淄博市张店区机关事务服务中心", "淮安市人民政府", "淮安市洪泽区人民政府", "平潭综合实验区行政审批局",
        "河东区工业和信息化局", "平潭综合实验区交通与建设局"]


@pytest.mark.parametrize("q", ["淄博市机关事务服务中心2021年新收申请多少件？", "市机关事务服务中心2021年的年报",
                               "淄博市机关事务中心2021年"])
def test_a_higher_place_without_the_lowest_names_another_agency(q):
    assert match_agencies(q, HELD) == [], \
        [(m.agency, m.rule) for m in match_agencies(q, HELD)]


@pytest.mark.parametrize("q,agency", [
    ("张店区机关事务中心2021年", "淄博市张店区机关事务服务中心"),
    ("张店机关事务中心2021年", "淄博市张店区机关事务服务中心"),
    ("淄博市张店区机关事务服务中心2021年", "淄博市张店区机关事务服务中心"),
    ("平潭行政审批局2024年", "平潭综合实验区行政审批局"),
    ("平潭交通建设局2025年", "平潭综合实验区交通与建设局"),
    ("区行政审批局2024年", "平潭综合实验区行政审批局"),
    ("淮安市洪泽区2024年", "淮安市洪泽区人民政府"),
])
def test_higher_places_may_be_left_out(q, agency):
    assert [m.agency for m in match_agencies(q, HELD)] == [agency]


@pytest.mark.parametrize("q", ["淮安市行政审批局2024年新收多少件？", "淮安市的市场监督管理局2024年", "淮安市卫健委2024年"])
def test_a_body_after_a_place_is_not_the_places_government(q):
    assert [m.agency for m in match_agencies(q, HELD)] != ["淮安市人民政府"]


@pytest.mark.parametrize("q", ["淮安市2024年新收多少件", "淮安市政府2024年", "淮安市新收申请多少件"])
def test_the_place_alone_still_names_its_government(q):
    assert [m.agency for m in match_agencies(q, HELD)] == ["淮安市人民政府"]
