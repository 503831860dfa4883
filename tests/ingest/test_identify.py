"""Identification by content: every file of ../shared/corpus is a report with the right agency and year,
and variants made at test time from real pages (title only in <title>, after a breadcrumb, after 来源/时间/
原文链接 lines, wrapped, behind a label; headings renumbered or misspelt; Kangxi radicals) stay so. A text
that is not a disclosure report is refused with a reason in Chinese."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import pytest

from ingest.agency import same_agency
from ingest.errors import ReportError
from ingest.identify import identify
from ingest.parse import parse_file
from ingest.readers import Document, read_document
from ingest.sections import find_headings
from tests.conftest import FIXTURES, SHARED

CORPUS = SHARED / "corpus"
# read off the documents by hand (titles, signatures, SOURCES.md of real/), never from the parser
TRUTH = {
    "seeds/000_bb5d479d433c1f15.txt": ("河东区机关事务服务中心", 2021),
    "seeds/001_e43356999c5a4606.txt": ("河东区工业和信息化局", 2021),  # title prints 河东区工信局
    "seeds/002_d1f6e85bb156619b.txt": ("东关街道办事处", 2021),
    "seeds/003_8e8a9cd29e07aedf.txt": ("海东市市直机关事务管理局", 2021),
    "seeds/004_2c485df5a4e47886.txt": ("淄博市张店区机关事务服务中心", 2021),
    "raw/hzq2023_working.pdf": ("淮安市洪泽区人民政府", 2023),  # title prints 洪泽区人民政府
    "raw/hzq2024_working.pdf": ("淮安市洪泽区人民政府", 2024),
    "raw/szfgs2024.pdf": ("淮安市人民政府", 2024),
    "real/czj_2020_article.html": ("平潭综合实验区财政金融局", 2020),
    "real/gyz_2023.html": ("平潭综合实验区国有资产管理局", 2023),
    "real/htp_2023.html": ("平潭综合实验区海坛片区管理局", 2023),
    "real/hzs_2023.html": ("平潭综合实验区行政审批局", 2023),
    "real/hzs_2024.html": ("平潭综合实验区行政审批局", 2024),
    "real/jjp_2021_article.html": ("平潭综合实验区金井片区管理局", 2021),
    "real/jjp_2022.html": ("平潭综合实验区金井片区管理局", 2022),
    "real/jtj_2025_article.html": ("平潭综合实验区交通与建设局", 2025),  # signed 2026年1月22日
    "real/scj_2020_article.html": ("平潭综合实验区市场监督管理局", 2020),
    "real/zrz_2023.html": ("平潭综合实验区自然资源与生态环境局", 2023),
}


def _need(p: Path) -> Path:
    if not p.exists():
        pytest.skip(f"shared corpus not found at {p} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    return p


def _corpus_files() -> list[str]:
    if not CORPUS.exists():
        return sorted(TRUTH)
    found = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*")
                   if p.suffix.lower() in (".txt", ".pdf", ".html", ".htm", ".docx"))
    return found or sorted(TRUTH)


def test_truth_covers_every_corpus_file():
    _need(CORPUS)
    missing = [f for f in _corpus_files() if f not in TRUTH]
    assert not missing, f"add the hand-read agency/year of {missing} to TRUTH"


@pytest.mark.parametrize("rel", _corpus_files())
def test_every_corpus_file_is_identified(rel):
    path = _need(CORPUS / rel)
    report = parse_file(path)  # raises on a refusal
    agency, year = TRUTH[rel]
    assert (report.agency, report.year) == (agency, year)


def test_against_the_shared_truth_list():
    """tests/fixtures/corpus_truth.json (written by hand by another helper), when it is there."""
    truth_file = FIXTURES / "corpus_truth.json"
    if not truth_file.exists():
        pytest.skip("tests/fixtures/corpus_truth.json is not in this checkout yet; TRUTH above covers the corpus")
    _need(CORPUS)
    for entry in json.loads(truth_file.read_text("utf-8"))["files"]:
        path = CORPUS / entry["path"]
        if not path.exists():
            continue
        r = parse_file(path)
        assert r.year == entry["year"], entry["path"]
        assert r.agency == entry["agency"] or same_agency(r.agency, entry["agency"]), entry["path"]


# ------------------------------------------------------------------ variants of real pages


def _real(name: str) -> Path:
    return _need(CORPUS / "real" / name)


def _lines(name: str) -> list[str]:
    return [ln.text for ln in read_document(_real(name)).lines()]


def _doc(lines: list[str], name: str = "variant.txt", html_title: str = "") -> Document:
    return Document(Path(name), "txt", ["\n".join(lines)], meta={"html_title": html_title} if html_title else {})


def _ident(doc: Document, **kw):
    lines = doc.lines()
    return identify(doc, lines, find_headings(lines), **kw)


def _title_index(lines: list[str]) -> int:
    return next(i for i, t in enumerate(lines) if re.search(r"\d{4}年度?政府信息公开工作年度报告$", t.strip()))


@pytest.mark.parametrize("name", ["zrz_2023.html", "gyz_2023.html", "hzs_2024.html"])
def test_title_only_in_html_title(tmp_path, name):
    """A real page with its title line stripped from the body (and no file-name hint): the <title> names it."""
    html = _real(name).read_text("utf-8")
    head, body = html.split("</head>", 1)
    title = re.search(r"<title>([^_<]+)", head).group(1).strip()
    body = body.replace(title, "")
    p = tmp_path / "page.html"
    p.write_text(head + "</head>" + body, encoding="utf-8")
    r = parse_file(p)
    agency, year = TRUTH[f"real/{name}"]
    assert (r.agency, r.year) == (agency, year)
    ident = _ident(read_document(p))
    assert not ident.title_lines and ident.agency_from.startswith("html_title")


@pytest.mark.parametrize("name", ["zrz_2023.html", "htp_2023.html", "jjp_2022.html"])
def test_title_after_navigation_and_breadcrumb(name):
    """The whole page as saved: ~55 lines of site navigation, a breadcrumb, then the title (also when the
    breadcrumb and the title share one line)."""
    lines = _lines(name)
    agency, year = TRUTH[f"real/{name}"]
    ident = _ident(_doc(lines, "a.txt"))
    assert (ident.agency, ident.year) == (agency, year)
    assert ident.title_lines and ident.title_lines[0] > 40  # far past the "first lines"
    i = _title_index(lines)
    one_line = lines[:i - 4] + ["当前位置：首页 > 政务公开 > 政府信息公开 > " + " > ".join(lines[i - 2:i + 1])] + lines[i + 1:]
    ident = _ident(_doc(one_line, "b.txt"))
    assert (ident.agency, ident.year) == (agency, year)


@pytest.mark.parametrize("label", ["【政府信息公开年报】", "标题：", "政府信息公开年报 | ", "平潭综合实验区党工委管委会 _ "])
def test_title_behind_a_site_label(label):
    lines = _lines("zrz_2023.html")
    i = _title_index(lines)
    lines[i] = label + lines[i]
    ident = _ident(_doc(lines))
    assert (ident.agency, ident.year) == TRUTH["real/zrz_2023.html"]


def test_saved_as_pdf_header_lines_and_wrapped_title():
    """A page "saved as PDF": the browser's date/title header, 来源/时间/原文链接 lines, the title wrapped
    over three lines (inside the agency name and inside the report words), spaces inside."""
    lines = _lines("htp_2023.html")
    i = _title_index(lines)
    start = next(j for j in range(i, len(lines)) if lines[j].startswith(("根据", "本报告")))
    header = ["2024/1/25 16:04 平潭综合实验区海坛片区管理局 2023年度政府信息公开工作年度报告_政府信息公开年报",
              "来源：平潭综合实验区党工委管委会", "时间：2024-01-25 16:04",
              "原文链接：https://www.pingtan.gov.cn/zwgk/zfxxgk/86513.htm", "字号：大 中 小", "打印"]
    wrapped = ["平潭综合实验区海坛片", "区管理局 2023 年度政府信息公", "开工作年度报告"]
    ident = _ident(_doc(header + wrapped + lines[start:], "print.txt"))
    assert (ident.agency, ident.year) == TRUTH["real/htp_2023.html"]
    assert ident.title_lines == (6, 7, 8) and ident.agency_from.startswith("title")
    assert ident.body_start == len(header) + len(wrapped)  # the report's text starts after the title


def test_title_wrapped_with_the_agency_on_the_line_above():
    lines = _lines("zrz_2023.html")
    i = _title_index(lines)
    name = "平潭综合实验区自然资源与生态环境局"
    lines[i:i + 1] = [name, lines[i].replace(name, "")]
    ident = _ident(_doc(lines))
    assert ident.agency == name and ident.year == 2023


def test_signature_and_period_name_a_report_without_any_title(tmp_path):
    """No title line, no <title>, no year in the file name: the signature gives the agency, 统计期限 the year."""
    html = _real("jjp_2021_article.html").read_text("utf-8")
    html = re.sub(r"<title>[^<]*</title>", "<title></title>", html)
    p = tmp_path / "report.html"
    p.write_text(html, encoding="utf-8")
    r = parse_file(p)
    assert (r.agency, r.year) == TRUTH["real/jjp_2021_article.html"]


def test_the_file_name_is_a_source():
    lines = _lines("jtj_2025_article.html")
    keep = [t for t in lines if not re.search(r"\d{4}年\d{1,2}月\d{1,2}日\s*$", t) and "统计期限" not in t]
    ident = _ident(_doc(keep, "96946_平潭综合实验区交通与建设局2025年度政府信息公开工作年度报告.html"))
    assert (ident.agency, ident.year) == ("平潭综合实验区交通与建设局", 2025)
    assert "filename" in ident.agency_from


_RENUMBERED = [
    ("一、总体情况", "总体情况"),  # no numbering
    ("二、主动公开政府信息情况", "第二部分 主动公开政府信息情况"),
    ("三、收到和处理政府信息公开申请情况", "3. 收到和处理政府信息公开申请情况"),
    ("四、政府信息公开行政复议、行政诉讼情况", "（四）政府信息公开行政复议行政诉讼情况"),  # and a missing 、
    ("五、存在的主要问题及改进情况", "五、存在的主要间题及改进情况"),  # typo 问 -> 间
    ("六、其他需要报告的事项", "六、其他需要报告事项"),  # a missing character
]


@pytest.mark.parametrize("name", ["zrz_2023.html", "czj_2020_article.html", "hzs_2023.html"])
def test_headings_without_numbering_other_numbering_or_a_typo(name):
    lines = _lines(name)
    changed = {}
    for old, new in _RENUMBERED:
        i = next(j for j, t in enumerate(lines) if t.strip() == old)
        lines[i] = new
        changed[old[0]] = i
    headings = find_headings(_doc(lines).lines())
    assert {h.spec.number: h.line_idx for h in headings} == changed
    ident = _ident(_doc(lines))
    assert (ident.agency, ident.year) == TRUTH[f"real/{name}"]


def test_heading_typos_do_not_steal_sub_headings():
    """（一）主动公开 under 一、总体情况 is not section 二; a table row 四、结转下年度继续办理 is not section 四."""
    lines = _lines("zrz_2023.html")
    headings = {h.spec.number: lines[h.line_idx] for h in find_headings(_doc(lines).lines())}
    assert headings["二"] == "二、主动公开政府信息情况"
    assert headings["四"] == "四、政府信息公开行政复议、行政诉讼情况"


def _to_radicals(text: str) -> str:
    """Write text the way some PDF text layers carry it: every character that has a Kangxi radical or
    a radicals-supplement look-alike replaced by it."""
    from ingest.text import _radical_table

    inverse: dict[str, str] = {}
    for cp in range(0x2F00, 0x2FD6):
        inverse.setdefault(unicodedata.normalize("NFKC", chr(cp)), chr(cp))
    for cp, ideograph in _radical_table().items():
        inverse.setdefault(ideograph, chr(cp))
    return "".join(inverse.get(ch, ch) for ch in text)


def test_kangxi_radical_text_is_identified_and_parsed(tmp_path):
    src = _real("zrz_2023.html").read_text("utf-8")
    printed = _to_radicals(src)
    assert printed != src and "\u2f2f" not in src
    p = tmp_path / "radicals.html"
    p.write_text(printed, encoding="utf-8")
    r = parse_file(p)
    plain = parse_file(_real("zrz_2023.html"))
    assert (r.agency, r.year) == (plain.agency, plain.year) == TRUTH["real/zrz_2023.html"]
    assert [s.number for s in r.sections] == [s.number for s in plain.sections]
    assert {(c.table, c.row, c.column): c.value for c in r.cells} == {(c.table, c.row, c.column): c.value for c in plain.cells}
    assert r.title != plain.title and "\u2f2f" in "".join(s.text for s in r.all_sections()) + r.title  # quotes as printed


def test_override_wins_over_what_was_found():
    lines = _lines("hzs_2023.html")
    ident = _ident(_doc(lines), agency="平潭综合实验区行政审批局（改名前）", year=2022)
    assert ident.year == 2022 and ident.agency_from == "override" and ident.year_from == "override"
    assert ident.agency.startswith("平潭综合实验区行政审批局")


def test_a_year_after_next_year_is_flagged():
    lines = [t.replace("2023", "2099") for t in _lines("zrz_2023.html")]
    ident = _ident(_doc(lines), today=dt.date(2026, 12, 1))
    assert ident.year == 2099
    assert any("晚于明年" in w and "2027" in w for w in ident.warnings)
    ok = _ident(_doc(_lines("jtj_2025_article.html"), html_title=""), today=dt.date(2026, 12, 1))
    assert not [w for w in ok.warnings if "晚于明年" in w]


def test_sources_that_disagree_on_the_year_are_said():
    lines = _lines("hzs_2024.html")
    lines = [t.replace("统计期限为2024年1月1日至2024年12月31日", "统计期限为2023年1月1日至2023年12月31日") for t in lines]
    ident = _ident(_doc(lines, html_title="平潭综合实验区行政审批局2024年政府信息公开工作年度报告_政府信息公开年报"))
    assert ident.year == 2024
    assert any("不一致" in w and "2023" in w for w in ident.warnings)


# ------------------------------------------------------------------ what is not a report


def test_site_chrome_without_the_article_is_refused(tmp_path):
    """The navigation and footer of a real page, without the report article: not a report."""
    lines = _lines("hzs_2023.html")
    i = _title_index(lines)
    end = next(j for j, t in enumerate(lines) if t.strip() == "附件下载")
    doc = _doc(lines[: i] + lines[end:], "chrome.txt")
    with pytest.raises(ReportError) as ei:
        _ident(doc)
    assert "不是政府信息公开工作年度报告" in ei.value.reason


@pytest.mark.parametrize("text", [
    "平潭综合实验区行政审批局关于做好2023年政府信息公开工作的通知\n各部门：为做好政府信息公开工作，现将有关事项通知如下。\n"
    "一、提高认识\n二、明确责任\n三、按时报送\n平潭综合实验区行政审批局\n2023年3月1日\n",
    "今天天气很好。我们去公园散步，然后吃了午饭。\n" * 20,
])
def test_non_reports_are_refused_with_a_reason(tmp_path, text):
    p = tmp_path / "x.txt"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ReportError) as ei:
        parse_file(p)
    assert ei.value.reason.startswith("不是政府信息公开工作年度报告")
    assert re.search(r"[\u4e00-\u9fff]", ei.value.reason)


def test_a_truncated_report_says_so_honestly(tmp_path):
    lines = _lines("zrz_2023.html")
    cut = next(j for j, t in enumerate(lines) if t.startswith("三、收到和处理"))
    p = tmp_path / "cut.txt"
    p.write_text("\n".join(lines[:cut]), encoding="utf-8")
    with pytest.raises(ReportError) as ei:
        parse_file(p)
    assert "已识别为平潭综合实验区自然资源与生态环境局2023年" in ei.value.reason and "表三" in ei.value.reason


@pytest.mark.parametrize("name", ["zrz_2023.html", "hzs_2023.html", "hzs_2024.html", "gyz_2023.html"])
def test_site_navigation_and_footer_are_not_report_text(name):
    r = parse_file(_real(name))
    text = "\n".join(s.text for s in r.all_sections())
    for chrome in ("闽政通APP", "友情链接", "扫一扫在手机上查看", "网站标识码", "QQ空间", "来源：", "当前位置"):
        assert chrome not in text, chrome
    assert r.sections[0].canonical == "前言" and r.sections[0].text.startswith(("根据", "本报告"))


def test_sources_that_disagree_on_the_agency_are_said():
    """The page's <title> names another agency than the title line and the signature (a renamed agency, a
    page template copied): the two that agree win, and the warning names the other."""
    lines = _lines("gyz_2023.html")
    ident = _ident(_doc(lines, html_title="平潭综合实验区投资促进局2023年度政府信息公开工作年度报告_政府信息公开年报"))
    assert ident.agency == "平潭综合实验区国有资产管理局"
    assert any("机关名称的来源不一致" in w and "投资促进局" in w for w in ident.warnings)
    quiet = _ident(_doc(lines))
    assert not [w for w in quiet.warnings if "不一致" in w]


def test_a_signature_date_split_from_its_digits():
    """A browser's PDF prints the date's digits in another font: "年 ⽉ ⽇" on one line, "2026 1 22" on the next."""
    lines = _lines("jtj_2025_article.html")
    end = next(j for j in range(len(lines) - 1, 0, -1) if lines[j].strip().startswith("2026年"))
    lines[end:end + 1] = ["年 \u2f49 \u2f47", "2026 1 22"]  # ⽉ ⽇ KANGXI RADICAL MOON / SUN
    lines = [t for t in lines if "统计期限" not in t]
    ident = _ident(_doc(lines, "report.txt"))
    assert (ident.agency, ident.year) == TRUTH["real/jtj_2025_article.html"]
    assert ident.agency_from == "signature" and ident.body_end == lines.index("2026 1 22") + 1


def test_first_lines_name_the_agency_when_nothing_else_does():
    """No title line, no <title>, no signature name, no name in the file name: the agency standing alone
    in the first lines (the year from 统计期限)."""
    lines = _lines("jjp_2021_article.html")
    lines = [t for t in lines if t.strip() not in ("平潭综合实验区金井片区管理局",)]
    ident = _ident(_doc(["平潭综合实验区金井片区管理局", *lines], "a.txt"))
    assert (ident.agency, ident.year) == TRUTH["real/jjp_2021_article.html"]
    assert ident.agency_from == "first_lines" and "period" in ident.year_from


def test_a_short_list_at_the_end_is_not_site_footer():
    lines = _lines("hzs_2023.html")
    end = next(j for j, t in enumerate(lines) if t.strip() == "附件下载")
    items = ["1.无。", "2.无", "3.无", "4.无", "5.无", "6.无"]
    doc = _doc(lines[:end] + items + lines[end:])
    ident = _ident(doc)
    assert ident.body_end == end + len(items)  # the list stays, the footer from 附件下载 on goes


@pytest.mark.parametrize("name", ["real/SOURCES.md", "SOURCES.md"])
def test_a_text_about_reports_is_not_a_report(name):
    """../shared/corpus/**/SOURCES.md names the tables' rows (本年新收…, 行政复议…) of the reports it lists,
    but has no section of a report: refused, and the reason says why."""
    with pytest.raises(ReportError) as ei:
        parse_file(_need(CORPUS / name))
    assert ei.value.reason.startswith("不是政府信息公开工作年度报告") and "章节标题" in ei.value.reason


@pytest.mark.parametrize("short,full", [("青泉区政府办", "青泉区人民政府办公室"), ("白石县府办", "白石县人民政府办公室"),
                                        ("红河市政府办", "红河市人民政府办公室")])
def test_an_office_titled_by_its_short_form(short, full):
    """The title gives the office's short form (某区政府办, 某县府办); only the preamble 「本报告由…编制」 spells it out.
    The report is the office's, under its full name, the short form kept as a variant."""
    lines = _lines("zrz_2023.html")
    i = _title_index(lines)
    real = TRUTH["real/zrz_2023.html"][0]
    body = [t.replace(real, "") for t in lines[i + 1:]]  # no other line names it (no signature name either)
    preamble = f"本报告由{full}根据《中华人民共和国政府信息公开条例》（国令第711号）规定编制。"
    ident = _ident(_doc(lines[:i] + [short, "2023年政府信息公开工作年度报告", preamble] + body))
    assert (ident.agency, ident.year) == (full, 2023)
    assert ident.agency_from == "title"


