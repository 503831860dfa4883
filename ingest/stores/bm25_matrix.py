"""BM25's score matrix built from token ids held in one flat array, in bounded memory.

bm25s builds its sparse (document x token) score matrix document by document into three arrays of one entry
per (document, distinct token) pair, then sorts them into CSC form: about 34 bytes per pair at its peak, 600 MB
over a 10,000-report index (17.8 million pairs) on top of what the index itself keeps. Here the same matrix is
built in two passes over blocks of documents: the first counts each token's documents (the CSC column sizes),
the second writes each block's scores straight into their final places. Peak memory is the matrix itself plus
one block.

The scores are bm25s's: its own idf and term-frequency functions (``bm25s.scoring``), applied to the same
numbers in the same order, so the matrix is equal to the one ``bm25s.BM25.index`` builds (a test compares them).
Only the methods without a non-occurrence term (``robertson``, ``lucene``, ``atire``) are built here; the
others are left to bm25s.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

DIRECT_METHODS = ("robertson", "lucene", "atire")
BLOCK_DOCS = 4096  # documents per block: ~200,000 tokens, a few MB of temporaries


class TokenIds(Sequence):
    """Every document's token ids, from one flat int32 array and each document's end offset; a document is
    made a list only when read (bm25s's own builder, used for other methods, iterates it)."""

    def __init__(self, flat: np.ndarray, ends: np.ndarray):
        self.flat, self.ends = flat, ends

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        start = int(self.ends[i - 1]) if i > 0 else 0
        return self.flat[start:int(self.ends[i])].tolist()

    def __iter__(self) -> Iterator[list[int]]:
        start = 0
        for end in self.ends.tolist():
            yield self.flat[start:end].tolist()
            start = end

    def lengths(self) -> np.ndarray:
        return np.diff(self.ends, prepend=0)


def _blocks(docs: TokenIds) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per block of documents: (document, token, count) of each distinct pair, sorted by token then document."""
    ends = docs.ends
    for first in range(0, len(ends), BLOCK_DOCS):
        last = min(first + BLOCK_DOCS, len(ends))
        lo = int(ends[first - 1]) if first else 0
        tokens = docs.flat[lo:int(ends[last - 1])].astype(np.int64)
        lengths = np.diff(ends[first:last], prepend=lo)
        doc = np.repeat(np.arange(first, last, dtype=np.int64), lengths)
        pairs, counts = np.unique(tokens * len(ends) + doc, return_counts=True)  # sorted: by token, then doc
        yield pairs % len(ends), pairs // len(ends), counts


def score_matrix(docs: TokenIds, n_vocab: int, *, method: str, idf_method: str, k1: float, b: float,
                 delta: float, dtype: str = "float32", int_dtype: str = "int32") -> dict:
    """bm25s's ``scores`` (CSC ``data``, ``indices``, ``indptr``, ``num_docs``) for ``docs``."""
    from bm25s.scoring import _select_idf_scorer, _select_tfc_scorer

    if method not in DIRECT_METHODS:
        raise ValueError(f"{method!r} has a non-occurrence term; build it with bm25s itself")
    n_docs = len(docs)
    lengths = docs.lengths()
    avg_doc_len = lengths.mean()
    doc_freq = np.zeros(n_vocab, dtype=np.int64)
    for _, token, _ in _blocks(docs):
        doc_freq += np.bincount(token, minlength=n_vocab)
    idf_fn = _select_idf_scorer(idf_method)
    idf = np.zeros(n_vocab, dtype=dtype)
    for t in np.flatnonzero(doc_freq).tolist():
        idf[t] = idf_fn(int(doc_freq[t]), N=n_docs)
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(doc_freq, out=indptr[1:])
    data = np.empty(int(indptr[-1]), dtype=dtype)
    indices = np.empty(int(indptr[-1]), dtype=int_dtype)
    filled = indptr[:-1].copy()
    tfc_fn = _select_tfc_scorer(method)
    for doc, token, count in _blocks(docs):
        start = np.searchsorted(token, token, side="left")  # each pair's rank among its token's pairs here
        where = filled[token] + (np.arange(len(token)) - start)
        tfc = tfc_fn(tf_array=count.astype(dtype), l_d=lengths[doc], l_avg=avg_doc_len, k1=k1, b=b, delta=delta)
        data[where] = idf[token] * tfc
        indices[where] = doc
        filled += np.bincount(token, minlength=n_vocab)
    return {"data": data, "indices": indices, "indptr": indptr, "num_docs": n_docs}
