"""The question lexicon (assistant/data/lexicon.json): validation, and new wording as a data change only."""

from __future__ import annotations

import json

import pytest

from assistant.lexicon import default_lexicon, load_lexicon
from assistant.reader import read
from ingest.index import ReportInfo

INFOS = [ReportInfo(report_id=f"r{i}", agency=a, year=y, source=f"{i}.pdf", template="2021", sections=6, cells=0,
                    findings=0)
         for i, (a, y) in enumerate([("淮安市人民政府", 2024), ("淮安市洪泽区人民政府", 2023),
                                     ("淮安市洪泽区人民政府", 2024), ("河东区工业和信息化局", 2021)])]


def _raw() -> dict:
    from importlib import resources

    return json.loads(resources.files("assistant").joinpath("data/lexicon.json").read_text("utf-8"))


def test_packaged_lexicon_loads_and_knows_the_template():
    lx = default_lexicon()
    assert {m.key for m in lx.surfaces[lx.norm("在审")] if m.kind == "column"} == {"pending"}
    assert any(m.kind == "row" and m.key == "total" for m in lx.surfaces[lx.norm("办完的")])
    assert any(m.kind == "column" and m.key == "commercial" for m in lx.surfaces[lx.norm("企业")])
    assert any(m.kind == "column" and m.key == "legal" for m in lx.surfaces[lx.norm("律所")])
    assert lx.norm("結轉") == "结转"  # traditional characters read as simplified


@pytest.mark.parametrize("part,path,bad", [
    ("rows", ("rows", "表三"), "no_such_row"),
    ("columns", ("columns", "表四"), "no_such_column"),
    ("groups", ("groups", "表三"), "no_such_group"),
])
def test_unknown_template_keys_are_refused(tmp_path, part, path, bad):
    raw = _raw()
    raw[path[0]][path[1]][bad] = ["某词"]
    p = tmp_path / "lexicon.json"
    p.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    with pytest.raises(ValueError, match=bad):
        load_lexicon(p)


def test_bad_variant_and_missing_operation_are_refused(tmp_path):
    raw = _raw()
    raw["char_variants"]["结转"] = "x"
    p = tmp_path / "a.json"
    p.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    with pytest.raises(ValueError, match="one character"):
        load_lexicon(p)
    raw = _raw()
    del raw["operations"]["share"]
    p.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    with pytest.raises(ValueError, match="share"):
        load_lexicon(p)
    p.write_text("{not json", "utf-8")
    with pytest.raises(ValueError, match="JSON"):
        load_lexicon(p)


def test_a_new_synonym_is_a_data_change_only(tmp_path):
    """「搁置」 means nothing today (a measure-like word: refused); one line in the file makes it 尚未审结."""
    q = "淮安市2024年行政复议搁置的有多少件？"
    before = read(q, INFOS)
    assert "搁置" in before.measure_like
    raw = _raw()
    raw["columns"]["表四"]["pending"].append("搁置")
    p = tmp_path / "lexicon.json"
    p.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    after = read(q, INFOS, lexicon=load_lexicon(p))
    assert not after.measure_like
    assert (after.measures[0].table, after.measures[0].rows, after.measures[0].columns) == ("表四", ["review"], ["pending"])
    # a new operation word too: 「总和是几」 already sums; 「归总」 does once added
    q2 = "洪泽区2023年和2024年新收申请归总多少？"
    assert read(q2, INFOS).operation.kind == "values"
    raw["operations"]["sum"].append("归总")
    p.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    assert read(q2, INFOS, lexicon=load_lexicon(p)).operation.kind == "sum"
