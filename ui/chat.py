"""The 问答 tab's handlers: streaming answers with follow-ups, conversations kept in the browser, citations.

A mixin of :class:`ui.app.Handlers` (it needs ``self.qa()``, ``self.is_demo()``, ``self._report_id`` and
``_friendly``). Follow-ups: the conversation's latest answer (its ``explain`` field, the typed Query) is passed
to ``Assistant.ask_stream(context=...)``, so 「那2023年呢？」 is read against the previous question.
"""

from __future__ import annotations

import contextvars
import inspect
import json
import logging
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import gradio as gr

from ui import conversations as conv
from ui import render

log = logging.getLogger(__name__)

_PANEL_RID = re.compile(r'<div class="rqa-source" data-rid="([0-9a-f]{1,64})" data-demo="([01])"')
MAX_QUESTION_CHARS = 1000  # longer questions are refused with a message, never cut
# Streamed text reaches the page at most once per STREAM_EVERY_S: every update is a round of Gradio's
# postprocessing (a new component for each skipped output) and one more SSE message, about 5 ms of the
# server's one interpreter each; a slow narrative answer still shows its text growing. Measured with
# eval/bench_load.py (chat path).
STREAM_EVERY_S = 0.1
# An answer ready within FIRST_STEP_S (a table answer: a few ms) goes out in one step, the question with it; a slower
# one shows the question and a placeholder after FIRST_STEP_S, then its text growing. Each step re-sends the chat.
FIRST_STEP_S = 0.25
WAITING = object()  # _read_ahead's mark: FIRST_STEP_S passed before the answer was complete
_END = object()
# what chat yields, in order (plain / md / exports: the copy and export views of the answer shown, export_views)
CHAT_OUTPUTS = ("chatbot", "cards", "answers", "current", "turn", "convs_dd", "summary", "plain", "md", "exports",
                "shown")


# The threads that read an answer's stream ahead of its steps (_read_ahead): at most ASSISTANT_CONCURRENCY answers
# (ui.chat_tab) are computed at a time; twice that leaves room for streams whose page went away and are being closed.
_READERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="reportqa-answer")


