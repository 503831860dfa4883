"""The ONNX Runtime embedding backend: settings, index stamp, the export cache, the encoder, and (integration)
the exported e5-small against torch on fixed sentences.

Unit tests build a tiny ONNX graph of their own (an embedding table looked up per token) and a word-level
tokenizer, so pooling, padding and batching are checked against numbers computed by hand, without the model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from ingest import onnx_export as ox
from ingest.errors import IndexError_, ModelUnavailableError
from ingest.settings import DEFAULT_EMBEDDING_MODEL, Settings

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- settings and stamp


def test_backend_setting_default_env_and_validation(monkeypatch):
    assert Settings().embedding_backend == "onnx" and Settings().onnx_int8 is False
    assert Settings().onnx_threads is None
    monkeypatch.setenv("REPORTQA_EMBEDDING_BACKEND", "torch")
    monkeypatch.setenv("REPORTQA_ONNX_THREADS", "2")
    monkeypatch.setenv("REPORTQA_ONNX_INT8", "false")
    s = Settings()
    assert (s.embedding_backend, s.onnx_threads, s.onnx_int8) == ("torch", 2, False)
    monkeypatch.setenv("REPORTQA_ONNX_INT8", "true")
    assert Settings().onnx_int8 is True
    monkeypatch.setenv("REPORTQA_EMBEDDING_BACKEND", "tensorflow")
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.setenv("REPORTQA_EMBEDDING_BACKEND", "onnx")
    monkeypatch.setenv("REPORTQA_ONNX_THREADS", "0")
    with pytest.raises(ValidationError):
        Settings()


def test_fp32_backends_share_the_index_stamp_and_int8_does_not():
    torch_, onnx = Settings(embedding_backend="torch"), Settings(embedding_backend="onnx")
    int8 = Settings(embedding_backend="onnx", onnx_int8=True)
    assert torch_.index_hash() == onnx.index_hash()
    assert "embedding_quantization" not in onnx.index_stamp()
    assert int8.index_stamp()["embedding_quantization"] == "int8" and int8.index_hash() != onnx.index_hash()
    # int8 only exists on the ONNX backend, and the fake embedder has no int8 model
    assert Settings(embedding_backend="torch", onnx_int8=True).index_hash() == torch_.index_hash()
    assert (Settings(embedding_model="fake", onnx_int8=True).index_hash()
            == Settings(embedding_model="fake").index_hash())


def test_index_built_in_fp32_is_refused_with_int8_with_the_rebuild_message(tmp_path):
    from ingest.index import ReportIndex
    from ingest.stores.catalog import Catalog

    built = Settings(index_dir=tmp_path / "idx", embedding_backend="torch")
    cat = Catalog(tmp_path / "idx")
    cat.set_stamp(built.index_hash(), built.index_stamp())
    cat.close()
    ReportIndex(built.model_copy(update={"embedding_backend": "onnx"})).catalog.close()  # fp32 ONNX: accepted
    with pytest.raises(IndexError_) as info:
        ReportIndex(built.model_copy(update={"embedding_backend": "onnx", "onnx_int8": True}))
    msg = str(info.value)
    assert "--rebuild" in msg and "embedding_quantization: None -> 'int8'" in msg


# --------------------------------------------------------------------------- a tiny model


VOCAB = ["<s>", "<pad>", "</s>", "<unk>", "passage:", "query:", "甲", "乙", "丙", "丁"]
DIM = 4


def _table() -> np.ndarray:
    return np.arange(len(VOCAB) * DIM, dtype=np.float32).reshape(len(VOCAB), DIM) % 7 - 3


def _tiny_build(model_dir: Path, out: Path, variant: str) -> dict:
    """An export folder whose 'model' returns each token's row of :func:`_table` (no attention)."""
    onnx = pytest.importorskip("onnx", reason="onnx is needed to write a test graph")
    from onnx import TensorProto, helper, numpy_helper
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["token_embeddings"], axis=0),
         helper.make_node("Identity", ["attention_mask"], ["mask_out"])],
        "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["b", "t"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "t"])],
        [helper.make_tensor_value_info("token_embeddings", TensorProto.FLOAT, ["b", "t", DIM]),
         helper.make_tensor_value_info("mask_out", TensorProto.INT64, ["b", "t"])],
        [numpy_helper.from_array(_table(), "table")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(out / ox.MODEL_FILE))
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(VOCAB)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.save(str(out / ox.TOKENIZER_FILE))
    return {"dim": DIM, "max_seq_length": 6, "pad_id": 1, "check": {"reference": "test"}}


