"""eval/gold/phrasing.jsonl is well formed: valid lines, unique ids, size, refusals, every type used enough.

No threshold on the assistant's score is asserted here (the score on this set is a development target).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from eval.metrics import load_gold
from ingest import template as tpl

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval" / "gold" / "phrasing.jsonl"
# the brief's wording classes (issue 11); each needs at least three questions
TYPES = ("table", "several_values", "sum_rows", "sum_tables", "breakdown", "share", "rank", "compare_years",
         "compare_agencies", "check", "state", "narrative", "year_in_text", "terse", "question_word_first", "polite",
         "typo", "mixed_english", "agency_short_form", "followup", "unanswerable")


def _norm(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", s).lower()
                   if not c.isspace() and unicodedata.category(c)[0] not in "PSZ")


def test_every_line_is_valid_json_with_a_unique_id():
    lines = [ln for ln in GOLD.read_text(encoding="utf-8").splitlines() if ln.strip()]
    ids = [json.loads(ln)["id"] for ln in lines]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert len(load_gold(GOLD)) == len(lines)  # every line passes the gold schema


def test_size_refusals_and_types():
    qs = load_gold(GOLD)
    assert len(qs) >= 300, len(qs)
    refusals = [q for q in qs if q.answer_type == "refusal"]
    assert len(refusals) >= 40, len(refusals)
    assert all(not q.answerable and not q.citations for q in refusals)
    counts = Counter(q.type for q in qs)
    for t in TYPES:
        assert counts[t] >= 3, (t, counts[t])
    assert all(n >= 3 for n in counts.values()), counts  # no stray type of one or two questions
    assert all(q.context for q in qs if q.type == "followup")
    assert all(not q.context for q in qs if q.type != "followup")


def test_questions_are_new_not_copied_from_the_other_gold_sets():
    ours = {q.question for q in load_gold(GOLD)}
    for name in ("seeds.jsonl", "pdfs.jsonl"):
        theirs = {q.question for q in load_gold(ROOT / "eval" / "gold" / name)}
        assert not ours & theirs, ours & theirs
    assert len(ours) == len(load_gold(GOLD))  # no question asked twice


def test_about_a_third_on_the_real_html_reports():
    qs = load_gold(GOLD)
    real = [q for q in qs if "real/" in str(getattr(q, "source", "") or (q.model_extra or {}).get("source", ""))]
    assert len(real) >= len(qs) * 0.3, (len(real), len(qs))


def test_citations_use_the_template_vocabulary():
    """Rows are substrings of canonical labels (after removing spaces/punctuation); columns are canonical labels."""
    rows = {_norm(r.label) for r in (*tpl.T3_ROWS_2021, tpl.T3_ROW_OTHER_SINGLE)}
    t4_rows = {_norm(g.label) for g in tpl.T4_GROUPS}
    t2_rows = {_norm(r.label) for r in tpl.T2_ROWS}
    t3_cols = {_norm(c.label) for c in tpl.T3_COLUMNS}
    t4_cols = {_norm(c.label) for c in tpl.T4_COLUMNS}
    t2_cols = {_norm(c.label) for it in tpl.T2_ITEMS for c in (*it.columns_2021, *it.columns_2019)}
    for q in load_gold(GOLD):
        for c in q.citations:
            assert c.agency and c.year, q.id
            if c.table is None:
                continue
            want_rows, want_cols = {"表三": (rows, t3_cols), "表四": (t4_rows, t4_cols),
                                    "表二": (t2_rows, t2_cols)}[c.table]
            if c.row:
                assert any(_norm(c.row) in r for r in want_rows), (q.id, c.row)
            if c.column:
                assert _norm(c.column) in want_cols, (q.id, c.column)


def test_number_answers_are_plain_numbers():
    for q in load_gold(GOLD):
        if q.answer_type == "number":
            assert re.fullmatch(r"\d+(\.\d+)?", q.answer), (q.id, q.answer)
