"""An answer or a conversation as plain text, Markdown or CSV, citations written out; never HTML."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ui.render import citation_label

_TAG = re.compile(r"<[^>]+>")


def _clean(text: Any) -> str:
    """Report or answer text without any markup (an answer is plain text; this is a guard)."""
    import html

    return html.unescape(_TAG.sub("", str(text or ""))).strip()


def _cite_lines(a: Mapping[str, Any], md: bool) -> list[str]:
    out = []
    for c in a.get("citations") or []:
        label = _clean(citation_label(c))
        src = _clean(c.get("source"))
        quote = _clean(c.get("quote"))
        line = f"[{c.get('id')}] {label}" + (f"（{src}）" if src and src not in label else "")
        if quote:
            line += f"\n    原文：“{quote}”" if not md else f"\n    > {quote}"
        out.append(("- " if md else "") + line)
    return out


def answer_text(a: Mapping[str, Any], *, md: bool = False, demo: bool = False) -> str:
    """One answer: the question, the understood scope, the answer, warnings, the citations spelled out."""
    lines: list[str] = []
    q = _clean(a.get("question"))
    if q:
        lines.append(f"**问：** {q}" if md else f"问：{q}")
    ex = a.get("explain") if isinstance(a.get("explain"), Mapping) else None
    if ex and ex.get("text"):
        lines.append(f"*{_clean(ex['text'])}*" if md else _clean(ex["text"]))
    if demo:
        lines.append("（示例（虚构）数据：机关和数字均为虚构，仅供演示。）")
    body = _clean(a.get("answer"))
    lines.append(f"**答：** {body}" if md else f"答：{body}")
    for w in a.get("warnings") or []:
        lines.append(f"> ⚠ {_clean(w)}" if md else f"⚠ {_clean(w)}")
    text = "\n\n".join(lines)
    cites = _cite_lines(a, md)
    if cites:
        text += "\n\n" + ("**来源：**" if md else "来源：") + "\n" + "\n".join(cites)
    return text + "\n"


def answer_csv(a: Mapping[str, Any]) -> str:
    """Every cited cell (and cited sentence) of an answer, one row each; UTF-8 with BOM for Excel."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["引用", "机关", "年度", "表", "行", "列", "值", "章节", "页", "来源文件", "原文"])
    for c in a.get("citations") or []:
        w.writerow([c.get("id"), c.get("agency"), c.get("year"), c.get("table") or "", _clean(c.get("row")),
                    _clean(c.get("column")), c.get("value") if c.get("value") is not None else "",
                    _clean(c.get("section")), c.get("page") or "", c.get("source") or "", _clean(c.get("quote"))])
    return "\ufeff" + buf.getvalue()


def conversation_markdown(title: str, answers: Iterable[Mapping[str, Any]], *, demo: bool = False) -> str:
    parts = [f"# {_clean(title) or '对话'}"]
    for i, a in enumerate(answers, 1):
        parts.append(f"## 第 {i} 问\n\n" + answer_text(a, md=True, demo=demo))
    return "\n\n".join(parts) + "\n"
