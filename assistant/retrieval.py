"""Hybrid retrieval (BM25 on jieba tokens + dense e5 through Chroma, fused by
reciprocal rank fusion, filtered by resolved reports) and an extractive
composer that quotes the best sentences with their section path."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.models import Evidence
from assistant.units import MONEY as MONEY_UNITS
from assistant.units import units_group
from ingest.index import ReportIndex, ReportInfo
from ingest.models import Chunk
from ingest.settings import Settings
from ingest.text import key, load_jieba, numbers_in

_STOP = {"多少", "哪些", "什么", "怎么", "如何", "请问", "报告", "政府", "信息", "公开", "工作", "年度", "情况", "是否",
         "有没有", "一共", "正文", "文字", "提到", "介绍", "我们", "他们", "这个", "那个", "以及", "或者", "还是",
         "年报", "一下", "说明", "内容", "多少件", "多少条", "几件", "哪个"}
_RE_SENT = re.compile(r"(?<=[。！？；;!?])|\n")


@dataclass
class Hit:
    chunk: Chunk
    score: float  # fused score
    dense: float | None  # cosine similarity, when the dense store returned it
    bm25: float | None


def rrf(rankings: list[list[str]], k: int) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank + 1)
    return scores


KIND_OVERFETCH = 4  # BM25 holds the table-row chunks too (short and many): fetch more, so enough of the kinds asked remain


def hybrid_search(index: ReportIndex, settings: Settings, query: str, report_ids: set[str] | None,
                  *, kinds: tuple[str, ...] = ("text",), bm25_query: str | None = None) -> list[Hit]:
    """Fused BM25 + dense hits of the kinds asked. ``bm25_query``: the words BM25 ranks by, when they differ from
    the question (the question without its agency and year: every chunk of the report in scope holds those in its
    header, so they only favour short chunks)."""
    bm = [(c, s) for c, s in index.search_bm25(bm25_query or query, settings.bm25_top_k * KIND_OVERFETCH, report_ids)
          if c.kind in kinds][: settings.bm25_top_k]
    # the vector store holds the dense kinds only (text chunks): nothing to over-fetch there
    de = [(c, s) for c, s in index.search_dense(query, settings.dense_top_k, report_ids) if c.kind in kinds]
    by_id: dict[str, Chunk] = {}
    bm_score = {}
    de_score = {}
    for c, s in bm:
        by_id[c.id] = c
        bm_score[c.id] = s
    for c, s in de:
        by_id[c.id] = c
        de_score[c.id] = s
    fused = rrf([[c.id for c, _ in bm], [c.id for c, _ in de]], settings.rrf_k)
    hits = [Hit(by_id[cid], sc, de_score.get(cid), bm_score.get(cid)) for cid, sc in fused.items()]
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits


@lru_cache(maxsize=65536)
def tokens(text: str) -> frozenset[str]:
    """Content words of a text (jieba), without stop words and bare numbers. Cached: the sentences of the
    chunks retrieved are met again by question after question, and jieba was ~30 % of a narrative answer's
    time (measured with py-spy on 100 reports)."""
    return frozenset(t for t in load_jieba().lcut(key(text)) if len(t) > 1 and t not in _STOP and not t.isdigit())


_RE_HEADING_ONLY = re.compile(r"[（(][一二三四五六七八九十]+[）)][^。，,；]{0,30}[。.]?")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _RE_SENT.split(text) if s and len(s.strip()) > 3]


@dataclass
class Sentence:
    text: str
    chunk: Chunk
    score: float
    overlap: float


def best_sentences(question: str, hits: list[Hit], n: int, *, want_number: bool,
                   ignore: set[str] = frozenset()) -> list[Sentence]:
    """The n sentences of the hits that best answer the question. ``ignore``: the agency's names, whose words
    match every sentence of the report (signatures, preambles) and so say nothing about relevance."""
    q_tokens = {t for t in tokens(question) if not any(t in n for n in ignore)} or tokens(question)
    unit = asked_unit(question) if want_number else None
    out: list[Sentence] = []
    for rank, h in enumerate(hits[:8]):
        # a sentence is read under its sub-part's title (（一）主动公开政府信息情况 … 发布政务信息67条):
        # title words the sentence lacks count half
        title = tokens(h.chunk.section.split(" / ")[-1]) if h.chunk.section else set()
        for s in split_sentences(h.chunk.text):
            if _RE_HEADING_ONLY.fullmatch(s):
                continue  # a sub-part's title on its own answers nothing
            st = tokens(s)
            overlap = (len(q_tokens & st) + 0.5 * len((q_tokens & title) - st)) / max(1, len(q_tokens))
            score = 2 * overlap + 0.5 * h.score * 60 / (rank + 1) ** 0.5
            if want_number and numbers_in(s):
                score += 0.3
                if unit and re.search(r"\d\s*[余多]?" + re.escape(unit), s):
                    score += 0.3
            out.append(Sentence(s, h.chunk, score, overlap))
    out.sort(key=lambda s: s.score, reverse=True)
    seen: set[str] = set()
    picked: list[Sentence] = []
    for s in out:
        if s.text in seen:
            continue
        seen.add(s.text)
        picked.append(s)
        if len(picked) >= n:
            break
    return picked


def sentence_evidence(s: Sentence, infos: dict[str, ReportInfo]) -> Evidence:
    c = s.chunk
    info = infos.get(c.report_id)
    return Evidence(kind="text", report_id=c.report_id, agency=info.agency if info else c.agency,
                    year=c.year, source=c.source, page=c.page, section=c.section, quote=s.text, score=s.score)


def number_near(sentence: str, question: str) -> int | float | None:
    """The number a 'how many' question asks about, from a quoted sentence (the first after a question word)."""
    nums = numbers_in(sentence)
    if not nums:
        return None
    qt = tokens(question)
    best, best_score = None, -1.0
    for m in re.finditer(r"\d+(?:\.\d+)?", sentence.replace(",", "")):
        before = sentence[max(0, m.start() - 14): m.start()]
        if re.fullmatch(r"(19|20)\d{2}", m.group()) and sentence[m.end(): m.end() + 1] == "年":
            continue
        if is_ordinal(sentence.replace(",", ""), m.start(), m.end()):
            continue
        sc = len(qt & tokens(before))
        if sc > best_score:
            best, best_score = m.group(), sc
    if best is None:
        return None
    return float(best) if "." in best else int(best)


_CN = "一二三四五六"
_SECTION_WORDS = (
    ("五", ("存在的主要问题", "存在哪些问题", "存在什么问题", "哪些问题", "什么问题", "主要问题", "哪些不足", "不足", "差距",
            "改进措施", "改进情况", "改进", "整改", "下一步", "打算")),
    ("六", ("其他需要报告的事项", "其他需要报告")),
)


def section_for(question: str) -> tuple[str, bool] | None:
    """(section number, title only) when a question is about a template section as such."""
    qk = key(question)
    m = re.search(r"第([一二三四五六1-6])部分", qk)
    if m:
        n = m.group(1)
        title_only = bool(re.search(r"讲的?是什么|标题|名称|叫什么|讲什么", qk)) and not re.search(r"文字|说明|写了", qk)
        return (_CN[int(n) - 1] if n.isdigit() else n), title_only
    for number, words in _SECTION_WORDS:
        if any(w in qk for w in words):
            return number, False
    return None


_RE_PHONE = re.compile(r"\d{3,4}-\d{7,8}")
_RE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


RE_DATE = re.compile(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日")


def contact_pattern(question: str) -> re.Pattern | None:
    """A pattern for details quoted as they stand: phone, e-mail, the report's date (落款日期: its last date).
    A question counting in a unit (电话申请有多少件, 邮件申请几件) asks a count, never a phone number or address."""
    qk = key(question)
    if re.search(r"落款|成文日期|发布日期|印发日期|签发日期|报告日期", qk) or (
            re.search(r"哪天|哪一天|什么日期|几月几日|何时", qk) and re.search(r"年报|报告", qk)):
        return RE_DATE
    if asked_unit(qk) is not None or re.search(r"(?:多少|几)(?:个|人|次)?$", re.sub(r"[？?。！!\s]+$", "", qk)) \
            and re.search(r"申请|件|次数", qk):
        return None
    if "电话" in qk:
        return _RE_PHONE
    if "邮箱" in qk or "邮件" in qk:
        return _RE_EMAIL
    return None


STRICT_UNITS = (*MONEY_UNITS, "条", "篇", "场", "期", "人次")  # a number in another unit never answers these


_DOC_OPEN, _DOC_CLOSE = "〔[［【(（", "〕]］】)）"


def is_ordinal(text: str, start: int, end: int) -> bool:
    """第711号, 第104号提案, 国办函〔2020〕109号: a document or item number (or its bracketed year), not a
    quantity."""
    return text[start - 1: start] == "第" or text[end: end + 1] == "号" or (
        text[start - 1: start] in _DOC_OPEN and text[end: end + 1] in _DOC_CLOSE and bool(text[start - 1: start]))



def elided_unit(flat: str, start: int, end: int, units: tuple[str, ...]) -> bool:
    """An item of a 其中 listing printed without its unit while the items around it carry it (其中政策类3条，
    国土资源…类信息 45，其他类4条): the number is counted in the listing's unit."""
    if not units or flat[end: end + 1].strip() not in ("，", "；", "、", "。", ""):
        return False
    if "其中" not in flat[:start]:
        return False
    unit_re = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    around = [x for x in re.finditer(rf"\d+(?:\.\d+)?(?:余|多)?(?:{unit_re})", flat) if not x.start() <= start < x.end()]
    return len(around) >= 2


