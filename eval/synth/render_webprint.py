"""A web page "saved as PDF" by a browser, as its text layer reads: learnt from real reports (issue 10, class 4).

- The browser's page furniture: a header line with the print time and the page's <title> (the report title with
  the site's suffix), a footer with the page address and "n/m" on every page.
- The site's own header lines above the article: 来源 / 时间 / 原文链接, then the title wrapped over two lines.
- Glyphs the PDF's font maps to Kangxi radicals (U+2F00–U+2FD5) or CJK Radicals Supplement code points
  (U+2E80–U+2EF3): 工 printed as ⼯, 长 as ⻓ … — consistently for a chosen set of characters, as one font does.

The body below the furniture is one of the plain-text layouts of ``render_txt``.
"""

from __future__ import annotations

import random
import unicodedata
from functools import lru_cache
from importlib import resources

PAGE_LINES = 46


@lru_cache(maxsize=1)
def radical_forms() -> dict[str, str]:
    """ideograph -> the radical code point a PDF font may print for it (both radical blocks)."""
    out: dict[str, str] = {}
    for cp in range(0x2F00, 0x2FD6):
        ch = chr(cp)
        base = unicodedata.normalize("NFKC", ch)
        if base != ch and len(base) == 1:
            out.setdefault(base, ch)
    data = resources.files("ingest").joinpath("data/cjk_radicals_supplement.tsv").read_text(encoding="utf-8")
    for line in data.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3 and len(parts[1]) == 1 and len(parts[2]) == 1:
            out.setdefault(parts[2], parts[1])
    return out


def _substitute(rng: random.Random, text: str) -> str:
    forms = radical_forms()
    chosen = {k: v for k, v in forms.items() if rng.random() < 0.6}
    return text.translate(str.maketrans(chosen)) if chosen else text


def webprint(rng: random.Random, body: str, *, title: str, page_title: str, source: str, year: int) -> str:
    """Wrap a plain-text rendering of the report in a browser's print furniture."""
    stamp = f"{year + 1}/{rng.randint(1, 3)}/{rng.randint(1, 28)} {rng.randint(8, 18)}:{rng.randint(10, 59)}"
    url = f"http://www.example.gov.cn/art/{year + 1}/{rng.randint(1, 3)}/{rng.randint(1, 28)}/art_{rng.randint(100, 999)}_{rng.randint(10000, 99999)}.html"
    lines = body.splitlines()
    # the article's title is replaced by the site's header lines and a wrapped title
    if title in lines[:3]:
        lines.remove(title)
    cut = rng.randint(max(2, len(title) // 2 - 4), len(title) - 3)
    head = [f"来源：{source}", f"时间：{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}", f"原文链接：{url}", "",
            title[:cut], title[cut:], ""]
    lines = head + lines
    pages = [lines[i:i + PAGE_LINES] for i in range(0, len(lines), PAGE_LINES)] or [[]]
    out: list[str] = []
    for i, page in enumerate(pages, 1):
        out += [f"{stamp} {page_title}", *page, f"{url} {i}/{len(pages)}"]
        if i < len(pages):
            out.append("\f")
    return _substitute(rng, "\n".join(out)) + "\n"
