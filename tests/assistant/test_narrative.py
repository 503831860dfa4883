"""Single-report narrative answers and refusals over the whole shared corpus (seeds, PDFs, the real 平潭 HTML).

Every expected figure was read off the documents by hand:
- real/jtj_2025_article.html 一、（二）: 全年我局依法办结政府信息公开申请21件，其中网络申请数11件，信函申请数10件;
  一、（一）: 以12345平台为媒介…诉求累计受理3615件…办理率达100%，满意率达99.02% (a 满意率 of 12345 requests, not of
  disclosure replies);
- real/hzs_2023.html, hzs_2024.html 一、（四）: 微信公众号…关注人数1022人 / 关注人数1314人次;
- real/htp_2023.html (signed 平潭综合实验区海坛片区管理局2024年1月24日, the 2023 report) 一、（一）门户网站公开政府信息159条,
  一、（四）共推送…文章877余篇; real/zrz_2023.html (signed 2024年1月5日) 一、全年政府信息主动公开52条;
- real/scj_2020_article.html 一、（三）: 主动公开政府信息393条，其中公示公告栏54条 … 部门预算决算栏4条，其他类75条;
- seeds/004 (张店区机关事务服务中心 2021) 一、（一）: 其中政策文件 1 条 … 会议公开 13 条 … 业务动态 28 条 (the largest);
  五: 2022年将重点做好以下几个方面工作：一是…体制机制 二是…公开力度 三是…公开内容;
- seeds/000 (河东区机关事务服务中心 2021) 五（一）: 一是政府信息公开意识有待加强；二是…全面性、及时性…；三是…制度建设…;
  五（二）: 一是以办公用房管理信息公开…二通过政府网站…三充分发挥新闻发布会…四在做好主动公开…;
  六（二）: 人均综合能耗、人均用水量比 2020 年分别降低 2.8%、3.6%、3.9% (单位建筑面积能耗, 人均综合能耗, 人均用水量);
- raw/hzq2024_working.pdf 五: 2025 年我们将切实抓好以下工作：一是…依申请公开…二是…典型案例…三是…业务指导培训;
- seeds/003 (海东市市直机关事务管理局 2021): no 办公经费 anywhere.
"""

from __future__ import annotations

import re

import pytest

from assistant.assistant import Assistant, numbers_supported
from assistant.narrative import breakdown_items, next_to_words, respective
from ingest.indexer import ingest_paths
from ingest.settings import Settings
from tests.conftest import SHARED, _need


def _build(tmp_path_factory, model: str) -> Assistant:
    corpus = _need(SHARED / "corpus")
    s = Settings(index_dir=tmp_path_factory.mktemp(f"idx-narr-{model.replace('/', '_')}"), embedding_model=model)
    res = ingest_paths(s, [corpus / "seeds", corpus / "raw", corpus / "real"])
    assert res.failed == 0 and res.ingested == 18
    return Assistant(s)


@pytest.fixture(scope="module")
def qa(tmp_path_factory) -> Assistant:
    return _build(tmp_path_factory, "fake")


@pytest.fixture(scope="module")
def qa_real(tmp_path_factory) -> Assistant:
    """The default embedding model: a question with few words the text shares (哪类最多) passes the relevance
    gate on its dense similarity; the fake embedder has none, and lexical overlap alone refuses it."""
    return _build(tmp_path_factory, Settings().embedding_model)


def quoted(a, text: str) -> bool:
    return any(text in c.quote and c.table is None for c in a.citations)


# ------------------------------------------------------------------ a number next to the question's own words


@pytest.mark.parametrize("q,value,quote", [
    ("平潭综合实验区交通与建设局2025年网络申请有几件？", 11, "网络申请数11件"),
    ("交通与建设局2025年的网络申请是多少件", 11, "网络申请数11件"),
    ("交通与建设局2025年信函申请有几件？", 10, "信函申请数10件"),
    ("行政审批局2024年微信公众号的关注人数是多少？", 1314, "关注人数1314"),
    ("海坛片区管理局2023年微信公众号共推送了多少篇文章？", 877, "文章877余篇"),
    ("交通与建设局2025年通过12345平台受理群众诉求多少件？", 3615, "累计受理3615件"),
])
def test_the_number_next_to_the_questions_words(qa, q, value, quote):
    a = qa.ask(q)
    assert a.answerable and a.value == value, a.answer
    assert quoted(a, quote), a.citations
    assert numbers_supported(a)


