"""What the writer (indexer) and the readers (ReportIndex) share: opening the
catalog, the settings-stamp check, opening the vector store, syncing BM25."""

from __future__ import annotations

import logging
from pathlib import Path

from ingest.errors import IndexError_
from ingest.settings import Settings
from ingest.stores.bm25 import TOKENIZER_VERSION, BM25Index, covers_hash
from ingest.stores.catalog import CATALOG_FILE, Catalog
from ingest.stores.vector import ChromaVectorStore

log = logging.getLogger(__name__)


def catalog_exists(index_dir: Path) -> bool:
    return (Path(index_dir) / CATALOG_FILE).exists()


def stamp_mismatch(catalog: Catalog, settings: Settings) -> str | None:
    """None when the index was built with ``settings`` (or is new/empty); else a one-line explanation."""
    h, stamp = catalog.stamp()
    if h is None or h == settings.index_hash():
        return None
    now = settings.index_stamp()
    diffs = [f"{k}: {stamp.get(k)!r} -> {now.get(k)!r}" for k in sorted(set(now) | set(stamp or {}))
             if (stamp or {}).get(k) != now.get(k)]
    what = "; ".join(diffs) or f"settings hash {h} -> {settings.index_hash()}"
    return (f"索引 {catalog.path.parent} 是用另一套设置建立的（{what}）；"
            f"请用 `reportqa ingest --rebuild PATH... --index {catalog.path.parent}` 重建，"
            "或改回建立索引时的设置")


def check_stamp(catalog: Catalog, settings: Settings) -> None:
    msg = stamp_mismatch(catalog, settings)
    if msg:
        raise IndexError_(msg)


def open_vectors(settings: Settings, catalog: Catalog) -> ChromaVectorStore:
    return ChromaVectorStore(Path(settings.index_dir), catalog.index_uuid, settings.chroma_url)


def build_bm25(catalog: Catalog) -> BM25Index:
    """BM25 over exactly the catalog's committed chunks, read in one snapshot, chunk by chunk (streamed: the
    chunks are never all held at once)."""
    with catalog.read_snapshot():
        ids = catalog.committed_ids()
        docs = ((rid, cid, toks if toks is not None and ver == TOKENIZER_VERSION else text)
                for rid, cid, text, toks, ver in catalog.iter_chunk_docs())
        return BM25Index.build(docs, ids)


def bm25_in_sync(bm25: BM25Index | None, committed: set[str]) -> bool:
    return bm25 is not None and bm25.covers == covers_hash(committed)
