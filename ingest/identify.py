"""Is a document a disclosure annual report, and whose, of which year?

A report is recognised by its content — the template's section titles, its table labels, the 统计期限
sentence — never by a title in the first lines. Agency and year are then taken from the best of several
claims (ingest/identify_names.py): the title line wherever it sits, the HTML <title>, the agency name
above a bare title in the first lines, the 统计期限 sentence, the signature and the file name, weighed
by how much each source is to be trusted; ``--agency`` / ``--year`` override them all.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from ingest import agency as agency_names
from ingest.errors import NotAReportError, ReportError
from ingest.identify_names import (
    Claim,
    clean_name,
    find_signature,
    find_title,
    from_filename,
    from_html_title,
    is_furniture,
    looks_like_agency,
    resolve_agency,
    vocab,
)
from ingest.readers import Document, Line
from ingest.sections import Heading
from ingest.text import key

# how far each source is trusted (an override is final)
WEIGHTS = {"override": 100, "title": 3, "html_title": 3, "doc_title": 3, "period": 3, "signature": 2, "first_lines": 1, "filename": 1}
SOURCE_NAMES = {"override": "指定", "title": "标题", "html_title": "网页标题", "doc_title": "文档属性标题", "period": "统计期限", "signature": "落款",
                "first_lines": "首行", "filename": "文件名"}
_RE_PERIOD = re.compile(r"统计(?:期限|期间|时限|时间|区间|范围)[^。]{0,16}?(?P<y1>(?:19|20)\d{2})年0?1月0?1日[^。]{0,8}?"
                        r"(?:至|到|—|-|~|～)(?:(?P<y2>(?:19|20)\d{2})年)?12月31日")
_RE_DATE_MONTH = re.compile(r"年(\d{1,2}|[一二三四五六七八九十]{1,3})月")
FIRST_REPORT_YEAR = 2008  # the disclosure regulation took effect on 2008-05-01


@dataclass
class Identity:
    agency: str
    variants: list[str]
    year: int
    title: str
    title_lines: tuple[int, ...]
    body_start: int  # first line of the report's own text (after title and page furniture)
    body_end: int  # one past its last line (the signature; site footer after it is not the report)
    claims: list[Claim] = field(default_factory=list)
    signals: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    agency_from: str = ""
    year_from: str = ""


# ------------------------------------------------------------------ is it a report at all?


def content_signals(keys: list[str], headings: list[Heading]) -> dict[str, int]:
    """How much of the template the text shows: sections found, distinct table labels, a 统计期限 sentence."""
    body = "".join(keys)
    labels = sum(1 for lab in vocab()["table_labels"] if key(lab) in body)
    return {"sections": len(headings), "table_labels": labels, "period": int(bool(_RE_PERIOD.search(body))),
            "disclosure": int("信息公开" in body)}


def is_report(signals: dict[str, int]) -> bool:
    if not signals["disclosure"]:
        return False
    s, t, p = signals["sections"], signals["table_labels"], signals["period"]
    # table words alone are not enough: a text about reports (a list of sources, a notice) names them too
    return s >= 3 or (s >= 1 and (t >= 3 or bool(p))) or (bool(p) and t >= 6)


def refusal(signals: dict[str, int]) -> str:
    if not signals["disclosure"]:
        return "不是政府信息公开工作年度报告：全文没有“信息公开”字样"
    if signals["table_labels"] >= 6 and not signals["sections"]:
        return (f"不是政府信息公开工作年度报告：提到了 {signals['table_labels']} 个年报表格栏目，但没有年报模板的章节标题"
                f"{'' if signals['period'] else '和统计期限说明'}，像是谈论年报的文字，而不是年报本身")
    return ("不是政府信息公开工作年度报告：年报模板的六个章节标题只找到 {sections} 个，表格栏目（本年新收政府信息公开申请数量、"
            "本年制发件数、行政复议……）只找到 {table_labels} 个，{p}").format(
        **signals, p="有统计期限说明但不足以认定" if signals["period"] else "也没有统计期限说明")


# ------------------------------------------------------------------ identification


def identify(doc: Document, lines: list[Line], headings: list[Heading], *, agency: str | None = None,
             year: int | None = None, today: _dt.date | None = None) -> Identity:
    """Recognise the report and name it. Raises ReportError (reason in Chinese) for what is not a report."""
    path = str(doc.path)
    keys = [key(ln.text) for ln in lines]
    signals = content_signals(keys, headings)
    if not is_report(signals):
        raise NotAReportError(path, refusal(signals))
    body = "".join(keys)
    first_heading = headings[0].line_idx if headings else len(lines)
    second = headings[1].line_idx if len(headings) > 1 else min(len(lines), first_heading + 40)
    claims: list[Claim] = []
    if agency:
        claims.append(Claim("override", clean_name(agency) or key(agency), None, agency))
    if year:
        claims.append(Claim("override", None, int(year), str(year)))

    hit = find_title(lines, keys, upto=max(second, min(len(lines), 200)) if headings else len(lines))
    title, title_lines = "", ()
    if hit is not None:
        claims.append(Claim("title", hit.agency, hit.year, hit.title, hit.lines))
        title, title_lines = hit.title, hit.lines
    for field_ in ("html_title", "doc_title"):  # the page's <title>; a PDF's or DOCX's document title
        html = from_html_title(doc.meta.get(field_) or "")
        if html is not None:
            html.source = field_
            claims.append(html)
            title = title or _html_title_segment(doc.meta.get(field_, ""), html.year)
    if hit is None or not hit.agency:
        first = _first_lines_claim(lines, keys, first_heading)
        if first is not None:
            claims.append(first)
    m = _RE_PERIOD.search(body)
    if m and (m.group("y2") is None or m.group("y2") == m.group("y1")):
        claims.append(Claim("period", None, int(m.group("y1")), m.group(0)))
    sig_line = None
    after = headings[-1].line_idx + 1 if headings else 0
    sig = find_signature(lines, keys, after, len(lines))
    if sig is not None:
        claim, sig_line = sig
        month = _RE_DATE_MONTH.search(key(claim.text))
        early = month is None or _month(month.group(1)) <= 6  # reports are signed early the next year
        claims.append(Claim("signature", claim.agency, claim.year - 1 if early else claim.year, claim.text, claim.lines))
    fn = from_filename(doc.path.stem)
    if fn is not None:
        claims.append(fn)

    warnings: list[str] = []
    agency_name, agency_from = _pick_agency(claims, warnings)
    report_year, year_from = _pick_year(claims, warnings)
    if agency_name is None:
        raise ReportError(path, "看起来是政府信息公开工作年度报告，但未能确定机关名称（标题、网页标题、落款和文件名中都没有）；"
                                "请用 --agency 指定")
    if report_year is None:
        raise ReportError(path, "看起来是政府信息公开工作年度报告，但未能确定报告年份（标题、统计期限和文件名中都没有）；请用 --year 指定")
    canonical, variants = resolve_agency(agency_name, body)
    if agency_from == "override":
        canonical = agency_name
        variants = sorted({agency_name, *variants}, key=len)
    warnings += year_warnings(report_year, today)
    start = _body_start(lines, keys, max(title_lines) + 1 if title_lines and title_lines[0] < first_heading else 0,
                        first_heading)
    end = sig_line + 1 if sig_line is not None else _footer_start(lines, keys, after)
    return Identity(canonical, variants, report_year, title, tuple(title_lines), start, end, claims, signals,
                    warnings, agency_from, year_from)


def _html_title_segment(html_title: str, year: int | None) -> str:
    """The title part of a page <title> (without _栏目_网站 after it), as printed."""
    parts = [p.strip() for p in re.split(r"[_|｜]|\s[-—–]\s", html_title)]
    return next((p for p in parts if str(year) in key(p) and "报告" in p), html_title.strip())


def year_warnings(year: int, today: _dt.date | None = None) -> list[str]:
    """A report year after next year (or before the regulation) is most likely a typo: said at ingest."""
    this = (today or _dt.date.today()).year
    if year > this + 1:
        return [f"报告年份 {year} 晚于明年（{this + 1} 年），请核对；可用 --year 指定正确年份"]
    if year < FIRST_REPORT_YEAR:
        return [f"报告年份 {year} 早于《政府信息公开条例》施行（{FIRST_REPORT_YEAR} 年），请核对；可用 --year 指定正确年份"]
    return []


def _month(token: str) -> int:
    if token.isdigit():
        return int(token)
    tens, _, ones = token.partition("十")
    digits = "一二三四五六七八九"
    if "十" not in token:
        return digits.index(token) + 1 if token in digits else 0
    return (digits.index(tens) + 1 if tens else 1) * 10 + (digits.index(ones) + 1 if ones else 0)


def _same(a: str, b: str) -> bool:
    if a == b or a.endswith(b) or b.endswith(a):
        return True
    if agency_names.same_agency(a, b):
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and short[-1] == long[-1] and agency_names.is_subsequence(short, long)


def _pick_agency(claims: list[Claim], warnings: list[str]) -> tuple[str | None, str]:
    """The agency most sources agree on (weighted), in its fullest form among them."""
    named = [c for c in claims if c.agency]
    if not named:
        return None, ""
    if any(c.source == "override" for c in named):
        c = next(c for c in named if c.source == "override")
        return c.agency, "override"
    groups: list[list[Claim]] = []
    for c in named:
        for g in groups:
            if any(_same(c.agency, o.agency) for o in g):  # type: ignore[arg-type]
                g.append(c)
                break
        else:
            groups.append([c])
    best = max(groups, key=lambda g: (sum(WEIGHTS[c.source] for c in g), -named.index(g[0])))
    top = max(best, key=lambda c: (len(c.agency or ""), WEIGHTS[c.source]))
    others = [c for g in groups if g is not best for c in g if WEIGHTS[c.source] >= 2]
    if others:
        said = "，".join(f"{SOURCE_NAMES[c.source]}为“{c.agency}”" for c in others)
        warnings.append(f"机关名称的来源不一致：取“{top.agency}”（{'、'.join(SOURCE_NAMES[c.source] for c in best)}），但{said}；"
                        f"可用 --agency 指定")
    return top.agency, "+".join(dict.fromkeys(c.source for c in best))


def _pick_year(claims: list[Claim], warnings: list[str]) -> tuple[int | None, str]:
    dated = [c for c in claims if c.year is not None]
    if not dated:
        return None, ""
    if any(c.source == "override" for c in dated):
        return next(c.year for c in dated if c.source == "override"), "override"
    votes: dict[int, int] = {}
    for c in dated:
        votes[c.year] = votes.get(c.year, 0) + WEIGHTS[c.source]  # type: ignore[index]
    order = {y: min(i for i, c in enumerate(dated) if c.year == y) for y in votes}
    year = max(votes, key=lambda y: (votes[y], -order[y]))
    strong = [c for c in dated if WEIGHTS[c.source] >= 3 and c.year != year]
    if strong:
        said = "，".join(f"{SOURCE_NAMES[c.source]} {c.year}" for c in strong)
        warnings.append(f"报告年份的来源不一致：取 {year} 年（{'、'.join(SOURCE_NAMES[c.source] for c in dated if c.year == year)}），"
                        f"但{said}")
    return year, "+".join(dict.fromkeys(c.source for c in dated if c.year == year))


def _first_lines_claim(lines: list[Line], keys: list[str], first_heading: int) -> Claim | None:
    """No title line: an agency name standing alone among the first lines before the first heading."""
    seen = 0
    for i in range(min(first_heading, len(lines))):
        if not keys[i] or is_furniture(lines[i].text):
            continue
        seen += 1
        if seen > 3:
            break
        name = clean_name(keys[i])
        if looks_like_agency(name) and len(keys[i]) <= 30:
            return Claim("first_lines", name, None, lines[i].text.strip(), (i,))
    return None


def _is_prose(k: str) -> bool:
    return len(k) >= 15 or any(p in k for p in "。，；")


def _body_start(lines: list[Line], keys: list[str], start: int, first_heading: int) -> int:
    """Skip site navigation and page furniture (来源：/时间：/微信/打印…) before the report's first sentence."""
    for i in range(start, min(first_heading, len(lines))):
        if keys[i] and not is_furniture(lines[i].text) and _is_prose(keys[i]):
            return i
    return min(first_heading, len(lines))


def _footer_start(lines: list[Line], keys: list[str], after: int, run: int = 5) -> int:
    """No signature date: the site footer starts at the first furniture line (附件下载 / 扫一扫 / 关闭 /
    友情链接 …) of a run of short lines after the last heading; a short list in the text is no footer."""
    count, furniture = 0, None
    for i in range(after, len(lines)):
        k = keys[i]
        if not k:
            continue
        furn = is_furniture(lines[i].text)
        if furn or len(k) <= 14 and not any(p in k for p in "。；：:，") and "\t" not in lines[i].text:
            count += 1
            furniture = i if furniture is None and furn else furniture
            if count >= run and furniture is not None:
                return furniture
        else:
            count, furniture = 0, None
    return len(lines)
