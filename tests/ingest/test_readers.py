"""Readers: DOCX and HTML with real tables, GBK text, and bad input that must fail cleanly."""

from __future__ import annotations

import html
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import ReportError
from ingest.parse import parse_document, parse_file
from ingest.readers import Document
from ingest.template import T2_ITEMS, T3_COLUMNS, T3_ROWS_2021, T4_COLUMNS, T4_GROUPS
from tests.conftest import FIXTURES, seed
from tests.ingest.test_parser import expected_cells

SECTION_TITLES = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


def real_content(stem: str = "szfgs2024") -> dict:
    """A real report's content: the hand-checked numbers and narrative sentences of a PDF."""
    return json.loads((FIXTURES / "pdfs" / f"{stem}.json").read_text("utf-8"))


def table_rows(fx: dict) -> dict[str, list[list[str]]]:
    """The three tables as rows of cell texts, label cells first (group, sub-group, leaf)."""
    t2: list[list[str]] = []
    for it in T2_ITEMS:
        t2.append([f"第二十条第{it.item}项"])
        t2.append(["信息内容", *[c.label for c in it.columns_2021]])
        for r in it.rows:
            vals = fx["table2"][r.key]
            t2.append([r.label, *[str(vals[c.key]) for c in it.columns_2021]])
    t3 = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况"],
          ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
          ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    for r in T3_ROWS_2021:
        parts = r.label.split("（", 1)
        if r.group:
            grp, leaf = "三、本年度办理结果", "（" + parts[1] if len(parts) > 1 else r.label
            t3.append([grp, leaf, "", *map(str, fx["table3"][r.key])])
        else:
            t3.append([r.label, "", "", *map(str, fx["table3"][r.key])])
    t4 = [["行政复议", "", "", "", "", "行政诉讼"],
          ["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉"],
          [*[c.label for c in T4_COLUMNS] * 3],
          [str(v) for g in T4_GROUPS for v in fx["table4"][g.key]]]
    return {"表二": t2, "表三": t3, "表四": t4}


def narrative(fx: dict) -> dict[str, list[str]]:
    by = {t: [] for t in SECTION_TITLES}
    for f in fx["narrative_facts"]:
        top = next((t for t in SECTION_TITLES if f["section"].startswith(t)), SECTION_TITLES[0])
        by[top].append(f["quote"])
    return by


def build_docx(path, fx):
    import docx

    d = docx.Document()
    d.add_paragraph(fx["agency"])
    d.add_paragraph(f"{fx['year']}年政府信息公开工作年度报告")
    tables = table_rows(fx)
    for title in SECTION_TITLES:
        d.add_paragraph(title)
        for q in narrative(fx)[title]:
            d.add_paragraph(q)
        key = {"二": "表二", "三": "表三", "四": "表四"}.get(title[0])
        if key:
            rows = tables[key]
            width = max(len(r) for r in rows)
            t = d.add_table(rows=len(rows), cols=width)
            for i, r in enumerate(rows):
                for j, v in enumerate(r):
                    t.cell(i, j).text = v
            if key == "表三":  # merged label cells, as Word reports have them
                t.cell(3 + 2, 0).merge(t.cell(3 + 2 + 21, 0))
    d.save(str(path))


