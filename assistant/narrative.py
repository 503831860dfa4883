"""The narrative path of one question: route a question about the report's structure to its section, else hybrid
retrieval -> the best sentences -> (for a number question) the number next to the question's own words, or a sum /
difference of two stated numbers. ``None`` means "the text does not answer this": the caller refuses."""

from __future__ import annotations

import logging
import re
from typing import Callable

from assistant import narrative_sections as sections
from assistant import text_arithmetic, text_listing, units
from assistant.lexicon import default_lexicon
from assistant.models import Evidence
from assistant.query import Query
from assistant.quote_lines import quote_lines
from assistant.retrieval import (
    MONEY_UNITS,
    RE_DATE,
    STRICT_UNITS,
    Sentence,
    asked_unit,
    best_sentences,
    contact_pattern,
    hybrid_search,
    number_near,
    pick_number,
    section_for,
    sentence_evidence,
    tokens,
)
from assistant.scope import is_subsequence
from assistant.table_answers import Cited, fmt, name
from assistant.text_numbers import (
    _clause_of,
    asks_share,
    breakdown_items,
    breakdown_part,
    kind_first,
    respective,
    respective_item,
    stated_none,
    share_of_words,
    stated_share,
    whole_of,
)
from assistant.text_periods import other_period
from assistant.text_words import next_to_words, qualified, rival_subject, variants, with_synonyms
from ingest.agency import forms as agency_forms, question_forms
from ingest.index import ReportIndex, ReportInfo
from ingest.settings import Settings
from ingest.text import key, load_jieba

log = logging.getLogger(__name__)

NarrativeResult = tuple[str, int | float | None]  # (or a units.UnitConflict: refused, saying why)


def qualifiers(a: Query) -> list[str]:
    """The question's content words written just before its quantity word, in the same clause (答复 in
    政府信息公开答复满意率, 网络 in 网络申请数): what kind of figure is asked. Generic words (政府信息公开) are none."""
    text = without_scope(a)
    for w in a.quantity_words:
        at = text.find(w)
        if at <= 0:
            continue
        start = max(text.rfind(d, 0, at) for d in "，,。；;、：:？?！! ") + 1
        lx = default_lexicon()
        before = [t for t in jieba_words(text[start:at]) if t in tokens(t) and not t.isascii()
                  and not any(m.kind == "op" for m in lx.surfaces.get(lx.norm(t), ()))]  # 做了几次全覆盖检查: no kind
        return before[-1:]  # the nearest modifier (群众 in 通过12345平台累计受理群众诉求)
    return []


def jieba_words(text: str) -> list[str]:
    return load_jieba().lcut(key(text))


def without_scope(a: Query) -> str:
    """The question without the agency it names and the report years of its scope (a year that is no report
    year, 到2025年, stays: it is content)."""
    text = a.question
    for sp in a.spans:
        if sp.kind == "agency" or (sp.kind == "year" and any(str(y) in sp.text for y in a.years)):
            text = text.replace(sp.text, " ")
    return text


def asks_rank(question: str) -> bool:
    """哪一类最多 / 哪个栏目最少: the largest or smallest item of a breakdown is asked."""
    lx = default_lexicon()
    return "哪" in question and any(w in question for w in (*lx.op_words("max"), *lx.op_words("min")))


def asks_list(question: str) -> bool:
    """将抓好哪几项工作 / 重点做好哪几个方面: every item of an enumeration is asked (lexicon: list_questions)."""
    qk = key(question)
    return any(w in qk for w in default_lexicon().list_questions)


