"""`reportqa serve --demo` (what `make run` passes): a demo corpus goes into an empty index, never into one
that already holds reports."""

from __future__ import annotations

import pytest

from assistant import Assistant
from ingest.indexer import ingest_paths
from ingest.settings import Settings
from ui import cli_serve


def test_demo_corpus_is_synthetic_plus_shared(tmp_path, monkeypatch, seeds_dir):
    shared_dir = seeds_dir.parents[1]
    monkeypatch.delenv("REPORTQA_DEMO_DIR", raising=False)
    monkeypatch.setenv("REPORTQA_SHARED", str(shared_dir))
    settings = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedding_model="fake")
    corpus = cli_serve._demo_corpus(settings)
    synthetic = tmp_path / "cache" / "demo-corpus"
    assert corpus == [synthetic, shared_dir / "corpus"]
    assert len(list(synthetic.glob("*.truth.json"))) == cli_serve.DEMO_REPORTS
    assert {p.suffix for p in synthetic.iterdir()} >= {".txt", ".docx", ".html", ".pdf"}
    before = {p.name: p.stat().st_mtime_ns for p in synthetic.iterdir()}
    cli_serve._demo_corpus(settings)  # generated once, then reused
    assert {p.name: p.stat().st_mtime_ns for p in synthetic.iterdir()} == before


def test_demo_goes_only_into_an_empty_index(tmp_path, monkeypatch, seeds_dir):
    monkeypatch.setenv("REPORTQA_DEMO_DIR", str(seeds_dir))
    settings = Settings(index_dir=tmp_path / "index", embedding_model="fake")
    ingest_paths(settings, [])
    qa = Assistant(settings)
    assert cli_serve.add_demo_corpus(qa, settings) == 5
    assert len(qa.reports()) == 5
    assert cli_serve.add_demo_corpus(qa, settings) == 0  # not empty any more: left alone

    own = Settings(index_dir=tmp_path / "own", embedding_model="fake")
    ingest_paths(own, [next(seeds_dir.glob("*.txt"))])
    mine = Assistant(own)
    assert cli_serve.add_demo_corpus(mine, own) == 0 and len(mine.reports()) == 1


def test_demo_dir_that_does_not_exist_is_a_clear_error(tmp_path, monkeypatch):
    import typer

    monkeypatch.setenv("REPORTQA_DEMO_DIR", str(tmp_path / "nope"))
    settings = Settings(index_dir=tmp_path / "index", embedding_model="fake")
    ingest_paths(settings, [])
    with pytest.raises(typer.Exit):  # one line on stderr, exit 1 (cli_common.fail)
        cli_serve.add_demo_corpus(Assistant(settings), settings)
