"""The index's audit findings (what check answers use) are computed once per report content: a second check of
the same report does not run the catalogue again; a changed report, or a new related report, does."""

from __future__ import annotations

import pytest

from ingest.audit import corpus
from ingest.parse import parse_file


class _Index:
    """The two methods related_reports reads, over parsed reports."""

    def __init__(self, reports):
        self.by_id = {r.id: r for r in reports}

    def reports(self):
        from types import SimpleNamespace

        return [SimpleNamespace(report_id=r.id, agency=r.agency, agency_variants=r.agency_variants)
                for r in self.by_id.values()]

    def get_report(self, rid):
        return self.by_id[rid].model_copy(deep=True)  # a fresh object each time, as the index does


@pytest.fixture
def counted(monkeypatch):
    runs = []
    real = corpus.findings_for

    def counting(report, others=(), **kw):
        runs.append(report.id)
        return real(report, others, **kw)

    monkeypatch.setattr(corpus, "findings_for", counting)
    monkeypatch.setattr(corpus, "_findings", type(corpus._findings)())
    return runs


def test_the_same_report_is_audited_once_and_a_changed_one_again(counted, raw_dir):
    r23, r24 = parse_file(raw_dir / "hzq2023_working.pdf"), parse_file(raw_dir / "hzq2024_working.pdf")
    index = _Index([r23])
    first = corpus.index_findings_for(index, index.get_report(r23.id))
    again = corpus.index_findings_for(index, index.get_report(r23.id))
    assert counted == [r23.id] and again == first and again is not first
    changed = index.get_report(r23.id)
    changed.cells[0] = changed.cells[0].model_copy(update={"value": (changed.cells[0].value or 0) + 1})  # same id,
    # other content: audited afresh
    corpus.index_findings_for(index, changed)
    assert counted == [r23.id, r23.id]
    index.by_id[r24.id] = r24  # last year's report of the same agency appears: the cross-year rules read it
    with_related = corpus.index_findings_for(index, index.get_report(r24.id))
    assert counted[-1] == r24.id
    assert any(f.rule == "cross.carried" for f in with_related)


def test_the_cache_is_bounded(counted, raw_dir, monkeypatch):
    monkeypatch.setattr(corpus, "FINDINGS_CACHE", 1)
    r23 = parse_file(raw_dir / "hzq2023_working.pdf")
    other = r23.model_copy(deep=True)
    other.cells[0] = other.cells[0].model_copy(update={"value": (other.cells[0].value or 0) + 7})
    index = _Index([r23])
    for rep in (r23, other, r23):
        corpus.index_findings_for(index, rep)
    assert len(counted) == 3 and len(corpus._findings) == 1


def test_with_the_listing_a_repeated_check_loads_and_serialises_nothing(counted, raw_dir, monkeypatch):
    """With the index's listing (what the Assistant passes), the key is each stored report's version: a second
    check neither loads the related reports nor dumps any report; a re-commit (new ingested_at) audits afresh."""
    from types import SimpleNamespace

    r23, r24 = parse_file(raw_dir / "hzq2023_working.pdf"), parse_file(raw_dir / "hzq2024_working.pdf")
    index = _Index([r23, r24])

    def listing(at23=1.0, at24=2.0):
        return [SimpleNamespace(report_id=r.id, agency=r.agency, agency_variants=r.agency_variants, ingested_at=at)
                for r, at in ((r23, at23), (r24, at24))]

    loads, dumps = [], []
    real_get, real_fp = index.get_report, corpus._fingerprint
    monkeypatch.setattr(index, "get_report", lambda rid: loads.append(rid) or real_get(rid))
    monkeypatch.setattr(corpus, "_fingerprint", lambda rep: dumps.append(rep.id) or real_fp(rep))
    infos = listing()
    first = corpus.index_findings_for(index, real_get(r24.id), info=infos[1], infos=infos)
    assert loads == [r23.id] and dumps == []  # the related report is loaded for the audit itself
    assert any(f.rule == "cross.carried" for f in first)
    loads.clear()
    again = corpus.index_findings_for(index, real_get(r24.id), info=infos[1], infos=infos)
    assert again == first and loads == [] and dumps == [] and counted == [r24.id]
    recommitted = listing(at23=3.0)  # last year's report ingested again: the cross-year rules must read it anew
    corpus.index_findings_for(index, real_get(r24.id), info=recommitted[1], infos=recommitted)
    assert counted == [r24.id, r24.id]
    # an info that is not this report's entry is not trusted: the report's record is hashed
    corpus.index_findings_for(index, real_get(r24.id), info=infos[0], infos=infos)
    assert dumps == [r24.id]