@pytest.mark.parametrize("q", [
    "平潭综合实验区交通与建设局2025年政府信息公开答复满意率是多少？",
    "交通与建设局2025年依申请公开答复的满意率有多少",
    "海东市市直机关事务管理局2021年办公经费是多少？",
    "海东市市直机关事务管理局2021年的办公经费有多少万元？",
])
def test_a_figure_of_another_kind_is_refused(qa, q):
    a = qa.ask(q)
    assert not a.answerable and a.value is None, a.answer
    assert "99.02" not in a.answer


def test_the_qualified_figure_itself_is_answered(qa):
    a = qa.ask("交通与建设局2025年12345平台诉求的满意率是多少？")
    assert a.answerable and a.value == 99.02, a.answer


def test_a_difference_across_two_years_takes_the_measure_words_clause(qa):
    a = qa.ask("平潭综合实验区行政审批局微信公众号关注人数2024年比2023年增加了多少？")
    assert a.answerable and a.value == 1314 - 1022, a.answer
    assert quoted(a, "关注人数1314") and quoted(a, "关注人数1022")


def test_a_difference_never_answers_with_one_reports_number(qa):
    a = qa.ask("2023年海坛片区管理局公开的政府信息比自然资源与生态环境局多多少条？")
    assert a.value in (159 - 52, None), a.answer  # never one item of a breakdown (其他应主动公开的政府信息7条)
    assert not re.search(r"[：:]\s*7 条", a.answer), a.answer


@pytest.mark.parametrize("q,value", [
    ("河东区机关事务服务中心报告提到，到2022年底公共机构人均用水量要比2020年降低百分之几？", 3.9),
    ("河东区机关事务服务中心说到2022年底人均综合能耗比2020年降低百分之多少？", 3.6),
])
def test_respective_lists_map_the_item_to_its_number(qa, q, value):
    a = qa.ask(q)
    assert a.answerable and a.value == value, a.answer


# ------------------------------------------------------------------ list questions: every item


@pytest.mark.parametrize("q,items", [
    ("洪泽区2024年的年报说，2025年将切实抓好哪几项工作？", ["依申请公开", "典型案例", "业务指导培训"]),
    ("洪泽区2024年报告里2025年要抓好的工作有哪几项", ["依申请公开", "典型案例", "业务指导培训"]),
    ("张店区机关事务服务中心的年报说2022年将重点做好哪几个方面的工作？", ["体制机制", "公开力度", "公开内容"]),
    ("河东区机关事务服务中心2021年存在哪几个问题？", ["意识有待加强", "全面性", "制度建设"]),
    ("河东区机关事务服务中心2021年下一步打算从哪几个方面改进？", ["办公用房", "政府网站", "新闻发布会", "依申请公开"]),
])
def test_a_list_question_gets_every_item(qa, q, items):
    a = qa.ask(q)
    assert a.answerable, a.answer
    for item in items:
        assert item in a.answer, (item, a.answer)
        assert any(item in c.quote for c in a.citations), item


@pytest.mark.parametrize("q,label,value", [
    ("张店区机关事务服务中心2021年公开的85条政务信息中，哪一类最多？", "业务动态", 28),
    ("金井片区管理局2022年主动公开的政府信息里哪类最多", "其他应主动公开的政府信息", 53),
    ("张店区机关事务服务中心2021年主动公开的信息哪类最多", "业务动态", 28),
    ("市场监督管理局2020年主动公开的信息里哪个栏目最少？", "部门预算决算栏", 4),
])
@pytest.mark.integration
def test_the_largest_item_of_a_stated_breakdown(qa_real, q, label, value):
    a = qa_real.ask(q)
    assert a.answerable and a.value == value and label in a.answer, a.answer
    assert quoted(a, f"{label}{value}条") or quoted(a, f"{label} {value} 条")


