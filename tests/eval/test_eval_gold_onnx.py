"""The seeds gold set on the ONNX Runtime backend (the default), with the same thresholds as the torch run
in tests/eval/test_eval_gold.py: switching the backend must not change the scores.

The real model is needed (integration); the index is built with ONNX Runtime and asked with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.metrics import aggregate
from eval.runner import evaluate
from ingest.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS_GOLD = ROOT / "eval" / "gold" / "seeds.jsonl"
DETERMINISTIC = ("table", "trap", "check")


@pytest.mark.integration
@pytest.mark.slow
def test_seeds_reportqa_thresholds_onnx_backend(tmp_path, seeds_dir):
    pytest.importorskip("onnxruntime", reason="the ONNX backend needs onnxruntime (make install)")
    from ingest.embeddings import get_embedder
    from ingest.onnx_encoder import OnnxEmbedder

    settings = Settings(index_dir=tmp_path / "index", embedding_backend="onnx", onnx_int8=False)
    try:
        embedder = get_embedder(settings)
    except Exception as e:  # noqa: BLE001 - the model is an install-time artefact
        pytest.skip(f"default embedding model unavailable: {e}")
    assert isinstance(embedder, OnnxEmbedder) and embedder.variant == "fp32"
    run = evaluate(settings, SEEDS_GOLD, systems=("reportqa",), corpus=[seeds_dir])
    assert run.stamp["settings"]["embedding_backend"] == "onnx" and not run.stamp["settings"]["onnx_int8"]
    o = run.systems["reportqa"].metrics["overall"]
    assert o["counts"]["errors"] == 0
    assert o["answer_accuracy"] >= 0.96, o
    assert o["citation_recall"] >= 0.94, o
    assert o["citation_precision"] >= 0.86, o
    assert o["false_refusal_rate"] <= 0.05, o
    assert o["refusal_accuracy"] >= 0.87, o
    d = aggregate([s for s in run.systems["reportqa"].scores if s.type in DETERMINISTIC])
    assert d["answer_accuracy"] == 1.0 and d["citation_recall"] >= 0.96, d
    narrative = run.systems["reportqa"].metrics["by_type"]["narrative"]
    assert narrative["answer_accuracy"] >= 0.91, narrative  # at most two of 24 missed
