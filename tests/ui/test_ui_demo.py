"""The demo (what `make run` passes as --demo): invented reports in their own index (<cache>/demo-index),
used only while the user's index is empty, labelled 示例（虚构） wherever they appear, never written into the
user's index, removable from the app."""

from __future__ import annotations

import pytest

from assistant import Assistant
from ingest.indexer import ingest_paths
from ingest.settings import Settings
from ui import cli_serve
from ui import conversations as conv
from ui.chat import CHAT_OUTPUTS
from ui.demo import DEMO_REPORTS, demo_corpus, demo_index_dir, open_demo, removed_marker


@pytest.fixture()
def settings(tmp_path, monkeypatch, seeds_dir):
    monkeypatch.setenv("REPORTQA_DEMO_DIR", str(seeds_dir))  # five real texts stand in for the synthetic corpus
    s = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedding_model="fake")
    ingest_paths(s, [])
    return s


def test_synthetic_corpus_is_generated_once(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTQA_DEMO_DIR", raising=False)
    s = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedding_model="fake")
    out = demo_corpus(s)
    assert out == tmp_path / "cache" / "demo-corpus"
    assert len(list(out.glob("*.truth.json"))) == DEMO_REPORTS
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    demo_corpus(s)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_demo_has_its_own_index_and_never_touches_the_users(settings):
    user = Assistant(settings)
    demo = cli_serve.open_demo_if_empty(user, settings)
    assert demo is not None and len(demo.reports()) == 5
    assert (demo_index_dir(settings) / "catalog.sqlite").exists() or any(demo_index_dir(settings).iterdir())
    assert user.reports() == []  # nothing written into the user's index
    assert len(Assistant(settings).reports()) == 0


def test_demo_not_used_when_the_user_has_reports(settings, seeds_dir):
    ingest_paths(settings, [next(seeds_dir.glob("*.txt"))])
    assert cli_serve.open_demo_if_empty(Assistant(settings), settings) is None
    assert not demo_index_dir(settings).exists()


@pytest.mark.filterwarnings("ignore::UserWarning")  # gr.Info outside a request
def test_app_labels_demo_everywhere_and_switches_to_the_users_reports(settings, seeds_dir):
    from ui.app import DEMO_LABEL, Handlers, examples_html

    user = Assistant(settings)
    h = Handlers(user, settings, demo_assistant=open_demo(settings))
    assert h.is_demo() and h.qa() is h.demo_assistant
    assert DEMO_LABEL in h.status_line()
    agencies, years = h.filter_choices()
    assert all(DEMO_LABEL in label for label, _ in agencies[1:]) and all(DEMO_LABEL in label for label, _ in years[1:])
    rows, _ = h.reports_table()
    assert rows and all(str(r[0]).startswith(DEMO_LABEL) for r in rows)
    assert DEMO_LABEL in examples_html(h.examples(), demo=h.is_demo())
    out = dict(zip(CHAT_OUTPUTS, list(h.chat(h.examples(1)[0], [], None, None, {}, None))[-1]))
    store = conv.merge_turn(None, out["turn"])  # as the page keeps it
    entry = next(iter(store["items"][store["current"]]["answers"].values()))
    assert entry["demo"] is True and DEMO_LABEL in out["chatbot"][-1]["content"]
    assert DEMO_LABEL in conv.messages(store["items"][store["current"]])[0][-1]["content"]  # and after a reload
    assert h.ask_api(h.examples(1)[0])["demo"] is True

    ingest_paths(settings, [next(seeds_dir.glob("*.txt"))])  # the user's first report: the demo steps aside
    user.refresh()
    assert not h.is_demo() and h.qa() is user
    assert DEMO_LABEL not in h.status_line() and all(DEMO_LABEL not in str(r[0]) for r in h.reports_table()[0])
    assert "demo" not in h.ask_api(h.examples(1)[0])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_demo_can_be_removed_and_stays_removed(settings):
    from ui.app import Handlers

    user = Assistant(settings)
    h = Handlers(user, settings, demo_assistant=open_demo(settings))
    assert "已移除" in h.remove_demo()
    assert not h.is_demo() and not demo_index_dir(settings).exists() and removed_marker(settings).exists()
    assert open_demo(settings) is None and cli_serve.open_demo_if_empty(user, settings) is None


def test_demo_dir_that_does_not_exist_is_a_clear_error(tmp_path, monkeypatch):
    import typer

    monkeypatch.setenv("REPORTQA_DEMO_DIR", str(tmp_path / "nope"))
    s = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedding_model="fake")
    ingest_paths(s, [])
    with pytest.raises(typer.Exit):  # one line on stderr, exit 1 (cli_common.fail)
        cli_serve.open_demo_if_empty(Assistant(s), s)
