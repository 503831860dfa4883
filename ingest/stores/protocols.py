"""The small interfaces the indexer and the read API use; implementations are swappable."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np


class VectorStore(Protocol):
    """Dense vectors with flat metadata; every record carries ``report_id``."""

    def upsert(self, ids: Sequence[str], embeddings: np.ndarray, documents: Sequence[str],
               metadatas: Sequence[Mapping[str, str | int | float | bool]]) -> None: ...

    def delete_reports(self, report_ids: Iterable[str]) -> None: ...

    def delete_except(self, keep_report_ids: Iterable[str]) -> int:
        """Delete every record whose report_id is not in ``keep_report_ids``; returns how many."""
        ...

    def query(self, embedding: np.ndarray, k: int, report_ids: Sequence[str]) -> list[tuple[str, float]]:
        """Nearest records among ``report_ids``: (record id, cosine distance), nearest first."""
        ...

    def nearest_of(self, embedding: np.ndarray, k: int, rec_ids: Sequence[str]) -> list[tuple[str, float]]:
        """The ``k`` nearest of the records named (exact): (record id, cosine distance), nearest first."""
        ...

    def nearest_any(self, embedding: np.ndarray, n: int) -> list[tuple[str, float]]:
        """The ``n`` nearest records of the whole store, unfiltered."""
        ...

    def ids_by_report(self) -> dict[str, set[str]]: ...

    def count(self) -> int: ...

    def drop(self) -> None:
        """Remove the whole collection."""
        ...


class KeywordIndex(Protocol):
    """A sparse (BM25) index over (report_id, chunk_id, text) documents."""

    covers: str  # hash of the set of report ids it was built from

    def search(self, query: str, k: int, report_ids: set[str] | None = None) -> list[tuple[str, str, float]]:
        """(report_id, chunk_id, score), best first, score > 0 only."""
        ...

    def __len__(self) -> int: ...
