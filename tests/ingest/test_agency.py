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


# ------------------------------------------------------------------ rules of name forms (invented names)

from ingest.agency import ABBREVIATIONS, ambiguous, candidates, match_agencies, question_forms, split_name  # noqa: E402


@pytest.mark.parametrize("name,places,body", [
    ("青禾综合实验区海岚片区管理局", ("青禾综合实验区", "海岚片区"), "管理局"),
    ("江川市柳岸区人民政府", ("江川市", "柳岸区"), "人民政府"),
    ("白石市住房和城乡建设局", ("白石市",), "住房和城乡建设局"),  # 住房和城乡 is no township
    ("云岭市市直机关事务管理局", ("云岭市",), "市直机关事务管理局"),
    ("南溪街道办事处", ("南溪街道",), "办事处"),
    ("湖岸高新技术产业开发区管理委员会", ("湖岸高新技术产业开发区",), "管理委员会"),
])
def test_split_name(name, places, body):
    assert split_name(name) == (places, body)


@pytest.mark.parametrize("name,form", [
    # place prefix dropped (one place left) / a place's own administration named by the place
    ("青禾综合实验区海岚片区管理局", "海岚片区管理局"),
    ("青禾综合实验区海岚片区管理局", "海岚片区"),
    ("江川市柳岸区人民政府", "柳岸区"),
    # 人民政府 <-> 政府
    ("江川市柳岸区人民政府", "柳岸区政府"),
    ("江川市人民政府", "江川市政府"),
    # abbreviations as data: bureaus, zones, endings
    ("江川市人力资源和社会保障局", "江川市人社局"),
    ("江川市卫生健康委员会", "江川市卫健委"),
    ("江川市市场监督管理局", "江川市市场监管局"),
    ("江川市发展和改革委员会", "江川市发改委"),
    ("江川市住房和城乡建设局", "江川市住建局"),
    ("江川市交通运输局", "江川市交通局"),
    ("湖岸高新技术产业开发区管理委员会", "湖岸高新区"),
    ("湖岸高新技术产业开发区管理委员会", "湖岸高新区管委会"),
    ("湖岸经济技术开发区管理委员会", "湖岸经开区"),
])
def test_forms_by_rule(name, form):
    assert form in forms(name)


@pytest.mark.parametrize("name,form,rule", [
    ("江川市柳岸区人民政府", "柳岸", "short_place"),  # a district without its 区
    ("江川市人民政府", "江川", "short_place"),  # a city without its 市
    ("桃源县人民政府", "桃源", "short_place"),  # a county without its 县
    ("青禾综合实验区行政审批局", "青禾行政审批局", "short_place"),
    ("青禾综合实验区自然资源与生态环境局", "自然资源与生态环境局", "no_place"),
    ("江川市柳岸区卫生健康委员会", "卫健委", "no_place"),
])
def test_question_forms_by_rule(name, form, rule):
    assert question_forms(name).get(form) == rule


def test_a_development_zone_is_not_its_city():
    assert "湖岸" not in question_forms("湖岸高新技术产业开发区管理委员会")
    assert not any(f in ("管理局", "人民政府", "政府办") for f in question_forms("青禾综合实验区海岚片区管理局"))
    assert "政府办" not in question_forms("月溪市桃水县人民政府办公室")


def test_abbreviations_are_data():
    assert ABBREVIATIONS["人社局"] == "人力资源和社会保障局" and ABBREVIATIONS["发改委"] == "发展和改革委员会"
    assert ABBREVIATIONS["卫健委"] == "卫生健康委员会" and ABBREVIATIONS["市场监管局"] == "市场监督管理局"


KNOWN = [
    "青禾综合实验区自然资源与生态环境局", "青禾综合实验区行政审批局", "青禾综合实验区海岚片区管理局",
    "青禾综合实验区交通与建设局", "江川市人民政府", ("江川市柳岸区人民政府", ["柳岸区人民政府"]),
    "江川市行政审批局", "白石市工业和信息化局", "青禾综合实验区市场监督管理局", "玉湖市卫生健康委员会",
    "湖岸高新技术产业开发区管理委员会",
]


@pytest.mark.parametrize("question,agency,rule", [
    ("江川2024年新收多少件", "江川市人民政府", "short_place"),
    ("柳岸2024年新收多少件", "江川市柳岸区人民政府", "short_place"),
    ("柳岸区政府2024年", "江川市柳岸区人民政府", "name"),
    ("江川市柳岸区2024年", "江川市柳岸区人民政府", "name"),
    ("海岚片区2023年", "青禾综合实验区海岚片区管理局", "name"),
    ("青禾审批局2023年", "青禾综合实验区行政审批局", "short_place"),
    ("区行政审批局2023年", "青禾综合实验区行政审批局", "no_place"),  # the zone's own, said as 区…
    ("市卫健委2023年", "玉湖市卫生健康委员会", "no_place"),
    ("白石市工信局", "白石市工业和信息化局", "name"),
    ("湖岸高新区2023年", "湖岸高新技术产业开发区管理委员会", "name"),
    ("市场监管局2020年", "青禾综合实验区市场监督管理局", "no_place"),
    # characters dropped from the middle of a long name
    ("青禾交通建设局2025年", "青禾综合实验区交通与建设局", "subsequence"),
    ("自然资源生态环境局", "青禾综合实验区自然资源与生态环境局", "subsequence"),
    ("自然资源局2023年", "青禾综合实验区自然资源与生态环境局", "subsequence"),
    ("白石市工业信息化局", "白石市工业和信息化局", "subsequence"),
])
def test_match_agencies_by_rule(question, agency, rule):
    matches = match_agencies(question, KNOWN)
    assert [(m.agency, m.rule) for m in matches] == [(agency, rule)]


@pytest.mark.parametrize("question", [
    "江川区人民政府2024年",  # 江川 of 江川区 is another place, not 江川市
    "江川区2024年",
    "红岭市行政审批局2024年",  # another city's 行政审批局
    "湘坪区市场监督管理局2023年",
    "柳湾区人民政府",  # not 柳岸区 with characters dropped
])
def test_other_places_are_not_matched(question):
    assert [m.agency for m in match_agencies(question, KNOWN)] == []


def test_ambiguous_fragments_are_returned_for_asking():
    matches = match_agencies("行政审批局2023年新收多少件", KNOWN)
    assert ambiguous(matches) == [["江川市行政审批局", "青禾综合实验区行政审批局"]]
    assert set(candidates("行政审批局", KNOWN)) == {"江川市行政审批局", "青禾综合实验区行政审批局"}
    assert candidates("江川市行政审批局", KNOWN) == ["江川市行政审批局"]  # the full name settles it
    assert candidates("两个局", KNOWN) == []


def test_the_shared_truth_short_names_resolve():
    """Short names written by hand in tests/fixtures/corpus_truth.json resolve to their agency (or to a set
    that contains it, to be asked), when that file is in the checkout."""
    from tests.conftest import FIXTURES

    truth = FIXTURES / "corpus_truth.json"
    if not truth.exists():
        pytest.skip("tests/fixtures/corpus_truth.json is not in this checkout yet")
    import json

    files = json.loads(truth.read_text("utf-8"))["files"]
    known = sorted({f["agency"] for f in files})
    for f in files:
        for short in f.get("agency_short", []):
            if len(short) < 4 or short.startswith(("区", "市")) and len(short) < 6:
                continue  # bare endings (工信局, 区政府) need the question's context
            assert f["agency"] in candidates(short, known), (short, f["agency"])