class Narrative:
    """Answers a question from the report text. ``absent_terms(question)``: the question's content words that
    occur nowhere in the corpus (the assistant caches the corpus vocabulary)."""

    def __init__(self, index: ReportIndex, settings: Settings, absent_terms: Callable[[str], list[str]]):
        self.index = index
        self.settings = settings
        self.absent_terms = absent_terms

    def fallback(self, infos: list[ReportInfo], cited: Cited) -> str:
        """What the text says about applications, for a blank table."""
        return sections.applications_fallback(self.index, infos, cited)

    def answer(self, a: Query, scope: list[ReportInfo], cited: Cited) -> NarrativeResult | None:
        if len(scope) == 1 and text_listing.asks_rank(a.question):  # 85条政务信息中，哪一类最多: the listing's parts
            ranked = text_listing.rank_answer(a, self.index, scope, cited)
            if ranked is not None:
                return ranked
        if (a.wants_number or text_arithmetic.asks_which(a.question)) and len(scope) == 2 \
                and a.operation.kind == "narrative":
            # one quantity in two reports (…比…多多少条, 2021年和2022年一共…, 谁…多): its words may all be generic
            # (公开的政府信息) or name a sub-part (政协提案), so neither the structural routes nor the relevance gate
            # below decide; each operand carries its own gate — a clause holding the question's words, in the asked
            # unit, next to its quantity words — and each report is searched on its own
            infos = {i.report_id: i for i in scope}
            names = {n for i in scope for n in (i.agency, *i.agency_variants)}
            absent = [t for t in self.absent_terms(a.question) if not any(is_subsequence(t, n) for n in names)]
            done = None if absent else self._arithmetic(a, scope, [], names, infos, cited)
            if done is not None:
                return done
        routed = self._structural(a, scope, cited)
        if routed is not None:
            return None if routed is _NOTHING else routed
        ids = {i.report_id for i in scope}
        hits = hybrid_search(self.index, self.settings, a.question, ids, bm25_query=with_synonyms(without_scope(a)))
        if not hits:
            return None
        best = hits[0]
        dense = max((h.dense for h in hits[:3] if h.dense is not None), default=None)
        if self.settings.embedding_model == "fake":  # the test embedder's similarities mean nothing
            dense = None
        infos = {i.report_id: i for i in scope}
        names = {n for i in scope for n in (i.agency, *i.agency_variants)}
        sents = best_sentences(a.question, hits, self.settings.answer_top_k, want_number=a.wants_number, ignore=names)
        if not sents:
            return None
        top_overlap = max(s.overlap for s in sents)
        # calibrated refusal (eval/gold): off-topic questions score below min_relevance with e5,
        # every answerable narrative question above it; with no dense score, lexical overlap decides
        if (dense is not None and dense < self.settings.min_relevance) or (dense is None and top_overlap < 0.34):
            log.info("narrative refusal: dense=%s overlap=%.2f best=%s", dense, top_overlap, best.chunk.section)
            return None
        # only the words the reader could not place can be foreign to the corpus (an agency's name, a filler word
        # such as total, a question word are placed; tokens of the raw question also cut across them: 局微信)
        absent = [t for t in self.absent_terms(a.question) if any(t in w for w in a.unplaced)
                  and not any(is_subsequence(t, n) for n in names)]  # 市政府办 abbreviates 青山市人民政府办公室
        if absent and a.wants_number:
            log.info("narrative refusal: %s not in the corpus", absent)
            return None
        expanded = with_synonyms(a.question)
        if expanded != a.question and not a.wants_number:  # 新开了哪个渠道: the sentence saying 开通了…微信 first
            sents = best_sentences(expanded, hits, self.settings.answer_top_k, want_number=False, ignore=names) or sents
        if len(scope) == 1 and asks_rank(a.question):
            ranked = self._ranked(a, hits, names, infos, cited)
            if ranked is not None:
                return ranked
        if a.wants_number:
            done = self._arithmetic(a, scope, hits, names, infos, cited)
            if done is not None:
                return done
            if len(scope) == 2 and text_arithmetic.asks_difference(a.question):
                log.info("narrative refusal: a difference of two reports asked, no operand pair found")
                return None  # one report's number is no answer to 比…多多少
        if len(a.agencies) >= 2:  # one best sentence per named agency, so none is left out
            per = []
            for info in scope:
                own = [h for h in hits if h.chunk.report_id == info.report_id]
                per += best_sentences(a.question, own, 1, want_number=a.wants_number, ignore=names)
            sents = per or sents
        value, no_unit = None, None
        if a.wants_number:
            picked = self._number(a, sents, hits, names)
            if picked is None or isinstance(picked, units.UnitConflict):
                return picked
            value, no_unit, sents = picked
        if not a.wants_number and asks_list(a.question):
            listed = self._listed(sents, infos, cited)
            if listed is not None:
                return listed
        return self._quote(a, sents, infos, cited, value, no_unit)

    def _section_list(self, a: Query, scope: list[ReportInfo], number: str, cited: Cited) -> NarrativeResult | None:
        """A list question about a template section (下一步要做好哪些方面 -> 五): the section's enumerated passage
        whose lead-in shares most of the question's words (the improvements, not the problems)."""
        qt = tokens(without_scope(a))
        lines = []
        for info in scope:
            found = sections.enumerations(self.index, info, number)
            if not found:
                continue
            plan = [w for w in default_lexicon().data.plan_words if w in a.question]

            def lead(items: list[tuple[str, str]]) -> str:
                return items[0][0].split(" / ")[-1] + " ".join(x for _, x in items[:2])

            def planned(items: list[tuple[str, str]]) -> bool:
                return "将" in lead(items) or any(w in lead(items) for w in default_lexicon().data.plan_words)

            # 存在哪些问题 asks the problems: an enumeration of what will be done is no answer to it (the problems
            # may be prose: 如…有待提高、…等), and the other way round
            found = [x for x in found if planned(x) == bool(plan)]
            if not found:
                continue
            best = max(found, key=lambda items: len(qt & tokens(lead(items))))
            for path, x in best:
                ev = Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                              source=info.source, section=path, quote=x)
                lines.append(f"- {name(info)}「{path}」：{x}{cited.add([ev])}")
        return ("报告原文列举如下：\n" + "\n".join(lines), None) if lines else None

    def _ranked(self, a: Query, hits: list, names: set[str], infos: dict[str, ReportInfo],
                cited: Cited) -> NarrativeResult | None:
        """哪一类最多: the largest (smallest) item of the breakdown the text states (其中政策文件1条、…业务动态28条)."""
        pool = best_sentences(a.question, hits, 20, want_number=True, ignore=names)
        least = any(w in a.question for w in default_lexicon().op_words("min"))
        for s in pool:
            items = breakdown_items(s.text)
            if len(items) < 3:
                continue
            pick = min if least else max
            v = pick(n for _, n, _ in items)
            top = [(label, n, u) for label, n, u in items if n == v]
            mark = cited.add([sentence_evidence(s, infos)])
            info = infos.get(s.chunk.report_id)
            what = "、".join(label for label, _, _ in top)
            text = (f"{name(info)}列出的 {len(items)} 类中，{what}{'最少' if least else '最多'}：{fmt(v)} {top[0][2]}{mark}。\n"
                    f"- 「{s.chunk.section}」：{s.text}")
            return text, v
        return None

    def _listed(self, sents: list[Sentence], infos: dict[str, ReportInfo], cited: Cited) -> NarrativeResult | None:
        """A list question (将抓好哪几项工作): every item of the enumerated passage the best sentences open."""
        for s in sents:
            info = infos.get(s.chunk.report_id)
            items = sections.enumeration(self.index, info, s.chunk.section, s.text) if info else None
            if not items:
                continue
            lines = []
            for path, x in items:
                ev = Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                              source=info.source, page=s.chunk.page, section=path, quote=x)
                lines.append(f"- {name(info)}「{path}」：{x}{cited.add([ev])}")
            return "报告原文列举如下：\n" + "\n".join(lines), None
        return None

    def _structural(self, a: Query, scope: list[ReportInfo], cited: Cited) -> NarrativeResult | object | None:
        """A question about the report's structure (its parts, a section, a signature date, a sub-part), answered
        from the report itself; ``_NOTHING`` when that question finds nothing and must not go on to retrieval."""
        if len(scope) > 3:
            return None
        if re.search(r"几个部分|几部分|哪几个部分|哪些部分|分为几|由哪些部分", key(a.question)):
            return sections.parts_answer(self.index, scope, cited)
        routed = section_for(a.question)
        if routed is not None and not routed[1] and not a.wants_number and asks_list(a.question):
            found = self._section_list(a, scope, routed[0], cited)
            if found is not None:
                return found
        if routed is not None:
            found = sections.section_answer(self.index, a, scope, routed, cited, self.settings.answer_top_k)
            if found is not None:
                return found
        pattern = contact_pattern(a.question)
        if pattern is not None:
            found = sections.pattern_answer(self.index, scope, pattern, cited)
            if found is not None:
                return found
            if pattern is RE_DATE:  # no signature date: say so, never a date from the text
                return _NOTHING
        if not a.wants_number and not asks_rank(a.question) and not asks_list(a.question):
            return sections.subpart_answer(self.index, a, scope, cited)
        return None

    def _number(self, a: Query, sents: list[Sentence], hits: list, names: set[str]
                ) -> tuple[int | float | None, str | None, list[Sentence]] | units.UnitConflict | None:
        """(value, the strict unit none was found in, the sentences to quote — the number's first), or ``None``
        when the number found does not sit next to the question's own words (a refusal), or a ``UnitConflict``
        when it is printed in another unit than the one asked."""
        value, no_unit = None, None
        pool = sents + [x for x in best_sentences(a.question, hits, 12, want_number=True, ignore=names)
                        if x not in sents]
        whole = list(pool)
        # a total asked is read before its breakdown (…90条，其中…其他应主动公开的政府信息53条)
        pool = [x if (w := whole_of(x.text, a.question)) == x.text else Sentence(w, x.chunk, x.score, x.overlap)
                for x in pool]
        unit = asked_unit(a.question)
        picked = pick_number(a.question, [x.text for x in pool], names, a.quantity_words)
        if picked is None and unit in STRICT_UNITS:  # look further before giving up
            pool += [x for x in best_sentences(a.question, hits, 60, want_number=True, ignore=names)
                     if x not in pool]
            picked = pick_number(a.question, [x.text for x in pool], names, a.quantity_words)
        if picked is None and unit in STRICT_UNITS and unit not in MONEY_UNITS:
            # (a sum of money must follow the question's own words: 工作经费 is not 信息处理费)
            # the words before the number differ (政府信息 … 政务信息15条): the clause sharing most of the
            # question's words (or bigrams), if its number carries the asked unit
            op = text_arithmetic.best_operand(a.question, pool, names, unit, require_unit=True)
            if op is not None:
                picked = (op.value, pool.index(op.sentence))
        if picked is None and unit in MONEY_UNITS:
            log.info("narrative refusal: a sum of money asked, none stated near the question's words")
            return None
        if picked is not None and a.quantity_words and not next_to_words(
                _clause_of(pool[picked[1]].text, picked[0]), a.quantity_words):
            # 公众号共发布推文57期 … 关注人数1314人次 for 公众号的关注人数: the clause that holds the quantity word
            # (the words as asked, then as the reports write them: 粉丝 -> 关注)
            for words in dict.fromkeys(["".join(a.quantity_words), *(v for w in a.quantity_words for v in variants(w))]):
                op = text_arithmetic.best_operand(words, pool, names, unit, require_unit=unit in STRICT_UNITS)
                if op is not None and next_to_words(_clause_of(op.sentence.text, op.value), a.quantity_words):
                    picked = (op.value, pool.index(op.sentence))
                    break
        picked, pool = kind_first(a, picked, pool, whole, names, unit)
        if picked is not None and not next_to_words(pool[picked[1]].text, a.quantity_words):
            log.info("narrative refusal: the number found does not sit next to %s", a.quantity_words)
            return None  # 工作经费是多少: a number of a sentence without 经费 is no answer
        quals = qualifiers(a)
        if picked is not None and not qualified(pool[picked[1]].text, pool[picked[1]].chunk.section, quals):
            log.info("narrative refusal: the number found is not qualified by %s", quals)
            return None  # 答复满意率: a 满意率 of another kind of request is no answer
        if picked is not None:
            value, at = picked
            value = respective(pool[at].text, a.question, a.quantity_words) or value
            # an item of a respective list (人均综合能耗、人均用水量…分别降低3.6%、3.9%) naming more of the question than
            # the clause the number was picked from
            qt = tokens(a.question) - {t for t in tokens(a.question) if any(t in n for n in names)}
            held = sum(len(t) for t in qt if t in _clause_of(pool[at].text, value))
            for i, x in enumerate(pool):
                item = respective_item(x.text, a.question, a.quantity_words) if i != at else None
                if item is not None and item[1] > held:
                    value, at, held = item[0], i, item[1]
            sents = [pool[at]] + [x for x in sents if x is not pool[at]][: len(sents) - 1]
        elif unit in STRICT_UNITS:  # 发布信息多少条: 12场 is no answer
            no_unit = unit
        else:
            value = number_near(sents[0].text, a.question)
            if value is not None and not next_to_words(sents[0].text, a.quantity_words):
                log.info("narrative refusal: the number found does not sit next to %s", a.quantity_words)
                return None
        topics = [sp.text for sp in a.spans if sp.kind == "topic"]
        rival = rival_subject(sents[0].text, topics, _clause_of(sents[0].text, value)) if value is not None else None
        if rival:
            log.info("narrative refusal: %s asked, the figure's sentence is about %s", *rival)
            return None  # 人大建议有多少件: 区政协提出的…2条建议 is 政协's, under a title naming both
        if value is not None and not next_to_words(sents[0].text + (sents[0].chunk.section or ""), topics):
            log.info("narrative refusal: the figure's sentence is about none of %s", topics)
            return None  # 微信公众号发布了多少条信息: 市政府网站…5500余条 is the website's count
        if value is not None and asks_share(a.question):
            share = stated_share(sents[0].text, value)
            if share is None:  # 主动公开的政府信息占34.82%: a share the text states of the question's words itself
                found = next(((x, v) for x in sents if (v := share_of_words(x.text, a.question)) is not None), None)
                if found is not None:
                    sents = [found[0]] + [x for x in sents if x is not found[0]]
                    share = found[1]
            if share is None:
                log.info("narrative refusal: a share asked, the text states no percentage for %s", value)
                return None  # 信函申请占比: 信函申请28件 is a count, not its share
            value = share
        printed = units.conflicting_unit(unit, sents[0].text, value, a.question) if value is not None else ""
        if printed:  # 行政复议多少条: 「行政复议351件」 counts cases, not 条
            log.info("narrative refusal: %s asked, the figure is printed in %s", unit, printed)
            return units.UnitConflict(unit, printed, value, units.clause_around(sents[0].text, value))
        return value, no_unit, sents

    def _quote(self, a: Query, sents: list[Sentence], infos: dict[str, ReportInfo], cited: Cited,
               value: int | float | None, no_unit: str | None) -> NarrativeResult | None:
        # quote only what bears on the question: drop sentences far weaker than the best one
        top = max(x.overlap for x in sents)
        sents = [sents[0]] + [x for x in sents[1:] if x.overlap >= 0.6 * top and x.overlap > 0]

        def line(x: Sentence) -> tuple[str, str | None, str]:  # (who, section, the sentence with its citation mark)
            mark = cited.add([sentence_evidence(x, infos)])
            info = infos.get(x.chunk.report_id)
            return (name(info) if info else f"{x.chunk.agency} {x.chunk.year} 年"), x.chunk.section, f"{x.text}{mark}"

        asked = a.quantity_words or [sp.text for sp in a.spans if sp.kind == "topic"]
        nothing = stated_none(sents, asked) if a.wants_number and value is None else None
        if nothing is not None:  # 收了多少信息处理费: 本年度没有产生信息公开处理费 says 0 (only that sentence is cited)
            return "据报告原文，没有（0）：\n" + "\n".join(quote_lines([line(nothing)])), 0
        lines = [line(x) for x in sents]
        if a.wants_number and a.quantity_words and value is None:
            log.info("narrative refusal: no number next to %s", a.quantity_words)
            return None
        # a figure of 万 or 亿 is shown as printed (2.9万余次): 2.9 alone is no count of anything
        shown = units.with_magnitude(sents[0].text, value) if value is not None else None
        if value is not None and asks_share(a.question):
            shown = f"{fmt(value)}%"
        head = ("报告原文相关表述：" if not a.wants_number or value is None else f"据报告原文，相关数字为 {shown or fmt(value)}：")
        both = other_period(a.question, sents[0].text, value, a.quantity_words) if value is not None else None
        if both is not None:  # 关注用户有多少: 全年…1077人 and 累计…2811人 are both that; neither alone is the answer
            log.info("narrative: two periods' figures of %s, the question names neither", a.quantity_words)
            head = f"报告原文给出了两个时段的数字，问题没有说明要哪一个：「{both.clause}」，「{both.other_clause}」。"
            value, shown = None, None
        if no_unit:
            head = f"报告原文中没有找到以「{no_unit}」计的相关数字。最接近的表述："
        return head + "\n" + "\n".join(quote_lines(lines)), units.magnitude_value(shown, value) if value is not None else None

    def _arithmetic(self, a: Query, scope: list[ReportInfo], hits: list, names: set[str],
                    infos: dict[str, ReportInfo], cited: Cited) -> tuple[str, int | float | None] | None:
        """A sum or difference of two numbers the text states (two terms of one report, or one term in two)."""
        def view(x: Sentence) -> Sentence | None:
            if breakdown_part(x.text, x.chunk.text, a.question):
                return None
            whole = whole_of(x.text, a.question)
            return x if whole == x.text else Sentence(whole, x.chunk, x.score, x.overlap)

        if len(scope) == 1:
            calc = text_arithmetic.within_report(a.question, hits, names, view=view)
        elif len(scope) == 2:
            order = sorted(scope, key=lambda i: (a.years.index(i.year) if i.year in a.years else 9,
                                                 a.agencies.index(i.agency) if i.agency in a.agencies else 9))
            forms = {f for n in names for f in (*agency_forms(n), *question_forms(key(n)))}  # 自然资源与生态环境局 too
            # each report searched on its own with the question's words but not the agencies' names, which match
            # every sentence of a report (signatures, preambles) and crowd out the one stating the quantity
            bare = text_arithmetic.strip_names(a.question, forms)
            per = [hybrid_search(self.index, self.settings, bare, {i.report_id}) or
                   [h for h in hits if h.chunk.report_id == i.report_id] for i in order]
            calc = text_arithmetic.across_reports(a.question, per, forms, a.quantity_words, view=view)
        else:
            return None
        if calc is None or not all(next_to_words(o.sentence.text, a.quantity_words) for o in calc.operands):
            return None
        if any(units.conflict(asked_unit(a.question), o.unit, a.question) for o in calc.operands):
            log.info("narrative refusal: an operand is printed in another unit than the one asked")
            return None  # 会议公开和业务动态一共多少件: 13条 + 28条 are no count of 件
        if not all(next_to_words(_clause_of(o.sentence.text, o.value), a.quantity_words) for o in calc.operands):
            log.info("narrative refusal: an operand does not sit next to %s", a.quantity_words)
            return None
        parts = []
        for o in calc.operands:
            info = infos.get(o.sentence.chunk.report_id)
            who = f"{name(info)}：" if info and len(scope) > 1 else ""
            mark = cited.add([sentence_evidence(o.sentence, infos)])
            parts.append((who, o, mark))
        (wa, oa, ma), (wb, ob, mb) = parts
        a_side = f"{wa}{oa.term + ' ' if oa.term else ''}{fmt(oa.value)} {oa.unit}".rstrip() + ma
        b_side = f"{wb}{ob.term + ' ' if ob.term else ''}{fmt(ob.value)} {ob.unit}".rstrip() + mb
        u = f" {oa.unit}" if oa.unit and oa.unit == ob.unit else ""
        if calc.op == "which":  # 谁…多: both values, the one asked named (no single value)
            who = [name(infos[o.sentence.chunk.report_id]) for o in calc.operands]
            value = None
            text = f"{a_side}，{b_side}，{text_arithmetic.which_text(a.question, who, oa.value, ob.value)}。"
        elif calc.op == "sum":
            value = calc.value
            text = f"{a_side}，{b_side}，合计 {fmt(oa.value)} + {fmt(ob.value)} = {fmt(value)}{u}。"
        else:  # …比…多多少 -> first - second; …比…少多少 -> second - first
            less = text_arithmetic.asks_less(a.question)
            value = -calc.value if less else calc.value
            if isinstance(value, float):
                value = round(value, 6)
            diff = calc.value
            text = f"{a_side}，{b_side}，{text_arithmetic.difference_text(a.question, diff, u)}。"
        lines = [(name(infos[o.sentence.chunk.report_id]), o.sentence.chunk.section, f"{o.sentence.text}{m}")
                 for _, o, m in parts if o.sentence.chunk.report_id in infos]
        return "据报告原文计算：" + text + "\n" + "\n".join(quote_lines(lines)), value


_NOTHING = object()  # a structural question that found nothing: refuse, do not retrieve
