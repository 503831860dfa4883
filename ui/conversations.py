"""Conversations kept in the browser (``gr.BrowserState``): pure functions over a plain dict.

The stored value (JSON in the browser's localStorage, so every key is a string)::

    {"current": "<cid>", "items": {"<cid>": {"title": str, "created": ts, "updated": ts,
                                             "answers": {"<msg index>": entry}, "notes": {"<msg index>": note}}}}

An entry is ``{"id": answer id, "answer": the answer dict, "demo": bool}``; a note is a turn that gave no answer,
``{"user": message, "reply": message}`` (the two chat messages as shown). The chat messages are not stored: they
are rebuilt from the answers and notes (:func:`messages`), so a conversation is stored once. Stores written before
2026-12-02 (a ``history`` list beside the answers) are read and converted by :func:`normalise`.

The page does not send the stored conversations with every question, nor get them back: the server keeps a small
summary of them in a ``gr.State`` (:func:`meta`: titles, times, answer counts; for the list), and a turn returns one
record (:func:`record_turn`) that a script in the page merges into its ``BrowserState`` (``ui.web_assets.MERGE_TURN_JS``
does what :func:`merge_turn` does). Nothing here talks to the server's index.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

MAX_CONVERSATIONS = 30  # oldest dropped beyond this (localStorage holds a few MB)
TITLE_CHARS = 24
UNTITLED = "新对话"


def empty() -> dict:
    return {"current": None, "items": {}}


def normalise(store: Any) -> dict:
    """A usable store from whatever the browser sent (None, JSON text, an old shape, a damaged value)."""
    if isinstance(store, str):
        try:
            store = json.loads(store)
        except ValueError:
            return empty()
    if not isinstance(store, dict) or not isinstance(store.get("items"), dict):
        return empty()
    items = {str(k): v for k, v in store["items"].items()
             if isinstance(v, dict) and (isinstance(v.get("answers"), dict) or isinstance(v.get("history"), list))}
    for v in items.values():
        v["answers"] = {str(k): e for k, e in (v.get("answers") or {}).items()
                        if isinstance(e, dict) and isinstance(e.get("answer"), dict)}
        v["notes"] = {str(k): n for k, n in (v.get("notes") or {}).items() if isinstance(n, dict)}
        if isinstance(v.get("history"), list):  # the shape before 2026-12-02: the chat messages stored as well
            _notes_from_history(v, v.pop("history"))
        v.setdefault("title", UNTITLED)
    cur = store.get("current")
    return {"current": cur if cur in items else None, "items": items}


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # Gradio's normalised message: [{"type": "text", "text": ...}]
        return "".join(str(c.get("text") or "") for c in content if isinstance(c, dict))
    return str(content or "")


def _notes_from_history(conv: dict, history: list) -> None:
    """The turns of an old stored history that have no answer (an error shown instead) become notes."""
    for i, m in enumerate(history):
        if i and isinstance(m, dict) and m.get("role") == "assistant" and str(i) not in conv["answers"]:
            prev = history[i - 1] if isinstance(history[i - 1], dict) else {}
            conv["notes"].setdefault(str(i), {"user": _text(prev.get("content")), "reply": _text(m.get("content"))})


def messages(conv: dict | None) -> tuple[list[dict], dict]:
    """The chat messages of a stored conversation, rebuilt from its answers and notes in turn order, and its
    answers keyed by their message index in that list."""
    from ui import render

    if not conv:
        return [], {}
    answers, notes = conv.get("answers") or {}, conv.get("notes") or {}
    out: list[dict] = []
    keyed: dict[str, dict] = {}
    for k in sorted({*answers, *notes}, key=lambda x: int(x) if str(x).isdigit() else 0):
        e = answers.get(k)
        if e is not None:
            a = e["answer"]
            out.append({"role": "user", "content": render.user_markdown(str(a.get("question") or ""))})
            keyed[str(len(out))] = e
            out.append({"role": "assistant",
                        "content": render.answer_markdown(a, e.get("id"), demo=bool(e.get("demo")))})
        else:
            n = notes[k]
            out.append({"role": "user", "content": _text(n.get("user"))})
            out.append({"role": "assistant", "content": _text(n.get("reply"))})
    return out, keyed


def new(store: Any) -> tuple[dict, str]:
    """A new, empty conversation made current; (store, its id)."""
    s = normalise(store)
    cid = uuid.uuid4().hex[:12]
    now = time.time()
    s["items"][cid] = {"title": UNTITLED, "created": now, "updated": now, "answers": {}, "notes": {}}
    s["current"] = cid
    return _trim(s), cid


def current(store: Any) -> dict | None:
    s = normalise(store)
    return s["items"].get(s["current"]) if s["current"] else None


def _title(question: str) -> str:
    return question[:TITLE_CHARS] + ("…" if len(question) > TITLE_CHARS else "")


# ------------------------------------------------------------------ the server's summary, one record per turn

def meta(store: Any) -> dict:
    """What the server keeps of the stored conversations: ``{"current", "items": {cid: {title, created, updated,
    n}}}`` (n = answers), enough for the list and for one turn's record."""
    s = normalise(store)
    return {"current": s["current"],
            "items": {cid: {"title": v.get("title") or UNTITLED, "created": v.get("created", 0),
                            "updated": v.get("updated", 0), "n": len(v["answers"])} for cid, v in s["items"].items()}}


