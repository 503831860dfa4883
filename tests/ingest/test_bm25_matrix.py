"""The BM25 index built from token ids in bounded memory (``ingest.stores.bm25_matrix``) is bm25s's own index:
over the chunks of the five seed reports (and the real reports saved from a website), every token's column holds
the same documents with bit-equal scores as ``bm25s.BM25().index`` on the token lists, and every question scores
every document the same. Small blocks make the two-pass build cross many block boundaries."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.chunking import chunk_report
from ingest.parse import parse_file
from ingest.settings import Settings
from ingest.stores import bm25_matrix
from ingest.stores.bm25 import BM25Index, _import_bm25s, tokenize

QUESTIONS = ["本年新收政府信息公开申请数量", "政务新媒体 微信公众号", "行政复议 纠错", "依申请公开 答复 不予公开",
             "会议 培训 人次", "信息处理费", "no such token here"]


def _docs(paths):
    docs = []
    for path in paths:
        rep = parse_file(path)
        docs += [(rep.id, c.id, tokenize(c.search_text)) for c in chunk_report(rep, Settings(), rep.id)]
    return docs


def _columns(retriever, tokens):
    """Per token: (documents, scores) of its column."""
    ip, idx, data = (retriever.scores[k] for k in ("indptr", "indices", "data"))
    out = {}
    for t in tokens:
        c = retriever.vocab_dict[t]
        out[t] = (idx[ip[c]:ip[c + 1]].tolist(), data[ip[c]:ip[c + 1]].tobytes())
    return out


def _assert_same_index(docs):
    built = BM25Index.build(docs)
    plain = _import_bm25s().BM25()
    plain.index([list(toks) or ["∅"] for _, _, toks in docs], show_progress=False)
    assert built.retriever.vocab_dict.keys() == plain.vocab_dict.keys()
    tokens = [t for t in plain.vocab_dict if t != ""]
    assert _columns(built.retriever, tokens) == _columns(plain, tokens)
    assert built.retriever.scores["num_docs"] == plain.scores["num_docs"] == len(docs)
    for q in QUESTIONS:
        qt = tokenize(q)
        assert np.array_equal(built.retriever.get_scores(qt), plain.get_scores(qt)), q


@pytest.mark.parametrize("block", [bm25_matrix.BLOCK_DOCS, 97, 1])
def test_seed_chunks_give_bm25s_own_index(seeds_dir, monkeypatch, block):
    monkeypatch.setattr(bm25_matrix, "BLOCK_DOCS", block)
    docs = _docs(sorted(seeds_dir.glob("*.txt")))
    assert len(docs) > 200
    _assert_same_index(docs)


def test_real_web_reports_give_bm25s_own_index(real_dir, monkeypatch):
    monkeypatch.setattr(bm25_matrix, "BLOCK_DOCS", 50)
    paths = sorted(p for p in real_dir.rglob("*") if p.suffix.lower() in (".html", ".htm", ".txt"))[:6]
    assert paths, f"no saved reports under {real_dir}"
    docs = _docs(paths)
    docs.insert(3, (docs[0][0], "empty", []))  # a chunk without a token keeps its row (the empty marker)
    _assert_same_index(docs)


def test_token_ids_read_back_as_lists():
    flat = np.array([3, 1, 3, 2, 0], dtype=np.int32)
    ends = np.array([2, 2, 5], dtype=np.int64)
    ids = bm25_matrix.TokenIds(flat, ends)
    assert list(ids) == [[3, 1], [], [3, 2, 0]]
    assert [ids[i] for i in range(3)] == list(ids) and ids[1:] == [[], [3, 2, 0]]
    assert ids.lengths().tolist() == [2, 0, 3]


def test_methods_with_a_non_occurrence_term_are_left_to_bm25s():
    ids = bm25_matrix.TokenIds(np.array([0, 1], dtype=np.int32), np.array([1, 2], dtype=np.int64))
    with pytest.raises(ValueError):
        bm25_matrix.score_matrix(ids, 2, method="bm25l", idf_method="bm25l", k1=1.5, b=0.75, delta=0.5)
