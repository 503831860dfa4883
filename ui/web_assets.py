"""The web app's static pieces: title, the small in-page scripts (cards, source scroll, 「[n]」 links, example
chips), extra CSS and the theme. No Python logic here; :mod:`ui.app` puts them into the Blocks."""

from __future__ import annotations

import gradio as gr

from ui.source_view import JS as _SOURCE_VIEW_JS  # the page box / original-table scroll (source panel)

DEMO_LABEL = "示例（虚构）"
TITLE = "政府信息公开年报问答"
SUBTITLE = ("基于已入库的《政府信息公开工作年度报告》回答问题。每个数字都注明出处："
            "机关 · 年度 · 表 · 行 · 列 · 页，点击引用卡片可查看原表或原文。")

CARDS_JS = """
const pick = (e) => {
  const card = e.target.closest('[data-cite]');
  if (!card || !element.contains(card)) return;
  element.querySelectorAll('.rqa-card.active').forEach(c => c.classList.remove('active'));
  card.classList.add('active');
  trigger('click', {cite: Number(card.dataset.cite)});
};
element.addEventListener('click', pick);
element.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(e); } });
"""

# A turn's record (ui/conversations.record_turn, JSON in the hidden box #rqa-turn) merged into the conversations the
# browser keeps (the gr.BrowserState): what conversations.merge_turn does, so the page never sends them with a question.
MERGE_TURN_JS = """
(t, s) => {
  if (!t) return s;
  let r;
  try { r = JSON.parse(t); } catch (e) { return s; }
  if (!r || !r.cid) return s;
  const ok = s && typeof s === 'object' && s.items && typeof s.items === 'object';
  const items = Object.assign({}, ok ? s.items : {});
  const old = items[r.cid] || {};
  const c = Object.assign({}, old, {title: r.title, created: r.created, updated: r.updated,
                                    answers: Object.assign({}, old.answers || {}), notes: Object.assign({}, old.notes || {})});
  if (r.entry) c.answers[String(r.key)] = r.entry;
  else if (r.note) c.notes[String(r.key)] = r.note;
  items[r.cid] = c;
  for (const k of r.drop || []) delete items[k];
  return {current: r.cid, items: items};
}
"""

def take_question_js(max_chars: int, source_empty: str, example: bool = False) -> str:
    """Beside the chat event, in the page (no request): the box emptied, the source panel and its phone copy reset,
    the correction row closed, for (box, source, source_m, correct_row). A question the chat refuses (empty, longer
    than ``max_chars``) stays in the box to edit. ``example``: an example chip was clicked (its own question)."""
    import json

    reset = f"['', {json.dumps(source_empty, ensure_ascii=False)}, '', {{__type__: 'update', visible: false}}]"
    if example:
        return f"() => {reset}"
    return ("(q) => { const t = [...(q || '').trim()]; const same = {__type__: 'update'};"
            f" if (!t.length || t.length > {int(max_chars)}) return [same, same, '', same]; return {reset}; }}")


# The export buttons save texts the page already holds (ui/chat.py export_views), as files named by the server;
# _SAVE is the saving, shared by the three buttons.
_SAVE = ("const save = (name, text, type) => { const a = document.createElement('a');"
         " a.href = URL.createObjectURL(new Blob([text], {type: type + ';charset=utf-8'})); a.download = name;"
         " document.body.appendChild(a); a.click(); setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000); };"
         " const read = (j) => { try { return JSON.parse(j || '{}') || {}; } catch (e) { return {}; } };")
SAVE_ANSWER_JS = ("(md, j) => { " + _SAVE + " const d = read(j); if (md && d.stem) save(d.stem + '.md', md, 'text/markdown'); }")
SAVE_CSV_JS = "(j) => { " + _SAVE + " const d = read(j); if (d.csv && d.stem) save(d.stem + '.csv', d.csv, 'text/csv'); }"
SAVE_CONVERSATION_JS = "(j) => { " + _SAVE + " const d = read(j); if (d.text) save(d.name || '对话.md', d.text, 'text/markdown'); }"
# the copy and export buttons are enabled while an answer is shown (the CSV one when it cites table cells), 导出对话
# while the conversation shown has answers
EXPORT_STATE_JS = """
(j) => {
  let d = {};
  try { d = JSON.parse(j || '{}') || {}; } catch (e) {}
  const on = {'rqa-copy-text': !!d.stem, 'rqa-copy-md': !!d.stem, 'rqa-dl-answer': !!d.stem,
              'rqa-dl-csv': !!(d.stem && d.csv), 'rqa-dl-conv': !!(d.stem || d.conv)};
  for (const [id, ok] of Object.entries(on)) { const b = document.getElementById(id); if (b) b.disabled = !ok; }
}
"""