def _read_ahead(make: Callable[[], Iterator[Any]], first_s: float) -> Iterator[Any]:
    """The items of the stream ``make()``, read on a shared reader thread, with :data:`WAITING` put in once when
    ``first_s`` passes before the stream has ended (at once when ``first_s`` <= 0). Its exception is raised here.
    When this generator is closed early (the page went away), the reader stops at the stream's next item."""
    if first_s <= 0:
        yield WAITING
        yield from make()
        return
    box: queue.Queue = queue.Queue()
    gone = threading.Event()

    def run() -> None:
        stream = None
        try:
            stream = make()
            for item in stream:
                if gone.is_set():
                    break
                box.put((True, item))
            box.put((True, _END))
        except BaseException as e:  # noqa: BLE001 - raised in the reader
            box.put((False, e))
        finally:
            close = getattr(stream, "close", None)
            if gone.is_set() and close is not None:
                close()

    _READERS.submit(contextvars.copy_context().run, run)
    deadline, waited = time.monotonic() + first_s, False
    try:
        while True:
            try:
                ok, item = box.get(timeout=None if waited else max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                waited = True
                yield WAITING
                continue
            if not ok:
                raise item
            if item is _END:
                return
            yield item
    finally:
        gone.set()


def _in_progress(history: list, answers: dict) -> tuple:
    """A step of a turn not answered yet (:data:`CHAT_OUTPUTS`): the chat with the placeholder or the text so far; no
    cards, no answer shown (so nothing to copy or export), the stored conversations and their list left alone.
    Values, not gr.skip(), where they are known: a skipped output costs Gradio a new component (~1 ms)."""
    skip = gr.skip()
    return (history, render.CARDS_EMPTY, answers, None, "", skip, skip, "", "", "", skip)


def takes_context(fn: Any) -> bool:
    try:
        return "context" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _idx(evt: Any) -> int | None:
    i = getattr(evt, "index", None)
    if isinstance(i, int):
        return i
    return i[0] if isinstance(i, (list, tuple)) and i else None


class ChatMixin:
    """chat / select_message / jump / conversation handlers (answers keyed by str(message index))."""

    # ------------------------------------------------------------------ asking

    def chat(self, question: str, history: list | None, agency: Any, year: Any, answers: dict | None,
             summary: dict | None = None) -> Iterator[tuple]:
        """Stream one answer; outputs :data:`CHAT_OUTPUTS` (chatbot, cards, answers, current, turn, convs_dd,
        summary, plain, md, exports, shown). ``history`` is the chat as shown, kept on the server (``shown``, a
        ``gr.State``): the page does not send its chat back with a question. The box, the source panels and the
        correction row are reset beside it, in the page (ui.web_assets.take_question_js).

        ``summary`` is the server's summary of the stored conversations (conversations.meta, a ``gr.State``); the
        stored conversations themselves stay in the browser: ``turn`` is this turn's record (JSON text, a hidden
        box) that the page merges into them (conversations.record_turn). So a question's request and its answer do
        not grow with the conversations saved in the browser."""
        from ui.app import _agency, _friendly, _year

        history = list(history or [])
        answers = {str(k): v for k, v in (answers or {}).items()}
        skip = gr.skip()
        q = (question or "").strip()
        if not q:
            gr.Warning("请输入问题。")
            yield (history, skip, answers, skip, skip, skip, skip, skip, skip, skip, skip)
            return
        if len(q) > MAX_QUESTION_CHARS:  # said, never cut silently; the text stays in the box to shorten
            gr.Warning(f"问题过长：{len(q)} 字，最多 {MAX_QUESTION_CHARS} 字，请精简后再问。")
            yield (history, skip, answers, skip, skip, skip, skip, skip, skip, skip, skip)
            return
        qa = self.qa()
        demo = self.is_demo()
        previous = conv.last_answer(answers)
        kwargs: dict[str, Any] = {"agency": _agency(agency), "year": _year(year)}
        if previous and previous.get("explain") and takes_context(qa.ask_stream):
            kwargs["context"] = previous["explain"]
        user = render.user_markdown(q)
        history.append({"role": "user", "content": user})
        history.append({"role": "assistant", "content": "正在查找相关报告…"})
        idx = len(history) - 1
        text = ""
        final: Any = None
        shown = False  # the placeholder (or the text so far) is on the page
        last = time.monotonic()
        try:
            for item in _read_ahead(lambda: qa.ask_stream(q, **kwargs), FIRST_STEP_S):
                if item is WAITING:  # not ready within FIRST_STEP_S: the question and a placeholder now
                    if text:
                        history[idx] = {"role": "assistant", "content": render.stream_markdown(text)}
                    shown, last = True, time.monotonic()
                    yield _in_progress(history, answers)
                elif isinstance(item, str):
                    text += item
                    if shown and time.monotonic() - last >= STREAM_EVERY_S:  # coalesced: see STREAM_EVERY_S
                        history[idx] = {"role": "assistant", "content": render.stream_markdown(text)}
                        yield _in_progress(history, answers)
                        last = time.monotonic()
                else:
                    final = item
        except Exception as e:  # noqa: BLE001 - shown as a message in the chat
            log.exception("ask_stream failed")
            history[idx] = {"role": "assistant", "content": f"✗ {render.esc(_friendly(e))}"}
            yield self._turn_end(history, answers, None, summary, idx, note={"user": user, "reply": history[idx]["content"]})
            return
        if final is None:
            history[idx] = {"role": "assistant", "content": "✗ 没有得到答案，请重试。"}
            yield self._turn_end(history, answers, None, summary, idx, note={"user": user, "reply": history[idx]["content"]})
            return
        a = render.as_dict(final)
        entry = {"id": uuid.uuid4().hex, "answer": a, "demo": demo}
        answers[str(idx)] = entry
        history[idx] = {"role": "assistant", "content": render.answer_markdown(a, entry["id"], demo=demo)}
        yield self._turn_end(history, answers, entry, summary, idx, cards=render.citation_cards_html(a, demo=demo))

    def _turn_end(self, history: list, answers: dict, entry: dict | None, summary: Any, idx: int, *,
                  note: dict | None = None, cards: str = render.CARDS_EMPTY) -> tuple:
        """The last step of a turn: the turn recorded (the summary, and the record the page merges)."""
        summary, record = conv.record_turn(summary, str(idx), entry=entry, note=note)
        return (history, cards, answers, entry, json.dumps(record, ensure_ascii=False, separators=(",", ":")),
                gr.update(choices=conv.choices(summary), value=summary["current"]), summary,
                *self.export_views(entry, conv=bool(answers)), history)


    # ------------------------------------------------------------------ citations

    def select_message(self, answers: dict | None, evt: gr.SelectData) -> tuple:
        """Clicking an earlier answer shows its citation cards (the source panel is left as it is); (cards, current,
        plain, md, exports)."""
        entry = (answers or {}).get(str(_idx(evt)))
        if entry is None:
            return (gr.skip(),) * 5
        return (render.citation_cards_html(entry["answer"], demo=bool(entry.get("demo"))), entry,
                *self.export_views(entry, conv=True))

    def jump(self, answers: dict | None, target: str) -> tuple:
        """A 「[n]」 marker was clicked (``target`` = '<answer id>-<n>'): that answer's cards with n active, the
        source panel for n; (cards, source, source under the chat on a phone, current, plain, md, exports)."""
        aid, _, n = (target or "").split("~")[0].rpartition("-")
        hit = conv.find_entry(answers, aid)
        try:
            cite = int(n)
        except ValueError:
            cite = None
        if hit is None or cite is None:
            return (gr.skip(),) * 7
        entry = hit[1]
        cards = render.citation_cards_html(entry["answer"], active=cite, demo=bool(entry.get("demo")))
        source = self.open_citation(entry, cite)
        return cards, source, source, entry, *self.export_views(entry, conv=True)

    def open_citation(self, current: dict | None, cite: int | None) -> str:
        """The source panel for citation ``cite`` of the answer shown in the cards."""
        from ui.app import _friendly

        if not current:
            return render.SOURCE_EMPTY
        a = current["answer"]
        c = next((c for c in a.get("citations") or [] if c.get("id") == cite), None)
        if c is None:
            return render.source_error_html("找不到这条引用。")
        qa = self.demo_assistant if current.get("demo") and self.demo_assistant is not None else self.assistant
        try:
            report = qa.get_report(self._report_id(c, qa))
        except Exception as e:  # noqa: BLE001
            log.info("source panel: %s", e)
            return render.source_error_html(f"无法打开原报告：{_friendly(e)}")
        return render.source_panel_html(report, c, demo=bool(current.get("demo")), original=self._original(report, c))

    @staticmethod
    def _original(report: Any, c: dict) -> str:
        """The original-file view (ui/source_view.py): the PDF page boxed, the original table; '' on failure."""
        from ui import source_view

        try:
            hit = render.find_cell(list(report.cells or []), c.get("table"), c.get("row"), c.get("column")) \
                if c.get("table") else None
            return source_view.original_html(report, c, hit)
        except Exception:  # noqa: BLE001 - the rebuilt table still shows
            log.exception("original view failed")
            return ""

    def source_download(self, panel_html: str | None) -> Any:
        """The download button under the source panel: the original file of the report the panel shows
        (only a report of the index, looked up by the id the panel carries; hidden when unavailable)."""
        from ui import source_file

        m = _PANEL_RID.search(panel_html or "")
        if not m:
            return gr.update(visible=False, value=None)
        rid, demo = m.group(1), m.group(2) == "1"
        qa = self.demo_assistant if demo and getattr(self, "demo_assistant", None) is not None else self.assistant
        try:
            report = qa.get_report(rid)
        except Exception as e:  # noqa: BLE001 - not in the index (or gone): no button
            log.info("source download: %s", e)
            return gr.update(visible=False, value=None)
        path = source_file.download_copy(report)
        if path is None:
            return gr.update(visible=False, value=None)
        return gr.update(visible=True, value=str(path), label=f"下载原文件（{path.name}）")

    def on_card(self, current: dict | None, evt: gr.EventData) -> tuple:
        """A card was clicked: the source panel (and its phone copy under the chat)."""
        data = getattr(evt, "_data", None) or {}
        try:
            cite = int(data.get("cite"))
        except (TypeError, ValueError):
            return gr.skip(), gr.skip()
        html = self.open_citation(current, cite)
        return html, html

    # ------------------------------------------------------------------ conversations

    def restore(self, store: dict | None) -> tuple:
        """On page load: the current conversation back; (chatbot, answers, store, dropdown, summary, shown, the
        export view: 导出对话 enabled when the conversation has answers)."""
        s = conv.normalise(store)
        m = conv.meta(s)
        c = conv.current(s)
        if c is None:  # nothing saved in this browser: leave the chat alone (a first question may be on its way)
            return gr.skip(), gr.skip(), s, gr.update(choices=conv.choices(m), value=None), m, gr.skip(), gr.skip()
        history, answers = conv.messages(c)
        return (history, answers, s, gr.update(choices=conv.choices(m), value=s["current"]), m, history,
                self.export_views(None, conv=bool(answers))[2])

    def new_conversation(self, store: dict | None) -> tuple:
        s, _ = conv.new(store)
        return self._show(s)

    def switch_conversation(self, store: dict | None, cid: str | None) -> tuple:
        s = conv.normalise(store)
        if not cid or cid == s["current"] or cid not in s["items"]:
            return (gr.skip(),) * 13
        return self._show(conv.select(s, cid))

    def rename_conversation(self, store: dict | None, cid: str | None, title: str) -> tuple:
        """(store, dropdown, name box, summary)."""
        if not (title or "").strip():
            gr.Warning("请先在输入框中填写新名称。")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        s = conv.rename(store, cid, title)
        m = conv.meta(s)
        return s, gr.update(choices=conv.choices(m), value=s["current"]), "", m

    def delete_conversation(self, store: dict | None, cid: str | None) -> tuple:
        return self._show(conv.delete(store, cid))

    def _show(self, s: dict) -> tuple:
        """(chatbot, answers, current, cards, source, correct_row, store, dropdown, summary, plain, md, exports,
        shown) for the current conversation."""
        history, answers = conv.messages(conv.current(s))
        m = conv.meta(s)
        return (history, answers, None, render.CARDS_EMPTY, render.SOURCE_EMPTY, gr.update(visible=False),
                s, gr.update(choices=conv.choices(m), value=s["current"]), m,
                *self.export_views(None, conv=bool(answers)), history)


class ExportMixin:
    """Copy / export of the answer shown in the cards and of the whole conversation (ui/export.py). The texts go
    to the page with the answer (hidden boxes) and are saved as files there (ui.web_assets.DOWNLOAD_JS): no file is
    written on the server for an answer nobody exports; the conversation is written out when asked for."""

    @staticmethod
    def export_views(current: dict | None, conv: bool = False) -> tuple[str, str, str]:
        """(plain text, Markdown, the downloads as JSON ``{"stem", "csv", "conv"}``) for the answer shown; '' each
        when none (the copy and export buttons are then disabled in the page, ui.web_assets.EXPORT_STATE_JS).
        ``conv``: the conversation shown has answers (导出对话 is enabled, with no answer shown too)."""
        from ui import export

        if not current:
            return "", "", '{"conv":true}' if conv else ""
        a = current["answer"]
        demo = bool(current.get("demo"))
        table = any(c.get("table") for c in a.get("citations") or [])
        downloads = {"stem": f"回答-{current['id'][:8]}", "csv": export.answer_csv(a) if table else "", "conv": True}
        return (export.answer_text(a, demo=demo), export.answer_text(a, md=True, demo=demo),
                json.dumps(downloads, ensure_ascii=False))

    def conversation_export(self, answers: dict | None, summary: dict | None) -> str:
        """The 导出对话 button: the conversation as Markdown, JSON ``{"name", "text"}`` for the page to save; ''
        (with a message) when there is no answer yet."""
        from ui import export

        entries = [e for _, e in sorted((answers or {}).items(), key=lambda kv: int(kv[0]))]
        if not entries:
            gr.Warning("还没有可以导出的回答。")
            return ""
        m = summary if isinstance(summary, dict) else {}
        title = ((m.get("items") or {}).get(m.get("current")) or {}).get("title") or "对话"
        text = export.conversation_markdown(title, [e["answer"] for e in entries],
                                            demo=any(e.get("demo") for e in entries))
        return json.dumps({"name": "对话.md", "text": text}, ensure_ascii=False)
