"""The six sections' narrative: templated sentences with the numbers woven in.

Every number a sentence states is recorded as a ``NarrativeFact`` (key, value,
section path, the sentence itself), so gold questions can ask for it and checks
can compare it with the tables.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .agencies import Agency
from .document import Heading, LabelStyle, Para
from .model import NarrativeFact


@dataclass
class Numbers:
    """The printed numbers the narrative may mention (None: not to be mentioned)."""

    new: int | None
    carried: int | None
    handled: int | None
    forward: int | None
    natural: int | None
    review: int | None
    litigation: int | None
    normative_issued: int | None
    narrative_new: int | None = None  # overrides ``new`` in the text (narrative.new violation)


@dataclass
class Out:
    elements: list = field(default_factory=list)
    facts: list[NarrativeFact] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


def _pick(rng: random.Random, options: list[str], **kw) -> str:
    return rng.choice(options).format(**kw)


def _self_ref(ag: Agency) -> str:
    return ag.btype.self_ref


def _unit(ag: Agency) -> str:
    """How the headings of 六 name the agency (the template's wording)."""
    return "本行政机关"


class Writer:
    def __init__(self, rng: random.Random, ag: Agency, year: int, style: LabelStyle, nums: Numbers):
        self.rng, self.ag, self.year, self.style, self.nums = rng, ag, year, style, nums
        self.out = Out()
        self._top = ""
        self._sub = ""

    # ---- structure helpers
    def top(self, text: str) -> None:
        self._top = text
        self._sub = ""
        self.out.sections.append(text)
        self.out.elements.append(Heading(text, 1))

    def sub(self, n: str, title: str, body: str | None = None, inline: bool = False) -> None:
        """A （一） sub-part: heading line + body, or inline '（一）标题。正文' (seed 001)."""
        head = self.style.br(n) + title
        self._sub = head
        if inline and body:
            self.out.elements.append(Para(f"{head}。{body}"))
        else:
            self.out.elements.append(Heading(head, 2))
            if body:
                self.out.elements.append(Para(body))

    def para(self, text: str) -> None:
        self.out.elements.append(Para(text))

    def fact(self, key: str, value: int | float, sentence: str) -> None:
        path = self._top if not self._sub else f"{self._top} / {self._sub}"
        self.out.facts.append(NarrativeFact(key=key, value=value, section=path, quote=sentence))

    @property
    def y(self) -> str:
        return self.style.year(self.year)

    # ---- sections
    def section1(self) -> None:
        rng, ag, y, me = self.rng, self.ag, self.y, _self_ref(self.ag)
        one = "—、总体情况" if self.style.dash_one else "一、总体情况"
        self.top(one)
        self.para(_pick(rng, [
            "{y}，{ag}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "按照“公开为常态、不公开为例外”的原则，不断提升政务公开质量和实效。",
            "{y}，在上级的正确领导下，{ag}认真贯彻落实政府信息公开各项规定，进一步加强组织领导，建立健全工作机制，"
            "积极推进重点领域信息公开，切实保障人民群众的知情权、参与权、表达权和监督权。",
            "{y}，{me}深入贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，严格执行《条例》规定，"
            "以公开促落实、以公开促规范、以公开促服务，政府信息公开工作取得新成效。",
        ], y=y, ag=ag.canonical, me=me))
        inline = rng.random() < 0.4
        # （一）主动公开
        p = int(rng.lognormvariate(4.5 if ag.level in ("省", "市") else 3.5, 0.9)) + 5
        s1 = _pick(rng, [
            "{y}，{me}通过政府网站主动公开各类政府信息{p}条。",
            "全年共主动公开政府信息{p}条，涵盖机构职能、政策文件、规划计划、财政预决算等内容。",
            "{y}，{me}在门户网站累计发布政务信息{p}条，及时回应社会关切。",
        ], y=y, me=me, p=p)
        body = s1
        facts = [("published_items", p, s1)]
        if self.nums.normative_issued:
            s2 = f"其中，制发行政规范性文件{self.nums.normative_issued}件，均按要求同步做好政策解读。"
            body += s2
            facts.append(("normative_issued", self.nums.normative_issued, s2))
        body += rng.choice(["", "紧紧围绕中心工作，持续加大重点领域信息公开力度。",
                            "及时更新机构职能、领导信息、工作动态等栏目内容。"])
        t1 = rng.choice(["主动公开", "主动公开情况", "主动公开政府信息情况"])
        if inline:
            self._sub = self.style.br("一") + t1
            self.para(f"{self._sub}。{body}")
        else:
            self.sub("一", t1, body)
        for k, v, s in facts:
            self.fact(k, v, s)
        # （二）依申请公开
        title = rng.choice(["依申请公开", "依申请公开情况", "依申请公开办理情况"])
        sents = self._applications_sentences()
        if inline:
            self._sub = self.style.br("二") + title
            self.para(f"{self._sub}。" + "".join(s for s, _ in sents))
        else:
            self.sub("二", title)
            self.para("".join(s for s, _ in sents))
        for s, fs in sents:
            for k, v in fs:
                self.fact(k, v, s)
        # （三）政府信息管理 （四）平台建设 （五）监督保障
        for n, titles, bodies in (
            ("三", ["政府信息管理", "政府信息管理情况"], [
                "严格落实“先审查、后公开”和“一事一审”制度，规范信息发布流程，确保公开信息不涉密、涉密信息不公开。",
                "建立健全信息公开保密审查、信息发布协调等制度，定期对已公开政策文件进行清理，动态调整主动公开目录。",
                "加强政府信息源头管理，落实公开属性源头认定机制，对公文的公开属性逐一审核。"]),
            ("四", ["政府信息公开平台建设", "平台建设情况", "政府信息公开平台建设情况"], [
                "以政府门户网站为第一平台，优化政府信息公开专栏设置，安排专人负责信息的上传、更新和维护。",
                "充分发挥政务新媒体作用，开通政务微信公众号{k}个，拓宽信息公开渠道。",
                "进一步规范政府信息公开专栏，按照统一目录及时发布各类信息，保障栏目内容准确、更新及时。"]),
            ("五", ["监督保障", "监督保障情况", "政府信息公开监督保障情况"], [
                "将政府信息公开工作纳入年度目标考核，全年组织业务培训{k}次，不断提高工作人员业务水平。",
                "明确分管领导和专职人员，定期开展自查自纠，及时整改发现的问题，全年未发生因信息公开不当引起的责任追究事项。",
                "主动接受社会监督，畅通意见反馈渠道，对群众反映的问题及时核实处理。"]),
        ):
            t = rng.choice(titles)
            b = rng.choice(bodies).format(k=rng.randint(1, 6))
            if inline:
                self._sub = self.style.br(n) + t
                self.para(f"{self._sub}。{b}")
            else:
                self.sub(n, t, b)

    def _applications_sentences(self) -> list[tuple[str, list[tuple[str, int]]]]:
        rng, y, me, n = self.rng, self.y, _self_ref(self.ag), self.nums
        if n.new is None:  # 表三 printed blank: say nothing countable
            return [(rng.choice([
                "依申请公开工作按照《条例》规定的程序和时限办理，具体情况见下表。",
                "进一步规范依申请公开的受理、审查、答复等环节，依法保障申请人的合法权益。"]), [])]
        shown = n.narrative_new if n.narrative_new is not None else n.new
        if shown == 0:
            s = rng.choice([f"{y}，{me}未收到政府信息公开申请。", f"{y}度，{me}无依申请公开办理情况。",
                            f"{y}，{me}共收到政府信息公开申请0件。"])
            return [(s, [("new", 0)])]
        form = rng.randrange(4)
        if form == 0 and n.carried is not None and n.handled is not None and n.forward is not None:
            s = (f"{y}，{me}共收到政府信息公开申请{shown}件，上年结转{n.carried}件，办结{n.handled}件，"
                 f"结转下年度继续办理{n.forward}件。")
            return [(s, [("new", shown), ("carried", n.carried), ("handled", n.handled), ("forward", n.forward)])]
        if form == 1 and n.carried is not None and n.handled is not None and n.forward is not None:
            s = (f"{y}，共受理政府信息公开申请{shown}件，答复{n.handled}件（含上年度结转申请{n.carried}件，"
                 f"另有{n.forward}件顺延到下年度答复），均在法定期限内予以答复。")
            out = [(s, [("new", shown), ("handled", n.handled), ("carried", n.carried), ("forward", n.forward)])]
        elif form == 2 and n.natural is not None:
            s = f"{y}度，{me}新收政府信息公开申请{shown}件，其中自然人申请{n.natural}件。"
            out = [(s, [("new", shown), ("natural", n.natural)])]
        else:
            s = f"本年度共收到依申请公开申请{shown}件，均已按照法定程序和时限予以答复。"
            out = [(s, [("new", shown)])]
        if n.review is not None and n.litigation is not None and rng.random() < 0.6:
            s2 = f"因政府信息公开被申请行政复议{n.review}件，被提起行政诉讼{n.litigation}件。"
            out.append((s2, [("review", n.review), ("litigation", n.litigation)]))
        return out

    def section3_intro(self) -> None:
        n = self.nums
        if n.new == 0 and self.rng.random() < 0.4:
            self.para(f"{self.y}，{_self_ref(self.ag)}未收到政府信息公开申请。")

    def section4_intro(self) -> None:
        n = self.nums
        if n.review == 0 and n.litigation == 0 and self.rng.random() < 0.3:
            self.para(f"{self.y}，{_self_ref(self.ag)}未发生因政府信息公开引起的行政复议、行政诉讼案件。")

    def section5(self) -> None:
        rng, me = self.rng, _self_ref(self.ag)
        self.top(self.style.t5_title)
        problems = rng.sample([
            "政府信息公开的深度和广度还需进一步拓展",
            "信息更新的及时性有待提高",
            "政策解读的形式还不够丰富，解读质量有待提升",
            "工作人员业务能力与新形势新要求相比还有差距",
            "依申请公开答复的规范化水平有待提高",
            "政务新媒体的关注度和影响力不高",
        ], k=rng.randint(2, 3))
        fixes = rng.sample([
            "加强业务培训，不断提高工作人员的政策把握能力和业务水平",
            "拓宽公开渠道，丰富公开形式，增强信息发布的时效性",
            "加大政策解读力度，推出图解、视频等多种解读形式",
            "严格落实保密审查制度，规范依申请公开办理流程",
            "加强平台建设，切实做好网站和政务新媒体的运维保障",
        ], k=rng.randint(2, 3))
        ords = "一二三四"
        p = "；".join(f"{ords[i]}是{t}" for i, t in enumerate(problems)) + "。"
        f = "".join(f"{ords[i]}是{t}。" for i, t in enumerate(fixes))
        if rng.random() < 0.5:
            self.sub("一", rng.choice(["存在问题", "存在的主要问题"]), f"{me}政府信息公开工作还存在一些不足：{p}")
            self.sub("二", rng.choice(["改进情况", "改进措施"]), f"下一步，{me}将着力做好以下工作：{f}")
        else:
            self.para(f"{me}政府信息公开工作虽取得一定成效，但仍存在一些不足：{p}下一步，{me}将{f}")

    def section6(self, fee_yuan: float) -> None:
        rng, y, me = self.rng, self.y, _self_ref(self.ag)
        self.top("六、其他需要报告的事项")
        if rng.random() < 0.2:
            self.para("无。")
            return
        if fee_yuan:
            fee = f"{y}，{me}依据《政府信息公开信息处理费管理办法》收取信息处理费{fee_yuan:g}元。"
        else:
            fee = rng.choice([f"{y}，{me}未收取信息处理费。", f"{me}不存在收取信息处理费的情况。"])
        self.sub("一", "依据《政府信息公开信息处理费管理办法》收取信息处理费的情况", fee)
        if fee_yuan:
            self.fact("fee_yuan", fee_yuan, fee)
        a, b = rng.choice([0, 0, 1, 2, 3, 5, 12]), rng.choice([0, 1, 2, 4, 8, 15])
        prop = f"{y}，{me}共承办人大代表建议{a}件、政协委员提案{b}件，均已按时办结并公开答复情况。"
        self.sub("二", f"{_unit(self.ag)}人大代表建议和政协提案办理结果公开情况", prop)
        self.fact("npc_proposals", a, prop)
        self.fact("cppcc_proposals", b, prop)
        self.sub("三", f"{_unit(self.ag)}年度政务公开工作创新情况", rng.choice([
            "创新开展“政府开放日”活动，邀请群众代表走进机关，零距离了解政府工作。",
            "探索推行政策“图解+视频”解读模式，提高政策解读的通俗性和可及性。",
            "无。"]))
        self.sub("四", f"{_unit(self.ag)}认为需要报告的其他事项", "无。")


def write(rng: random.Random, ag: Agency, year: int, style: LabelStyle, nums: Numbers, fee_yuan: float,
          tables: dict[str, list]) -> Out:
    """The whole body after the preamble. ``tables`` maps 表二/表三/表四 to their element lists."""
    w = Writer(rng, ag, year, style, nums)
    w.section1()
    w.top("二、主动公开政府信息情况")
    w.out.elements.extend(tables["表二"])
    w.top("三、收到和处理政府信息公开申请情况")
    w.section3_intro()
    w.out.elements.extend(tables["表三"])
    w.top(style.t4_title)
    w.section4_intro()
    w.out.elements.extend(tables["表四"])
    w.section5()
    w.section6(fee_yuan)
    return w.out


def preamble(rng: random.Random, ag: Agency, year: int, style: LabelStyle) -> list[str]:
    y = style.year(year)
    host = ag.host_government
    site = f"{host}门户网站"
    phone = f"0{rng.randint(311, 998)}-{rng.randint(2000000, 8999999)}"
    p1 = _pick(rng, [
        "本年度报告是根据《中华人民共和国政府信息公开条例》要求，由{ag}编制。全文内容包括总体情况、主动公开政府信息情况、"
        "收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六个部分。",
        "本报告由{ag}根据《中华人民共和国政府信息公开条例》（国令第711号）规定编制。",
        "根据《中华人民共和国政府信息公开条例》和上级关于信息公开工作的部署要求，现公布{ag}{y}度政府信息公开工作年度报告。",
    ], ag=ag.canonical, y=y)
    p2 = (f"本报告所列数据的统计期限自{y} 1 月 1 日起至{y} 12 月 31 日止。本报告电子版可在{site}查阅或下载。"
          f"如对本报告有疑问，请与{ag.canonical}办公室联系（联系电话：{phone}）。")
    if rng.random() < 0.25:  # seed 000: letter-spaced text in the preamble
        p2 = p2.replace("本报告电子版可在", "本 报 告 电 子 版 可 在 ")
    return [p1, p2]
