"""Storage behind small Protocols: the catalog (SQLite, the source of truth),
the vector store (Chroma), the BM25 index (bm25s) and the ingest lock.

Chroma and bm25s types stay inside this package; callers see ids, floats and
our own models.
"""

from __future__ import annotations

from ingest.stores.protocols import KeywordIndex, VectorStore

__all__ = ["KeywordIndex", "VectorStore"]
