"""Chunking: sentence-bounded text chunks with a context header, one chunk per table row."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_metadata, chunk_report, pack, pack_text, split_sentences
from ingest.models import CellState, Report, Section, TableCell


def small_report(**kw) -> Report:
    top = Section(number="一", title="一、总体情况", canonical="总体情况", path="一、总体情况", page_start=1,
                  text="本机关认真贯彻条例。",
                  children=[Section(number="（二）", title="（二）依申请公开", path="一、总体情况 / （二）依申请公开",
                                    page_start=2, text="全年共受理申请3119件！均按期答复；无超期。\n另有103件结转下年。")])
    sec3 = Section(number="三", title="三、收到和处理政府信息公开申请情况", canonical="收到和处理政府信息公开申请情况",
                   path="三、收到和处理政府信息公开申请情况", page_start=4)
    labels = [("natural", "自然人", 3001), ("commercial", "商业企业", 53), ("research", "科研机构", 0),
              ("social", "社会公益组织", 0), ("legal", "法律服务机构", 61), ("other", "其他", 4),
              ("total", "总计", 3119)]
    cells = [TableCell(table="表三", row="new", row_label="一、本年新收政府信息公开申请数量", column=k, column_label=l,
                       value=v, page=4) for k, l, v in labels]
    cells += [TableCell(table="表四", row="review", row_label="行政复议", column="total", column_label="总计",
                        value=None, state=CellState.blank, page=5)]
    base = dict(agency="淮安市人民政府", year=2024, source="szfgs2024.pdf", sha256="ab" * 32,
                sections=[top, sec3], cells=cells)
    base.update(kw)
    return Report(**base)


def test_split_sentences_on_chinese_end_marks_and_newlines():
    assert split_sentences("甲。乙！丙？丁；戊\n己\n\n 庚 ") == ["甲。", "乙！", "丙？", "丁；", "戊", "己", "庚"]
    assert split_sentences("本 报 告\u3000可在") == ["本 报 告 可在"]
    assert split_sentences("") == []


def test_pack_respects_limit_and_sentence_bounds():
    sents = ["一二三。", "四五六七。", "八九。"]
    assert pack(sents, 9) == ["一二三。四五六七。", "八九。"]
    assert pack(sents, 100) == ["一二三。四五六七。八九。"]
    # a sentence longer than the limit is cut at commas, then hard
    long = "甲乙，" * 10 + "丙。"
    out = pack([long], 7)
    assert all(len(p) <= 7 for p in out) and "".join(out) == long
    assert pack(["x" * 25], 10) == ["x" * 10, "x" * 10, "x" * 5]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="甲乙丙丁戊己庚辛壬癸。！？；，\n", max_size=400), st.integers(min_value=5, max_value=80))
def test_pack_text_property(text, max_chars):
    out = pack_text(text, max_chars)
    assert all(0 < len(p) <= max_chars for p in out)
    # nothing lost, nothing reordered (only newlines and spaces dropped)
    assert "".join(out) == "".join(text.split())


def test_text_chunks_per_section_with_context_header():
    r = small_report()
    chunks = chunk_report(r, 260)
    text = [c for c in chunks if c.kind == "text"]
    assert [c.section for c in text] == ["一、总体情况", "一、总体情况 / （二）依申请公开"]
    sub = text[1]
    assert sub.text == "全年共受理申请3119件！均按期答复；无超期。另有103件结转下年。"
    assert sub.header == "淮安市人民政府 · 2024年 · 一、总体情况 / （二）依申请公开"
    assert sub.embed_text == f"{sub.header}\n{sub.text}"
    assert sub.page == 2 and sub.report_id == r.id and sub.source == "szfgs2024.pdf"
    # with a small limit the sub-part splits at sentence ends, never mid-sentence
    small = [c.text for c in chunk_report(r, 13) if c.kind == "text" and c.section.endswith("依申请公开")]
    assert small == ["全年共受理申请3119件！", "均按期答复；无超期。", "另有103件结转下年。"]


def test_row_chunks_one_per_table_row():
    r = small_report()
    rows = [c for c in chunk_report(r, 260) if c.kind == "row"]
    assert [(c.table, c.row) for c in rows] == [("表三", "new"), ("表四", "review")]
    new = rows[0]
    assert new.text == ("表三 一、本年新收政府信息公开申请数量：自然人 3001，商业企业 53，科研机构 0，"
                        "社会公益组织 0，法律服务机构 61，其他 4，总计 3119")
    assert new.section == "三、收到和处理政府信息公开申请情况"
    assert new.header == "淮安市人民政府 · 2024年 · 三、收到和处理政府信息公开申请情况 · 表三"
    assert new.row_label == "一、本年新收政府信息公开申请数量" and new.page == 4
    # a blank cell is "not reported", never 0; 表四 has no section here: the header falls back to the table
    assert rows[1].text == "表四 行政复议：总计 未填报"
    assert rows[1].section == "表四"


def test_chunk_ids_unique_stable_and_metadata_complete():
    r = small_report()
    a, b = chunk_report(r, 260), chunk_report(small_report(), 260)
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    # identical text in the same section is kept once
    dup = small_report(sections=[Section(number="五", title="五、问题", path="五、问题", text="同一句。同一句。")])
    assert pack_text("同一句。同一句。", 4) == ["同一句。", "同一句。"]
    assert [c.text for c in chunk_report(dup, 4) if c.kind == "text"] == ["同一句。"]
    md = chunk_metadata(a[-2], source_path="/x/szfgs2024.pdf", source_sha256=r.sha256)
    assert md["report_id"] == r.id and md["agency"] == "淮安市人民政府" and md["year"] == 2024
    assert md["table"] == "表三" and md["row"] == "new" and md["page"] == 4 and md["kind"] == "row"
    assert md["section"] == "三、收到和处理政府信息公开申请情况" and md["source"] == "szfgs2024.pdf"
    assert md["content_hash"] == a[-2].id and md["source_path"] == "/x/szfgs2024.pdf"
    assert None not in md.values()
    text_md = chunk_metadata(a[0])
    assert "table" not in text_md and "row" not in text_md


def test_chunk_ids_change_with_content():
    a = chunk_report(small_report(), 260)
    b = chunk_report(small_report(agency="洪泽区人民政府"), 260)  # another report id
    assert not {c.id for c in a} & {c.id for c in b}


def test_real_corpus_chunks(seed_paths, pdf_paths):
    from ingest.parse import parse_file

    for p in [*seed_paths, *pdf_paths]:
        r = parse_file(p)
        chunks = chunk_report(r, 120)
        text = [c for c in chunks if c.kind == "text"]
        rows = [c for c in chunks if c.kind == "row"]
        assert text and all(len(c.text) <= 120 for c in text), p.name
        assert {(c.table, c.row) for c in rows} == {(c.table, c.row) for c in r.cells}, p.name
        assert all(c.header.startswith(f"{r.agency} · {r.year}年 · ") for c in chunks)
        assert len({c.id for c in chunks}) == len(chunks)
        # nothing of the narrative is lost
        body = "".join("".join(s.text.split()) for s in r.all_sections())
        assert "".join("".join(c.text.split()) for c in text) == body, p.name


@pytest.mark.parametrize("limit", [40, 260])
def test_limit_from_settings(limit):
    from ingest.settings import Settings

    r = small_report()
    s = Settings(chunk_max_chars=limit)
    assert chunk_report(r, s) == chunk_report(r, limit)
