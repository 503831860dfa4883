"""The upload form's optional 机关 / 年度 fields override what the parser identifies, as
``reportqa ingest --agency/--year`` does; the upload widget accepts Markdown."""

from __future__ import annotations

import gradio as gr
import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant


@pytest.fixture()
def fake(tmp_path):
    from ui.app import Handlers

    s = Settings(index_dir=tmp_path / "idx", embedding_model="fake")
    return Handlers(FakeAssistant(s), s)


@pytest.mark.filterwarnings("ignore::UserWarning")  # gr.Info outside a request
def test_overrides_reach_the_ingest_and_empty_fields_do_not(fake, tmp_path):
    a = tmp_path / "甲.txt"
    a.write_text("报告甲", encoding="utf-8")
    b = tmp_path / "乙.txt"
    b.write_text("报告乙", encoding="utf-8")
    md = fake.ingest([str(a)], agency="  某某市某某局 ", year="2022年")
    assert "某某市某某局 2022年" in md
    md = fake.ingest([str(b)], agency="", year="")
    assert "测试局" in md and "2023年" in md  # identified, not overridden


@pytest.mark.parametrize("year", ["22", "二〇二二", "3000", "2022.5"])
def test_a_year_that_is_no_year_is_one_chinese_sentence(fake, tmp_path, year):
    f = tmp_path / "甲.txt"
    f.write_text("报告", encoding="utf-8")
    with pytest.raises(gr.Error) as e:
        fake.ingest([str(f)], year=year)
    assert "不是有效的年份" in e.value.message and fake.assistant.ingested == []


def test_upload_widget_names_and_accepts_markdown():
    from ui.app import build_app

    s = Settings(embedding_model="fake")
    app = build_app(FakeAssistant(s), s)
    up = next(b for b in app.blocks.values() if getattr(b, "elem_id", None) == "rqa-upload")
    assert "Markdown" in up.label and ".md" in up.file_types
    ids = {getattr(b, "elem_id", None) for b in app.blocks.values()}
    assert {"rqa-upload-agency", "rqa-upload-year"} <= ids


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_overrides_on_the_real_assistant(tmp_path, seed_paths):
    """A real seed uploaded with 机关 and 年度 filled in is listed under them (child-process ingest)."""
    from assistant import Assistant
    from ingest.indexer import ingest_paths
    from ui.app import Handlers

    s = Settings(index_dir=tmp_path / "idx", embedding_model="fake", cache_dir=tmp_path / "cache")
    ingest_paths(s, [seed_paths[1]])  # 河东区工业和信息化局 2021年, read off the file
    h = Handlers(Assistant(s), s)
    md = h.ingest([str(seed_paths[0])], agency="覆盖测试局", year="2019")
    assert "新入库 1 个" in md and "覆盖测试局 2019年" in md, md
    got = sorted((r.agency, int(r.year)) for r in h.assistant.reports())
    assert got == [("河东区工业和信息化局", 2021), ("覆盖测试局", 2019)]
