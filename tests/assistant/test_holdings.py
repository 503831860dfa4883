"""Holdings: what questions read of the report list, built once per commit. Each view must give what a plain scan
of the reports gives (the reference here is that scan, written out), and must never outlive a change."""

from __future__ import annotations

import random

import pytest

from assistant.holdings import Holdings, NameIndex, Views, views_of
from assistant.reader import read
from ingest import agency as agency_names
from ingest.index import ReportInfo
from ingest.text import key

AGENCIES = [  # invented, in the naming habits of the corpus: governments, offices, bureaus, streets, zones
    ("青泉市人民政府", []), ("青泉市人民政府办公室", ["青泉市政府办公室"]), ("青泉市青河区人民政府", ["青河区人民政府"]),
    ("青泉市青河区教育局", []), ("白石县人民政府", ["白石县政府"]), ("白石县自然资源和规划局", ["白石县自然资源局"]),
    ("东湖街道办事处", []), ("青泉高新技术产业开发区管理委员会", ["青泉高新区管委会"]),
    ("白石县青河镇人民政府", []), ("青泉市市场监督管理局", ["青泉市市场监管局"]),
]
QUESTIONS = [
    "青泉市人民政府2021年新收申请多少件？", "青泉市政府办公室和青泉市人民政府比，哪个多？", "青河区人民政府2020年主动公开",
    "青泉市青河区教育局的行政复议", "白石县政府 21 复议", "白石县自然资源局2021年答复", "东湖街道2022年",
    "青泉高新区管委会今年公开了什么", "青河镇的申请", "青泉市市场监管局和白石县自然资源和规划局一共收到多少申请",
    "没有任何机关的问题", "青泉市青泉市人民政府人民政府", "",
]


def info(n: int, agency: str, year: int, variants: list[str]) -> ReportInfo:
    return ReportInfo(report_id=f"r{n}", agency=agency, agency_variants=variants, year=year, source=f"r{n}.txt",
                      template="2021", sections=6, cells=0, findings=0)


def reports(k: int = 3) -> list[ReportInfo]:
    out, n = [], 0
    for agency, variants in AGENCIES:
        for year in range(2020, 2020 + k):
            out.append(info(n, agency, year, variants))
            n += 1
    return sorted(out, key=lambda r: (r.agency, r.year))


def scan_find(qk: str, infos: list[ReportInfo]) -> set[tuple[int, int, str]]:
    """The plain scan: each agency's longest form found in the question, at its first occurrence."""
    out = set()
    for i in {r.agency: r for r in infos}.values():
        forms = set().union(*(agency_names.forms(n) for n in (i.agency, *i.agency_variants)))
        for fk in sorted({key(f) for f in forms}, key=len, reverse=True):
            pos = qk.find(fk)
            if pos >= 0:
                out.add((pos, pos + len(fk), i.agency))
                break
    return out


def test_names_found_as_a_scan_finds_them():
    infos = reports()
    names = views_of(infos).names
    for q in QUESTIONS:
        qk = key(q)
        got = {(s, e, names.known[a][0]) for s, e, a in names.find(qk)}
        want = scan_find(qk, infos)
        # equal-length forms of one agency may start at different places: the length and agency must agree
        assert {(e - s, a) for s, e, a in got} == {(e - s, a) for s, e, a in want}, q
        assert {a for *_, a in got} == {a for *_, a in want}


def test_cover_takes_out_every_name_form():
    names = views_of(reports()).names
    every = sorted({key(f) for a, vs in AGENCIES for n in (a, *vs) for f in agency_names.forms(n)}, key=len,
                   reverse=True)
    for q in QUESTIONS:
        bare = key(q)
        for f in every:  # the sequential replacement, longest first
            if len(f) >= 2:
                bare = bare.replace(f, "，")
        assert names.cover(key(q)) == bare, q


def test_a_word_inside_a_name_and_characters_held():
    names = views_of(reports()).names
    raw = {f for a, vs in AGENCIES for n in (a, *vs) for f in agency_names.forms(n)}
    for word in ("青河", "自然资源", "管委", "街道办", "教育局", "白石", "黑山", "局青", "\0"):
        assert names.in_a_form(word) == any(word in f for f in raw), word
    rng = random.Random(3)
    chars = sorted({ch for f in raw for ch in key(f)})
    for _ in range(200):
        run = "".join(rng.sample(chars, rng.randint(1, 4)))
        want = [i for i, (a, _) in enumerate(names.known)
                if any(all(ch in k for ch in run) for k in names.form_keys[i])]
        assert names.holding_all(run) == want, run


def test_years_and_selection_as_a_scan_gives_them():
    infos = reports()
    infos = [r for r in infos if not (r.agency == "东湖街道办事处" and r.year == 2021)]  # a gap in one agency's years
    v = Views(infos)
    assert v.years == {r.year for r in infos}
    for ags in ([], ["东湖街道办事处"], ["东湖街道办事处", "白石县人民政府"], ["不存在的机关"]):
        assert v.years_of(ags) == {r.year for r in infos if not ags or r.agency in ags}
        for yrs in ([], [2021], [2020, 2022], [1999]):
            assert v.select(ags, yrs) == [r for r in infos if (not ags or r.agency in ags) and (not yrs or r.year in yrs)]


def test_a_changed_list_drops_its_views():
    h = Holdings(reports(1))
    first = h.views
    assert h.views is first
    h.append(info(99, "黑山县人民政府", 2021, []))
    assert h.views is not first and "黑山县人民政府" in h.views.years_by_agency
    for change in (lambda x: x.pop(), lambda x: x.__setitem__(0, info(98, "红河县人民政府", 2019, [])),
                   lambda x: x.sort(key=lambda r: r.year), lambda x: x.extend([]), lambda x: x.clear()):
        before = h.views
        change(h)
        assert h.views is not before
    assert h.views.known == ()


@pytest.mark.parametrize("q", QUESTIONS)
def test_reading_with_kept_views_reads_as_a_fresh_list(q):
    infos = reports()
    kept = Holdings(infos)
    kept.views.names  # built before
    a, b = read(q, kept), read(q, list(infos))
    assert a.model_dump() == b.model_dump()


def test_the_assistant_shares_views_until_a_commit(seed_paths, tmp_path):
    from assistant.assistant import Assistant
    from ingest.indexer import ingest_paths
    from ingest.settings import Settings

    s = Settings(index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", embedding_model="fake")
    ingest_paths(s, seed_paths[:2])
    asst = Assistant(s)
    one, two = asst.reports(), asst.reports()
    assert one is not two and one.views is two.views  # copies a caller may change, one set of views
    one.clear()
    assert len(asst.reports()) == 2 and asst.reports().views is two.views
    before = {a for a, _ in two.views.known}
    ingest_paths(s, seed_paths[2:3])
    asst.refresh()
    after = asst.reports().views
    assert after is not two.views and len({a for a, _ in after.known} - before) == 1
