"""Which agency a question names, through one mechanism (ingest.agency.match_agencies, then the fragment tiers):
a short or loose form resolves when one agency fits, is asked back when several fit, and never silently picks one.

The identities are those of ../shared/corpus (agency as the index holds it, with the variants the documents print);
no documents are read here.
"""

from __future__ import annotations

import pytest

from assistant.reader import read
from assistant.scope import agencies_for_fragment
from ingest.index import ReportInfo

_CORPUS = [("平潭综合实验区交通与建设局", 2025), ("平潭综合实验区国有资产管理局", 2023), ("平潭综合实验区市场监督管理局", 2020),
           ("平潭综合实验区海坛片区管理局", 2023), ("平潭综合实验区自然资源与生态环境局", 2023),
           ("平潭综合实验区行政审批局", 2023), ("平潭综合实验区行政审批局", 2024), ("平潭综合实验区金井片区管理局", 2021),
           ("平潭综合实验区金井片区管理局", 2022), ("河东区工业和信息化局", 2021), ("河东区机关事务服务中心", 2021),
           ("海东市市直机关事务管理局", 2021), ("淄博市张店区机关事务服务中心", 2021), ("淮安市人民政府", 2024),
           ("淮安市洪泽区人民政府", 2023), ("淮安市洪泽区人民政府", 2024)]
_VARIANTS = {"河东区工业和信息化局": ["河东区工信局"], "淮安市洪泽区人民政府": ["洪泽区人民政府"]}
INFOS = [ReportInfo(report_id=f"r{i}", agency=a, year=y, source=f"{i}.html", template="2021", sections=6, cells=0,
                    findings=0, agency_variants=[a, *_VARIANTS.get(a, [])])
         for i, (a, y) in enumerate(_CORPUS)]


@pytest.mark.parametrize("q,agency", [
    ("张店机关事务中心2021年新收申请多少件？", "淄博市张店区机关事务服务中心"),  # a level word and two characters dropped
    ("平潭交通建设局2025年新收申请多少件？", "平潭综合实验区交通与建设局"),
    ("交通建设局2025年新收申请多少件？", "平潭综合实验区交通与建设局"),
    ("自然资源生态环境局2023年新收申请多少件？", "平潭综合实验区自然资源与生态环境局"),
    ("金井2021年新收申请多少件？", "平潭综合实验区金井片区管理局"),
    ("平潭审批局2023年新收申请多少件？", "平潭综合实验区行政审批局"),
    ("河东工信局2021年新收申请多少件？", "河东区工业和信息化局"),
])
def test_a_loose_form_that_fits_one_agency_resolves(q, agency):
    a = read(q, INFOS)
    assert a.scope.agencies == [agency] and not a.scope.ambiguous, a.explain()
    assert not a.measure_like and not a.unplaced, a.explain()  # no piece of the name is left over as a word


@pytest.mark.parametrize("q,both", [
    ("机关事务服务中心2021年新收申请多少件？", {"河东区机关事务服务中心", "淄博市张店区机关事务服务中心"}),
    ("区机关事务服务中心2021年主动公开了多少条信息？", {"河东区机关事务服务中心", "淄博市张店区机关事务服务中心"}),
    ("片区管理局2023年新收申请多少件？", {"平潭综合实验区海坛片区管理局", "平潭综合实验区金井片区管理局"}),
    ("平潭管理局2023年新收申请多少件？", {"平潭综合实验区国有资产管理局", "平潭综合实验区市场监督管理局",
                                       "平潭综合实验区海坛片区管理局", "平潭综合实验区金井片区管理局"}),
])
def test_words_that_fit_several_agencies_are_asked_back_never_one_picked(q, both):
    a = read(q, INFOS)
    assert not a.scope.agencies, a.explain()
    assert any(set(v) == both for v in a.scope.ambiguous.values()), a.scope.ambiguous


@pytest.mark.parametrize("q,unknown", [
    ("淮安市行政审批局2023年新收申请多少件？", "淮安市行政审批局"),  # 淮安 holds no 行政审批局 here
    ("洪泽区机关事务服务中心2021年新收申请多少件？", "洪泽区机关事务服务中心"),
])
def test_an_agency_of_another_place_is_not_a_near_one(q, unknown):
    a = read(q, INFOS)
    assert not a.scope.agencies and a.scope.unknown_agencies == [unknown], a.explain()


def test_fragments_go_through_match_agencies_first():
    assert agencies_for_fragment("淮安", INFOS) == ["淮安市人民政府"]
    assert agencies_for_fragment("河东工信局", INFOS) == ["河东区工业和信息化局"]
    assert set(agencies_for_fragment("平潭管理局", INFOS)) >= {"平潭综合实验区海坛片区管理局", "平潭综合实验区金井片区管理局"}


def test_the_assistant_asks_back(tmp_path):
    from assistant.assistant import Assistant
    from ingest.settings import Settings

    class _Index:  # the identities only: a scope refusal reads no cell
        version = 0

        def refresh(self, force=False):
            return 0

        def reports(self):
            return INFOS

    qa = Assistant(Settings(index_dir=tmp_path, embedding_model="fake"), index=_Index())
    ans = qa.ask("机关事务服务中心2021年新收申请多少件？")
    assert not ans.answerable and "河东区机关事务服务中心" in ans.answer and "淄博市张店区机关事务服务中心" in ans.answer