def _expected(text: str, max_len: int = 6) -> np.ndarray:
    ids = [0] + [VOCAB.index(w) if w in VOCAB else 3 for w in text.split()][:max_len - 2] + [2]
    v = _table()[ids].mean(axis=0)
    return v / np.linalg.norm(v)


@pytest.fixture
def model_dir(tmp_path) -> Path:
    d = tmp_path / "cache" / "models" / "tiny-model"
    d.mkdir(parents=True)
    (d / "model.safetensors").write_bytes(b"weights v1")
    return d


def _counting(calls: list):
    def build(model_dir, out, variant):
        calls.append(variant)
        return _tiny_build(model_dir, out, variant)
    return build


def test_encoder_mean_pools_over_the_mask_and_normalises(model_dir, tmp_path):
    pytest.importorskip("onnxruntime")
    from ingest.onnx_encoder import OnnxEmbedder

    folder = ox.ensure_exported(model_dir, tmp_path / "cache", build=_tiny_build)
    emb = OnnxEmbedder("tiny", folder, batch_size=2, passage_prefix="passage: ", query_prefix="query: ")
    texts = ["甲", "乙 丙 丁", "丙 丙", "甲 乙 丙 丁 甲 乙 丙", "未知"]  # padded batches, one truncated, one unknown word
    got = emb.embed_passages(texts)
    assert got.shape == (5, DIM) and got.dtype == np.float32
    for text, vec in zip(texts, got):
        np.testing.assert_allclose(vec, _expected("passage: " + text), atol=1e-6)
        np.testing.assert_allclose(emb.embed_passages([text])[0], vec, atol=1e-6)  # batch-independent
    np.testing.assert_allclose(emb.embed_query("乙"), _expected("query: 乙"), atol=1e-6)
    assert emb.embed_passages([]).shape == (0, DIM) and emb.dim == DIM