def record_turn(summary: Any, key: str, *, entry: dict | None = None, note: dict | None = None) -> tuple[dict, dict]:
    """One turn of the current conversation (a new one when there is none): the summary updated, and the record
    the page merges into its stored conversations: ``{"cid", "title", "created", "updated", "key", "entry" or
    "note", "drop": [conversations beyond MAX_CONVERSATIONS]}``."""
    m = summary if isinstance(summary, dict) and isinstance(summary.get("items"), dict) else {"current": None, "items": {}}
    m = {"current": m.get("current"), "items": dict(m["items"])}
    cid = m["current"] if m["current"] in m["items"] else None
    now = time.time()
    if cid is None:
        cid = uuid.uuid4().hex[:12]
        m["items"][cid] = {"title": UNTITLED, "created": now, "updated": now, "n": 0}
    c = dict(m["items"][cid])
    c["updated"] = now
    if entry is not None:
        c["n"] = int(c.get("n") or 0) + 1
        q = (entry.get("answer") or {}).get("question")
        if c.get("title") in (None, "", UNTITLED) and q:
            c["title"] = _title(str(q))
    m["items"][cid] = c
    m["current"] = cid
    before = set(m["items"])
    m = _trim(m)
    rec = {"cid": cid, "title": c["title"], "created": c["created"], "updated": now, "key": str(key),
           "drop": sorted(before - set(m["items"]))}
    if entry is not None:
        rec["entry"] = entry
    else:
        rec["note"] = note or {}
    return m, rec


def merge_turn(store: Any, record: Any) -> dict:
    """A turn's record merged into the stored conversations: what the page's script does (MERGE_TURN_JS)."""
    s = normalise(store)
    if isinstance(record, str):
        try:
            record = json.loads(record) if record else None
        except ValueError:
            record = None
    if not isinstance(record, dict) or not record.get("cid"):
        return s
    c = s["items"].setdefault(record["cid"], {"answers": {}, "notes": {}})
    c.update(title=record.get("title"), created=record.get("created"), updated=record.get("updated"))
    if isinstance(record.get("entry"), dict):
        c["answers"][str(record["key"])] = record["entry"]
    elif isinstance(record.get("note"), dict):
        c["notes"][str(record["key"])] = record["note"]
    for k in record.get("drop") or []:
        s["items"].pop(k, None)
    s["current"] = record["cid"]
    return s


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
    """(label, id) pairs for a dropdown, most recent first (from the stored conversations or their summary)."""
    s = store if _is_meta(store) else normalise(store)
    order = sorted(s["items"].items(), key=lambda kv: -float(kv[1].get("updated", 0)))
    out = []
    for cid, v in order:
        n = v["n"] if "n" in v else len(v.get("answers") or {})
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


def _is_meta(x: Any) -> bool:
    return isinstance(x, dict) and isinstance(x.get("items"), dict) and all(
        isinstance(v, dict) and "n" in v for v in x["items"].values())


def _trim(s: dict) -> dict:
    if len(s["items"]) > MAX_CONVERSATIONS:
        keep = sorted(s["items"], key=lambda k: -float(s["items"][k].get("updated", 0)))[:MAX_CONVERSATIONS]
        if s["current"] and s["current"] not in keep:
            keep[-1] = s["current"]
        s["items"] = {k: s["items"][k] for k in keep}
    return s
