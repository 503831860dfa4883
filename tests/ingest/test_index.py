"""The index: ingest (skip unchanged, replace changed, prune, fail safely), the stores agreeing, the read API."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from ingest import indexer
from ingest.chunking import chunk_report
from ingest.errors import IndexError_, ReportError
from ingest.index import ReportIndex, UnknownReportError
from ingest.indexer import discover, ingest_paths
from ingest.models import CellState, Finding, Report, Section, TableCell
from ingest.stores.bm25 import BM25Index
from ingest.stores.lock import IndexLock

T3_COLS = [("natural", "自然人"), ("commercial", "商业企业"), ("research", "科研机构"), ("social", "社会公益组织"),
           ("legal", "法律服务机构"), ("other", "其他"), ("total", "总计")]


def make_report(agency: str, year: int, new: list[int] | None, narrative: str, *, blank_t4: bool = False,
                findings: list[Finding] | None = None) -> Report:
    """A small report: a narrative sub-part, 表三's first row, 表四's review row."""
    secs = [
        Section(number="一", title="一、总体情况", canonical="总体情况", path="一、总体情况", page_start=1,
                children=[Section(number="（二）", title="（二）依申请公开", path="一、总体情况 / （二）依申请公开",
                                  page_start=1, text=narrative)]),
        Section(number="三", title="三、收到和处理政府信息公开申请情况", path="三、收到和处理政府信息公开申请情况",
                page_start=2),
        Section(number="五", title="五、存在的主要问题及改进情况", path="五、存在的主要问题及改进情况", page_start=3,
                text=f"{agency}存在的主要问题是政策解读形式单一。下一步将加强培训。"),
    ]
    cells = [TableCell(table="表三", row="new", row_label="一、本年新收政府信息公开申请数量", column=k, column_label=l,
                       value=None if new is None else new[i],
                       state=CellState.blank if new is None else CellState.number,
                       page=2, quote="一、本年新收政府信息公开申请数量")
             for i, (k, l) in enumerate(T3_COLS)]
    cells.append(TableCell(table="表四", row="review", row_label="行政复议", column="review.total", column_label="总计",
                           value=None if blank_t4 else 2, state=CellState.blank if blank_t4 else CellState.number,
                           page=3))
    return Report(agency=agency, agency_variants=[agency], year=year, title=f"{agency}{year}年政府信息公开工作年度报告",
                  source="x.txt", sections=secs, cells=cells, findings=findings or [])


HUAIAN = make_report("淮安市人民政府", 2024, [3001, 53, 0, 0, 61, 4, 3119],
                     "2024年，全市共受理政府信息公开申请3119件，答复3050件。")
HONGZE = make_report("淮安市洪泽区人民政府", 2024, [95, 0, 0, 0, 0, 0, 95],
                     "区政府办代表区政府受理政府信息公开申请17件，均已在法定期限内予以答复。", blank_t4=True,
                     findings=[Finding(table="表四", rule="table.blank", severity="warning", detail="表四整表未填报")])
HAIDONG = make_report("海东市市直机关事务管理局", 2021, None, "本年度未收到政府信息公开申请。", blank_t4=True)


def write_report(path: Path, report: Report) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(), encoding="utf-8")
    return path


@pytest.fixture
def json_parser(monkeypatch):
    """Files hold a Report as JSON (or BAD / BOOM): tests the index without depending on the parser."""

    def parse(path):
        text = Path(path).read_text("utf-8")
        if text.startswith("BAD"):
            raise ReportError(str(path), "not a disclosure annual report")
        if text.startswith("BOOM"):
            raise RuntimeError("parser bug")
        return Report.model_validate_json(text).model_copy(update={"source": Path(path).name})

    monkeypatch.setattr(indexer, "_parse", parse)
    return parse


@pytest.fixture
def docs(tmp_path, json_parser) -> Path:
    d = tmp_path / "docs"
    write_report(d / "huaian.txt", HUAIAN)
    write_report(d / "sub" / "hongze.txt", HONGZE)
    write_report(d / "haidong.txt", HAIDONG)
    return d


def by_agency(ix: ReportIndex) -> dict[str, str]:
    return {r.agency: r.report_id for r in ix.reports()}


# --------------------------------------------------------------------------- unit (fake parser, fake embedder)


def test_ingest_then_read_api(docs, fake_settings, index_state):
    s = fake_settings()
    res = ingest_paths(s, [docs])
    assert (res.ingested, res.unchanged, res.failed) == (3, 0, 0)
    assert {f.agency for f in res.files} == {"淮安市人民政府", "淮安市洪泽区人民政府", "海东市市直机关事务管理局"}
    assert all(f.status == "ingested" and f.chunks > 0 and f.report_id for f in res.files)
    index_state(s).assert_consistent()

    with ReportIndex(s) as ix:
        infos = {r.agency: r for r in ix.reports()}
        hz = infos["淮安市洪泽区人民政府"]
        assert (hz.year, hz.source, hz.sections, hz.cells, hz.findings) == (2024, "hongze.txt", 3, 8, 1)
        assert hz.blank_tables == ["表四"] and hz.template == "2021" and hz.agency_variants == ["淮安市洪泽区人民政府"]
        assert infos["海东市市直机关事务管理局"].blank_tables == ["表三", "表四"]
        assert hz.sha256 and hz.source_path.endswith("sub/hongze.txt")

        rep = ix.get_report(hz.report_id)
        assert rep.cells == HONGZE.cells and rep.sections == HONGZE.sections and rep.id == hz.report_id
        with pytest.raises(UnknownReportError):
            ix.get_report("nope")
        with pytest.raises(KeyError):
            ix.get_report("nope")

        # cells: exact lookup in SQL
        got = ix.cells(table="表三", rows=["new"], columns=["total"])
        assert sorted((infos_by_id(infos)[rid], c.value) for rid, c in got) == [
            ("海东市市直机关事务管理局", None), ("淮安市人民政府", 3119), ("淮安市洪泽区人民政府", 95)]
        blank = [c for rid, c in got if c.value is None][0]
        assert blank.state is CellState.blank and blank.row_label == "一、本年新收政府信息公开申请数量"
        only = ix.cells(report_ids=[infos["淮安市人民政府"].report_id], table="表三")
        assert [c.column for _, c in only] == [k for k, _ in T3_COLS]
        assert ix.cells(report_ids=[]) == [] and ix.cells(table="表二") == []
        assert len(ix.cells()) == 24

        # chunks: what chunk_report made, in order
        huaian_id = infos["淮安市人民政府"].report_id
        stored = ix.chunks(huaian_id)
        expect = chunk_report(ix.get_report(huaian_id), s, huaian_id)
        assert stored == expect

        # BM25
        hits = ix.search_bm25("洪泽区 政府信息公开申请 受理", 3)
        assert hits and hits[0][0].agency == "淮安市洪泽区人民政府" and hits[0][1] > 0
        assert all(isinstance(c.text, str) and sc > 0 for c, sc in hits)
        only_hz = ix.search_bm25("政府信息公开申请", 10, {hz.report_id})
        assert only_hz and {c.report_id for c, _ in only_hz} == {hz.report_id}
        assert ix.search_bm25("政府信息公开申请", 10, set()) == []
        assert ix.search_bm25("量子纠缠", 5) == []

        # dense (fake embedder): cosine similarity, best first, filtered
        text = next(c for c in stored if c.kind == "text")
        dense = ix.search_dense(text.embed_text, 3)
        assert dense[0][0] == text and dense[0][1] == pytest.approx(1.0, abs=1e-4)
        assert all(-1.0001 <= sc <= 1.0001 for _, sc in dense)
        assert [sc for _, sc in dense] == sorted((sc for _, sc in dense), reverse=True)
        other = ix.search_dense(text.embed_text, 5, {hz.report_id})
        assert other and {c.report_id for c, _ in other} == {hz.report_id}
        assert ix.search_dense(text.embed_text, 5, {"not-committed"}) == []
        # table rows have no vector (their numbers are the cells'); BM25 finds them by their words
        row = next(c for c in stored if c.kind == "row" and c.table == "表三")
        assert all(c.kind == "text" for c, _ in ix.search_dense(row.embed_text, 50))
        assert any(c == row for c, _ in ix.search_bm25(row.text, 5, {row.report_id}))

        assert {r for r, _ in ix.findings()} == {hz.report_id}

        # every stored vector is its own chunk's embedding (chunks of several files are embedded together)
        got = ix.vectors.col.get(include=["embeddings"])
        stored_vec = dict(zip(got["ids"], got["embeddings"], strict=True))
        all_chunks = [c for r in ix.reports() for c in ix.chunks(r.report_id) if c.kind == "text"]
        assert len(stored_vec) == len(all_chunks) > 5
        want = ix.embedder.embed_passages([c.embed_text for c in all_chunks])
        for c, w in zip(all_chunks, want, strict=True):
            np.testing.assert_allclose(stored_vec[f"{c.report_id}:{c.id}"], w, atol=1e-6)


def infos_by_id(infos) -> dict[str, str]:
    return {i.report_id: a for a, i in infos.items()}


def test_unchanged_changed_pruned(docs, fake_settings, index_state):
    s = fake_settings()
    ingest_paths(s, [docs])
    before = index_state(s)

    again = ingest_paths(s, [docs])
    assert (again.ingested, again.unchanged, again.failed) == (0, 3, 0)
    assert all(f.agency and f.year and f.report_id for f in again.files)
    after = index_state(s)
    assert after.sql_chunks == before.sql_chunks and after.chroma_count == before.chroma_count

    # change one file: only it is re-ingested, and its old report leaves every store
    old_id = by_agency(ReportIndex(s))["淮安市洪泽区人民政府"]
    changed = HONGZE.model_copy(update={"cells": [c.model_copy(update={"value": 96}) if c.column == "total" and
                                                  c.table == "表三" else c for c in HONGZE.cells]})
    write_report(docs / "sub" / "hongze.txt", changed)
    res = ingest_paths(s, [docs])
    assert {f.path.split("/")[-1]: f.status for f in res.files} == {
        "hongze.txt": "ingested", "huaian.txt": "unchanged", "haidong.txt": "unchanged"}
    st = index_state(s)
    st.assert_consistent()
    assert old_id not in st.committed and old_id not in st.chroma and len(st.committed) == 3
    with ReportIndex(s) as ix:
        hz_id = by_agency(ix)["淮安市洪泽区人民政府"]
        assert [c.value for _, c in ix.cells(table="表三", columns=["total"], report_ids=[hz_id])] == [96]

    # a file gone: kept until --prune
    os.remove(docs / "huaian.txt")
    res = ingest_paths(s, [docs])
    assert res.pruned == [] and len(index_state(s).committed) == 3
    res = ingest_paths(s, [docs], prune=True)
    assert [Path(p).name for p in res.pruned] == ["huaian.txt"]
    st = index_state(s)
    st.assert_consistent()
    assert {a for a, _, _ in st.reports} == {"淮安市洪泽区人民政府", "海东市市直机关事务管理局"}
    # prune alone, with no paths, is fine
    assert ingest_paths(s, [], prune=True).pruned == []


def test_failed_file_keeps_what_was_indexed(docs, fake_settings, index_state):
    s = fake_settings()
    ingest_paths(s, [docs])
    ids = by_agency(ReportIndex(s))
    (docs / "huaian.txt").write_text("BAD", encoding="utf-8")
    (docs / "new.txt").write_text("BOOM", encoding="utf-8")
    res = ingest_paths(s, [docs])
    out = {Path(f.path).name: f for f in res.files}
    assert (res.ingested, res.unchanged, res.failed) == (0, 2, 2)
    assert out["huaian.txt"].status == "failed"
    assert out["huaian.txt"].reason == "not a disclosure annual report (the previously indexed version is kept)"
    assert out["new.txt"].reason == "parser error: RuntimeError: parser bug"
    st = index_state(s)
    st.assert_consistent()
    assert ids["淮安市人民政府"] in st.committed  # nothing lost
    # failed files are retried; a fixed file is ingested, and going back to the indexed content is "unchanged"
    write_report(docs / "huaian.txt", HUAIAN)
    res = ingest_paths(s, [docs / "huaian.txt"])
    assert res.files[0].status == "unchanged" and res.files[0].report_id == ids["淮安市人民政府"]
    write_report(docs / "new.txt", make_report("东关街道办事处", 2021, [1, 0, 0, 0, 0, 0, 1], "收到申请1件。"))
    res = ingest_paths(s, [docs])
    assert (res.ingested, res.unchanged, res.failed) == (1, 3, 0)
    index_state(s).assert_consistent()


def test_identical_copies_are_indexed_once(docs, fake_settings, index_state):
    s = fake_settings()
    (docs / "copy").mkdir()
    (docs / "copy" / "huaian.txt").write_bytes((docs / "huaian.txt").read_bytes())
    res = ingest_paths(s, [docs])
    assert res.ingested == 3 and res.unchanged == 1
    pair = sorted((f for f in res.files if f.path.endswith("huaian.txt")), key=lambda f: f.status)
    assert [f.status for f in pair] == ["ingested", "unchanged"]
    assert pair[1].reason == f"same content as {Path(pair[0].path).resolve()}, indexed once"
    assert pair[0].report_id == pair[1].report_id
    st = index_state(s)
    st.assert_consistent()
    assert len(st.committed) == 3 and len(st.files) == 4
    # removing one copy keeps the report (the other file still maps to it)
    os.remove(docs / "huaian.txt")
    ingest_paths(s, [docs], prune=True)
    st = index_state(s)
    st.assert_consistent()
    assert "淮安市人民政府" in {a for a, _, _ in st.reports}


def test_other_settings_refused_then_rebuild(docs, fake_settings, index_state):
    s = fake_settings()
    ingest_paths(s, [docs])
    other = fake_settings(chunk_max_chars=80)
    with pytest.raises(IndexError_, match=r"另一套设置建立的（chunk_max_chars: 260 -> 80）.*--rebuild"):
        ingest_paths(other, [docs])
    with pytest.raises(IndexError_, match="--rebuild"):
        ReportIndex(other)
    assert len(index_state(s).committed) == 3  # refused: nothing touched

    res = ingest_paths(other, [], rebuild=True)  # no paths: the files the index listed
    assert res.rebuilt and res.ingested == 3
    st = index_state(other)
    st.assert_consistent()
    with ReportIndex(other) as ix:
        assert len(ix.reports()) == 3
        names = ix.vectors.collection_names()
        assert names == [ix.vectors.name]  # the old collection was dropped
    with pytest.raises(IndexError_):
        ReportIndex(s)


def test_empty_index_restamped_without_rebuild(tmp_path, fake_settings):
    ingest_paths(fake_settings(), [])
    res = ingest_paths(fake_settings(chunk_max_chars=100), [])  # nothing indexed yet: nothing to mix
    assert res.files == []
    with ReportIndex(fake_settings(chunk_max_chars=100)) as ix:
        assert ix.reports() == [] and ix.search_bm25("申请", 5) == [] and ix.search_dense("申请", 5) == []


def test_missing_index_is_a_clear_error(fake_settings):
    with pytest.raises(IndexError_, match="索引不存在.*reportqa ingest"):
        ReportIndex(fake_settings("absent"))


def test_lock_refuses_a_second_ingest(docs, fake_settings):
    s = fake_settings()
    ingest_paths(s, [])
    held = IndexLock(Path(s.index_dir))
    held.acquire()
    try:
        with pytest.raises(IndexError_, match=r"another ingest \(pid \d+\) is writing"):
            ingest_paths(s, [docs])
    finally:
        held.release()
    assert ingest_paths(s, [docs]).ingested == 3


def test_uncommitted_vectors_are_invisible_and_swept(docs, fake_settings, index_state):
    s = fake_settings()
    ingest_paths(s, [docs / "huaian.txt"])
    ix = ReportIndex(s)
    query = "幽灵报告 本年新收政府信息公开申请 9999"
    v = ix.embedder.embed_query(query)
    # as a crash would leave them: vectors of a report that never got committed
    ix.vectors.upsert(ids=["ghost:c1", "ghost:c2"], embeddings=np.stack([v, v]), documents=["幽灵", "幽灵"],
                      metadatas=[{"report_id": "ghost"}, {"report_id": "ghost"}])
    hits = ix.search_dense(query, 10)
    assert hits and all(c.report_id != "ghost" for c, _ in hits)
    assert ix.search_dense(query, 10, {"ghost"}) == []
    ix.close()
    assert "ghost" in index_state(s).chroma
    ingest_paths(s, [docs / "huaian.txt"])  # every ingest starts by deleting them
    st = index_state(s)
    st.assert_consistent()
    assert "ghost" not in st.chroma


def test_bm25_rebuilt_when_out_of_sync(docs, fake_settings, index_state):
    s = fake_settings()
    ingest_paths(s, [docs])
    root = Path(s.index_dir) / "bm25"
    # stale: a BM25 generation covering only one report
    with ReportIndex(s) as ix:
        rid = by_agency(ix)["淮安市人民政府"]
        BM25Index.build([(rid, c.id, c.embed_text) for c in ix.chunks(rid)]).save(Path(s.index_dir))
    stale = BM25Index.load(Path(s.index_dir))
    assert stale is not None and {r for r, _ in stale.keys} == {rid}
    with ReportIndex(s) as ix:
        hits = ix.search_bm25("洪泽区 受理 申请", 3)
        assert hits and hits[0][0].agency == "淮安市洪泽区人民政府"
    index_state(s).assert_consistent()  # and the rebuilt index was saved
    # missing altogether
    for p in root.iterdir():
        if p.is_dir():
            shutil.rmtree(p)
    assert BM25Index.load(Path(s.index_dir)) is None
    with ReportIndex(s) as ix:
        assert ix.search_bm25("海东市 未收到", 1)[0][0].agency == "海东市市直机关事务管理局"
    index_state(s).assert_consistent()


def test_reader_sees_later_commits(docs, fake_settings):
    s = fake_settings()
    ingest_paths(s, [docs / "huaian.txt"])
    with ReportIndex(s) as ix:
        assert len(ix.reports()) == 1 and not ix.search_bm25("洪泽区", 3, None)
        ingest_paths(s, [docs])
        assert len(ix.reports()) == 3
        assert ix.search_bm25("洪泽区 受理", 3)[0][0].agency == "淮安市洪泽区人民政府"
        assert len(ix.committed_ids()) == 3


def test_discover_and_bad_paths(tmp_path, json_parser, fake_settings):
    d = tmp_path / "d"
    for name in ("a.pdf", "b.DOCX", "c.html", "sub/d.htm", "sub/e.txt", "f.doc", ".hidden.txt", "g.csv"):
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_text("x")
    files, bad = discover([d, d / "a.pdf", d / "f.doc", tmp_path / "missing"])
    assert sorted(Path(p).name for p, _ in files) == ["a.pdf", "b.DOCX", "c.html", "d.htm", "e.txt"]
    assert len(files) == len({r for _, r in files})  # a.pdf named twice, listed once
    assert [(Path(b.path).name, b.status) for b in bad] == [("f.doc", "failed"), ("missing", "failed")]
    assert "不支持的文件类型「.doc」" in bad[0].reason and bad[1].reason == "文件或文件夹不存在"
    res = ingest_paths(fake_settings(), [tmp_path / "missing"])
    assert res.failed == 1 and res.files[0].reason == "文件或文件夹不存在"


def test_progress_callback(docs, fake_settings):
    calls = []
    ingest_paths(fake_settings(), [docs], progress=lambda done, total, path: calls.append((done, total, path)))
    assert [(d, t) for d, t, _ in calls] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert all(p.endswith(".txt") for _, _, p in calls[:-1]) and calls[-1][2] == ""


def test_result_json_matches_contract(docs, fake_settings):
    res = ingest_paths(fake_settings(), [docs, docs / "nope.txt"])
    d = json.loads(res.model_dump_json())
    assert {"files", "ingested", "unchanged", "failed"} <= set(d)
    for f in d["files"]:
        assert {"path", "status", "reason", "agency", "year"} <= set(f)
        assert f["status"] in ("ingested", "unchanged", "failed")
    assert (d["ingested"], d["failed"]) == (3, 1)


# --------------------------------------------------------------------------- the shared corpus (real parser)


def test_corpus_lifecycle(corpus_copy, fake_settings, index_state):
    s = fake_settings()
    first = ingest_paths(s, [corpus_copy])
    assert (first.ingested, first.unchanged, first.failed) == (8, 0, 0), [f.reason for f in first.files]
    st1 = index_state(s)
    st1.assert_consistent()
    assert len(st1.committed) == 8

    second = ingest_paths(s, [corpus_copy])
    assert (second.ingested, second.unchanged, second.failed) == (0, 8, 0)
    assert second.chunks == 0
    st2 = index_state(s)
    assert st2.sql_chunks == st1.sql_chunks and st2.chroma == st1.chroma and st2.chroma_count == st1.chroma_count
    assert sorted(st2.bm25_keys or []) == sorted(st1.bm25_keys or [])

    # modify one seed: only it is re-ingested
    seed = sorted((corpus_copy / "seeds").glob("002_*.txt"))[0]
    seed.write_text(seed.read_text("utf-8") + "\n本报告另附说明：修订版。\n", encoding="utf-8")
    third = ingest_paths(s, [corpus_copy])
    status = {Path(f.path).name: f.status for f in third.files}
    assert status.pop(seed.name) == "ingested" and set(status.values()) == {"unchanged"}
    st3 = index_state(s)
    st3.assert_consistent()
    assert len(st3.committed) == 8 and len(st3.committed - st1.committed) == 1

    # remove a PDF: --prune forgets it
    pdf = corpus_copy / "raw" / "hzq2023_working.pdf"
    pdf.unlink()
    fourth = ingest_paths(s, [corpus_copy], prune=True)
    assert [Path(p).name for p in fourth.pruned] == ["hzq2023_working.pdf"] and fourth.unchanged == 7
    st4 = index_state(s)
    st4.assert_consistent()
    assert len(st4.committed) == 7 and ("淮安市洪泽区人民政府", 2023, "hzq2023_working.pdf") not in st4.reports

    with ReportIndex(s) as ix:
        hits = ix.search_bm25("淮安市 2024年 本年新收政府信息公开申请数量", 5)
        assert any(c.kind == "row" and c.row == "new" and c.agency == "淮安市人民政府" for c, _ in hits)
        cells = ix.cells(table="表三", rows=["new"], columns=["total"])
        values = {(ix.get_report(r).agency, ix.get_report(r).year): c.value for r, c in cells}
        assert values[("淮安市人民政府", 2024)] == 3119 and values[("淮安市洪泽区人民政府", 2024)] == 95


# --------------------------------------------------------------------------- the real model


@pytest.mark.integration
def test_dense_retrieval_with_the_default_model(corpus_copy, tmp_path, e5_embedder, model_cache_dir):
    from ingest.settings import Settings

    s = Settings(index_dir=tmp_path / "e5-index", cache_dir=model_cache_dir)
    res = ingest_paths(s, [corpus_copy], embedder=e5_embedder)
    assert res.failed == 0 and res.ingested == 8
    with ReportIndex(s, embedder=e5_embedder) as ix:
        hits = ix.search_dense("淮安市人民政府2024年政府信息公开工作总体情况", 5)
        assert any(c.agency == "淮安市人民政府" and c.year == 2024 for c, _ in hits)
        assert 0.5 < hits[0][1] <= 1.0001
        hits = ix.search_dense("洪泽区2023年政府信息公开工作存在哪些主要问题？", 3)
        assert any(c.year == 2023 and c.section.startswith("五") for c, _ in hits)
