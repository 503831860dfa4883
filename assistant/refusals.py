"""Refusals that name what was not understood: a quantity the template has no cell for (撤回, 答复满意率)."""

from __future__ import annotations

import difflib

from assistant.lexicon import default_lexicon
from assistant.models import Answer
from assistant.query import Query, column_label, row_label

SUGGESTED = 3


def closest_items(word: str, table: str | None = None) -> list[str]:
    """The template items whose wordings are closest to a word (for the refusal's offer)."""
    lx = default_lexicon()
    scored: dict[str, float] = {}
    for surf, ms in lx.surfaces.items():
        for m in ms:
            if m.kind not in ("row", "group", "column") or (table and m.table != table):
                continue
            try:
                label = f"{m.table}「{row_label(m.table, m.key) if m.kind == 'row' else column_label(m.table, m.key) if m.kind == 'column' else lx.labels[(m.kind, m.table, m.key)]}」"
            except KeyError:
                continue
            r = difflib.SequenceMatcher(None, word, surf).ratio()
            if r > scored.get(label, 0):
                scored[label] = r
    ranked = sorted(scored.items(), key=lambda kv: -kv[1])
    return [label for label, r in ranked[:SUGGESTED] if r > 0]


def unplaced_refusal(a: Query) -> Answer | None:
    """A table question with a word in the place of a quantity that no row or column of the template has."""
    if not a.measure_like or not a.measures or a.operation.kind in ("narrative", "check", "state", "unit"):
        return None
    words = "、".join(f"「{w}」" for w in dict.fromkeys(a.measure_like))
    offer = closest_items(a.measure_like[0], a.measures[0].table)
    near = f"表格中相近的项目有：{'、'.join(offer)}。" if offer else ""
    return Answer(question=a.question, answerable=False, intent="refusal",
                  answer=f"年报的表格中没有{words}这一项，无法回答（不会用相近的单元格代替）。{near}"
                         f"如要问其中某一项，请换用表格里的名称。")
