"""The user's parent–child map of agencies: a CSV with columns 上级,下级 (or parent,child)."""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.errors import ReportQAError

_PARENT = ("上级", "上级机关", "parent")
_CHILD = ("下级", "下级机关", "child")


class ParentMapError(ReportQAError):
    """The parent–child CSV cannot be read."""


def load_parent_map(path: str | Path) -> dict[str, list[str]]:
    """parent agency -> child agencies, in file order."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise ParentMapError(f"无法读取上下级对照表 {p}：{e}") from e
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise ParentMapError(f"上下级对照表 {p} 是空的")
    head = {h.strip(): h for h in rows[0] if h}
    pk = next((head[h] for h in _PARENT if h in head), None)
    ck = next((head[h] for h in _CHILD if h in head), None)
    if pk is None or ck is None:
        raise ParentMapError(f"上下级对照表 {p} 需要两列：上级,下级（现有列：{'、'.join(head)}）")
    out: dict[str, list[str]] = {}
    for r in rows:
        parent, child = (r.get(pk) or "").strip(), (r.get(ck) or "").strip()
        if parent and child and child not in out.setdefault(parent, []):
            out[parent].append(child)
    return out
