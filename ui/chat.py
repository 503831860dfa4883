"""The 问答 tab's handlers: streaming answers with follow-ups, conversations kept in the browser, citations.

A mixin of :class:`ui.app.Handlers` (it needs ``self.qa()``, ``self.is_demo()``, ``self._report_id`` and
``_friendly``). Follow-ups: the conversation's latest answer (its ``explain`` field, the typed Query) is passed
to ``Assistant.ask_stream(context=...)``, so 「那2023年呢？」 is read against the previous question.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import gradio as gr

from ui import conversations as conv
from ui import render

log = logging.getLogger(__name__)

_PANEL_RID = re.compile(r'<div class="rqa-source" data-rid="([0-9a-f]{1,64})" data-demo="([01])"')
MAX_QUESTION_CHARS = 1000  # longer questions are refused with a message, never cut
# Streamed text reaches the page at most once per STREAM_EVERY_S: every update is a round of Gradio's
# postprocessing (a new component for each skipped output) and one more SSE message, about 5 ms of the
# server's one interpreter each; an answer read from a table (a few ms) goes out as placeholder + final only,
# a slow narrative answer still shows its text growing. Measured with eval/bench_load.py (chat path).
STREAM_EVERY_S = 0.1


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
             store: dict | None = None) -> Iterator[tuple]:
        """Stream one answer; outputs (chatbot, box, cards, source, answers, current, correct_row, store, convs_dd)."""
        from ui.app import _agency, _friendly, _year

        history = list(history or [])
        answers = {str(k): v for k, v in (answers or {}).items()}
        skip7 = (gr.skip(),) * 4
        q = (question or "").strip()
        if not q:
            gr.Warning("请输入问题。")
            yield (history, question, *skip7[:2], answers, *skip7[:2], gr.skip(), gr.skip())
            return
        if len(q) > MAX_QUESTION_CHARS:  # said, never cut silently; the text stays in the box to shorten
            gr.Warning(f"问题过长：{len(q)} 字，最多 {MAX_QUESTION_CHARS} 字，请精简后再问。")
            yield (history, question, *skip7[:2], answers, *skip7[:2], gr.skip(), gr.skip())
            return
        qa = self.qa()
        demo = self.is_demo()
        previous = conv.last_answer(answers)
        kwargs: dict[str, Any] = {"agency": _agency(agency), "year": _year(year)}
        if previous and previous.get("explain") and takes_context(qa.ask_stream):
            kwargs["context"] = previous["explain"]
        history.append({"role": "user", "content": render.user_markdown(q)})
        history.append({"role": "assistant", "content": "正在查找相关报告…"})
        idx = len(history) - 1
        yield (history, "", render.CARDS_EMPTY, render.SOURCE_EMPTY, answers, None, gr.update(visible=False),
               gr.skip(), gr.skip())
        text = ""
        final: Any = None
        last = time.monotonic()
        try:
            for item in qa.ask_stream(q, **kwargs):
                if isinstance(item, str):
                    text += item
                    if time.monotonic() - last >= STREAM_EVERY_S:  # coalesced: see STREAM_EVERY_S
                        history[idx] = {"role": "assistant", "content": render.stream_markdown(text)}
                        yield (history, *(gr.skip(),) * 3, answers, *(gr.skip(),) * 4)
                        last = time.monotonic()
                else:
                    final = item
        except Exception as e:  # noqa: BLE001 - shown as a message in the chat
            log.exception("ask_stream failed")
            history[idx] = {"role": "assistant", "content": f"✗ {render.esc(_friendly(e))}"}
            yield (history, *(gr.skip(),) * 3, answers, None, gr.skip(), gr.skip(), gr.skip())
            return
        if final is None:
            history[idx] = {"role": "assistant", "content": "✗ 没有得到答案，请重试。"}
            yield (history, *(gr.skip(),) * 3, answers, None, gr.skip(), gr.skip(), gr.skip())
            return
        a = render.as_dict(final)
        entry = {"id": uuid.uuid4().hex, "answer": a, "demo": demo}
        answers[str(idx)] = entry
        history[idx] = {"role": "assistant", "content": render.answer_markdown(a, entry["id"], demo=demo)}
        store = conv.save(store, history, answers)
        yield (history, gr.skip(), render.citation_cards_html(a, demo=demo), render.SOURCE_EMPTY, answers, entry, gr.skip(),
               store, gr.update(choices=conv.choices(store), value=store["current"]))

    # ------------------------------------------------------------------ citations

    def select_message(self, answers: dict | None, evt: gr.SelectData) -> tuple:
        """Clicking an earlier answer shows its citation cards (the source panel is left as it is)."""
        entry = (answers or {}).get(str(_idx(evt)))
        if entry is None:
            return gr.skip(), gr.skip()
        return render.citation_cards_html(entry["answer"], demo=bool(entry.get("demo"))), entry

    def jump(self, answers: dict | None, target: str) -> tuple:
        """A 「[n]」 marker was clicked (``target`` = '<answer id>-<n>'): that answer's cards with n active, the
        source panel for n; (cards, source, source under the chat on a phone, current)."""
        aid, _, n = (target or "").split("~")[0].rpartition("-")
        hit = conv.find_entry(answers, aid)
        try:
            cite = int(n)
        except ValueError:
            cite = None
        if hit is None or cite is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        entry = hit[1]
        cards = render.citation_cards_html(entry["answer"], active=cite, demo=bool(entry.get("demo")))
        source = self.open_citation(entry, cite)
        return cards, source, source, entry

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
        """On page load: the current conversation back; (chatbot, answers, store, dropdown)."""
        s = conv.normalise(store)
        c = conv.current(s)
        if c is None:  # nothing saved in this browser: leave the chat alone (a first question may be on its way)
            return gr.skip(), gr.skip(), s, gr.update(choices=conv.choices(s), value=None)
        return c["history"], c["answers"], s, gr.update(choices=conv.choices(s), value=s["current"])

    def new_conversation(self, store: dict | None) -> tuple:
        s, _ = conv.new(store)
        return self._show(s)

    def switch_conversation(self, store: dict | None, cid: str | None) -> tuple:
        s = conv.normalise(store)
        if not cid or cid == s["current"] or cid not in s["items"]:
            return (gr.skip(),) * 8
        return self._show(conv.select(s, cid))

    def rename_conversation(self, store: dict | None, cid: str | None, title: str) -> tuple:
        if not (title or "").strip():
            gr.Warning("请先在输入框中填写新名称。")
            return gr.skip(), gr.skip(), gr.skip()
        s = conv.rename(store, cid, title)
        return s, gr.update(choices=conv.choices(s), value=s["current"]), ""

    def delete_conversation(self, store: dict | None, cid: str | None) -> tuple:
        return self._show(conv.delete(store, cid))

    def _show(self, s: dict) -> tuple:
        """(chatbot, answers, current, cards, source, correct_row, store, dropdown) for the current conversation."""
        c = conv.current(s) or {"history": [], "answers": {}}
        return (c["history"], c["answers"], None, render.CARDS_EMPTY, render.SOURCE_EMPTY, gr.update(visible=False),
                s, gr.update(choices=conv.choices(s), value=s["current"]))


class ExportMixin:
    """Copy / export of the answer shown in the cards and of the whole conversation (ui/export.py)."""

    def export_views(self, current: dict | None, answers: dict | None, store: dict | None) -> tuple:
        """(plain text, Markdown, answer .md, answer .csv, conversation .md) for the current answer."""
        import tempfile
        from pathlib import Path

        from ui import export

        if not current:
            return "", "", None, None, None
        a = current["answer"]
        demo = bool(current.get("demo"))
        out = Path(tempfile.mkdtemp(prefix="reportqa-export-"))
        stem = f"回答-{current['id'][:8]}"
        md_path = out / f"{stem}.md"
        md_path.write_text(export.answer_text(a, md=True, demo=demo), encoding="utf-8")
        csv_path = None
        if any(c.get("table") for c in a.get("citations") or []):
            csv_path = out / f"{stem}.csv"
            csv_path.write_text(export.answer_csv(a), encoding="utf-8")
        c = conv.current(store) or {}
        title = c.get("title") or "对话"
        ordered = [e["answer"] for _, e in sorted((answers or {}).items(), key=lambda kv: int(kv[0]))]
        conv_path = out / "对话.md"
        conv_path.write_text(export.conversation_markdown(title, ordered, demo=demo), encoding="utf-8")
        return (export.answer_text(a, demo=demo), export.answer_text(a, md=True, demo=demo), str(md_path),
                str(csv_path) if csv_path else None, str(conv_path))
