"""Text normalisation shared by the parser, the index and the assistant."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

CJK = r"\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’、—…·"
_RE_SPACE_AROUND_CJK = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \u00a0\u3000]+|[ \u00a0\u3000]+(?=[{CJK}{CJK_PUNCT}])")
_RE_MULTISPACE = re.compile(r"[ \u00a0\u3000]{2,}")
_RE_KEY_DROP = re.compile(r"[\s\u00a0\u3000]+")
_RE_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_RE_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?|\d{1,3})\s*$")

HAS_CJK = re.compile(rf"[{CJK}]")

_BRACKETS = str.maketrans({"(": "（", ")": "）", "【": "（", "】": "）", "〔": "（", "〕": "）"})
_TO_HALF_DIGITS = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


@lru_cache(maxsize=1)
def _radical_table() -> dict[int, str]:
    """CJK Radicals Supplement code point -> unified ideograph, from ingest/data/cjk_radicals_supplement.tsv."""
    table: dict[int, str] = {}
    raw = resources.files("ingest").joinpath("data/cjk_radicals_supplement.tsv").read_text(encoding="utf-8")
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _radical, ideograph = line.split("\t")[:3]
        table[int(code, 16)] = ideograph
    return table


def load_jieba():
    """The ``jieba`` module, imported on first use with its own logger quietened: it logs its dictionary load at
    DEBUG level to stderr through a handler of its own, which would put English lines in front of every CLI
    answer. Every module that cuts words gets jieba here."""
    import logging

    import jieba as module

    module.setLogLevel(logging.ERROR)
    return module


def jieba_posseg():
    """``jieba.posseg`` (parts of speech), with jieba quietened as in :func:`load_jieba`."""
    load_jieba()
    import jieba.posseg as pseg

    return pseg


def normalise(text: str) -> str:
    """The text every match runs on: NFKC (Kangxi radicals U+2F00–U+2FD5 -> 工, CJK compatibility
    ideographs -> unified ones, full-width digits and letters -> ASCII) plus the CJK Radicals Supplement
    (⻓ -> 长, ⻔ -> 门), which NFKC leaves alone. Quotes keep the printed text; match on this."""
    t = unicodedata.normalize("NFKC", text)
    if any("\u2e80" <= ch <= "\u2eff" for ch in t):
        t = t.translate(_radical_table())
    return t


def clean(text: str) -> str:
    """Readable normalised text: spaces inside Chinese removed, runs of spaces folded.

    Keeps full-width punctuation (it is what the report prints); used for
    stored section text and quotes.
    """
    text = text.replace("\t", " ")
    text = _RE_SPACE_AROUND_CJK.sub("", text)
    text = _RE_MULTISPACE.sub(" ", text)
    return text.strip()


def key(text: str) -> str:
    """Matching key: NFKC, brackets unified to full width, all whitespace removed.

    ``key("(二) 部分 公开")`` == ``key("（二）部分公开")``.
    """
    t = normalise(text)
    t = t.translate(_BRACKETS)
    t = t.replace("—、", "一、").replace("－", "-")
    return _RE_KEY_DROP.sub("", t)


def to_half_digits(text: str) -> str:
    return text.translate(_TO_HALF_DIGITS)


def parse_number(token: str) -> int | float | None:
    """A printed number ("3,119", "96171.6", "０") or None if the token is not one."""
    t = to_half_digits(token.strip())
    if not _RE_NUMBER.match(t):
        return None
    t = t.replace(",", "")
    try:
        if "." in t:
            return float(t)
        return int(t)
    except ValueError:  # pragma: no cover - regex guarantees digits
        return None


def is_page_number_line(line: str) -> bool:
    """A line that is only a page number: "- 4 -", "7", "第 3 页"."""
    return bool(_RE_PAGE_NUMBER.match(to_half_digits(line)))


def format_number(v: int | float) -> str:
    """A number as printed: no exponent and no rounding to 6 significant digits (103716.6, not 103717)."""
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def numbers_in(text: str) -> list[str]:
    """Every number printed in ``text`` (thousands separators removed, as strings)."""
    t = to_half_digits(text)
    return [m.replace(",", "") for m in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", t)]
