"""Card excerpts: no PDF debris; a table cell whose printed line carries a whole row of numbers (表四's 15) is not
quoted on the card (row, column and value are; the source panel shows the line)."""

from __future__ import annotations

from ui import render


def _card(**c):
    base = {"id": 1, "agency": "某区人民政府", "year": 2023, "source": "x.pdf"}
    return render.citation_cards_html({"question": "q", "answer": "a[1]", "citations": [base | c]})


def test_pdf_debris_is_removed_from_excerpts():
    for debris in ("(cid:12)", "\uf0b7", "\x0c", " . . . . . ", "……………", "\ufffd"):
        html = _card(section="二、主动公开", quote=f"本年度主动公开{debris}文件 42 件")
        quote = html[html.index("rqa-quote"):]
        assert "本年度主动公开 文件 42 件" in quote, (debris, quote)


def test_a_table_four_card_quotes_only_its_cell():
    line = "行政复议 维持 " + " ".join(str(n) for n in range(1, 16))
    html = _card(table="表四", row="行政复议 结果维持", column="行政复议", value="1", quote=line)
    assert "rqa-quote" not in html and "结果维持" in html and ">1<" in html
    short = _card(table="表三", row="8.属于行政查询事项", column="总计", value="105",
                  quote="8.属于行政查询事项 100 1 0 0 4 0 105")
    assert "8.属于行政查询事项 100 1 0 0 4 0 105" in short  # seven numbers: the printed row is still quoted