# ------------------------------------------------------------------ a report named by its signature date


@pytest.mark.parametrize("q,year,value", [
    ("落款日期为2024年1月5日的那份自然资源与生态环境局年报，主动公开了多少条政府信息？", 2023, 52),
    ("落款日期为2024年1月24日的海坛片区管理局年报中，微信公众号共推送了多少篇文章？", 2023, 877),
    ("签发日期为2024年1月24日的那份年报，公开了多少条政府信息？", 2023, 159),
    ("落款是2024年1月5日的年报里行政复议有几件", 2023, 0),
])
def test_a_report_named_by_its_signature_date(qa, q, year, value):
    a = qa.ask(q)
    assert a.answerable and a.value == value, a.answer
    assert all(c.year == year for c in a.citations)
    assert "所指报告" in a.answer and f"{year} 年度报告" in a.answer


def test_the_signature_date_itself_is_still_answered(qa):
    a = qa.ask("自然资源与生态环境局2023年报告的落款日期是哪天？")
    assert "2024年1月5日" in a.answer


def test_a_date_no_report_is_signed_with_is_not_a_report(qa):
    a = qa.ask("落款日期为2024年3月3日的那份海坛片区管理局年报，主动公开了多少条政府信息？")
    assert "签署于2024年3月3日" not in a.answer


# ------------------------------------------------------------------ the helpers on sentences of the documents


def test_breakdown_items_leave_the_total_out():
    s = "2020年，主动公开政府信息393条，其中公示公告栏54条，部门文件栏43条，价格详情栏130条，其他类75条。"
    assert breakdown_items(s) == [("公示公告栏", 54, "条"), ("部门文件栏", 43, "条"), ("价格详情栏", 130, "条"),
                                  ("其他类", 75, "条")]
    assert breakdown_items("主动公开政府信息393条。") == []


def test_respective_needs_one_number_per_item():
    s = "实现公共机构单位建筑面积能耗、人均综合能耗、人均用水量比2020年分别降低2.8%、3.6%、3.9%。"
    assert respective(s, "人均用水量降低百分之几", ["人均用水量"]) == 3.9
    assert respective(s, "单位建筑面积能耗降低多少", []) == 2.8
    assert respective("能耗、用水量分别降低2.8%。", "用水量降低多少", []) is None


def test_the_head_of_a_quantity_word_must_be_in_the_sentence():
    assert not next_to_words("明确1名局领导分管负责信息公开工作，局办公室作为牵头部门", ["办公经费"])
    assert next_to_words("微信公众号共发布信息435条，阅读量2.9万余次，关注人数1022人。", ["关注人数"])


# ------------------------------------------------------------------ what / channel questions: the report's own words


def test_a_channel_question_finds_the_sentence_in_the_reports_words(qa):
    # seeds/000 一、（四）: 2021 年，我中心开通了“河东区机关事务服务中心”微信 (the question says 新开 / 渠道)
    a = qa.ask("河东区机关事务服务中心2021年新开了哪个公开渠道？")
    assert a.answerable and "微信" in a.answer, a.answer
    assert quoted(a, "开通了")


@pytest.mark.integration
@pytest.mark.parametrize("q", [
    "河东区机关事务服务中心2021年新开了哪个公开渠道？",
    "河东区机关事务服务中心2021年新开通了什么公开途径",  # few shared words: the dense gate passes it, overlap alone not
])
def test_a_channel_question_with_the_default_model(qa_real, q):
    a = qa_real.ask(q)
    assert a.answerable and "微信" in a.answer, a.answer
    assert quoted(a, "开通了")


def test_a_synonym_is_lexicon_data():
    from assistant.lexicon import default_lexicon
    from assistant.narrative import with_synonyms

    assert "开通" in default_lexicon().text_synonyms["新开"]
    assert "开通" in with_synonyms("新开了哪个渠道") and with_synonyms("主动公开多少条") == "主动公开多少条"
