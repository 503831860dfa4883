"""Conversations kept in the browser (``gr.BrowserState``): pure functions over a plain dict.

The stored value (JSON in the browser's localStorage, so every key is a string)::

    {"current": "<cid>", "items": {"<cid>": {"title": str, "created": ts, "updated": ts,
                                             "history": [chat messages], "answers": {"<msg index>": entry}}}}

An entry is ``{"id": answer id, "answer": the answer dict}``. Nothing here talks to the server's index.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

MAX_CONVERSATIONS = 30  # oldest dropped beyond this (localStorage holds a few MB)
TITLE_CHARS = 24
UNTITLED = "新对话"


def empty() -> dict:
    return {"current": None, "items": {}}


def normalise(store: Any) -> dict:
    """A usable store from whatever the browser sent (None, an old shape, a damaged value)."""
    if not isinstance(store, dict) or not isinstance(store.get("items"), dict):
        return empty()
    items = {str(k): v for k, v in store["items"].items()
             if isinstance(v, dict) and isinstance(v.get("history"), list)}
    for v in items.values():
        v["answers"] = {str(k): e for k, e in (v.get("answers") or {}).items() if isinstance(e, dict)}
        v.setdefault("title", UNTITLED)
    cur = store.get("current")
    return {"current": cur if cur in items else None, "items": items}


def new(store: Any) -> tuple[dict, str]:
    """A new, empty conversation made current; (store, its id)."""
    s = normalise(store)
    cid = uuid.uuid4().hex[:12]
    now = time.time()
    s["items"][cid] = {"title": UNTITLED, "created": now, "updated": now, "history": [], "answers": {}}
    s["current"] = cid
    return _trim(s), cid


def current(store: Any) -> dict | None:
    s = normalise(store)
    return s["items"].get(s["current"]) if s["current"] else None


def save(store: Any, history: list, answers: dict, cid: str | None = None) -> dict:
    """Write the chat into conversation ``cid`` (default: current; a new one when there is none)."""
    s = normalise(store)
    cid = cid or s["current"]
    if not cid or cid not in s["items"]:
        s, cid = new(s)
    conv = s["items"][cid]
    conv["history"] = list(history or [])
    conv["answers"] = {str(k): v for k, v in (answers or {}).items()}
    conv["updated"] = time.time()
    if conv.get("title") in (None, "", UNTITLED):
        first = next((e["answer"].get("question") for _, e in sorted(conv["answers"].items(), key=lambda kv: int(kv[0]))
                      if e.get("answer", {}).get("question")), None)
        if first:
            conv["title"] = first[:TITLE_CHARS] + ("…" if len(first) > TITLE_CHARS else "")
    s["current"] = cid
    return _trim(s)


def rename(store: Any, cid: str | None, title: str) -> dict:
    s = normalise(store)
    t = " ".join((title or "").split())[:60]
    if cid in s["items"] and t:
        s["items"][cid]["title"] = t
    return s


def delete(store: Any, cid: str | None) -> dict:
    """Remove ``cid``; the most recently updated remaining one becomes current (None when none is left)."""
    s = normalise(store)
    s["items"].pop(cid, None)
    if s["current"] == cid or s["current"] not in s["items"]:
        s["current"] = max(s["items"], key=lambda k: s["items"][k].get("updated", 0), default=None)
    return s


def select(store: Any, cid: str | None) -> dict:
    s = normalise(store)
    if cid in s["items"]:
        s["current"] = cid
    return s


def choices(store: Any) -> list[tuple[str, str]]:
    """(label, id) pairs for a dropdown, most recent first."""
    s = normalise(store)
    order = sorted(s["items"].items(), key=lambda kv: -float(kv[1].get("updated", 0)))
    out = []
    for cid, v in order:
        n = len(v.get("answers") or {})
        when = time.strftime("%m-%d %H:%M", time.localtime(float(v.get("updated", 0))))
        out.append((f"{v.get('title') or UNTITLED}（{n} 问 · {when}）", cid))
    return out


def last_answer(answers: dict | None) -> dict | None:
    """The latest answer dict of a conversation (the follow-up context), or None."""
    if not answers:
        return None
    k = max(answers, key=lambda x: int(x))
    return (answers[k] or {}).get("answer")


def find_entry(answers: dict | None, answer_id: str) -> tuple[str, dict] | None:
    for k, e in (answers or {}).items():
        if isinstance(e, dict) and e.get("id") == answer_id:
            return str(k), e
    return None


def _trim(s: dict) -> dict:
    if len(s["items"]) > MAX_CONVERSATIONS:
        keep = sorted(s["items"], key=lambda k: -float(s["items"][k].get("updated", 0)))[:MAX_CONVERSATIONS]
        if s["current"] and s["current"] not in keep:
            keep[-1] = s["current"]
        s["items"] = {k: s["items"][k] for k in keep}
    return s
