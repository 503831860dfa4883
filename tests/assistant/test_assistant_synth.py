"""Narrative questions on synthetic reports whose wording differs from the question's (held-out phrasing).

Two reports of ``eval.synth.generate(100, seed=0)`` — the corpus behind BENCHMARKS.md — ingested alone with the
real model: an agency named by an abbreviation (青山市政府办) and a count whose words differ from the
question's (主动公开政府信息 … 发布政务信息15条).
"""

from __future__ import annotations

import shutil

import pytest

from assistant import Assistant
from eval.synth import generate
from ingest.indexer import ingest_paths
from ingest.settings import Settings

PICK = ("synth_0016_2020", "synth_0094_2020")


@pytest.fixture(scope="module")
def qa(tmp_path_factory) -> Assistant:
    gen = tmp_path_factory.mktemp("synth100")
    generate(100, gen, seed=0, gold=False)
    corpus = tmp_path_factory.mktemp("picked")
    for p in gen.iterdir():
        if p.stem in PICK and p.suffix != ".json":
            shutil.copy2(p, corpus / p.name)
    settings = Settings(index_dir=tmp_path_factory.mktemp("idx"), embedding_model=Settings().embedding_model)
    res = ingest_paths(settings, [corpus])
    assert res.ingested == 2, res.files
    return Assistant(settings)


@pytest.mark.integration
@pytest.mark.parametrize("question,value,quoted", [
    ("青山市政府办2020年主动公开政府信息多少条？", 130, "主动公开政府信息130条"),
    ("林峰街道办事处2020年主动公开政府信息多少条？", 15, "发布政务信息15条"),
])
def test_counts_worded_otherwise_in_the_text(qa, question, value, quoted):
    a = qa.ask(question)
    assert a.answerable and a.value == value, a.answer
    assert quoted in a.citations[0].quote
