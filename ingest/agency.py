"""Agency names: short forms, long forms, and which of them name the same agency.

河东区工信局 and 河东区工业和信息化局 are one agency; so are 洪泽区人民政府 and
淮安市洪泽区人民政府, and 淮安市政府 and 淮安市人民政府.
"""

from __future__ import annotations

import re
from functools import lru_cache

# short form -> long form of bureau names (suffix of the agency name)
ABBREVIATIONS: dict[str, str] = {
    "工信局": "工业和信息化局",
    "经信局": "经济和信息化局",
    "发改委": "发展和改革委员会",
    "发改局": "发展和改革局",
    "人社局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局",
    "市场监管局": "市场监督管理局",
    "卫健委": "卫生健康委员会",
    "卫健局": "卫生健康局",
    "文旅局": "文化和旅游局",
    "文广旅局": "文化广电和旅游局",
    "交通局": "交通运输局",
    "医保局": "医疗保障局",
    "应急局": "应急管理局",
    "自然资源局": "自然资源和规划局",
    "生态环境局": "生态环境局",
    "农业农村局": "农业农村局",
    "退役军人局": "退役军人事务局",
    "审批局": "行政审批局",
    "政务办": "政务服务管理办公室",
    "机关事务局": "机关事务管理局",
    "机关事务中心": "机关事务服务中心",
    "民宗委": "民族宗教事务委员会",
    "民宗局": "民族宗教事务局",
    "教体局": "教育和体育局",
    "商务局": "商务局",
    "科技局": "科学技术局",
    "城管局": "城市管理局",
    "水务局": "水务局",
    "统计局": "统计局",
    "区政府": "区人民政府",
    "市政府": "市人民政府",
    "县政府": "县人民政府",
    "省政府": "省人民政府",
    "镇政府": "镇人民政府",
    "乡政府": "乡人民政府",
}

# province/city levels; a level's name holds no 区/县 (else 华源市湘坪区市场… would lose 湘坪区市 as a "city")
_RE_PLACE_PREFIX = re.compile(r"^(?:(?:(?![区县旗镇乡])[\u4e00-\u9fff]){1,7}?(?:省|自治区|市|州|盟))+")


def expand(name: str) -> str:
    """Long form of a name: 河东区工信局 -> 河东区工业和信息化局; 淮安市政府 -> 淮安市人民政府."""
    for short, long in sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(short) and not name.endswith(long):
            return name[: -len(short)] + long
    return name


_RE_LOCAL_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:区|县|旗|镇|乡|街道)")


def strip_place_prefix(name: str) -> str:
    """淮安市洪泽区人民政府 -> 洪泽区人民政府 (drop leading province/city levels).

    Only when what remains still names a place (洪泽区…), never a bare 人民政府.
    """
    m = _RE_PLACE_PREFIX.match(name)
    local = _RE_LOCAL_PLACE.match(name[m.end():]) if m else None
    # 住房和城乡建设局 starts like a township (…乡) but names no place
    if m and local and len(name) - m.end() >= 3 and "和" not in local.group(0) and not local.group(0).endswith("城乡"):
        return name[m.end():]
    return name


def core(name: str) -> str:
    """The agency without 人民政府: 洪泽区人民政府 -> 洪泽区 (what people call it). A government's office
    (…人民政府办公室 / 办公厅) keeps its name: the bare place, or 洪泽区政府, names the government itself."""
    if name.endswith("人民政府") and len(name) > len("人民政府"):
        return name[: -len("人民政府")]
    return name


_OFFICE = re.compile(r"^(.+?)人民政府(办公室|办公厅)$")


def office_forms(name: str) -> set[str]:
    """桃水县人民政府办公室 -> 桃水县政府办公室, 桃水县政府办, 桃水县府办 (never 桃水县政府: that is the government)."""
    m = _OFFICE.match(name)
    if not m:
        return set()
    place, office = m.groups()
    return {f"{place}政府{office}", f"{place}政府办", f"{place}府办"}


def forms(name: str) -> set[str]:
    """Every form under which people may refer to an agency."""
    return set(_forms(name))


@lru_cache(maxsize=8192)
def _forms(name: str) -> frozenset[str]:
    out = {name, expand(name)}
    for n in list(out):
        out.add(strip_place_prefix(n))
    for n in list(out):
        c = core(n)
        if c != n:
            out.add(c)
            out.add(c + "政府")
        out |= office_forms(n)
    for n in list(out):
        if n.endswith("街道办事处"):
            out.add(n[:-3])  # 东关街道办事处 -> 东关街道
    # short forms of the long bureau names
    for short, long in ABBREVIATIONS.items():
        for n in list(out):
            if n.endswith(long) and short != long:
                out.add(n[: -len(long)] + short)
    return frozenset(f for f in out if len(f) >= 2)


def same_agency(a: str, b: str) -> bool:
    fa, fb = forms(a), forms(b)
    return bool(fa & fb)


def is_subsequence(short: str, long: str) -> bool:
    """``short`` is ``long`` with characters dropped (in order): 自然资源生态环境局 in 自然资源与生态环境局."""
    it = iter(long)
    return all(ch in it for ch in short)
