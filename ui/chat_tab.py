"""The 问答 tab: its layout (:func:`build_chat_tab`) and its events (:func:`wire_chat`). The handlers are in
:mod:`ui.chat` (asking, conversations, citations, export) and :mod:`ui.handlers` (feedback)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr

from ui import render
from ui.handlers import examples_html
from ui.chat import MAX_QUESTION_CHARS
from ui.web_assets import (CARDS_JS, EXAMPLES_JS, EXPORT_STATE_JS, MERGE_TURN_JS, SAVE_ANSWER_JS,
                           SAVE_CONVERSATION_JS, SAVE_CSV_JS, SOURCE_JS, take_question_js)
from ui.web_common import AGENCY_ALL, YEAR_ALL, _safe

ASSISTANT_CONCURRENCY = 2  # two CPU cores: two answers computed at a time, the rest wait in the queue


def build_chat_tab(h: Any, agencies: list, years: list) -> SimpleNamespace:
    """The 问答 tab inside the open gr.Tabs; returns its components by name."""
    with gr.Tab("问答", id="ask"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=11, min_width=320):
                with gr.Row(elem_id="rqa-convs"):
                    convs_dd = gr.Dropdown([], value=None, label="对话（保存在本浏览器中）", scale=4,
                                           min_width=220, elem_id="rqa-conv-list")
                    with gr.Column(scale=3, min_width=220, elem_id="rqa-conv-tools"):
                        with gr.Row():
                            clear = gr.Button("新对话", size="sm", variant="primary", min_width=64,
                                              elem_id="rqa-clear")
                            conv_delete = gr.Button("删除", size="sm", variant="stop", min_width=56,
                                                    elem_id="rqa-conv-delete")
                        with gr.Row():
                            conv_name = gr.Textbox(label="对话名称", placeholder="新名称", show_label=False, scale=3,
                                                   min_width=90, elem_id="rqa-conv-name", container=False)
                            conv_rename = gr.Button("重命名", size="sm", scale=1, min_width=64,
                                                    elem_id="rqa-conv-rename")
                with gr.Row():
                    agency_dd = gr.Dropdown(agencies, value=AGENCY_ALL, label="机关", scale=3,
                                            elem_id="rqa-agency")
                    year_dd = gr.Dropdown(years, value=YEAR_ALL, label="年度", scale=1, elem_id="rqa-year")
                chatbot = gr.Chatbot(
                    label="对话", show_label=False, elem_id="rqa-chat", height=520, layout="bubble",
                    feedback_options=("Like", "Dislike"), buttons=[],
                    placeholder="请输入关于政府信息公开年报的问题，例如某机关某年收到多少申请、"
                                "因某种原因不予公开多少件、行政复议结果如何……",
                )
                # on a phone the source opens here, under the answer (CSS shows one of the two panels)
                source_m = gr.HTML("", js_on_load=SOURCE_JS, elem_id="rqa-source-m",
                                   elem_classes=["rqa-phone-only"])
                source_dl_m = gr.DownloadButton("下载原文件", visible=False, size="sm", elem_id="rqa-src-dl-m",
                                                elem_classes=["rqa-phone-only"])
                with gr.Row():
                    box = gr.Textbox(label="问题", placeholder="输入问题，按回车发送", show_label=False, scale=8,
                                     elem_id="rqa-question", autofocus=True)
                    send = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="rqa-send")
                with gr.Row(elem_id="rqa-actions"):
                    # enabled by EXPORT_STATE_JS while an answer is shown (导出对话: while the conversation has
                    # answers); the texts are in the page (hidden boxes), copied or saved there
                    copy_txt = gr.Button("复制文本", size="sm", min_width=70, elem_id="rqa-copy-text", interactive=False)
                    copy_md = gr.Button("复制 Markdown", size="sm", min_width=90, elem_id="rqa-copy-md",
                                        interactive=False)
                    dl_answer = gr.Button("导出回答", size="sm", min_width=70, elem_id="rqa-dl-answer",
                                          interactive=False)
                    dl_csv = gr.Button("导出表格 CSV", size="sm", min_width=90, elem_id="rqa-dl-csv", interactive=False)
                    dl_conv = gr.Button("导出对话", size="sm", min_width=70, elem_id="rqa-dl-conv", interactive=False)
                plain_box = gr.Textbox(visible="hidden", label="纯文本", show_label=False, elem_id="rqa-plain")
                md_box = gr.Textbox(visible="hidden", label="Markdown 文本", show_label=False, elem_id="rqa-md")
                exp_box = gr.Textbox(visible="hidden", label="导出", show_label=False, elem_id="rqa-exports")
                conv_box = gr.Textbox(visible="hidden", label="导出对话", show_label=False, elem_id="rqa-conv-export")
                # a turn's record for the conversations kept in the browser (ui/conversations.record_turn)
                turn = gr.Textbox(visible="hidden", label="本轮记录", show_label=False, elem_id="rqa-turn")
                examples = gr.HTML(examples_html(h.examples(), demo=h.is_demo()), js_on_load=EXAMPLES_JS, elem_id="rqa-examples")
                with gr.Row(elem_id="rqa-feedback"):
                    gr.Markdown("点击每个回答下方的 赞 / 踩 图标评价答案；点“踩”后可填写正确答案，用于改进评测集。",
                                elem_id="rqa-fb-hint")
                with gr.Row(visible=False, elem_id="rqa-correct-row") as correct_row:
                    correct_box = gr.Textbox(label="正确答案（可选）", placeholder="例如：105 或 一句话的正确答案",
                                             scale=6, elem_id="rqa-correct")
                    correct_send = gr.Button("提交更正", scale=1, min_width=90, elem_id="rqa-correct-send")
                    correct_skip = gr.Button("不填写", scale=1, min_width=80, size="sm")
            with gr.Column(scale=9, min_width=360):
                gr.Markdown("#### 引用")
                cards = gr.HTML(render.CARDS_EMPTY, js_on_load=CARDS_JS, elem_id="rqa-cards")
                gr.Markdown("#### 原文")
                source = gr.HTML(render.SOURCE_EMPTY, js_on_load=SOURCE_JS, elem_id="rqa-source")
                source_dl = gr.DownloadButton("下载原文件", visible=False, size="sm", elem_id="rqa-src-dl")
                jump_box = gr.Textbox(visible="hidden", label="引用跳转", show_label=False, elem_id="rqa-jump")  # '<answer id>-<n>' from a [n] click
    return SimpleNamespace(
        convs_dd=convs_dd, clear=clear, conv_delete=conv_delete, conv_name=conv_name, conv_rename=conv_rename,
        agency_dd=agency_dd, year_dd=year_dd, chatbot=chatbot, source_m=source_m, box=box, send=send,
        copy_txt=copy_txt, copy_md=copy_md, dl_answer=dl_answer, dl_csv=dl_csv, dl_conv=dl_conv, plain_box=plain_box,
        md_box=md_box, examples=examples, correct_box=correct_box, correct_send=correct_send,
        correct_skip=correct_skip, cards=cards, source=source, jump_box=jump_box, correct_row=correct_row,
        source_dl=source_dl, source_dl_m=source_dl_m, turn=turn, exp_box=exp_box, conv_box=conv_box)


def wire_chat(h: Any, ui: SimpleNamespace) -> None:
    """The 问答 tab's events; ``ui`` holds its components and the states answers, store, current, pending."""
    (chatbot, box, cards, source, source_m, convs_dd, clear, conv_delete, conv_rename, conv_name, send, examples,
     plain_box, md_box, dl_answer, dl_csv, dl_conv, copy_txt, copy_md, jump_box, correct_row, correct_box,
     correct_send, correct_skip, agency_dd, year_dd) = (
        getattr(ui, n) for n in ("chatbot", "box", "cards", "source", "source_m", "convs_dd", "clear", "conv_delete",
                                 "conv_rename", "conv_name", "send", "examples", "plain_box", "md_box", "dl_answer",
                                 "dl_csv", "dl_conv", "copy_txt", "copy_md", "jump_box", "correct_row", "correct_box",
                                 "correct_send", "correct_skip", "agency_dd", "year_dd"))
    answers, store, current, pending, app = ui.answers, ui.store, ui.current, ui.pending, ui.app
    summary, turn, exp_box, conv_box, shown = ui.summary, ui.turn, ui.exp_box, ui.conv_box, ui.shown
    views = [plain_box, md_box, exp_box]  # the copy / export views of the answer shown (h.export_views)
    # The chat event's outputs are only what a turn changes: the stored conversations (store) are neither sent
    # with a question nor returned (the server keeps their summary, a turn returns its record, merged into them in
    # the page: ui/conversations.py); the box, the phone's source panel, the source panel and the correction row are
    # reset beside it in the page (take_question_js: no request), so no step of the stream re-sends them.
    chat_out = [chatbot, cards, answers, current, turn, convs_dd, summary, *views, shown]
    chat_in = [box, shown, agency_dd, year_dd, answers, summary]  # the chat as shown: a server-side copy (shown)
    chat_kw = dict(concurrency_id="assistant", concurrency_limit=ASSISTANT_CONCURRENCY, api_visibility="private")
    reset_out = [box, source, source_m, correct_row]

    def from_example(q_box: str, history, agency, year, ans, summ, evt: gr.EventData):
        q = (getattr(evt, "_data", None) or {}).get("q") or ""
        yield from h.chat(q, history, agency, year, ans, summ)

    box.submit(h.chat, chat_in, chat_out, **chat_kw)
    send.click(h.chat, chat_in, chat_out, **chat_kw)
    examples.click(from_example, chat_in, chat_out, **chat_kw)
    take = take_question_js(MAX_QUESTION_CHARS, render.SOURCE_EMPTY)
    box.submit(None, [box], reset_out, js=take, api_visibility="private")
    send.click(None, [box], reset_out, js=take, api_visibility="private")
    examples.click(None, None, reset_out, js=take_question_js(MAX_QUESTION_CHARS, render.SOURCE_EMPTY, example=True),
                   api_visibility="private")
    for ev in (clear.click, convs_dd.input, conv_delete.click):
        ev(None, None, [source_m], js="() => ''", api_visibility="private")
    turn.change(None, [turn, store], [store], js=MERGE_TURN_JS, api_visibility="private")

    cards.click(_safe(h.on_card), [current], [source, source_m], api_visibility="private")
    # the original file of the report the source panel shows (ui/chat.py source_download)
    for panel, button in ((source, ui.source_dl), (source_m, ui.source_dl_m)):
        panel.change(_safe(h.source_download), [panel], [button], api_visibility="private", show_progress="hidden")

    exp_box.change(None, [exp_box], None, js=EXPORT_STATE_JS, api_visibility="private")
    dl_answer.click(None, [md_box, exp_box], None, js=SAVE_ANSWER_JS, api_visibility="private")
    dl_csv.click(None, [exp_box], None, js=SAVE_CSV_JS, api_visibility="private")
    dl_conv.click(_safe(h.conversation_export), [answers, summary], [conv_box], api_visibility="private",
                  queue=False, show_progress="hidden").then(None, [conv_box], None, js=SAVE_CONVERSATION_JS,
                                                            api_visibility="private")

    copy_js = ("(t) => { if (!t) return; navigator.clipboard.writeText(t).then(() => {"
               " document.body.dataset.rqaCopied = t; }); }")
    copy_txt.click(None, [plain_box], None, js=copy_js, api_visibility="private")
    copy_md.click(None, [md_box], None, js=copy_js, api_visibility="private")
    chatbot.select(_safe(h.select_message), [answers], [cards, current, *views], api_visibility="private")
    jump_box.change(_safe(h.jump), [answers, jump_box], [cards, source, source_m, current, *views],
                    api_visibility="private")
    show_out = [chatbot, answers, current, cards, source, correct_row, store, convs_dd, summary, *views, shown]
    convs_dd.input(_safe(h.switch_conversation), [store, convs_dd], show_out, api_visibility="private")
    conv_rename.click(_safe(h.rename_conversation), [store, convs_dd, conv_name], [store, convs_dd, conv_name, summary],
                      api_visibility="private")
    conv_delete.click(_safe(h.delete_conversation), [store, convs_dd], show_out, api_visibility="private")
    chatbot.like(_safe(h.like), [answers], [correct_row, pending, correct_box], api_visibility="private")
    correct_send.click(_safe(h.submit_correction), [pending, correct_box], [correct_row, pending, correct_box],
                       api_visibility="private")
    correct_box.submit(_safe(h.submit_correction), [pending, correct_box], [correct_row, pending, correct_box],
                       api_visibility="private")
    correct_skip.click(lambda: (gr.update(visible=False), None, ""), None, [correct_row, pending, correct_box],
                       api_visibility="private")
    clear.click(_safe(h.new_conversation), [store], show_out, api_visibility="private")
    chatbot.clear(_safe(h.new_conversation), [store], show_out, api_visibility="private")
    # at once, not queued behind other load events: a restore must not land after the first answer
    app.load(h.restore, [store], [chatbot, answers, store, convs_dd, summary, shown, exp_box],
             api_visibility="private", queue=False)