SOURCE_JS = """
watch('value', () => {
  if (element.querySelector('.rqa-source') && element.offsetParent !== null) {
    element.scrollIntoView({block: 'start', inline: 'nearest', behavior: 'smooth'});
    setTimeout(() => { document.scrollingElement.scrollLeft = 0; }, 400);
  }
  {SOURCE_VIEW_JS}
  const hit = element.querySelector('.rqa-hit');
  if (!hit) return;
  const box = hit.closest('.rqa-table-wrap');
  if (box) {
    const top = hit.offsetTop - box.clientHeight / 2;
    box.scrollTo({top: Math.max(0, top), behavior: 'smooth'});
  } else {
    hit.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  }
});
""".replace("{SOURCE_VIEW_JS}", _SOURCE_VIEW_JS)

# In <head>: Gradio's own widgets in Chinese whatever the browser's language (svelte-i18n reads navigator.language),
# and 「[n]」 markers in answers as links: the click goes to the hidden #rqa-jump box (answer id, n), the server
# answers with that answer's cards and source n, and SOURCE_JS scrolls the source into view.
# Page-level rules in <head>: Gradio scopes the app's css under .gradio-container ... .contain, so rules for the
# container itself (its width on a phone) would never match there.
HEAD_STYLE = """<style>
@media (max-width: 760px) {
  html, body { overflow-x: hidden; }
  html body .gradio-container.gradio-container { max-width: 100vw !important; min-width: 0 !important; overflow-x: hidden; }
  html body .gradio-container .main { max-width: 100%; min-width: 0; }
}
</style>"""

HEAD = HEAD_STYLE + """<script>
(() => {
  try {
    Object.defineProperty(Navigator.prototype, 'language', {get: () => 'zh-CN', configurable: true});
    Object.defineProperty(Navigator.prototype, 'languages', {get: () => ['zh-CN', 'zh'], configurable: true});
  } catch (e) {}
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a.rqa-ref');
    if (!a) return;
    e.preventDefault(); e.stopPropagation();
    const m = (a.getAttribute('href') || '').match(/^#rqa-cite-([0-9a-zA-Z]+)-(\\d+)$/);
    const box = document.querySelector('#rqa-jump textarea, #rqa-jump input');
    if (!m || !box) return;
    box.value = m[1] + '-' + m[2] + '~' + Date.now();
    box.dispatchEvent(new Event('input', {bubbles: true}));
  }, true);
})();
</script>"""

EXAMPLES_JS = """
element.addEventListener('click', (e) => {
  const chip = e.target.closest('[data-q]');
  if (!chip || !element.contains(chip)) return;
  trigger('click', {q: chip.dataset.q});
});
"""

EXTRA_CSS = """
.rqa-phone-only { display: none !important; }
@media (max-width: 760px) {
  .rqa-phone-only { display: block !important; }
  #rqa-source { display: none !important; }
  #rqa-source-m:empty { display: none !important; }
  #rqa-source-m, #rqa-source-m .rqa-source { min-width: 0 !important; max-width: calc(100vw - 28px); }
  #rqa-source-m * { max-width: 100%; }
  #rqa-source-m .rqa-table-wrap { width: calc(100vw - 64px); max-width: calc(100vw - 64px); overflow-x: auto; }
  #rqa-source-m table.rqa-table { max-width: none; width: max-content; }
  html, body, .gradio-container { overflow-x: hidden; }
  #rqa-convs > * { min-width: 100% !important; }
  /* 报告 / 评测 on a phone: wide tables scroll inside their box instead of widening the page; the upload form
     stacks (seen in the 390 px screenshots: the page was 793 px wide and the year field three characters wide) */
  .tabitem .block:has(.table-container) { min-width: 0 !important; max-width: 100%; }
  .tabitem .table-container, .tabitem .table-wrap { max-width: calc(100vw - 40px); overflow-x: auto; }
  #rqa-upload-row, #rqa-eval-row { flex-direction: column; }
  #rqa-upload-row > *, #rqa-eval-row > * { width: 100%; }
}
/* the empty chat's hint sat flush against the box's left edge (tour screenshots, 2026-12-02) */
#rqa-chat .placeholder-content { padding: 0 24px; color: var(--body-text-color-subdued); }
/* a long conversation title ran under the list's arrow */
#rqa-conv-list input { padding-right: 28px; text-overflow: ellipsis; }
.rqa-hint, .rqa-hint p { font-size: 0.84em; color: var(--body-text-color-subdued); margin-top: -4px; }
.rqa-chips { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.rqa-chip { border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary);
  border-radius: 14px; padding: 3px 11px; font-size: 0.86em; cursor: pointer; color: var(--body-text-color); }
.rqa-chip:hover { border-color: var(--color-accent); color: var(--color-accent); }
"""


def theme() -> gr.themes.Theme:
    # local fonts only: no request to a font CDN from an intranet
    fonts = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]
    return gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=fonts,
                          font_mono=["Noto Sans Mono CJK SC", "monospace"])
