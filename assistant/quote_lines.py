"""Quoted sentences of a narrative answer, grouped so that each report and section is named once.

``quote_lines([(who, section, text), ...])`` keeps the order of first appearance::

    one report, one section          several sections of one report     several reports
    淮安市人民政府 2024 年「（二）…」：     淮安市人民政府 2024 年：              - 甲 2024 年「五、…」：句一[1]
    - 句一[1]                         - 「一、…」：句一[1]                  - 乙 2024 年：
    - 句二[2]                         - 「五、…」：                          - 「一、…」：句二[2]
                                        - 句二[2]                            - 「五、…」：句三[3]
                                        - 句三[3]
"""

from __future__ import annotations

from collections.abc import Iterable


def quote_lines(items: Iterable[tuple[str, str, str]]) -> list[str]:
    groups: dict[str, dict[str, list[str]]] = {}
    for who, section, text in items:
        texts = groups.setdefault(who, {}).setdefault(section, [])
        if text not in texts:
            texts.append(text)
    if not groups:
        return []
    if len(groups) == 1:
        (who, secs), = groups.items()
        if len(secs) == 1:
            (sec, texts), = secs.items()
            return [f"{who}「{sec}」：", *(f"- {t}" for t in texts)]
        return [f"{who}：", *(line for sec, texts in secs.items() for line in _section(sec, texts, ""))]
    out: list[str] = []
    for who, secs in groups.items():
        if len(secs) == 1 and len(next(iter(secs.values()))) == 1:
            (sec, (text,)), = secs.items()
            out.append(f"- {who}「{sec}」：{text}")
            continue
        if len(secs) == 1:
            (sec, texts), = secs.items()
            out += [f"- {who}「{sec}」：", *(f"  - {t}" for t in texts)]
            continue
        out.append(f"- {who}：")
        out += [line for sec, texts in secs.items() for line in _section(sec, texts, "  ")]
    return out


def _section(sec: str, texts: list[str], indent: str) -> list[str]:
    if len(texts) == 1:
        return [f"{indent}- 「{sec}」：{texts[0]}"]
    return [f"{indent}- 「{sec}」：", *(f"{indent}  - {t}" for t in texts)]