def build_html(path, fx):
    tables = table_rows(fx)
    out = ["<html><head><meta charset='utf-8'><title>年报</title></head><body>",
           f"<h1>{html.escape(fx['agency'])}{fx['year']}年政府信息公开工作年度报告</h1>"]
    for title in SECTION_TITLES:
        out.append(f"<h2>{title}</h2>")
        out += [f"<p>{html.escape(q)}</p>" for q in narrative(fx)[title]]
        key = {"二": "表二", "三": "表三", "四": "表四"}.get(title[0])
        if key:
            out.append("<table border='1'>")
            for i, r in enumerate(tables[key]):
                cells = []
                for j, v in enumerate(r):
                    if key == "表三" and j == 0 and i == 5:
                        cells.append(f"<td rowspan='22'>{v}</td>")
                    elif key == "表三" and j == 0 and 5 < i < 27:
                        continue  # covered by the rowspan
                    else:
                        cells.append(f"<td>{html.escape(v)}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
    out.append("</body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["docx", "html"])
@pytest.mark.parametrize("stem", ["szfgs2024", "hzq2023_working"])
def test_docx_and_html_tables_parse_back(tmp_path, fmt, stem, raw_dir):
    fx = real_content(stem)
    if "other" in fx["table3"]:  # build only the 2021 25-row layout from these helpers
        fx["table3"] = {**fx["table3"], "other_overdue": fx["table3"]["other"],
                        "other_fee": [0] * 7, "other_other": [0] * 7}
        del fx["table3"]["other"]
    path = tmp_path / f"{stem}.{fmt}"
    (build_docx if fmt == "docx" else build_html)(path, fx)
    r = parse_file(path)
    assert r.agency == fx["agency"] and r.year == fx["year"]
    want = expected_cells(fx)
    got = {(c.table, c.row, c.column): c.value for c in r.cells}
    assert got == want
    assert [s.number for s in r.sections if s.number] == list("一二三四五六")
    assert fx["narrative_facts"][0]["quote"][:10] in "".join(s.text for s in r.all_sections()).replace(" ", "")


def test_gbk_text_reads_like_utf8(tmp_path, seeds_dir):
    src = seed(seeds_dir, "001")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(src.read_text("utf-8").encode("gbk", errors="replace"))
    a, b = parse_file(src), parse_file(gbk)
    assert (b.agency, b.year) == (a.agency, a.year)
    assert [(c.row, c.column, c.value) for c in b.cells] == [(c.row, c.column, c.value) for c in a.cells]


# ----------------------------------------------------------------- bad input


def _pdf_without_text(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        c.rect(50, 50, 400, 600, fill=1)  # a "scan": marks on the page, no text layer
        c.showPage()
    c.save()


@pytest.mark.parametrize("case,reason", [
    ("empty", "文件是空的"),
    ("random_pdf", "不是 PDF 文件"),
    ("damaged_pdf", "PDF"),
    ("scanned_pdf", "没有文字层"),
    ("no_report", "不是政府信息公开工作年度报告"),
    ("truncated", "文本不完整"),
    ("binary_txt", "不是文本文件"),
    ("unsupported", "不支持的文件类型"),
    ("missing", "文件不存在"),
    ("random_docx", "不是 DOCX 文件"),
])
def test_bad_input_gets_one_error_type_with_reason(tmp_path, seeds_dir, case, reason):
    rnd = random.Random(7)
    p = tmp_path / {"random_pdf": "x.pdf", "damaged_pdf": "d.pdf", "scanned_pdf": "s.pdf", "unsupported": "a.xls",
                    "random_docx": "r.docx", "binary_txt": "b.txt"}.get(case, f"{case}.txt")
    if case == "empty":
        p.write_bytes(b"")
    elif case == "random_pdf":
        p.write_bytes(bytes(rnd.randrange(256) for _ in range(4000)))
    elif case == "damaged_pdf":
        p.write_bytes(b"%PDF-1.7\n" + bytes(rnd.randrange(256) for _ in range(4000)))
    elif case == "scanned_pdf":
        _pdf_without_text(p)
    elif case == "no_report":
        p.write_text("今天天气很好。我们去公园散步，然后吃了午饭。\n" * 20, encoding="utf-8")
    elif case == "truncated":
        text = seed(seeds_dir, "004").read_text("utf-8")
        p.write_text(text[: len(text) // 3], encoding="utf-8")
    elif case == "binary_txt":
        p.write_bytes(bytes(range(256)) * 40)
    elif case in ("unsupported", "random_docx"):
        p.write_bytes(b"PK\x03\x04 not really" if case == "random_docx" else b"a,b\n1,2\n")
    with pytest.raises(ReportError) as ei:
        parse_file(p)
    assert reason in ei.value.reason
    assert str(p.name) in str(ei.value)


# ----------------------------------------------------------------- property-based

def _mutations():
    line_op = st.sampled_from(["drop", "dup", "pageno", "split", "brackets", "spaces", "blank", "swap"])
    return st.lists(st.tuples(line_op, st.integers(0, 10_000)), min_size=1, max_size=12)


def mutate(text: str, ops) -> str:
    lines = text.split("\n")
    for op, n in ops:
        if not lines:
            break
        i = n % len(lines)
        ln = lines[i]
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, ln)
        elif op == "pageno":
            lines.insert(i, f"- {n % 9 + 1} -" if n % 2 else str(n % 30 + 1))
        elif op == "split" and len(ln) > 2:
            cut = n % (len(ln) - 1) + 1
            lines[i: i + 1] = [ln[:cut], ln[cut:]]
        elif op == "brackets":
            lines[i] = ln.translate(str.maketrans("（）()", "()（）"))
        elif op == "spaces":
            lines[i] = " ".join(ln) if n % 2 else ln.replace(" ", "")
        elif op == "blank":
            lines.insert(i, "")
        elif op == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], ln
    return "\n".join(lines)


@pytest.fixture(scope="module")
def seed_texts(seed_paths):
    return [p.read_text("utf-8") for p in seed_paths]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, 4), ops=_mutations())
def test_mutated_seeds_never_raise_anything_but_report_error(tmp_path, seed_texts, which, ops):
    from pathlib import Path

    text = mutate(seed_texts[which], ops)
    doc = Document(Path(f"mutant{which}.txt"), "txt", [text])
    try:
        r = parse_document(doc)
    except ReportError as e:
        assert e.reason
        return
    assert r.agency and 1990 < r.year < 2100
    assert {c.table for c in r.cells} <= {"表二", "表三", "表四"}


def test_html_title_goes_into_meta(tmp_path):
    """The <title> of a saved page is kept (identification reads the report title from it), spaces normalised."""
    for title, want in (("某某局 2023年度政府信息公开工作年度报告_政府信息公开年报_某网站",
                         "某某局 2023年度政府信息公开工作年度报告_政府信息公开年报_某网站"),
                        ("  多余\n  空白  ", "多余 空白")):
        p = tmp_path / "page.html"
        p.write_text(f"<html><head><TITLE>{title}</TITLE></head><body><p>正文</p></body></html>", "utf-8")
        from ingest.readers import read_document

        doc = read_document(p)
        assert doc.meta["html_title"] == want
        assert title.split()[0] not in doc.text  # the title is metadata, not body text
    p.write_text("<html><body><p>正文</p></body></html>", "utf-8")
    from ingest.readers import read_document

    assert read_document(p).meta["html_title"] == ""


def test_unread_cell_is_neither_zero_nor_blank():
    from ingest.models import CellState, TableCell

    c = TableCell(table="表三", row="new", row_label="一、本年新收", column="natural", column_label="自然人",
                  value=None, state=CellState.unread)
    assert c.display_value() == "未能读取"
    assert CellState("unread") is CellState.unread
    assert c.id != c.model_copy(update={"state": CellState.blank}).id
