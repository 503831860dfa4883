"""How the assistant understood a question, shown above each answer (pure HTML, no Gradio).

Reads the answer's ``explain`` field (the typed Query as a dict, see assistant/query.py): scope chips
(机关 · 年度 as understood), a note naming every filter the question's own scope overrode, what was carried
over from the previous turn, and a collapsible 「理解为：…」 line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ui.render import esc, no_links

OVERRIDE_PREFIX = "问题中已指明范围"  # the assistant's own warning for an overridden filter (shown here instead)


def _scope(explain: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return (explain or {}).get("scope") or {}


def overridden(answer: Mapping[str, Any]) -> list[str]:
    """The filters the question overrode (``机关：洪泽区``, ``年度：2023``)."""
    return [str(x) for x in _scope(answer.get("explain")).get("overridden") or []]


def scope_chips_html(answer: Mapping[str, Any], *, demo: bool = False) -> str:
    """Chips for the understood scope, the override note and the 理解为 line ('' without an explain field)."""
    ex = answer.get("explain")
    if not isinstance(ex, Mapping):
        return '<div class="rqa-scope"><span class="rqa-chip-s rqa-demo">示例（虚构）</span></div>' if demo else ""
    s = _scope(ex)
    chips: list[str] = []
    if demo:
        chips.append('<span class="rqa-chip-s rqa-demo" title="示例数据，机关和数字均为虚构">示例（虚构）</span>')
    agencies = [str(a) for a in s.get("agencies") or []]
    unknown = [str(a) for a in s.get("unknown_agencies") or []]
    years = [str(y) for y in s.get("years") or []]
    for a in agencies[:4]:
        chips.append(f'<span class="rqa-chip-s rqa-chip-ag"><span class="rqa-k">机关</span>{esc(a)}</span>')
    if len(agencies) > 4:
        chips.append(f'<span class="rqa-chip-s">等 {len(agencies)} 个机关</span>')
    for a in unknown:
        chips.append(f'<span class="rqa-chip-s rqa-chip-bad"><span class="rqa-k">机关</span>{esc(a)}（未入库）</span>')
    if not agencies and not unknown:
        chips.append('<span class="rqa-chip-s rqa-chip-ag"><span class="rqa-k">机关</span>全部机关</span>')
    chips.append('<span class="rqa-chip-s rqa-chip-yr"><span class="rqa-k">年度</span>'
                 f'{esc("、".join(years) + "年") if years else "全部年度"}</span>')
    carried = [str(x) for x in s.get("from_context") or []]
    if carried:
        chips.append(f'<span class="rqa-chip-s rqa-chip-ctx">沿用上一问：{esc("、".join(carried))}</span>')
    out = ['<div class="rqa-scope">' + "".join(chips) + "</div>"]
    over = overridden(answer)
    if over:
        asked = " ".join([*agencies, *(f"{y}年" for y in years)]) or "问题中的范围"
        out.append('<div class="rqa-override">⚠ 已按问题中的范围（' + esc(asked) + "）回答，忽略了筛选条件："
                   + "、".join(f"「{esc(f)}」" for f in over) + "</div>")
    text = str(ex.get("text") or "").strip()
    if text:
        out.append(f'<details class="rqa-explain"><summary>{no_links(esc(text))}</summary>'
                   f'<div class="rqa-k">如果理解有误，请在问题中写明机关、年度和要查的项目后重问。</div></details>')
    return "".join(out)


def other_warnings(answer: Mapping[str, Any]) -> list[str]:
    """The answer's warnings without the override ones (those are shown by :func:`scope_chips_html`)."""
    ws = [str(w) for w in answer.get("warnings") or []]
    if not overridden(answer):
        return ws
    return [w for w in ws if not w.startswith(OVERRIDE_PREFIX)]


def explain_text(answer: Mapping[str, Any]) -> str:
    ex = answer.get("explain")
    return str(ex.get("text") or "") if isinstance(ex, Mapping) else ""


CSS = """
.rqa-scope { display: flex; flex-wrap: wrap; gap: 4px; margin: 0 0 6px; }
.rqa-chip-s { display: inline-flex; align-items: center; gap: 2px; border-radius: 10px; padding: 0 8px;
  font-size: 0.8em; line-height: 1.7; background: #eef2ff; color: #3730a3; border: 1px solid #c7d2fe; }
.rqa-chip-s .rqa-k { margin: 0 3px 0 0; color: #6366f1; }
.rqa-chip-yr { background: #ecfeff; color: #155e75; border-color: #a5f3fc; }
.rqa-chip-ctx { background: #f0fdf4; color: #166534; border-color: #bbf7d0; }
.rqa-chip-bad { background: #fef2f2; color: #991b1b; border-color: #fecaca; }
.rqa-demo { background: #fff7ed; color: #9a3412; border-color: #fdba74; font-weight: 600; }
.rqa-override { background: #fff1f2; border-left: 4px solid #e11d48; color: #881337; padding: 5px 9px;
  border-radius: 4px; margin: 4px 0 6px; font-size: 0.9em; }
.rqa-explain { font-size: 0.8em; color: var(--body-text-color-subdued); margin: 0 0 6px; }
.rqa-explain { max-width: 100%; min-width: 0; }
.rqa-explain summary { cursor: pointer; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 36em; }
@media (max-width: 760px) { .rqa-explain summary { white-space: normal; max-width: 100%; } }
.rqa-explain[open] summary { white-space: normal; }
"""
