"""The CLI's human output (every command without ``--json``, ask included) is Chinese: table headers, labels, messages and
one-line errors. English that is not a word for staff stays: file names and paths, rule ids (``t3.balance``),
format names (PDF, DOCX, Markdown), command lines in backticks, the system names of ``eval``.

The scan: remove those, then no ASCII word of three letters or more may remain."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from typer.testing import CliRunner

# names, not words: formats, the product, hashes and units that staff see as they are
ALLOWED = {"PDF", "DOCX", "HTML", "TXT", "Markdown", "OCR", "ReportQA", "reportqa", "naive", "sha", "fake",
           "p50", "p95", "zip", "doc", "docx", "txt", "pdf", "md", "html", "json", "jsonl", "csv", "xlsx"}
_STRIP = [
    re.compile(r"`[^`]*`"),  # command lines
    re.compile(r"(?:[A-Za-z]:)?(?:[\w.~-]*/)+[\w.~-]*"),  # paths
    re.compile(r"[\w-]+\.(?:txt|pdf|docx?|html?|md|jsonl?|csv|xlsx|png)\b"),  # file names
    re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b"),  # rule ids: t3.balance, narrative.t3_new
    re.compile(r"(?<!\w)\.[a-z]+\b"),  # suffixes: .htm .markdown
    re.compile(r"--[a-z-]+"),  # flags
    re.compile(r"\b[0-9a-f]{7,}\+?\b"),  # hashes, commits
]
_WORD = re.compile(r"[A-Za-z][A-Za-z]{2,}")


def english_words(text: str) -> list[str]:
    for pat in _STRIP:
        text = pat.sub(" ", text)
    return sorted({w for w in _WORD.findall(text) if w not in ALLOWED})


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from ui.cli import _register, app

    _register()
    runner = CliRunner()
    env = {"REPORTQA_EMBEDDING_MODEL": "fake", "COLUMNS": "160",
           "REPORTQA_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, seeds_dir, raw_dir):
    d = tmp_path_factory.mktemp("corpus")
    for p in sorted(seeds_dir.glob("*.txt"))[:3] + sorted(raw_dir.glob("*.pdf"))[:1]:
        shutil.copy(p, d / p.name)
    (d / "broken.pdf").write_bytes(b"%PDF-1.4\n% damaged: no objects, no trailer\n")
    (d / "random.pdf").write_bytes(b"\x00\x01 not a pdf at all " * 50)
    (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 old word file")
    return d


def _human(res) -> str:
    return (res.stdout or "") + (res.stderr or "")


def test_the_scan_finds_english_and_spares_names():
    assert english_words("ingested 3, failed 1 · index /tmp/x") == ["failed", "index", "ingested"]
    assert english_words("表三 t3.balance 不通过：见 `reportqa ingest --rebuild` 和 003_8e8a.txt（PDF）") == []


def test_ingest_reports_parse_check_and_their_errors_are_chinese(run, corpus, tmp_path, seeds_dir, raw_dir):
    index = tmp_path / "idx"
    outs = {}
    outs["ingest"] = run("ingest", corpus, corpus / "old.doc", tmp_path / "missing", "--index", index)
    assert outs["ingest"].exit_code == 1  # failures, after ingesting the rest
    assert "失败" in outs["ingest"].stdout and "新入库 4" in outs["ingest"].stdout
    outs["ingest again"] = run("ingest", corpus / sorted(p.name for p in corpus.glob("0*.txt"))[0], "--index", index)
    outs["reports"] = run("reports", "--index", index)
    outs["check"] = run("check", "--index", index, "--all")
    outs["check rules"] = run("check", "--rules")
    outs["ask table"] = run("ask", "洪泽区2023年行政复议结果维持多少件？", "--index", index)
    outs["ask narrative"] = run("ask", "洪泽区2023年存在的主要问题是什么？", "--index", index)
    outs["ask refusal"] = run("ask", "火星市2024年收到多少申请？", "--index", index)
    outs["parse txt"] = run("parse", next(seeds_dir.glob("003_*.txt")))  # blank 表三 / 表四
    outs["parse pdf"] = run("parse", sorted(raw_dir.glob("*.pdf"))[0])
    outs["parse missing"] = run("parse", tmp_path / "missing.pdf")
    outs["reports no index"] = run("reports", "--index", tmp_path / "none")
    outs["ingest nothing"] = run("ingest", "--index", index)
    outs["check bad verdict"] = run("check", "--index", index, "--verdict", "也许")
    bad = {name: english_words(_human(res)) for name, res in outs.items()}
    assert {k: v for k, v in bad.items() if v} == {}, bad
    assert outs["ask table"].exit_code == 0 and "10" in outs["ask table"].stdout  # 表四 行政复议 维持 10, read off the PDF
    assert "错误：" in outs["parse missing"].stderr and "索引不存在" in outs["reports no index"].stderr


def test_eval_synth_and_feedback_to_gold_are_chinese(run, corpus, tmp_path):
    index = tmp_path / "idx"
    outs = {"eval": run("eval", "--gold", "eval/gold/seeds.jsonl", "--corpus", corpus, "--index", index, "--limit", "4",
                        "--system", "both", "--out", tmp_path / "run")}
    assert outs["eval"].exit_code == 0, outs["eval"].output
    outs["synth"] = run("synth", "3", tmp_path / "synth", "--formats", "txt,md")
    fb = tmp_path / "fb.jsonl"
    fb.write_text(json.dumps({"answer_id": "a", "ts": 1, "rating": "up", "correct_answer": None,
                              "answer": {"question": "淮安市2024年收到多少申请？", "answer": "3119件", "value": 3119,
                                         "answerable": True, "citations": []}}, ensure_ascii=False) + "\nnot json\n",
                  encoding="utf-8")
    outs["feedback-to-gold"] = run("feedback-to-gold", fb, tmp_path / "gold.jsonl")
    outs["feedback-to-gold missing"] = run("feedback-to-gold", tmp_path / "nope.jsonl", tmp_path / "gold.jsonl")
    bad = {name: english_words(_human(res)) for name, res in outs.items()}
    assert {k: v for k, v in bad.items() if v} == {}, bad
    assert "题" in outs["eval"].stdout and "份虚构报告" in outs["synth"].stdout