def test_export_is_reused_then_rebuilt_when_stale(model_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    calls: list[str] = []
    folder = ox.ensure_exported(model_dir, cache, build=_counting(calls))
    assert folder == model_dir.with_name(f"tiny-model-onnx-fp32-v{ox.EXPORTER_VERSION}") and calls == ["fp32"]
    stamp = ox.read_stamp(folder)
    assert stamp["torch"] == ox._version("torch") and stamp["onnxruntime"] == ox._version("onnxruntime")
    assert stamp["weights"]["model.safetensors"]["bytes"] == len(b"weights v1")
    assert ox.ensure_exported(model_dir, cache, build=_counting(calls)) == folder and calls == ["fp32"]
    # another torch (or onnxruntime) installed: stale, rebuilt
    real_version = ox._version
    monkeypatch.setattr(ox, "_version", lambda d: "9.9.9" if d == "torch" else real_version(d))
    assert ox.stale_reason(folder, model_dir, "fp32").startswith("torch: ")
    ox.ensure_exported(model_dir, cache, build=_counting(calls))
    assert calls == ["fp32", "fp32"] and ox.read_stamp(folder)["torch"] == "9.9.9"
    monkeypatch.setattr(ox, "_version", real_version)
    # the model's weights changed (a re-conversion): stale, rebuilt
    ox.ensure_exported(model_dir, cache, build=_counting(calls))
    (model_dir / "model.safetensors").write_bytes(b"weights v2, longer")
    assert "weights" in ox.stale_reason(folder, model_dir, "fp32")
    ox.ensure_exported(model_dir, cache, build=_counting(calls))
    assert calls == ["fp32"] * 4 and ox.stale_reason(folder, model_dir, "fp32") is None
    # another export recipe (say, other attention or fusions): stale, rebuilt
    monkeypatch.setattr(ox, "RECIPE", {**ox.RECIPE, "attention": "sdpa"})
    assert ox.stale_reason(folder, model_dir, "fp32").startswith("recipe: ")
    ox.ensure_exported(model_dir, cache, build=_counting(calls))
    assert len(calls) == 5 and ox.read_stamp(folder)["recipe"]["attention"] == "sdpa"
    # a folder without its stamp (an interrupted copy) is not trusted
    (folder / ox.STAMP_FILE).unlink()
    ox.ensure_exported(model_dir, cache, build=_counting(calls))
    assert len(calls) == 6


def test_failed_export_leaves_nothing_behind(model_dir, tmp_path):
    def broken(model_dir, out, variant):
        (out / ox.MODEL_FILE).write_bytes(b"half")
        raise ModelUnavailableError("the ONNX export disagrees with torch")

    with pytest.raises(ModelUnavailableError, match="disagrees"):
        ox.ensure_exported(model_dir, tmp_path / "cache", build=broken)
    assert sorted(p.name for p in model_dir.parent.iterdir()) == ["tiny-model", f"tiny-model-onnx-fp32-v{ox.EXPORTER_VERSION}.lock"]


def test_model_folder_outside_the_cache_is_never_written_to(tmp_path):
    user = tmp_path / "my-models" / "bge"
    target = ox.export_dir(user, tmp_path / "cache", "int8")
    assert target.parent == (tmp_path / "cache" / "models").resolve()
    assert target.name.startswith("bge-") and target.name.endswith(f"-onnx-int8-v{ox.EXPORTER_VERSION}")
    with pytest.raises(ValueError):
        ox.export_dir(user, tmp_path / "cache", "fp16")


def test_onnx_backend_refuses_a_hub_name_with_a_hint(tmp_path):
    pytest.importorskip("onnxruntime")
    from ingest.embeddings import load_onnx_embedder

    with pytest.raises(ModelUnavailableError) as info:
        load_onnx_embedder(Settings(embedding_model="someone/some-model", cache_dir=tmp_path))
    assert "REPORTQA_EMBEDDING_BACKEND=torch" in str(info.value)


def test_importing_the_onnx_modules_loads_no_heavy_library():
    code = ("import sys, ingest.onnx_encoder, ingest.onnx_export; "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'onnxruntime', 'onnx') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def onnx_embedder(model_cache_dir):
    pytest.importorskip("onnxruntime")
    from ingest.embeddings import load_onnx_embedder

    return load_onnx_embedder(Settings(cache_dir=model_cache_dir, embedding_backend="onnx"))


@pytest.mark.integration
def test_onnx_fp32_agrees_with_torch_on_fixed_sentences(onnx_embedder, e5_embedder, seed_sentences):
    sample = seed_sentences[::max(1, len(seed_sentences) // 40)][:40]
    passages = (onnx_embedder.embed_passages(sample) * e5_embedder.embed_passages(sample)).sum(axis=1)
    queries = np.array([onnx_embedder.embed_query(s[:30]) @ e5_embedder.embed_query(s[:30]) for s in sample[:10]])
    assert passages.min() >= 0.9999 and queries.min() >= 0.9999, (passages.min(), queries.min())
    stamp = ox.read_stamp(onnx_embedder.encoder.folder)
    assert stamp["check"]["reference"] == "torch" and stamp["check"]["min_cosine"] >= ox.MIN_COSINE_FP32
    assert stamp["variant"] == "fp32" and onnx_embedder.name == DEFAULT_EMBEDDING_MODEL


@pytest.mark.integration
def test_onnx_output_contract(onnx_embedder):
    assert onnx_embedder.dim == 384
    passages = onnx_embedder.embed_passages(["河东区", "政府信息公开申请"])
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    long = onnx_embedder.embed_passages(["政府信息公开" * 400])  # past 512 tokens: truncated, not an error
    assert long.shape == (1, 384) and np.linalg.norm(long) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.integration
@pytest.mark.slow
def test_int8_model_is_close_but_not_equal(model_cache_dir, onnx_embedder, seed_sentences):
    pytest.importorskip("onnx")
    from ingest.embeddings import load_onnx_embedder

    int8 = load_onnx_embedder(Settings(cache_dir=model_cache_dir, onnx_int8=True))
    sample = seed_sentences[:40]
    cos = (int8.embed_passages(sample) * onnx_embedder.embed_passages(sample)).sum(axis=1)
    assert 0.97 <= cos.mean() < 0.9999, cos.mean()
    stamp = ox.read_stamp(int8.encoder.folder)
    assert stamp["variant"] == "int8" and stamp["check"]["reference"] == "onnx fp32"
    assert json.loads((int8.encoder.folder / ox.STAMP_FILE).read_text())["onnx"] == ox._version("onnx")
