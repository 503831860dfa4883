"""Dense search by the size of its scope (ReportIndex._nearest): a few reports compared exactly by their records'
ids, a wide scope searched unfiltered and filtered here, the rest by Chroma's filter. Each way must give what
Chroma's own filtered search gives, and never a record of a report that is not committed."""

from __future__ import annotations

import numpy as np
import pytest

from ingest import index as index_mod
from ingest.index import ReportIndex
from ingest.indexer import ingest_paths

WAYS = {"exact": {}, "unfiltered": {"EXACT_SCOPE_REPORTS": 0}, "filtered": {"EXACT_SCOPE_REPORTS": 0, "OVERFETCH_MAX": 0}}
QUERIES = ("本年新收政府信息公开申请", "政府信息公开工作存在的主要问题及改进情况", "行政复议 行政诉讼")


@pytest.fixture
def index(seed_paths, fake_settings):
    s = fake_settings()
    assert ingest_paths(s, seed_paths).ingested == 5  # the five real 2021 reports
    ix = ReportIndex(s)
    # vectors a crash left behind (a report never committed), made the nearest to every query
    for n, q in enumerate(QUERIES):
        v = ix.embedder.embed_query(q)
        ix.vectors.upsert(ids=[f"ghost:c{n}"], embeddings=np.stack([v]), documents=["幽灵"],
                          metadatas=[{"report_id": "ghost"}])
    yield ix
    ix.close()


@pytest.mark.parametrize("way", WAYS)
def test_each_way_finds_what_chromas_filter_finds(index, monkeypatch, way):
    for name, value in WAYS[way].items():
        monkeypatch.setattr(index_mod, name, value)
    ids = sorted(index.committed_ids())
    scopes = [ids[:1], ids[:2], ids[1:4], ids]
    for q in QUERIES:
        vec = index.embedder.embed_query(q)
        for scope in scopes:
            ref = index.vectors.query(vec, 10_000, scope)  # every record of the scope, Chroma's filter
            dist = dict(ref)
            got = index._nearest(vec, 5, set(scope))
            assert len(got) == min(5, len(ref)) > 0, (way, q, scope)
            assert all(h.split(":")[0] in scope for h, _ in got), got
            assert [d for _, d in got] == sorted(d for _, d in got)
            # the same distances as Chroma's, and the k nearest of them
            assert all(d == pytest.approx(dist[h], abs=1e-4) for h, d in got)
            assert [round(d, 4) for _, d in got] == [round(d, 4) for _, d in ref[:5]]


def test_search_dense_never_returns_an_uncommitted_record(index):
    for q in QUERIES:
        for way in WAYS.values():
            with pytest.MonkeyPatch.context() as mp:
                for name, value in way.items():
                    mp.setattr(index_mod, name, value)
                hits = index.search_dense(q, 5)
                assert hits and all(c.report_id in index.committed_ids() for c, _ in hits)
                assert index.search_dense(q, 5, {"ghost"}) == []
