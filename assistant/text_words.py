"""Whether a sentence of the text holds the question's own words: the quantity a narrative number is taken for
(粉丝, 关注人数, 区政府办公室) and the qualifiers written before it (答复 in 答复满意率).

A question word may be written in the text as the reports write it: a word of lexicon ``text_synonyms`` (粉丝 ->
关注), with a count ending that only says "how many" of it (粉丝数, 订阅用户: lexicon ``count_endings``), or an
office by another of its forms (区政府办公室 / 区政府办 / 区府办: lexicon ``bodies``).
"""

from __future__ import annotations

import re

from assistant.lexicon import default_lexicon
from ingest.text import key

_QUANTITY_ENDS = frozenset("率量额费数度")
_RE_COUNTS = re.compile(r"[\d.%a-z一二三四五六七八九十两几]+")


def variants(word: str) -> list[str]:
    """The word and the ways reports write it: each text_synonyms key inside it replaced by its report words (two
    rounds: 粉丝量 -> 关注量 -> 关注人数); a synonym key followed only by a count ending (粉丝数, 订阅用户) also by
    the report word alone (关注); an office's form by the office's other forms (区政府办公室 -> 区政府办, 区府办)."""
    lx = default_lexicon()
    w = key(word)
    out = [w]
    for _ in range(2):
        for x in list(out):
            for k, reps in lx.text_synonyms.items():
                at = x.find(k)
                if at < 0:
                    continue
                rest = x[at + len(k):]
                for r in reps:
                    out.append(x.replace(k, r))
                    if at == 0 and rest in lx.count_endings:
                        out.append(r)
    for x in list(out):
        for form in sorted(lx.body_forms, key=len, reverse=True):
            if form in x:
                out += [x.replace(form, other) for other in lx.body_forms[form]]
                break
    return list(dict.fromkeys(out))


def rival_subject(sentence: str, topics: list[str], clause: str = "") -> tuple[str, str] | None:
    """(the subject asked, the rival named instead) when the figure's ``clause`` — or, naming no subject of the
    group, its ``sentence`` — names a rival of one of ``topics`` (lexicon ``topic_rivals``: 人大 / 政协, 微信 / 微博 /
    网站) and none of that topic's own names: 我局收到区政协提出的…2条建议 holds no figure of 人大 suggestions, even
    under a heading 人大代表建议和政协提案办理结果公开情况 glued to the sentence."""
    lx = default_lexicon()
    for t in topics:
        own, rivals = lx.topic_rivals.get(key(t), ((), ()))
        for text in (key(clause), key(sentence)) if clause else (key(sentence),):
            if any(w in text for w in own):
                break
            named = next((w for w in rivals if w in text), None)
            if named:
                return t, named
    return None


def next_to_words(sentence: str, words: list[str]) -> bool:
    """Each of the question's own quantity words (those the template has no cell for) is in the sentence a
    narrative number is taken from, in one of its :func:`variants`: the word itself, or one of its two-character
    pieces (通过网络 by 网络申请) — and for a word that ends like a quantity (…率, …量, …额) or is one of the
    lexicon's quantities no table has, most pieces including the last one (按时答复率 is not in 予以答复, 办结率 not
    in 全部办结，办理率, 平均答复时间 not in 予以答复)."""
    text = key(sentence)
    return all(any(_near(text, v) for v in variants(w)) for w in words)


def _near(text: str, word: str) -> bool:
    w = _RE_COUNTS.sub("", key(word))
    if len(w) < 2 or w in text:
        return True
    grams = [w[i:i + 2] for i in range(len(w) - 1)]
    found = sum(g in text for g in grams)
    strict = w[-1] in _QUANTITY_ENDS or w in _curated()
    if not found or strict and (found * 3 < len(grams) * 2 or grams[-1] not in text):
        return False
    return not (len(w) >= 3 and w[-2:] not in text)  # the head of the quantity: 办公经费 needs 经费, not 办公室


def _curated() -> frozenset[str]:
    """The lexicon's quantities that no table has (平均答复时间, 信函申请): whole terms, read strictly."""
    return frozenset(default_lexicon().not_in_template)


def qualified(sentence: str, section: str | None, words: list[str]) -> bool:
    """Each qualifier of the question is written in the sentence a number is taken from (or its section title):
    a 满意率 of 12345-platform requests is no 答复满意率."""
    text = key(sentence + (section or ""))
    return all(key(w) in text for w in words)


def with_synonyms(text: str) -> str:
    """The text and the words reports write for its question words (lexicon text_synonyms: 新开 -> 开通)."""
    qk = key(text)
    extra = [w for k, ws in default_lexicon().text_synonyms.items() if k in qk for w in ws]
    return text + (" " + " ".join(dict.fromkeys(extra)) if extra else "")
