"""Chinese for what Gradio itself shows: toast titles (Warning / Info / Error) and the page locale.

:func:`chinese_toasts` sets the default ``title`` of ``gr.Warning``, ``gr.Info`` and ``gr.Error`` to Chinese, so
every call site (ours and other tabs') shows 注意 / 提示 / 出错 without passing ``title=``. The page's locale is
forced to zh-CN by :data:`ui.app.HEAD` (Gradio's svelte-i18n reads ``navigator.language``), so an English
browser still gets Chinese upload widgets and buttons.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TITLES = {"Warning": "注意", "Info": "提示", "Error": "出错"}


def _set_default(fn: Callable, name: str, value: str) -> None:
    params = [p for p in inspect.signature(fn).parameters.values()
              if p.default is not inspect.Parameter.empty and p.kind is not inspect.Parameter.KEYWORD_ONLY]
    defaults = list(fn.__defaults__ or ())
    names = [p.name for p in params][-len(defaults):] if defaults else []
    if name in names:
        defaults[names.index(name)] = value
        fn.__defaults__ = tuple(defaults)
    elif fn.__kwdefaults__ and name in fn.__kwdefaults__:
        fn.__kwdefaults__[name] = value


def chinese_toasts() -> None:
    import gradio as gr

    _set_default(gr.Warning, "title", TITLES["Warning"])
    _set_default(gr.Info, "title", TITLES["Info"])
    _set_default(gr.Error.__init__, "title", TITLES["Error"])


def _gradio_assets() -> Path:
    import gradio

    return Path(gradio.__file__).parent / "templates" / "frontend" / "assets"


def _js_object_to_json(src: str) -> str:
    src = re.sub(r"`((?:[^`\\]|\\.)*)`", lambda m: json.dumps(m.group(1)), src)
    return re.sub(r'([{,])\s*([A-Za-z_$][\w$]*)\s*:', r'\1"\2":', src)


@functools.lru_cache(maxsize=1)
def gradio_zh_cn() -> dict[str, str]:
    """Gradio's own zh-CN strings (its frontend bundle, ``assets/zh-CN-*.js``) as flat ``section.key`` ids."""
    files = sorted(_gradio_assets().glob("zh-CN-*.js"))
    if not files:
        return {}
    src = files[0].read_text(encoding="utf-8")
    body, _, exp = src.rpartition("export{")
    names = dict(re.findall(r"(\w+) as (\w+)", exp))
    decls: dict[str, Any] = {}
    for m in re.finditer(r"(?:var |,)(\w+)=(\{.*?\}|\"[^\"]*\")(?=,\w+=|;|$)", _js_object_to_json(body.strip().rstrip(";"))):
        try:
            decls[m.group(1)] = json.loads(m.group(2))
        except ValueError:
            continue  # the bundle's aggregate default export; its parts are read one by one
    flat: dict[str, str] = {}

    def walk(prefix: str, d: dict) -> None:
        for k, v in d.items():
            if isinstance(v, dict):
                walk(f"{prefix}.{k}", v)
            elif isinstance(v, str):
                flat[f"{prefix}.{k}"] = v

    for var, section in names.items():
        if isinstance(decls.get(var), dict) and section != "default":
            walk(section, decls[var])
    return flat


def gradio_locales() -> list[str]:
    core = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in _gradio_assets().glob("core-*.js"))
    return sorted(set(re.findall(r'"\./lang/([\w-]+)\.json"', core))) or ["en"]


# Keys Gradio's frontend asks for that its zh-CN bundle lacks (it would show the key itself, e.g. to screen readers).
EXTRA_ZH = {"common.complete": "完成"}

# English that Gradio's components write as literals, not through its i18n (titles and aria-labels of the table,
# upload, chat and footer): :data:`ATTR_JS` rewrites them in the page as they appear.
GRADIO_LITERALS = {
    "Copy table data": "复制表格数据", "Fullscreen": "全屏", "Exit fullscreen": "退出全屏", "Table actions": "表格操作",
    "Empty value": "空", "Click to upload or drop files": "点击上传或拖放文件", "chatbot conversation": "对话",
    "Gradio footer navigation": "页脚导航", "Close": "关闭", "Remove": "移除", "Clear": "清除", "Copy": "复制",
    "Copied": "已复制", "Copy message": "复制消息", "Like": "赞", "Dislike": "踩", "Select column": "选择列",
    "Select row": "选择行", "Sort column": "排序", "Download": "下载", "Share": "分享", "Retry": "重试", "Undo": "撤销",
    "Edit": "编辑", "Search": "搜索", "Scroll to bottom": "滚动到底部", "Dismiss": "关闭",
    "Remove this file": "移除此文件", "Upload a file": "上传文件", "Upload file": "上传文件", "Reload": "重新加载",
    "Open cell menu": "打开单元格菜单", "Static column": "固定列", "Filtered": "已筛选",
}