@pytest.mark.parametrize("line", ["本网站主办", "青泉区政府网承办", "督办", "XX区政务公开专栏协办"])
def test_a_verb_ending_in_ban_is_no_agency(line):
    from ingest.identify_names import looks_like_agency

    assert not looks_like_agency(line)
    assert looks_like_agency("青泉区政府办") and looks_like_agency("白石县府办")


@pytest.mark.parametrize("first,second,full", [
    ("青泉区东湖街道办", "事处2023年政府信息公开工作年度报告", "青泉区东湖街道办事处"),
    ("青泉高新区管理委", "员会2023年政府信息公开工作年度报告", "青泉高新区管理委员会"),
    ("白石县人民政府办", "公室2023年政府信息公开工作年度报告", "白石县人民政府办公室"),
    ("白石县人民政", "府2023年政府信息公开工作年度报告", "白石县人民政府"),
])
def test_a_title_broken_inside_the_names_last_word(first, second, full):
    """The line breaks inside the name's last word; the part above may look like a name of its own (…街道办,
    …管理委), but the two lines make one name."""
    lines = _lines("zrz_2023.html")
    i = _title_index(lines)
    real = TRUTH["real/zrz_2023.html"][0]
    ident = _ident(_doc(lines[:i] + [first, second] + [t.replace(real, "") for t in lines[i + 1:]]))
    assert (ident.agency, ident.year) == (full, 2023)
