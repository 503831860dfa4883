"""Synthetic agencies: fictional places x bureau types, each with a short alias.

Names are built combinatorially from two-character place names (never the places
of the seed or raw corpus, so a synthetic index can sit beside the real one) and
the bureau types of each administrative level. Every agency has a canonical name
(the full form used in a report's body) and a short alias (the form a title or a
question may use): 青川区工业和信息化局 <-> 青川区工信局.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Level labels as stored in the ground truth.
PROVINCE, CITY, COUNTY, STREET = "省", "市", "区县", "街道"
LEVELS = (PROVINCE, CITY, COUNTY, STREET)

_FIRST = "东西南北青白云金玉长新安平清永丰宁泰兴华龙凤桃柳松梅林石鹿鸿嘉瑞宝月星春秋湘临灵"
_SECOND = "山河川湖阳林江水源城丰台峰泉溪桥州岭原塘坪谷滨洲浦岗坡沙湾田亭堤岩"
_MIDDLE = "丰安和平阳定明康乐昌盛庆祥泽"  # three-character names, once the two-character ones run out

# Places of the seed and raw corpora: never reuse them.
_RESERVED = {"河东", "张店", "东关", "海东", "淮安", "洪泽", "淄博", "临沂", "兰山", "河西"}


@dataclass(frozen=True)
class BureauType:
    """One kind of agency at one level. ``name``/``alias`` follow the place prefix."""

    name: str
    alias: str
    kind: str  # government | bureau | center | office | committee | street
    self_ref: str  # how the report calls itself: 我局, 我委, 本中心 …
    scale: float  # rough share of the level's applications it receives
    licensing: float = 0.0  # scale of 行政许可 decisions
    penalty: float = 0.0  # scale of 行政处罚 decisions
    fees: float = 0.0  # scale of 行政事业性收费 (万元)
    normative: float = 0.2  # expected 行政规范性文件 per year
    zero_share: float = 0.3  # chance of a year with no applications at all


_PROVINCE_TYPES: tuple[BureauType, ...] = (
    BureauType("人民政府", "政府", "government", "省政府", 1.0, 3.0, 3.0, 2.0, 12, 0.0),
    BureauType("人民政府办公厅", "政府办公厅", "office", "我厅", 0.15, 0, 0, 0, 3, 0.2),
    BureauType("发展和改革委员会", "发改委", "committee", "我委", 0.2, 0.5, 0.1, 0.1, 3, 0.1),
    BureauType("工业和信息化厅", "工信厅", "bureau", "我厅", 0.1, 0.3, 0.1, 0.0, 2, 0.15),
    BureauType("住房和城乡建设厅", "住建厅", "bureau", "我厅", 0.3, 0.6, 0.3, 0.1, 3, 0.05),
    BureauType("人力资源和社会保障厅", "人社厅", "bureau", "我厅", 0.3, 0.4, 0.1, 0.1, 3, 0.05),
    BureauType("市场监督管理局", "市场监管局", "bureau", "我局", 0.3, 1.0, 1.0, 0.3, 3, 0.05),
    BureauType("卫生健康委员会", "卫健委", "committee", "我委", 0.2, 0.6, 0.4, 0.2, 2, 0.1),
    BureauType("文化和旅游厅", "文旅厅", "bureau", "我厅", 0.05, 0.3, 0.1, 0.0, 1, 0.3),
    BureauType("大数据管理中心", "大数据中心", "center", "我中心", 0.02, 0, 0, 0, 0.2, 0.6),
)

_CITY_TYPES: tuple[BureauType, ...] = (
    BureauType("人民政府", "政府", "government", "市政府", 1.0, 3.0, 3.0, 1.5, 10, 0.0),
    BureauType("人民政府办公室", "政府办", "office", "我办", 0.1, 0, 0, 0, 2, 0.2),
    BureauType("发展和改革委员会", "发改委", "committee", "我委", 0.15, 0.4, 0.1, 0.1, 2, 0.1),
    BureauType("工业和信息化局", "工信局", "bureau", "我局", 0.05, 0.2, 0.1, 0, 1, 0.3),
    BureauType("住房和城乡建设局", "住建局", "bureau", "我局", 0.4, 0.8, 0.4, 0.3, 2, 0.05),
    BureauType("自然资源和规划局", "自然资源局", "bureau", "我局", 0.5, 0.8, 0.4, 0.3, 2, 0.05),
    BureauType("市场监督管理局", "市场监管局", "bureau", "我局", 0.3, 1.2, 1.2, 0.2, 1, 0.05),
    BureauType("卫生健康委员会", "卫健委", "committee", "我委", 0.15, 0.8, 0.5, 0.2, 1, 0.1),
    BureauType("人力资源和社会保障局", "人社局", "bureau", "我局", 0.2, 0.4, 0.1, 0.1, 2, 0.1),
    BureauType("医疗保障局", "医保局", "bureau", "我局", 0.05, 0.1, 0.2, 0, 1, 0.3),
    BureauType("机关事务服务中心", "机关事务中心", "center", "我中心", 0.01, 0, 0, 0, 0.1, 0.8),
    BureauType("公共资源交易中心", "交易中心", "center", "我中心", 0.03, 0, 0, 0.1, 0.2, 0.6),
    BureauType("政务服务管理办公室", "政务办", "office", "我办", 0.05, 0.6, 0, 0, 0.5, 0.3),
    BureauType("民族宗教事务委员会", "民宗委", "committee", "我委", 0.01, 0.1, 0, 0, 0.2, 0.7),
)

_COUNTY_TYPES: tuple[BureauType, ...] = (
    BureauType("人民政府", "政府", "government", "区政府", 1.0, 2.0, 2.0, 1.0, 5, 0.05),
    BureauType("人民政府办公室", "政府办", "office", "我办", 0.05, 0, 0, 0, 1, 0.4),
    BureauType("发展和改革局", "发改局", "bureau", "我局", 0.05, 0.3, 0.05, 0, 0.5, 0.4),
    BureauType("工业和信息化局", "工信局", "bureau", "我局", 0.03, 0.1, 0.05, 0, 0.3, 0.6),
    BureauType("住房和城乡建设局", "住建局", "bureau", "我局", 0.3, 0.6, 0.3, 0.2, 1, 0.15),
    BureauType("自然资源和规划局", "自然资源局", "bureau", "我局", 0.4, 0.6, 0.3, 0.2, 1, 0.1),
    BureauType("市场监督管理局", "市场监管局", "bureau", "我局", 0.2, 1.0, 1.0, 0.1, 0.5, 0.15),
    BureauType("教育和体育局", "教体局", "bureau", "我局", 0.1, 0.3, 0.05, 0.1, 1, 0.3),
    BureauType("文化和旅游局", "文旅局", "bureau", "我局", 0.03, 0.3, 0.1, 0, 0.3, 0.6),
    BureauType("卫生健康局", "卫健局", "bureau", "我局", 0.1, 0.6, 0.4, 0.1, 0.5, 0.3),
    BureauType("农业农村局", "农业局", "bureau", "我局", 0.1, 0.4, 0.2, 0, 0.5, 0.4),
    BureauType("退役军人事务局", "退役军人局", "bureau", "我局", 0.02, 0, 0, 0, 0.2, 0.7),
    BureauType("应急管理局", "应急局", "bureau", "我局", 0.03, 0.2, 0.3, 0, 0.3, 0.6),
    BureauType("机关事务服务中心", "机关事务中心", "center", "我中心", 0.005, 0, 0, 0, 0.05, 0.9),
    BureauType("综合行政执法局", "执法局", "bureau", "我局", 0.05, 0, 0.8, 0, 0.2, 0.4),
)

_STREET_TYPES: tuple[BureauType, ...] = (
    BureauType("街道办事处", "街道", "street", "我街道", 0.02, 0, 0.05, 0, 0.05, 0.75),
    BureauType("镇人民政府", "镇政府", "government", "我镇", 0.03, 0.05, 0.05, 0, 0.1, 0.65),
)

# Expected new applications in a year for the level's 人民政府 (scale 1.0).
LEVEL_BASE = {PROVINCE: 1500.0, CITY: 600.0, COUNTY: 60.0, STREET: 6.0}


@dataclass(frozen=True)
class Agency:
    canonical: str
    alias: str
    level: str
    place: str  # the place name prefix, e.g. 青川区
    parent: str  # the enclosing place, e.g. 白塔市 ('' for a province)
    btype: BureauType

    @property
    def kind(self) -> str:
        return self.btype.kind

    @property
    def host_government(self) -> str:
        """The 人民政府 whose website hosts the report (for the preamble)."""
        if self.level == STREET:
            return f"{self.parent}人民政府"
        return f"{self.place}人民政府"

    @property
    def expected_new(self) -> float:
        return LEVEL_BASE[self.level] * self.btype.scale


class PlaceNames:
    """Unique two-character place names, drawn without replacement."""

    def __init__(self, rng: random.Random):
        names = [a + b for a in _FIRST for b in _SECOND if a != b and a + b not in _RESERVED]
        rng.shuffle(names)
        self._names = names
        self._rng = rng
        self._three = False

    def take(self) -> str:
        if not self._names and not self._three:
            self._three = True
            self._names = [a + m + b for a in _FIRST for m in _MIDDLE for b in _SECOND if len({a, m, b}) == 3]
            self._rng.shuffle(self._names)
        if not self._names:
            raise RuntimeError("synthetic place names exhausted")
        return self._names.pop()


def _mk(place: str, parent: str, level: str, bt: BureauType, *, prefix: str = "") -> Agency:
    """``prefix`` is an enclosing place spelled out in the canonical name only."""
    if bt.kind == "street" or bt.name == "镇人民政府":
        base = place[:-2] if place.endswith("街道") else place
        if bt.kind == "street":
            canonical, alias = f"{prefix}{base}街道办事处", f"{base}街道"
        else:
            canonical, alias = f"{prefix}{base}镇人民政府", f"{base}镇政府"
        return Agency(canonical, alias, level, place, parent, bt)
    return Agency(f"{prefix}{place}{bt.name}", f"{place}{bt.alias}", level, place, parent, bt)


def build_world(rng: random.Random, needed: int) -> list[Agency]:
    """A fictional administrative tree with at least ``needed`` agencies.

    Provinces hold cities, cities hold districts/counties, counties hold streets and
    towns; each place contributes its government and a random subset of bureaus.
    """
    names = PlaceNames(rng)
    out: list[Agency] = []
    while len(out) < needed:
        prov = names.take() + "省"
        for bt in rng.sample(_PROVINCE_TYPES, k=rng.randint(4, len(_PROVINCE_TYPES))):
            out.append(_mk(prov, "", PROVINCE, bt))
        for _ in range(rng.randint(2, 4)):
            city = names.take() + "市"
            for bt in rng.sample(_CITY_TYPES, k=rng.randint(5, len(_CITY_TYPES))):
                out.append(_mk(city, prov, CITY, bt))
            for _ in range(rng.randint(2, 4)):
                county = names.take() + rng.choice("区区县")
                # some reports spell out the city: 白塔市青川区机关事务服务中心
                spell_city = rng.random() < 0.25
                for bt in rng.sample(_COUNTY_TYPES, k=rng.randint(5, 10)):
                    ag = _mk(county, city, COUNTY, bt, prefix=city if spell_city and bt.kind != "government" else "")
                    out.append(ag)
                for _ in range(rng.randint(1, 3)):
                    bt = _STREET_TYPES[0] if rng.random() < 0.7 else _STREET_TYPES[1]
                    out.append(_mk(names.take(), county, STREET, bt))
    # canonical names and aliases must both be unique
    seen: set[str] = set()
    uniq: list[Agency] = []
    for ag in out:
        if ag.canonical in seen or ag.alias in seen:
            continue
        seen.update({ag.canonical, ag.alias})
        uniq.append(ag)
    return uniq


def unused_agencies(rng: random.Random, used_names: set[str], used_places: set[str], k: int) -> list[str]:
    """Plausible agency names whose place is not used at all (for refusal questions)."""
    out: list[str] = []
    tries = 0
    while len(out) < k and tries < 10_000:
        tries += 1
        place = rng.choice(_FIRST) + rng.choice(_SECOND)
        if place in _RESERVED or place[0] == place[1] or any(p.startswith(place) for p in used_places if p):
            continue
        suffix = rng.choice(["区人民政府", "县人民政府", "市人民政府", "区工业和信息化局", "市市场监督管理局",
                             "县住房和城乡建设局", "区机关事务服务中心", "市发展和改革委员会"])
        name = place + suffix
        if name not in used_names and name not in out and not any(name in u or u in name for u in used_names):
            out.append(name)
    return out
