"""BM25 over jieba tokens (bm25s), rebuilt from the catalog's committed chunks.

On disk (``index_dir/bm25``): one generation folder per build plus a ``CURRENT``
file naming the live one. A build is written to a temporary folder, renamed
into place, and only then does ``CURRENT`` switch to it (``os.replace``): a
crash leaves either the old or the new index, never a half-written one. Each
build records ``covers``, a hash of the set of report ids it indexes; the
caller compares it with the catalog's committed set and rebuilds on mismatch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import uuid
from array import array
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.stores.bm25_matrix import DIRECT_METHODS, TokenIds, score_matrix

log = logging.getLogger(__name__)

BM25_DIR = "bm25"
CURRENT = "CURRENT"
KEYS_FILE = "keys.json"

_STOP = frozenset(("的 了 和 与 及 或 是 在 对 为 有 吗 呢 吧 啊 么 "
                   "多少 什么 哪些 哪个 几 请问 一下 一共 共 个 其中 以及").split())
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)

_jieba = None


def _get_jieba():
    global _jieba
    if _jieba is None:
        from ingest.text import load_jieba

        _jieba = load_jieba()
    return _jieba


def _import_bm25s():
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG on import
    return bm25s


@lru_cache(maxsize=1)
def _retriever_class():
    """bm25s's BM25 whose index builder (its documented override point) builds the score matrix in bounded
    memory (:mod:`ingest.stores.bm25_matrix`) from token ids held in one array. Saved, it is a plain bm25s
    index: it is loaded with ``bm25s.BM25.load``."""
    bm25s = _import_bm25s()

    class _BM25(bm25s.BM25):
        def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
            if not isinstance(corpus_token_ids, TokenIds) or self.method not in DIRECT_METHODS \
                    or self.idf_method not in DIRECT_METHODS:
                return super().build_index_from_ids(unique_token_ids, corpus_token_ids, show_progress, leave_progress)
            self.nonoccurrence_array = None
            return score_matrix(corpus_token_ids, len(unique_token_ids), method=self.method,
                                idf_method=self.idf_method, k1=self.k1, b=self.b, delta=self.delta,
                                dtype=self.dtype, int_dtype=self.int_dtype)

    return _BM25


TOKENIZER_VERSION = "jieba-search-1"


def tokenize(text: str) -> list[str]:
    """jieba search-mode tokens, lower-cased, without punctuation, spaces and stop words.

    jieba cuts a text block by block — runs of its ``re_han_default`` characters, split off at punctuation and
    spaces — and each block on its own; so the text is split the same way here and each block's tokens are
    cached. The same result, and a table's labels (本年新收政府信息公开申请数量, printed in every report) are cut
    once, not once per report."""
    jieba = _get_jieba()
    out: list[str] = []
    for blk in jieba.re_han_default.split(text or ""):
        if blk:
            out += _block_tokens(blk)
    return out


@lru_cache(maxsize=65536)
def _block_tokens(blk: str) -> tuple[str, ...]:
    out = []
    for tok in _get_jieba().lcut_for_search(blk):
        tok = tok.strip().lower()
        if tok and tok not in _STOP and not _PUNCT.match(tok):
            out.append(tok)
    return tuple(out)


def covers_hash(report_ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(set(report_ids))).encode()).hexdigest()[:16]


class BM25Index:
    """In memory: the bm25s retriever and, per document, its (report_id, chunk_id)."""

    def __init__(self, keys: list[tuple[str, str]], retriever, covers: str):
        self.keys = keys
        self.retriever = retriever
        self.covers = covers
        rows: dict[str, list[int]] = {}
        for i, (rid, _) in enumerate(keys):
            rows.setdefault(rid, []).append(i)
        # each report's document rows, to build a search's mask from the reports allowed (not from every row)
        self._rows = {rid: np.asarray(r, dtype=np.intp) for rid, r in rows.items()}

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def build(cls, docs: Iterable[tuple[str, str, str | list[str]]],
              report_ids: Iterable[str] | None = None) -> BM25Index:
        """``docs``: (report_id, chunk_id, text or its tokens), read once, as they come (a generator streaming from
        the catalog holds one chunk at a time). ``report_ids``: the set the build covers (defaults to the reports
        seen in ``docs``; pass it so a report without chunks counts).

        Each token string is kept once, in the vocabulary; a document is kept as its token ids, all documents in
        one int32 array. Every chunk's tokens held as Python lists of strings and indexed by bm25s's own builder
        peaked at 3,035 MB on a 10,000-report index (461,547 chunks); this build at 397 MB (eval/bench_bm25.py)."""
        bm25s = _import_bm25s()
        keys: list[tuple[str, str]] = []
        rids: dict[str, str] = {}  # one string per report id, shared by its chunks' keys
        vocab: dict[str, int] = {}
        flat = array("i")
        ends = array("q")
        for rid, cid, text in docs:
            keys.append((rids.setdefault(rid, rid), cid))
            toks = (tokenize(text) if isinstance(text, str) else text) or ("∅",)
            flat.extend(vocab.setdefault(t, len(vocab)) for t in toks)
            ends.append(len(flat))
        ids = set(report_ids) if report_ids is not None else set(rids)
        retriever = None
        if keys:
            retriever = _retriever_class()()
            corpus = TokenIds(np.frombuffer(flat, dtype=np.int32), np.frombuffer(ends, dtype=np.int64))
            retriever.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=vocab), show_progress=False)
        return cls(keys, retriever, covers_hash(ids))

    def search(self, query: str, k: int, report_ids: set[str] | None = None) -> list[tuple[str, str, float]]:
        """The ``k`` best rows for ``query`` with a score above 0, best first (ties: in row order), among the
        rows of ``report_ids`` (None: all).

        The top k are chosen here, among the scoped rows that score above 0, not by bm25s over the whole
        corpus: its ``argpartition`` over every row's score degenerates on an array of mostly equal values (a
        scope of one report zeroes all rows but a few): 90 ms at 461,547 rows against 7 ms on varied scores."""
        if self.retriever is None or k <= 0:
            return []
        q = tokenize(query)
        if not q:
            return []
        rows = self._scope_rows(report_ids)
        if rows is not None and not len(rows):
            return []
        scores = np.asarray(self.retriever.get_scores(q), dtype=np.float32)
        if rows is None:
            rows = np.flatnonzero(scores > 0)
        else:
            rows = rows[scores[rows] > 0]
        if not len(rows):
            return []
        picked = scores[rows]
        if len(rows) > k:  # the rows scoring at least the k-th best score (all of a tie at the cut), then cut
            kth = picked[np.argpartition(-picked, k - 1)[k - 1]]
            rows, picked = rows[picked >= kth], picked[picked >= kth]
        order = np.lexsort((rows, -picked))[:k]
        return [(*self.keys[int(rows[i])], float(picked[i])) for i in order]

    def _scope_rows(self, report_ids: set[str] | None) -> np.ndarray | None:
        """The rows of the reports allowed, in row order; None when every report here is allowed."""
        if report_ids is None:
            return None
        held = [self._rows[r] for r in report_ids if r in self._rows]
        if len(held) == len(self._rows):
            return None
        return np.sort(np.concatenate(held)) if held else np.zeros(0, dtype=np.int64)

    # ---------------------------------------------------------------- persistence

    def save(self, index_dir: Path, crash_point=None) -> Path:
        """Write a new generation and switch ``CURRENT`` to it atomically; remove older ones."""
        root = Path(index_dir) / BM25_DIR
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f"tmp-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        if self.retriever is not None:
            self.retriever.save(str(tmp), show_progress=False)
        with open(tmp / KEYS_FILE, "w", encoding="utf-8") as f:
            json.dump({"covers": self.covers, "keys": self.keys}, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        _fsync_dir(tmp)
        gen = root / f"gen-{self.covers}-{uuid.uuid4().hex[:8]}"
        os.replace(tmp, gen)
        if crash_point:
            crash_point("bm25_tmp")
        cur_tmp = root / f"{CURRENT}.tmp"
        with open(cur_tmp, "w", encoding="utf-8") as f:
            f.write(gen.name)
            f.flush()
            os.fsync(f.fileno())
        os.replace(cur_tmp, root / CURRENT)
        _fsync_dir(root)
        if crash_point:
            crash_point("bm25")
        for p in root.iterdir():
            if p.is_dir() and p.name != gen.name:
                shutil.rmtree(p, ignore_errors=True)
        return gen

    @classmethod
    def load(cls, index_dir: Path) -> BM25Index | None:
        """The live generation, or None when there is none (or it is unreadable)."""
        root = Path(index_dir) / BM25_DIR
        try:
            gen = root / (root / CURRENT).read_text(encoding="utf-8").strip()
            with open(gen / KEYS_FILE, encoding="utf-8") as f:
                data = json.load(f)
            keys = [tuple(k) for k in data["keys"]]
            retriever = None
            if keys:
                retriever = _import_bm25s().BM25.load(str(gen), show_progress=False)
            return cls(keys, retriever, data["covers"])
        except FileNotFoundError:
            return None
        except Exception as e:  # damaged: the caller rebuilds from the catalog
            log.warning("BM25 index at %s unreadable (%s); it will be rebuilt", root, e)
            return None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