def asked_unit(question: str) -> str | None:
    """The unit a number question asks for (多少万元 -> 万元), if it names one."""
    m = re.search(r"(?:多少|几)" + units_group(), question)  # (units: lexicon count_units)
    return m.group(1) if m else None


def strip_count_word(token: str) -> str:
    """A count word run into its noun by the tokenizer (多少篇文章 -> 篇文章 -> 文章); "" when nothing is left."""
    t = re.sub(r"^[篇条件个次项份名位家场期人]", "", token)
    return t if len(t) >= 2 else ("" if t != token else token)


def pick_number(question: str, sentences: list[str], ignore: set[str] = frozenset(),
                prefer: list[str] | tuple[str, ...] = ()) -> tuple[int | float, int] | None:
    """The number right after one of the question's words (会议公开13条 for 会议公开…多少条): (value, sentence index).
    ``ignore``: words that name the agency (they precede addresses, not answers). When the question names a
    unit, a number followed by that unit wins; a money question (多少万元) takes no number without a money unit."""
    qt = sorted({strip_count_word(t) for t in tokens(question) if not any(t in n for n in ignore)} - {""},
                key=lambda t: (-len(t), t))
    for w in prefer:  # the question's own quantity word (办结率) with a number right after it beats any clause;
        # of several such numbers, the one whose clause holds most of the question's words, then the one nearest
        # the word (政务公开培训1次 over …培训会7次 for 政务公开培训几次), then the first
        found = []
        for i, sent in enumerate(sentences):
            flat = key(sent).replace(",", "")
            for m in re.finditer(re.escape(key(w)) + r"[^\d，。；、]{0,3}?(\d+(?:\.\d+)?)(?![\d-])", flat):
                if len(key(w)) >= 2:
                    start = max(flat.rfind(d, 0, m.start(1)) for d in "，。；、：;:,") + 1
                    gap = m.start(1) - (m.start() + len(key(w)))  # 培训1次 (next to the word) over 培训会7次
                    found.append((-sum(len(t) for t in qt if t in flat[start: m.start(1)]), gap, i, m.start(1),
                                  m.group(1)))
        if found:
            *_, i, _, v = min(found)
            return (float(v) if "." in v else int(v)), i
    unit = asked_unit(question)
    units = MONEY_UNITS if unit in MONEY_UNITS else (unit,) if unit else ()
    passes = [True, False] if units and unit not in STRICT_UNITS else [bool(units)]
    for need_unit in passes:
        # every number right after a question word is a candidate; the one whose clause (the text back to the
        # last 、，。) holds most of the question's words wins: 政策解读7条 over 政策文件1条 for 政策解读多少条.
        # Ties keep the old order: longer word first, then earlier sentence, then earlier in the sentence.
        best: tuple[tuple, int | float, int] | None = None
        for rank, t in enumerate(qt):
            for i, sent in enumerate(sentences):
                flat = sent.replace(",", "")
                for m in re.finditer(re.escape(t) + r"[^\d，。；、]{0,8}?(\d+(?:\.\d+)?)(?![\d-])", flat):
                    if re.fullmatch(r"(19|20)\d{2}", m.group(1)) and flat[m.end(1): m.end(1) + 1] == "年":
                        continue
                    if is_ordinal(flat, m.start(1), m.end(1)):
                        continue
                    if need_unit and not flat[m.end(1):].lstrip("余多").startswith(units) \
                            and not elided_unit(flat, m.start(1), m.end(1), units):  # 877余篇
                        continue
                    start = max(flat.rfind(d, 0, m.start(1)) for d in "，。；、：;:") + 1
                    clause = flat[start: m.start(1)]
                    gap = m.start(1) - (m.start() + len(t))  # 培训1次 (next to the word) over 培训会7次
                    key_ = (sum(len(w) for w in qt if w in clause), -gap, -rank, -i, -m.start(1))
                    if best is None or key_ > best[0]:
                        v = m.group(1)
                        best = (key_, float(v) if "." in v else int(v), i)
        if best is not None:
            return best[1], best[2]
    return None

