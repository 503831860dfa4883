"""Units of counts and sums: the one a question asks in (多少条 -> 条) and the one the text prints after a figure
(政府信息公开行政复议351件 -> 件). The vocabulary is lexicon data (``count_units``, ``unit_equivalents``).

Two units count the same thing only when the lexicon says so (件 / 起 of cases, 人 / 名 / 位 of persons): a figure
printed in another unit than the one asked counts something else (条 of information are no 件 of cases, 95个
accounts are no 人 of followers, 元 are no 万元), so it is never given as the answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.lexicon import default_lexicon

MONEY = ("万元", "亿元", "元")  # sums of money (also retrieval.MONEY_UNITS)


@lru_cache(maxsize=1)
def units_group() -> str:
    """A regex group matching one unit of the lexicon, the longest first (个工作日 before 个, 人次 before 人)."""
    return "(" + "|".join(re.escape(u) for u in default_lexicon().count_units) + ")"


def printed_unit(after: str) -> str:
    """The unit printed at the start of ``after`` (the text right after a figure): 件 of 「351件，其中…」, 篇 of
    「877余篇」, 万人次 of 「2万余人次」 (a magnitude kept: 2 is no count of 人次); "" when none is."""
    t = re.sub(r"^\s*[余多]?", "", after)
    magnitude = ""
    if not t.startswith(MONEY) and t[:1] in ("万", "亿"):  # 2.9万余次: 2.9 counts 万次, it is no count of 次
        magnitude, t = t[0], re.sub(r"^[万亿][余多]?", "", t)
    m = re.match(units_group(), t)
    return magnitude + (m.group(1) if m else "")


def conflicting_unit(asked: str | None, sentence: str, value: int | float, question: str = "") -> str:
    """The unit the sentence prints ``value`` in when that unit is not the one asked, at every place it prints the
    value (公开政府常务会议7期，解读信息发布7条: 7 is printed in 条 too, so 多少条 has no conflict); "" otherwise.
    ``question``: what is counted, for the nouns counted in either of several units (lexicon noun_units: 提案)."""
    if not asked:
        return ""
    flat = flat_figures(sentence)
    printed = [printed_unit(flat[m.end():]) for m in occurrences(flat, value)]
    if printed and all(conflict(asked, p, question) for p in printed):
        return printed[0]
    return ""


def with_magnitude(sentence: str, value: int | float) -> str | None:
    """The figure as the sentence prints it when it carries a magnitude (2.9万余次, 2万余人次; not 万元), else None."""
    flat = flat_figures(sentence)
    for m in occurrences(flat, value):
        unit = printed_unit(flat[m.end():])
        if unit[:1] in ("万", "亿"):
            tail = re.match(r"\s*[余多]?[万亿][余多]?" + re.escape(unit[1:]), flat[m.end():])
            return m.group() + (tail.group().strip() if tail else unit)
    return None


def magnitude_value(shown: str | None, value: int | float) -> int | float:
    """The number a figure shown with its magnitude stands for (2.9万余次 -> 29000, 1.2亿 -> 120000000): what a
    script reading ``value`` gets; the answer text keeps the figure as printed."""
    if not shown:
        return value
    scale = 10 ** 8 if "亿" in shown else 10 ** 4 if "万" in shown else 1
    out = round(value * scale, 6)
    return int(out) if float(out).is_integer() else out


def clause_around(sentence: str, value: int | float) -> str:
    """The clause of the sentence that prints ``value`` with its unit (政府信息公开行政复议351件), for a quote."""
    flat = flat_figures(sentence)
    found = occurrences(flat, value)
    if not found:
        return flat
    m = found[0]
    start = max(flat.rfind(d, 0, m.start()) for d in "，。；、：;:") + 1
    ends = [i for i in (flat.find(d, m.end()) for d in "，。；、：;:") if i >= 0]
    return flat[start: min(ends) if ends else len(flat)]


def flat_figures(sentence: str) -> str:
    """The sentence with the thousands separators of its figures dropped (3,119 -> 3119)."""
    return re.sub(r"(?<=\d),(?=\d{3})", "", sentence)  # thousands separators dropped (3,119)


def occurrences(flat: str, value: int | float) -> list[re.Match]:
    """Where ``value`` is printed in ``flat`` as a whole figure (not inside a longer number)."""
    v = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    return list(re.finditer(r"(?<![\d.])" + re.escape(v) + r"(?![\d.])", flat))


def same_unit(a: str, b: str, question: str = "") -> bool:
    """One unit, or two the lexicon counts the same thing in (unit_equivalents; noun_units of a noun the question
    names: 政协提案多少件 and 政协提案2条)."""
    lx = default_lexicon()
    if a == b or b in lx.unit_groups.get(a, ()):
        return True
    return any(n in question and {a, b} <= us for n, us in lx.noun_units.items())


def conflict(asked: str | None, printed: str, question: str = "") -> bool:
    """A count asked in one unit and a figure printed in another (多少条 vs 351件); no unit on either side is none."""
    return bool(asked) and bool(printed) and not same_unit(asked, printed, question)


class UnitConflict:
    """The text's figure for the question is printed in another unit than the one asked: the answer is a refusal
    that says so (and quotes the figure), not the figure."""

    def __init__(self, asked: str, printed: str, value: int | float, quote: str):
        self.asked, self.printed, self.value, self.quote = asked, printed, value, quote
