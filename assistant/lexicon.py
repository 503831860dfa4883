"""The question vocabulary as data: ``assistant/data/lexicon.json`` loaded, validated and compiled into a matcher.

The file names every table, row, column, group, operation and filler word a question may use. Row, column and
group keys are those of :mod:`ingest.template` (the parser's vocabulary); the loader refuses a file whose keys the
template does not know, so a typo in the data fails the test suite rather than a question. Adding a synonym is a
one-line change to the data file and nothing else.

A *surface* is one wording, normalised like the question (``key()``, traditional characters mapped, lower case).
One surface may carry several meanings (合计 is an operation and the 总计 column): the reader decides.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, Field, field_validator, model_validator

from ingest.template import (
    RESULT_GROUPS,
    T2,
    ALL_T2_ITEMS,
    T2_ROW_BY_KEY,
    T3,
    T3_COLUMN_BY_KEY,
    T3_ROW_BY_KEY,
    T4,
    T4_COLUMN_BY_KEY,
    T4_GROUP_BY_KEY,
)
from ingest.text import key

OPERATIONS = ("sum", "values", "breakdown", "share", "max", "min", "which_agency", "which_kind", "compare",
              "previous_year", "change", "check", "blank", "zero", "nonzero", "is_zero", "which_rows", "which_reports",
              "unit", "summary", "narrative", "narrative_strong", "ask_number", "not_number", "share_base")


class KeySet(BaseModel):
    """Several template keys under one name (法人或其他组织 = five columns; 行政诉讼 = two 表四 parts)."""

    words: list[str] = Field(min_length=1, description="question wordings of the set")
    label: str = Field(description="how an answer names the set")
    rows: list[str] = Field(default_factory=list, description="row/group keys of the set (表四 parts)")
    columns: list[str] = Field(default_factory=list, description="column keys of the set")


class LexiconFile(BaseModel):
    """The schema of lexicon.json; every list is a list of surfaces (question wordings)."""

    version: int
    char_variants: dict[str, str] = Field(description="traditional or variant character -> simplified")
    tables: dict[str, list[str]]
    table_hints: dict[str, list[str]] = Field(description="words that point at a table without naming a cell")
    rows: dict[str, dict[str, list[str]]]
    groups: dict[str, dict[str, list[str]]]
    row_sets: dict[str, dict[str, KeySet]]
    columns: dict[str, dict[str, list[str]]]
    column_sets: dict[str, dict[str, KeySet]]
    operations: dict[str, list[str]]
    rounding: dict[str, int]
    plan_words: list[str]
    content_year_markers: list[str]
    report_date_words: list[str] = Field(default_factory=list, description="words before a date that names which "
                                                                           "report is meant (落款日期为2024年1月5日的那份"
                                                                           "年报): the date picks the report, it is not "
                                                                           "what is asked")
    narrative_topics: list[str]
    filler: list[str]
    particles: list[str] = Field(default_factory=list, description="one-character fillers that always split words "
                                                                   "(的, 了, 是 …); other one-character fillers only "
                                                                   "when nothing else tiles there")
    measure_suffixes: list[str] = Field(description="endings that make a left-over word look like a quantity")
    not_in_template: list[str] = Field(description="quantities the template has no cell for (named in refusals)")
    text_synonyms: dict[str, list[str]] = Field(default_factory=dict, description="a question word -> the words "
                                                "reports write for it (新开 -> 开通, 开设; 渠道 -> 平台, 微信): added to the "
                                                "words BM25 ranks narrative text by; not tiled")
    bodies: list[list[str]] = Field(default_factory=list, description="names of a body inside an agency, each "
                                    "office's full and short forms together ([政府办公室, 政府办, 府办]): after a "
                                    "level character (区政府办, 县府办) the question asks about that office, not the "
                                    "agency's report tables; read whole, as a word the figure must sit next to, "
                                    "met in the text in any of its forms (区政府办公室 asked, 区政府办 written)")
    count_endings: list[str] = Field(default_factory=list, description="endings that only say 'how many' of the "
                                     "word before them (粉丝数, 订阅用户, 关注量): a report word for that word "
                                     "(text_synonyms) stands for the whole (粉丝数 -> 关注人数1314)")
    other_questions: list[str] = Field(default_factory=list, description="question words that ask for something "
                                       "other than a number (哪些, 什么, 如何): a follow-up written with one asks its own "
                                       "question, so it does not carry over the previous turn's wish for a number")
    list_questions: list[str] = Field(default_factory=list, description="wordings that ask for every item of an "
                                      "enumerated passage (哪几项工作, 哪几个方面): the narrative answer quotes all "
                                      "its items (一是…二是…三是…), not only the first sentence; not tiled")

    model_config = {"extra": "ignore"}

    count_units: list[str] = Field(default_factory=list, description="units a count or a sum is printed and asked "
                                   "in (条, 件, 篇, 人次, 万元 …): 多少条 asks 条, 351件 is printed in 件")
    unit_equivalents: list[list[str]] = Field(default_factory=list, description="units that count the same thing "
                                              "(件 / 起 of cases, 人 / 名 / 位 of persons); any other two units differ: "
                                              "a figure printed in one is no answer to a count asked in the other")
    topic_rivals: list[list[list[str]]] = Field(default_factory=list, description="subjects that exclude one "
                                                "another, each group a list of rival subjects, each subject the "
                                                "names a sentence calls it by ([[人大, 人大代表, 代表建议], [政协, "
                                                "政协委员, 提案]]): a figure whose sentence names a rival of the "
                                                "subject asked, and not that subject, is the rival's figure, whatever "
                                                "the title of its section says")
    unit_sets: dict[str, list[str]] = Field(default_factory=dict, description="the units each text reader takes "
                                            "a figure in: claims (a count a report's text states about its table: "
                                            "8件, 3宗), listing (the parts of a 其中 listing), breakdown (a breakdown's "
                                            "items, all in one unit)")
    period_words: list[list[str]] = Field(default_factory=list, description="words of one period, a group per "
                                          "period ([累计, 截至 …], [全年, 本年, 新增 …]): a sentence printing one "
                                          "quantity for two periods (全年关注用户1077人，累计总关注用户2811人) answers a "
                                          "question naming neither with both figures")
    agency_endings: list[str] = Field(default_factory=list, description="how an agency's name ends (局, 委员会, "
                                      "管委会, 街道 …): a left-over word ending so, with no agency resolved, is a name "
                                      "not understood, refused as such (交建局), never read as a table item")
    none_stated: list[str] = Field(default_factory=list, description="words with which a report states that a "
                                   "quantity did not occur (没有产生, 未收取, 无…情况): a how-much question about it is "
                                   "answered 0 with the sentence quoted")
    year_digits: dict[str, int] = Field(default_factory=dict, description="the characters a year may be written "
                                        "in, with their digit (二〇二三年, 二零二三年, 二三年 are 2023年)")
    noun_units: dict[str, list[str]] = Field(default_factory=dict, description="a counted noun the reports count "
                                             "in either of several units (政协提案2条 / 提案1件): for a question "
                                             "about it those units are one")

    @field_validator("bodies", mode="before")
    @classmethod
    def _body_groups(cls, v: list) -> list:
        return [[w] if isinstance(w, str) else w for w in v]  # a lone form is an office of one name

    @field_validator("char_variants")
    @classmethod
    def _single_chars(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [k for k, s in v.items() if len(k) != 1 or len(s) != 1 or k == s]
        if bad:
            raise ValueError(f"char_variants must map one character to another one: {bad}")
        return v

    @model_validator(mode="after")
    def _keys_exist(self) -> LexiconFile:
        problems: list[str] = []

        def need(where: str, have: set[str], got) -> None:
            problems.extend(f"{where}: unknown key {k!r}" for k in got if k not in have)

        tables = {T2, T3, T4}
        for part in ("tables", "table_hints", "rows", "groups", "row_sets", "columns", "column_sets"):
            need(part, tables, getattr(self, part))
        t2_cols = {c.key for it in ALL_T2_ITEMS for c in (*it.columns_2021, *it.columns_2019)}
        need("rows.表三", set(T3_ROW_BY_KEY), self.rows.get(T3, {}))
        need("rows.表二", set(T2_ROW_BY_KEY), self.rows.get(T2, {}))
        need("rows.表四", set(), self.rows.get(T4, {}))
        need("groups.表三", set(RESULT_GROUPS), self.groups.get(T3, {}))
        need("groups.表四", set(T4_GROUP_BY_KEY), self.groups.get(T4, {}))
        need("columns.表三", set(T3_COLUMN_BY_KEY), self.columns.get(T3, {}))
        need("columns.表四", set(T4_COLUMN_BY_KEY), self.columns.get(T4, {}))
        need("columns.表二", t2_cols, self.columns.get(T2, {}))
        for t, sets in self.row_sets.items():
            for n, s in sets.items():
                need(f"row_sets.{t}.{n}", set(T4_GROUP_BY_KEY) if t == T4 else set(T3_ROW_BY_KEY), s.rows)
        for t, sets in self.column_sets.items():
            cols = {T3: set(T3_COLUMN_BY_KEY), T4: set(T4_COLUMN_BY_KEY), T2: t2_cols}[t]
            for n, s in sets.items():
                need(f"column_sets.{t}.{n}", cols, s.columns)
        need("operations", set(OPERATIONS), self.operations)
        missing = [op for op in OPERATIONS if op not in self.operations]
        problems += [f"operations: {op!r} has no words" for op in missing]
        empty = [w for w in self._all_words() if not norm(w, {})]
        problems += [f"empty surface {w!r}" for w in empty]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _all_words(self):
        for part in (self.tables, self.table_hints, self.operations):
            for ws in part.values():
                yield from ws
        for part in (self.rows, self.groups, self.columns):
            for by in part.values():
                for ws in by.values():
                    yield from ws
        yield from (*self.filler, *self.plan_words, *self.narrative_topics)


def norm(text: str, variants: dict[str, str]) -> str:
    """A question's or a surface's matching form: key(), variants mapped to simplified, Latin lower-cased."""
    t = key(text)
    if variants:
        t = t.translate(str.maketrans(variants))
    return t.lower()


@dataclass(frozen=True)
class Meaning:
    """One meaning of a surface. ``kind``: table | hint | row | group | rowset | column | colset | op | rounding |
    plan | topic | filler | absent (a quantity no table has); ``table`` and ``key`` as the kind needs (an op's name is its key)."""

    kind: str
    table: str = ""
    key: str = ""
    value: int = 0


MEASURE_KINDS = ("table", "hint", "row", "group", "rowset", "column", "colset")


class Lexicon:
    """The compiled vocabulary: surface -> meanings, and the longest surface."""

    def __init__(self, data: LexiconFile):
        self.data = data
        self._pinyin: dict | None = None
        self._words: dict[tuple[str, str, str], list[str]] = {}
        self._op_words: dict[str, tuple[str, ...]] = {}
        self.variants = dict(data.char_variants)
        self._table = str.maketrans(self.variants) if self.variants else None
        self.surfaces: dict[str, list[Meaning]] = {}
        self.labels: dict[tuple[str, str, str], str] = {}  # (kind, table, key) -> first wording (for explain)
        for t, ws in data.tables.items():
            self._add(ws, Meaning("table", t))
        for t, ws in data.table_hints.items():
            self._add(ws, Meaning("hint", t))
        for t, by in data.rows.items():
            for k, ws in by.items():
                self._add([*ws, *_template_words("row", t, k)], Meaning("row", t, k))
        for t, by in data.groups.items():
            for k, ws in by.items():
                self._add([*ws, *_template_words("group", t, k)], Meaning("group", t, k))
        for t, sets in data.row_sets.items():
            for n, s in sets.items():
                self._add(s.words, Meaning("rowset", t, n))
        for t, by in data.columns.items():
            for k, ws in by.items():
                self._add([*ws, *_template_words("column", t, k)], Meaning("column", t, k))
        for t, sets in data.column_sets.items():
            for n, s in sets.items():
                self._add(s.words, Meaning("colset", t, n))
        for op, ws in data.operations.items():
            self._add(ws, Meaning("op", key=op))
        for w, n in data.rounding.items():
            self._add([w], Meaning("rounding", value=n))
        self._add(data.plan_words, Meaning("plan"))
        self._add(data.narrative_topics, Meaning("topic"))
        self._add(data.filler, Meaning("filler"))
        # a quantity no table has (按时答复率, 信函申请) is read whole, so that no part of it (答复, 申请) is taken
        # for a cell word and the rest left over unnoticed
        self._add(data.not_in_template, Meaning("absent"))
        self._add([w for forms in data.bodies for w in forms], Meaning("body"))
        self.longest = max(len(s) for s in self.surfaces)
        self.by_length: dict[int, list[tuple[str, list[Meaning]]]] = {}
        for s, ms in self.surfaces.items():
            self.by_length.setdefault(len(s), []).append((s, ms))
        self.suffixes = tuple(sorted({self.norm(s) for s in data.measure_suffixes}, key=len, reverse=True))
        self.not_in_template = tuple(sorted({self.norm(s) for s in data.not_in_template}, key=len, reverse=True))
        self.year_markers = frozenset(self.norm(s) for s in data.content_year_markers)
        self.report_date_words = tuple(self.norm(s) for s in data.report_date_words)
        self.particles = frozenset(self.norm(s) for s in data.particles)
        self.list_questions = tuple(self.norm(s) for s in data.list_questions)
        self.other_questions = tuple(self.norm(s) for s in data.other_questions)
        self.text_synonyms = {self.norm(k): [self.norm(w) for w in ws] for k, ws in data.text_synonyms.items()}
        self.body_forms = {self.norm(w): tuple(self.norm(x) for x in forms) for forms in data.bodies for w in forms}
        self.count_units = tuple(sorted({self.norm(w) for w in data.count_units}, key=len, reverse=True))
        self.noun_units = {self.norm(n): frozenset(self.norm(u) for u in us) for n, us in data.noun_units.items()}
        self.unit_groups = {self.norm(w): frozenset(self.norm(x) for x in g) for g in data.unit_equivalents for w in g}
        self.count_endings = tuple(sorted({self.norm(w) for w in data.count_endings}, key=len, reverse=True))
        self.unit_sets = {k: tuple(sorted({self.norm(u) for u in us}, key=len, reverse=True))
                          for k, us in data.unit_sets.items()}
        self.period_words = tuple(tuple(self.norm(w) for w in g) for g in data.period_words)
        self.agency_endings = tuple(sorted({self.norm(w) for w in data.agency_endings}, key=len, reverse=True))
        self.none_stated = tuple(sorted({self.norm(w) for w in data.none_stated}, key=len, reverse=True))
        self.year_digits = {self.norm(k): int(v) for k, v in data.year_digits.items()}
        # a subject's name -> (the names of that subject, the names of its rivals)
        self.topic_rivals: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for group in data.topic_rivals:
            for i, subject in enumerate(group):
                own = tuple(self.norm(w) for w in subject)
                rivals = tuple(self.norm(w) for j, other in enumerate(group) if j != i for w in other)
                for w in own:
                    self.topic_rivals[w] = (own, rivals)

    def units_pattern(self, name: str) -> str:
        """A regex alternation of the units of ``unit_sets[name]``, the longest first (人次 before 次)."""
        return "|".join(re.escape(u) for u in self.unit_sets[name])

    def _add(self, words, meaning: Meaning) -> None:
        for w in words:
            s = self.norm(w)
            if not s:
                continue
            ms = self.surfaces.setdefault(s, [])
            if meaning not in ms:
                ms.append(meaning)
            self.labels.setdefault((meaning.kind, meaning.table, meaning.key), w)

    def pinyin_index(self) -> dict[tuple[str, ...], list[tuple[str, list[Meaning]]]] | None:
        """Surfaces of 2-4 characters by their toneless pinyin (None without pypinyin)."""
        if self._pinyin is None:
            try:
                from pypinyin import Style, lazy_pinyin
            except ImportError:
                return None
            idx: dict[tuple[str, ...], list[tuple[str, list[Meaning]]]] = {}
            for s, ms in self.surfaces.items():
                if 2 <= len(s) <= 4 and not s.isascii():
                    idx.setdefault(tuple(lazy_pinyin(s, style=Style.NORMAL)), []).append((s, ms))
            self._pinyin = idx
        return self._pinyin

    def norm(self, text: str) -> str:
        t = key(text)
        return (t.translate(self._table) if self._table else t).lower()

    def words(self, kind: str, table: str = "", key_: str = "") -> list[str]:
        """Every surface with this meaning (for tests, paraphrase checks and a refusal's suggestions)."""
        k = (kind, table, key_)
        if k not in self._words:
            self._words[k] = [s for s, ms in self.surfaces.items() if any(
                m.kind == kind and (not table or m.table == table) and (not key_ or m.key == key_) for m in ms)]
        return self._words[k]

    def op_words(self, op: str) -> tuple[str, ...]:
        if op not in self._op_words:
            self._op_words[op] = tuple(self.norm(w) for w in self.data.operations.get(op, ()))
        return self._op_words[op]

    def key_set(self, kind: str, table: str, name: str) -> KeySet:
        return (self.data.row_sets if kind == "rowset" else self.data.column_sets)[table][name]


def _template_words(kind: str, table: str, k: str) -> list[str]:
    """The template's own printed wording of a key is always a surface (属于行政查询事项, 结果维持)."""
    if kind == "row" and table == T3:
        return [T3_ROW_BY_KEY[k].short] if k != "other_other" else []
    if kind == "row" and table == T2:
        return [T2_ROW_BY_KEY[k].label]
    if kind == "column" and table == T3 and k != "other":
        return [T3_COLUMN_BY_KEY[k].label]
    if kind == "column" and table == T4 and k != "other":
        return [T4_COLUMN_BY_KEY[k].label]
    if kind == "group" and table == T3:
        return [RESULT_GROUPS[k].split("）")[-1]]
    return []


DEFAULT_PATH = "data/lexicon.json"


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load and validate a lexicon file (the packaged one by default). Raises ValueError on a bad file."""
    if path is None:
        text = resources.files("assistant").joinpath(DEFAULT_PATH).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"lexicon {path or DEFAULT_PATH}: not valid JSON ({e})") from e
    return Lexicon(LexiconFile.model_validate(raw))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()
