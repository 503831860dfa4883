"""The 评测 tab's messages: a bad gold file as one Chinese sentence naming the line and the field."""

from __future__ import annotations

import re
from pathlib import Path

_PYDANTIC = (("Field required", "缺少该字段"), ("Input should be a valid string", "应为文字"),
             ("Input should be a valid integer", "应为整数"), ("Input should be a valid boolean", "应为 true 或 false"),
             ("Input should be a valid list", "应为列表"), ("Input should be a valid dictionary", "应为对象"),
             ("Extra inputs are not permitted", "不是金标准文件的字段"), ("Input should be", "取值不对，应为"))


def gold_error_sentence(message: str, path: Path, shown_name: str) -> str:
    """``<path>:12: citations.0.year: Field required`` -> 金标准文件 x.jsonl 第 12 行的「citations.0.year」字段有误：缺少该字段。
    No folder names (an upload's temporary path means nothing to the user)."""
    text = str(message)
    for p in sorted({str(path), path.as_posix(), path.name}, key=len, reverse=True):
        text = text.replace(p, "")
    text = text.lstrip(":").strip()
    m = re.match(r"^(\d+):\s*(.*)$", text)
    if not m:
        reason = {"no such gold file": "文件不存在", "no questions": "文件中没有任何题目"}.get(text, text)
        return f"金标准文件 {shown_name} 无法使用：{reason}。"
    line, rest = m.group(1), m.group(2)
    if rest.startswith("not JSON"):
        return f"金标准文件 {shown_name} 第 {line} 行不是有效的 JSON（每行须是一个 JSON 对象）。"
    if rest.startswith("duplicate id"):
        return f"金标准文件 {shown_name} 第 {line} 行的「id」与前面的题目重复。"
    field, _, msg = rest.partition(": ")
    for en, zh in _PYDANTIC:
        if msg.startswith(en):
            msg = zh + msg[len(en):]
            break
    return f"金标准文件 {shown_name} 第 {line} 行的「{field or '整行'}」字段有误：{msg.rstrip('。')}。"


# The reports each bundled gold set was written over (folders of ../shared/corpus); any other gold file is run over
# the whole shared corpus. The evaluation never touches the live index: scores do not move with uploads.
GOLD_CORPORA = {"seeds": ("seeds",), "pdfs": ("raw",), "phrasing": ("seeds", "raw", "real")}


def shared_corpus() -> Path | None:
    """../shared/corpus beside the checkout (REPORTQA_SHARED names ../shared), if present."""
    import os

    root = Path(__file__).resolve().parents[1]
    corpus = Path(os.environ.get("REPORTQA_SHARED", root.parent / "shared")) / "corpus"
    return corpus if corpus.is_dir() else None


def gold_corpus(gold_name: str) -> list[Path]:
    base = shared_corpus()
    if base is None:
        return []
    parts = GOLD_CORPORA.get(Path(gold_name).stem)
    paths = [base / p for p in parts] if parts else [base]
    return [p for p in paths if p.exists()]


def eval_assistant(settings, corpus: list[Path], progress=None):
    """An Assistant over ``<cache_dir>/eval-index/<corpus hash>``, built from ``corpus`` (unchanged files skipped)."""
    import hashlib

    from assistant import Assistant
    from ingest.indexer import ingest_paths

    key = hashlib.sha256("\n".join(sorted(str(p.resolve()) for p in corpus)).encode()).hexdigest()[:12]
    es = settings.model_copy(update={"index_dir": Path(settings.cache_dir) / "eval-index" / key})
    res = ingest_paths(es, corpus, progress=progress)
    return Assistant(es), res, es.index_dir


# Gold question types (eval/gold/*.jsonl ``type``) as staff read them; an unknown type is shown as written.
TYPE_NAMES = {
    "table": "表格取值", "narrative": "正文内容", "refusal": "应拒答", "unanswerable": "无法回答", "alias": "机关别称",
    "agency_short_form": "机关简称", "aggregate": "汇总", "blank": "未填报", "breakdown": "分项", "check": "勾稽核对",
    "compare": "比较", "compare_agencies": "机关间比较", "compare_years": "年度间比较", "followup": "追问",
    "mixed_english": "夹杂英文", "polite": "客套问法", "question_word_first": "疑问词前置", "rank": "排名",
    "several_values": "多个数值", "share": "占比", "state": "表格状态", "sum_rows": "多行求和", "sum_tables": "跨表求和",
    "terse": "简略问法", "trap": "陷阱题", "typo": "错别字", "year_form": "年份写法", "year_in_text": "正文中的年份",
}


def type_name(t: object) -> str:
    return TYPE_NAMES.get(str(t), str(t))
