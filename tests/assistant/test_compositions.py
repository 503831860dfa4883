"""Compositions, refusals by name, follow-ups and filter conflicts through the Assistant, on the shared corpus.

Expected numbers are read off the documents by hand (淮安市人民政府 2024: szfgs2024.pdf, 表三 p.4; 洪泽区 2023/2024:
hzq2023_working.pdf, hzq2024_working.pdf).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.assistant import numbers_supported
from tests.assistant.test_assistant import _build


@pytest.fixture(scope="module")
def qa(tmp_path_factory, seeds_dir, raw_dir):
    return _build(tmp_path_factory, seeds_dir, raw_dir, "fake")


def cells(a):
    return {(c.row, c.column, c.value) for c in a.citations}


@pytest.mark.parametrize("q", ["淮安市人民政府2024年予以公开和部分公开一共多少件？",
                               "淮安市2024年予以公开加上部分公开共有几件？",
                               "淮安市人民政府2024年予以公开的和部分公开的合计是多少？"])
def test_sum_of_named_rows_cites_each(qa, q):
    a = qa.ask(q)
    assert a.answerable and a.value == 1362 + 454, a.answer
    assert {"1362", "454"} <= {c.value for c in a.citations}
    assert numbers_supported(a)


def test_sum_across_rows_of_table_two(qa):
    a = qa.ask("洪泽区2024年行政许可加行政处罚的处理决定一共多少件？")
    assert a.value == 9487 + 2776, a.answer
    assert {c.row for c in a.citations} == {"行政许可", "行政处罚"}


def test_several_values_of_table_four(qa):
    a = qa.ask("淮安市人民政府2024年行政复议的维持、纠正、尚未审结分别是多少件？")
    for n in ("72", "64", "37"):
        assert n in a.answer
    assert {c.column for c in a.citations} == {"结果维持", "结果纠正", "尚未审结"}


def test_a_column_across_the_result_rows(qa):
    a = qa.ask("淮安市人民政府2024年商业企业的申请各种办理结果分别是多少？")
    for n in ("21", "7", "12", "6", "53"):
        assert f" {n} 件" in a.answer, a.answer
    assert all(c.column == "商业企业" for c in a.citations)


def test_largest_result_of_one_review_part(qa):
    a = qa.ask("淮安市人民政府2024年行政复议的几种结果里，哪种最多？")
    assert a.value == 178 and "其他结果" in a.answer


@pytest.mark.parametrize("q,word", [
    ("淮安市人民政府2024年撤回的政府信息公开申请有多少件？", "撤回"),
    ("洪泽区2024年政府信息公开答复满意率是多少？", "满意率"),
    ("淮安市人民政府2024年行政诉讼中原告撤诉的有几件？", "撤诉"),
])
def test_a_quantity_the_template_lacks_is_refused_by_name(qa, q, word):
    a = qa.ask(q)
    assert not a.answerable and word in a.answer and a.value is None, a.answer
    assert not a.citations


@pytest.mark.parametrize("q", ["淮安市人民政府0000年新收申请多少件？", "淮安市人民政府99999年新收申请多少件？"])
def test_an_impossible_year_is_refused_with_what_is_held(qa, q):
    a = qa.ask(q)
    assert not a.answerable and "2024" in a.answer and "现有报告" in a.answer


def test_ambiguous_fragment_is_asked_back(qa):
    a = qa.ask("河东2021年新收申请多少件？")
    assert not a.answerable and "河东区工业和信息化局" in a.answer and "河东区机关事务服务中心" in a.answer


def test_follow_ups_three_turns(qa):
    a1 = qa.ask("洪泽区2024年行政复议总计多少件？")
    a2 = qa.ask("淮安市呢？", context=a1)
    assert a2.value == 351 and a2.citations[0].agency == "淮安市人民政府", a2.answer
    a3 = qa.ask("结果纠正呢？", context=a2)
    assert a3.value == 64 and a3.citations[0].column == "结果纠正", a3.answer
    b1 = qa.ask("洪泽区2023年新收政府信息公开申请多少件？")
    b2 = qa.ask("那2024年呢？", context=b1.explain)  # the explain dict works as context too
    assert b2.value == 95 and b2.citations[0].year == 2024
    c1 = qa.ask("淮安市人民政府2024年予以公开的申请有多少件？")
    c2 = qa.ask("其中自然人多少？", context=c1)
    assert c2.value == 1288 and c2.citations[0].column == "自然人", c2.answer


def test_question_scope_wins_over_filters_and_says_so(qa):
    a = qa.ask("洪泽区2023年新收政府信息公开申请多少件？", agency="淮安市人民政府", year=2024)
    assert a.citations[0].agency == "淮安市洪泽区人民政府" and a.citations[0].year == 2023
    assert any("忽略筛选条件" in w and "淮安市人民政府" in w for w in a.warnings)
    assert any("2024" in w for w in a.warnings)


def test_explain_is_on_every_answer(qa):
    for q in ("淮安市2024年不予公开的申请有多少件？", "淮安市2024年存在的主要问题是什么？", "南京市2024年新收申请多少件？"):
        a = qa.ask(q)
        assert a.explain and a.explain["text"].startswith("理解为：")
        assert "explain" in json.loads(json.dumps(a.to_json_dict(), ensure_ascii=False))


def test_cli_explain_follow_up_and_context(qa, tmp_path, monkeypatch):
    import typer

    from ui import cli_ask

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        pass

    cli_ask.register(app)
    monkeypatch.setenv("REPORTQA_EMBEDDING_MODEL", "fake")
    idx = str(qa.settings.index_dir)
    r = CliRunner()
    out = r.invoke(app, ["ask", "淮安市人民政府2024年不予公开的申请有多少件？", "--index", idx, "--explain"],
                   terminal_width=200)
    assert out.exit_code == 0, out.output
    assert "理解为：淮安市人民政府 · 2024 · 表三 （三）不予公开 合计 · 总计" in out.output
    res = r.invoke(app, ["ask", "那洪泽区呢？", "--index", idx, "--follow-up", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert data["citations"][0]["agency"] == "淮安市洪泽区人民政府" and data["explain"]["scope"]["years"] == [2024]
    ctx = tmp_path / "ctx.json"
    ctx.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    res = r.invoke(app, ["ask", "那2023年呢？", "--index", idx, "--context", str(ctx), "--json"])
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert data["citations"][0]["year"] == 2023 and data["citations"][0]["agency"] == "淮安市洪泽区人民政府"
    bad = r.invoke(app, ["ask", "那2023年呢？", "--index", idx, "--context", str(tmp_path / "none.json")])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
