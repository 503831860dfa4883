"""Numbers of a narrative sentence: the clause that holds one, a stated breakdown (…共118条，其中…53条) and its
items, a respective list (A、B、C分别降低x、y、z), and the kind of the counted thing a question names (原创类): which
of a sentence's numbers a question asks for."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant import text_arithmetic
from assistant.lexicon import default_lexicon
from assistant.query import Query
from assistant.retrieval import Sentence, tokens
from assistant.table_answers import fmt
from assistant.text_words import next_to_words
from assistant.units import flat_figures, occurrences
from ingest.text import key, numbers_in


def breakdown_part(sentence: str, chunk_text: str, question: str) -> bool:
    """A number of one item of a stated breakdown (…159条，其中…；其他应主动公开的政府信息7条) whose own words the
    question does not use: it is not the whole the question asks about."""
    flat = chunk_text.replace(",", "")
    at = flat.find(sentence.replace(",", ""))
    if at < 0:
        return False
    start = flat.rfind("。", 0, at) + 1
    if "其中" not in flat[start:at]:
        return False
    label = re.split(r"[\d]", sentence.replace(",", ""))[0]
    own = [t for t in tokens(label) if not t.isascii()]
    qk = key(question)
    return bool(own) and not all(t in qk for t in own)


_RE_NUM = r"\d+(?:\.\d+)?"


def respective(sentence: str, question: str, words: list[str]) -> int | float | None:
    """A, B, C …分别… x, y, z: the number in the place of the item the question names (人均用水量 -> the third),
    or None when the sentence states no such list."""
    found = respective_item(sentence, question, words)
    return found[0] if found else None


def respective_item(sentence: str, question: str, words: list[str]) -> tuple[int | float, int] | None:
    """(the number of the item the question names, how many characters of the question's words the item holds)."""
    flat = sentence.replace(",", "")
    at = flat.find("分别")
    if at < 0:
        return None
    m = re.match(r"[^\d]{0,8}?((?:" + _RE_NUM + r"[^\d、，。；]{0,3}、)+" + _RE_NUM + ")", flat[at + 2:])
    if m is None:
        return None
    nums = re.findall(_RE_NUM, m.group(1))
    start = max(flat.rfind(d, 0, at) for d in "，。；：:") + 1
    items = flat[start:at].split("、")
    if len(items) != len(nums):
        return None
    qt = [t for t in tokens(question)]

    def score(item: str) -> tuple[int, int]:
        return (sum(len(w) for w in words if key(w)[-2:] in key(item)), sum(len(t) for t in qt if t in item))

    best = max(range(len(items)), key=lambda i: score(items[i]))
    if score(items[best]) == (0, 0) or sorted(score(x) for x in items)[-2:][0] == score(items[best]):
        return None  # no item named, or two named alike: not this rule's to decide
    v = nums[best]
    return (float(v) if "." in v else int(v)), score(items[best])[1]


def _clause_of(sentence: str, value: int | float) -> str:
    """The clause of a sentence (back to the last 、，；) that holds a number."""
    flat = sentence.replace(",", "")
    m = re.search(r"(?<![\d.])" + re.escape(fmt(value)) + r"(?![\d])", flat)
    if m is None:
        return flat
    start = max(flat.rfind(d, 0, m.start()) for d in "，。；、：;:") + 1
    return flat[start: m.end()]


@lru_cache(maxsize=1)
def _re_item() -> re.Pattern:
    """A breakdown's item (政策文件1条), its unit one of the lexicon's ``unit_sets.breakdown``."""
    units = default_lexicon().units_pattern("breakdown")
    return re.compile(rf"([^\d，,。；;、：:（）()]{{2,24}}?)\s*(\d+(?:\.\d+)?)\s*({units})(?:[（(][^）)]{{0,4}}[）)])?")


def breakdown_items(sentence: str) -> list[tuple[str, int | float, str]]:
    """The (label, number, unit) items of a stated breakdown (其中政策文件1条、会议公开13条…), all in one unit;
    the total before 其中 is not an item."""
    text = sentence.replace(",", "")
    at = text.find("其中")
    if at >= 0:
        text = text[at + 2:]
    items = []
    for m in _re_item().finditer(text):
        label = re.sub(r"^(?:其中|以及|和|及|共|另有)", "", m.group(1).strip())
        v = m.group(2)
        items.append((label, float(v) if "." in v else int(v), m.group(3)))
    units = {u for _, _, u in items}
    return items if len(units) == 1 and len(items) >= 2 else []


def whole_of(sentence: str, question: str) -> str:
    """The sentence up to its breakdown (…共118条，其中…53条 -> …共118条), unless the question names an item of it:
    a total asked is never read off one of its parts."""
    at = sentence.find("其中")
    if at < 0:
        return sentence
    items = breakdown_items(sentence[at:])
    qk = key(question)
    if any((own := [t for t in tokens(label) if not t.isascii()]) and all(t in qk for t in own)
           for label, _, _ in items):
        return sentence
    head = sentence[:at].rstrip("，,；; ")
    return head if numbers_in(head) else sentence


def kind_first(a: Query, picked: tuple[int | float, int] | None, pool: list[Sentence], whole: list[Sentence],
                names: set[str], unit: str | None) -> tuple[tuple[int | float, int] | None, list[Sentence]]:
    """The kind of the counted thing the question names (原创类 in 原创类信息有多少篇: it is no counted thing itself,
    see tiling.counted) is written in the clause the number comes from, when a clause of the sentences found
    holds it next to a number in the asked unit: 共发布795篇公众号信息 is all posts, 其中原创类信息210篇 the kind. Only
    a preference: the text may spell the kind otherwise (国土资源城乡建设环保能源类), and then the pick stays."""
    kinds = [w for w in dict.fromkeys(a.measure_like) if w not in a.quantity_words]
    if picked is None or not kinds or next_to_words(_clause_of(pool[picked[1]].text, picked[0]), kinds):
        return picked, pool
    op = text_arithmetic.best_operand("".join(kinds), whole, names, unit, require_unit=unit is not None)
    if op is None or not next_to_words(_clause_of(op.sentence.text, op.value), kinds):
        return picked, pool
    if op.sentence not in pool:
        pool = pool + [op.sentence]
    return (op.value, pool.index(op.sentence)), pool


def asks_share(question: str) -> bool:
    """The question asks a share (占比, 比例, 百分之几 …; lexicon operations.share)."""
    lx = default_lexicon()
    q = lx.norm(question)
    return any(w in q for w in lx.op_words("share"))


def stated_share(sentence: str, value: int | float) -> float | int | None:
    """The percentage a sentence states for a figure: the figure itself when printed with %, or the 占N% that
    follows it in its clause (信函申请28件，占100% -> 100); ``None`` when the text states none."""
    flat = flat_figures(sentence)
    for m in occurrences(flat, value):
        rest = flat[m.end():]
        if rest.lstrip().startswith(("%", "％")):
            return value
        n = re.match(r"[^\d。；;，,]{0,4}[，,]?\s*(?:约|共|仅)?占(?:比|到|了)?(?:为|达)?(\d+(?:\.\d+)?)\s*[%％]", rest)
        if n:
            x = n.group(1)
            return float(x) if "." in x else int(x)
    return None


def stated_none(sents: list[Sentence], quantity_words: list[str]) -> Sentence | None:
    """The first sentence that states the quantity asked did not occur: a clause holding every quantity word (as
    asked or as reports write it) and a none word (lexicon none_stated: 没有产生, 未收取 …), and no number."""
    lx = default_lexicon()
    for x in sents:
        for clause in re.split(r"[，。；;！!？?]", re.sub(r"《[^》]*》|（[^）]*）|\([^)]*\)", "", x.text)):
            c = lx.norm(clause)
            if re.search(r"\d", c) or not quantity_words:
                continue
            if all(_holds(c, w) for w in quantity_words) and any(n in c for n in lx.none_stated):
                return x
    return None


def _holds(clause: str, word: str) -> bool:
    """A quantity word in a clause, whole or by its last four characters (信息处理费 in 信息公开处理费)."""
    return word in clause or (len(word) >= 4 and word[-3:] in clause and word[:2] in clause)


def share_of_words(sentence: str, question: str) -> float | int | None:
    """A percentage stated of the question's own words (主动公开的政府信息占34.82%): the clause before 占 holds a
    word of two characters or more of the question."""
    qt = [t for t in tokens(question) if len(t) >= 2]
    for m in re.finditer(r"([^，。；;,]*?)占(?:比)?(?:为|达|到)?(\d+(?:\.\d+)?)\s*[%％]", sentence.replace(",", "")):
        if any(t in m.group(1) for t in qt):
            x = m.group(2)
            return float(x) if "." in x else int(x)
    return None
