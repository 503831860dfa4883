"""Small Protocols that keep third-party types (LangChain, Chroma) at the edges."""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised float32 vectors."""

    name: str  # model name or path, stamped into the index

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) array; passages get the passage prefix."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """(dim,) array; the query gets the query prefix."""
        ...
