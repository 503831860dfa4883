"""The seeds gold set through the real Assistant over a fresh index of the seeds, and through the naive baseline.

Thresholds are what the assistant scored at commit ab7cb31 (2026-11-30) minus a margin of about three
questions, so that tuning noise does not trip them while a real regression does:

- seeds (76 questions, 77 expected citations), fake embedder (fast, always run) and real model alike:
  answer accuracy 100%, citation recall 98.7%, precision 90.0%, refusals 8/8, false refusals 0%;
- pdfs (171 questions), fake embedder: 98.8% / 98.1% / 92.7%, refusals 9/9, false refusals 0.6%;
  the table path (table, alias, trap, check) 100%. Precision then fell to ~89.9% by design: "其余各项为 0"
  is now cited to its zero cells, which the gold set does not list.

(At commit 2597786 the seeds scored 92.1% / 83.1%: the thresholds were raised with the score.)

The naive baseline cites files only, so its citation recall must be exactly 0,
and it never refuses. Timing is never asserted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from eval.metrics import aggregate, load_gold
from eval.runner import evaluate, results_rows, write_outputs
from ingest.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS_GOLD = ROOT / "eval" / "gold" / "seeds.jsonl"
DETERMINISTIC = ("table", "trap", "check")


def _deterministic(run, system="reportqa") -> dict:
    return aggregate([s for s in run.systems[system].scores if s.type in DETERMINISTIC])


@pytest.fixture(scope="module")
def fake_run(tmp_path_factory, seeds_dir):
    settings = Settings(index_dir=tmp_path_factory.mktemp("eval-fake") / "index", embedding_model="fake")
    return evaluate(settings, SEEDS_GOLD, systems=("reportqa", "naive"), corpus=[seeds_dir])


def test_seeds_reportqa_thresholds_fake_embedder(fake_run):
    o = fake_run.systems["reportqa"].metrics["overall"]
    assert o["n"] == len(load_gold(SEEDS_GOLD))
    assert o["counts"]["errors"] == 0
    assert o["answer_accuracy"] >= 0.96, o
    assert o["citation_recall"] >= 0.94, o
    assert o["citation_precision"] >= 0.86, o
    assert o["refusal_accuracy"] >= 0.87, o
    assert o["false_refusal_rate"] <= 0.05, o
    d = _deterministic(fake_run)
    assert d["answer_accuracy"] == 1.0, d  # the deterministic table/trap/check path misses nothing
    assert d["citation_recall"] >= 0.96, d


def test_seeds_naive_baseline_is_scored_by_the_same_code(fake_run):
    naive = fake_run.systems["naive"].metrics["overall"]
    rqa = fake_run.systems["reportqa"].metrics["overall"]
    assert naive["citation_recall"] == 0.0  # file-only citations: no agency/year/row/column
    assert naive["citation_precision"] == 0.0
    assert naive["refusal_accuracy"] == 0.0  # never refuses
    assert naive["false_refusal_rate"] == 0.0
    assert rqa["answer_accuracy"] >= naive["answer_accuracy"] + 0.3
    assert fake_run.systems["naive"].info["chunks"] > 0


def test_outputs_are_written_and_show_expected_vs_got(fake_run, tmp_path):
    paths = write_outputs(fake_run, tmp_path / "out")
    for p in paths.values():
        assert p.exists() and p.stat().st_size > 0
    metrics = json.loads(paths["metrics"].read_text(encoding="utf-8"))
    run = metrics["run"]
    assert run["settings_hash"] == Settings(embedding_model="fake").index_hash()
    assert run["settings"]["embedding_model"] == "fake" and run["model"]["embedding_model"] == "fake"
    assert "commit" in run["git"] and run["gold"]["sha256"]
    assert set(metrics["systems"]) == {"reportqa", "naive"}
    assert "table" in metrics["systems"]["reportqa"]["by_type"]
    rows = [json.loads(line) for line in paths["results"].read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2 * metrics["run"]["gold"]["questions"] == len(results_rows(fake_run))
    r = next(r for r in rows if r["system"] == "reportqa" and r["id"] == "hd21-t3-new-total")
    for key in ("expected", "got_answer", "got_answerable", "intent", "correct", "met", "unmet", "returned",
                "supported", "latency_ms", "citation_recall", "citation_precision"):
        assert key in r
    assert r["intent"] and r["correct"] and r["met"]
    md = paths["report"].read_text(encoding="utf-8")
    assert "| reportqa |" in md and "| naive |" in md and "citation precision" in md and "supports" in md.lower()
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_pdfs_gold_set_fake_embedder(tmp_path, raw_dir):
    """The three real PDFs (171 questions); figures in the module docstring."""
    gold = ROOT / "eval" / "gold" / "pdfs.jsonl"
    run = evaluate(Settings(index_dir=tmp_path / "index", embedding_model="fake"), gold, systems=("reportqa",),
                   corpus=[raw_dir])
    o = run.systems["reportqa"].metrics["overall"]
    assert o["counts"]["errors"] == 0
    assert o["answer_accuracy"] >= 0.97, o
    assert o["citation_recall"] >= 0.96, o
    assert o["citation_precision"] >= 0.86, o
    assert o["refusal_accuracy"] >= 0.88, o
    d = aggregate([s for s in run.systems["reportqa"].scores if s.type in (*DETERMINISTIC, "alias")])
    assert d["answer_accuracy"] == 1.0 and d["citation_recall"] >= 0.97, d


def _app() -> typer.Typer:
    from ui import cli_eval

    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        pass

    cli_eval.register(app)
    return app


def test_cli_eval_json_and_errors(tmp_path, seeds_dir):
    runner = CliRunner()
    app = _app()
    res = runner.invoke(app, ["eval", "--help"])
    assert res.exit_code == 0 and "--corpus" in res.output and "--system" in res.output
    # no index and no --corpus: one-line error, not a traceback
    res = runner.invoke(app, ["eval", "--gold", str(SEEDS_GOLD), "--index", str(tmp_path / "none"),
                              "--embedding-model", "fake", "--json"])
    assert res.exit_code == 1 and "--corpus" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["eval", "--gold", str(tmp_path / "missing.jsonl"), "--index", str(tmp_path / "i")])
    assert res.exit_code == 1 and "no such gold file" in res.output
    res = runner.invoke(app, ["eval", "--gold", str(SEEDS_GOLD), "--system", "oracle", "--index", str(tmp_path / "i")])
    assert res.exit_code != 0
    out = tmp_path / "out"
    res = runner.invoke(app, ["eval", "--gold", str(SEEDS_GOLD), "--index", str(tmp_path / "idx"), "--corpus", str(seeds_dir),
                              "--embedding-model", "fake", "--system", "both", "--limit", "12", "--json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert data["systems"]["reportqa"]["overall"]["n"] == 12
    assert data["run"]["ingest"]["ingested"] == 5
    assert (out / "results.jsonl").exists() and (out / "chart.png").exists()
    # second run: the corpus is unchanged, nothing re-ingested
    res = runner.invoke(app, ["eval", "--gold", str(SEEDS_GOLD), "--index", str(tmp_path / "idx"), "--corpus", str(seeds_dir),
                              "--embedding-model", "fake", "--limit", "3", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout.strip().splitlines()[-1])
    assert data["run"]["ingest"]["unchanged"] == 5 and data["run"]["ingest"]["ingested"] == 0


@pytest.mark.integration
@pytest.mark.slow
def test_seeds_reportqa_thresholds_real_model(tmp_path, seeds_dir):
    from ingest.embeddings import get_embedder

    settings = Settings(index_dir=tmp_path / "index", embedding_backend="torch")  # the ONNX run: test_eval_gold_onnx.py
    try:
        get_embedder(settings)
    except Exception as e:  # noqa: BLE001 - the model is an install-time artefact
        pytest.skip(f"default embedding model unavailable: {e}")
    run = evaluate(settings, SEEDS_GOLD, systems=("reportqa",), corpus=[seeds_dir])
    o = run.systems["reportqa"].metrics["overall"]
    assert o["counts"]["errors"] == 0
    assert o["answer_accuracy"] >= 0.96, o
    assert o["citation_recall"] >= 0.94, o
    assert o["citation_precision"] >= 0.86, o
    assert o["false_refusal_rate"] <= 0.05, o
    assert o["refusal_accuracy"] >= 0.87, o
    d = _deterministic(run)
    assert d["answer_accuracy"] == 1.0 and d["citation_recall"] >= 0.96, d
    narrative = run.systems["reportqa"].metrics["by_type"]["narrative"]
    assert narrative["answer_accuracy"] >= 0.91, narrative  # at most two of 24 missed


def test_cli_eval_prints_confidently_wrong_and_the_follow_up_note(tmp_path, seeds_dir):
    """The human output has the confidently-wrong column (overall and by type) with the count of metrics.json,
    and says when follow-ups were asked without their context."""
    from eval.report import pct
    from eval.runner import takes_context

    gold = tmp_path / "g.jsonl"
    lines = [
        {"id": "t", "question": "河东区机关事务服务中心2021年本年新收政府信息公开申请数量是多少？", "type": "table",
         "answerable": True, "answer": "0", "answer_type": "number"},
        {"id": "r", "question": "河东区工信局2022年新收政府信息公开申请多少件？", "type": "unanswerable",
         "answerable": False, "answer": "无", "answer_type": "refusal"},
        {"id": "f", "question": "那东关街道办事处呢？", "type": "followup", "answerable": True, "answer": "0",
         "answer_type": "number", "context": ["河东区工业和信息化局2021年本年新收政府信息公开申请多少件？"]},
    ]
    gold.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(_app(), ["eval", "--gold", str(gold), "--index", str(tmp_path / "idx"), "--corpus",
                                      str(seeds_dir), "--embedding-model", "fake", "--out", str(out)],
                             terminal_width=200)
    assert res.exit_code == 0, res.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    o = metrics["systems"]["reportqa"]["overall"]
    assert "自信答错" in res.output
    assert f"{pct(o['confidently_wrong'])} ({o['counts']['confidently_wrong']})" in res.output
    for t, m in metrics["systems"]["reportqa"]["by_type"].items():
        assert m["confidently_wrong"] is not None, t
    from assistant.assistant import Assistant

    if takes_context(Assistant.ask):
        assert o["counts"]["context_not_passed"] == 0 and "没有收到对话上下文" not in res.output
    else:
        assert o["counts"]["context_not_passed"] == 1 and "没有收到对话上下文" in res.output
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "confidently wrong" in md
