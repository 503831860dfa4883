"""BM25 search picks its top k among the scoped rows that score above 0, best first, ties in row order: the same
rows and scores as ranking every row's score by hand (bm25s's own scores), for a scope of one report, of several,
and of all; a scope holding no row of the index gives nothing. Over the five seed reports, real questions."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.chunking import chunk_report
from ingest.parse import parse_file
from ingest.settings import Settings
from ingest.stores.bm25 import BM25Index

QUESTIONS = ["本年新收政府信息公开申请数量", "存在的主要问题及改进情况", "政务新媒体 微信公众号 发布信息",
             "行政复议 维持", "依申请公开 答复", "信息处理费"]


@pytest.fixture(scope="module")
def seeds_index(seeds_dir):
    docs = []
    for path in sorted(seeds_dir.glob("*.txt")):
        rep = parse_file(path)
        docs += [(rep.id, c.id, c.search_text) for c in chunk_report(rep, Settings(), rep.id)]
    return BM25Index.build(docs), docs


def _by_hand(index: BM25Index, docs, query: str, k: int, scope: set[str] | None):
    from ingest.stores.bm25 import tokenize

    scores = np.asarray(index.retriever.get_scores(tokenize(query)), dtype=np.float32)
    rows = [i for i, (rid, _, _) in enumerate(docs) if (scope is None or rid in scope) and scores[i] > 0]
    rows.sort(key=lambda i: (-scores[i], i))
    return [(docs[i][0], docs[i][1], float(scores[i])) for i in rows[:k]]


@pytest.mark.parametrize("k", [1, 5, 20, 10_000])
def test_search_is_the_top_k_of_the_scoped_scores(seeds_index, k):
    index, docs = seeds_index
    reports = sorted({d[0] for d in docs})
    assert len(reports) == 5
    for q in QUESTIONS:
        for scope in (None, {reports[0]}, set(reports[1:3]), set(reports)):
            got = index.search(q, k, scope)
            assert got == _by_hand(index, docs, q, k, scope), (q, k, scope and len(scope))
            assert all(s > 0 for *_, s in got) and len(got) <= k
    assert index.search(QUESTIONS[0], 5, {"no-such-report"}) == []
    assert index.search(QUESTIONS[0], 5, set()) == []