# Prefixes Gradio puts before a chat message's raw content in its aria-label (the content is our HTML): the
# prefix in Chinese and the tags dropped, so a screen reader reads 回答：… and not markup.
GRADIO_PREFIXES = {"bot's message: ": "回答：", "user's message: ": "问题："}
TOAST_WORDS = {"Warning": "注意", "Info": "提示", "Error": "出错", "Success": "完成"}
# The status line Gradio writes over a busy component (literal text, not i18n): [pattern, replacement].
TEXT_RULES = [[r"^processing \|$", "处理中 |"], [r"^queue: (\d+)/(\d*) \|$", "排队：$1/$2 |"]]

_ATTR_JS = """<script>(() => {
  const zh = %s, pre = %s, toast = %s, attrs = ['title', 'aria-label', 'placeholder'];
  const rules = %s.map(([p, r]) => [new RegExp(p), r]);
  const fixText = (n) => {
    const v = n.textContent.trim();
    for (const [p, r] of rules) if (p.test(v)) { n.textContent = v.replace(p, r); return; }
  };
  const tr = (v) => {
    if (!v) return null;
    if (zh[v]) return zh[v];
    for (const p in pre) if (v.startsWith(p)) return pre[p] + v.slice(p.length).replace(/<[^>]*>/g, '').trim();
    return null;
  };
  const fixEl = (el) => {
    for (const a of attrs) { const t = tr(el.getAttribute(a)); if (t !== null) el.setAttribute(a, t); }
    if (el.classList && el.classList.contains('toast-title') && toast[el.textContent.trim()])
      el.textContent = toast[el.textContent.trim()];
  };
  const fix = (root) => {
    if (root.nodeType !== 1) return;
    fixEl(root);
    for (const el of root.querySelectorAll('[title],[aria-label],[placeholder],.toast-title')) fixEl(el);
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (w.nextNode()) fixText(w.currentNode);
  };
  const run = () => {
    fix(document.body);
    new MutationObserver((ms) => { for (const m of ms) {
      if (m.type === 'attributes') fixEl(m.target);
      else if (m.type === 'characterData') { fixText(m.target); if (m.target.parentElement) fixEl(m.target.parentElement); }
      else for (const n of m.addedNodes) { if (n.nodeType === 3) fixText(n); else fix(n); }
    } }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                                 attributeFilter: attrs});
  };
  if (document.body) run(); else document.addEventListener('DOMContentLoaded', run);
})();</script>"""


def attr_js() -> str:
    """A page script: Gradio's literal English (titles, aria-labels, placeholders, toast titles, the chat's
    message labels) -> Chinese, now and whenever the page changes."""
    dump = functools.partial(json.dumps, ensure_ascii=False)
    return _ATTR_JS % (dump(GRADIO_LITERALS), dump(GRADIO_PREFIXES), dump(TOAST_WORDS), dump(TEXT_RULES))


def force_zh_cn() -> Any:
    """A ``gr.I18n`` giving every browser locale Gradio's zh-CN strings (upload widget, buttons, dialogs).

    Gradio picks its locale from the browser before any page script runs, so instead of changing the locale the
    Chinese strings are registered under every locale it knows; flat ids win over its built-in nested ones."""
    import gradio as gr

    zh = {**EXTRA_ZH, **gradio_zh_cn()}
    if len(zh) == len(EXTRA_ZH):
        log.warning("Gradio's zh-CN strings not found; its widgets follow the browser's language")
        return None
    try:
        return gr.I18n(**{loc: dict(zh) for loc in gradio_locales()})
    except Exception:  # noqa: BLE001 - an unknown locale code in a newer Gradio: the common ones
        log.debug("gr.I18n over all locales failed", exc_info=True)
        return gr.I18n(**{loc: dict(zh) for loc in ("en", "zh-CN", "zh-TW", "ja", "ko", "fr", "de", "es", "ru")})


# Gradio 6 prints a toast's type (Warning / Info / Error / Success) as its heading whatever the title: the English
# word is hidden and a Chinese one shown in its place.
TOAST_CSS = """
.toast-title.warning, .toast-title.info, .toast-title.error, .toast-title.success { font-size: 0 !important; }
.toast-title.warning::before, .toast-title.info::before, .toast-title.error::before,
.toast-title.success::before { font-size: var(--text-md, 14px); }
.toast-title.warning::before { content: "注意"; }
.toast-title.info::before { content: "提示"; }
.toast-title.success::before { content: "完成"; }
.toast-title.error::before { content: "出错"; }
"""
