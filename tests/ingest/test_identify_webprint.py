"""A real report "saved as PDF" by a browser, as its text layer reads: the print header (time stamp + page
<title>) above the page, 来源/时间/原文链接 lines, and the title wrapped anywhere — inside the agency's name too.
Variants are made at test time from real seed texts; the truth is what their titles print."""

from __future__ import annotations

import pytest

from ingest.agency import same_agency
from ingest.parse import parse_file
from tests.conftest import SHARED

SEEDS = SHARED / "corpus" / "seeds"
# (seed file, the title as printed, the agency as the body names it in full) — read off the documents
CASES = [
    ("004_2c485df5a4e47886.txt", "淄博市张店区机关事务服务中心 2021 年政府信息公开工作年度报告", "淄博市张店区机关事务服务中心"),
    ("002_d1f6e85bb156619b.txt", None, "东关街道办事处"),
]


def _seed(name: str) -> str:
    p = SEEDS / name
    if not p.exists():
        pytest.skip(f"seed corpus not found at {SEEDS} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    return p.read_text(encoding="utf-8")


def _title_line(text: str) -> str:
    return next(ln for ln in text.splitlines() if "政府信息公开工作年度报告" in ln and len(ln.strip()) < 60).strip()


def _webprint(text: str, title: str, first: str, second: str) -> str:
    """The page as a browser prints it: stamp + <title>, the site's header lines, the title on two lines."""
    body = text.replace(title, "", 1)
    head = [f"2022/1/20 10:23 {title.replace(' ', '')}_政府信息公开年报_某市人民政府门户网站",
            "来源：办公室", "时间：2022-01-20", "原文链接：http://www.example.gov.cn/art/2022/1/20/art_1_2.html", "",
            first, second, ""]
    return "\n".join(head) + "\n" + body + "\nhttp://www.example.gov.cn/art/2022/1/20/art_1_2.html 1/1\n"


@pytest.mark.parametrize("seed,title,agency", CASES)
@pytest.mark.parametrize("cut", [-1, -2, -4, 3])
def test_title_wrapped_inside_the_agency_name(tmp_path, seed, title, agency, cut):
    text = _seed(seed)
    title = title or _title_line(text)
    name_end = title.index("2021") if "2021" in title else len(title) // 2
    at = name_end + cut if cut < 0 else cut
    p = tmp_path / f"printed_{abs(cut)}.txt"
    p.write_text(_webprint(text, title, title[:at], title[at:]), encoding="utf-8")
    r = parse_file(p)
    assert r.year == 2021
    assert same_agency(r.agency, agency), (r.agency, title[:at], title[at:])


def test_only_the_print_header_names_the_report(tmp_path):
    """No title left in the body: the browser's header line (time stamp + <title>) still names agency and year."""
    text = _seed(CASES[0][0])
    title = CASES[0][1]
    page = _webprint(text, title, "", "")
    p = tmp_path / "printed_header_only.txt"
    p.write_text(page, encoding="utf-8")
    r = parse_file(p)
    assert (r.year, same_agency(r.agency, CASES[0][2])) == (2021, True), r.agency
