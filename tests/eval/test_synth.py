"""The synthetic corpus generator (eval.synth).

(1) Invariants that hold without the parser: the 勾稽 rules hold in the ground
    truth unless a violation was injected (and then exactly the injected rules
    break), every format writes its file, the same seed writes the same bytes,
    GBK files are GBK, the printed tables say what the truth says (read back with
    python-docx / BeautifulSoup / pdfplumber / plain text), the gold set is valid.
(2) The round trip through ``ingest.parse.parse_file``: every cell, the agency and
    the year recovered, per format (the share recovered is printed).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eval.synth import FORMATS, SynthTruth, generate, gold_from_truth
from eval.synth.agencies import build_world
from eval.synth.numbers import T3_RESULT_KEYS_2021, make_tables, t3_result_keys
from ingest.text import normalise
from ingest.template import T3_APPLICANT_KEYS, T3_ROW_BY_KEY, T4_GROUPS, t3_rows

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_GOLD = ROOT / "eval" / "gold" / "synth_seed0.jsonl"
COMMITTED_PARAMS = dict(n=40, seed=0, violations=0.1, blank=0.05)  # see eval/gold/synth_seed0.md

# ---------------------------------------------------------------- truth invariants


def rule_failures(t: SynthTruth) -> set[str]:
    """The 勾稽 rules the truth's printed values break (blank tables break nothing)."""
    bad: set[str] = set()
    v = {(c.table, c.row, c.column): c.value for c in t.cells}
    if "表三" not in t.blank_tables:
        rows = [r.key for r in t3_rows(t.t3_rows == 23)]
        results = [r.key for r in t3_rows(t.t3_rows == 23) if r.group]
        for r in rows:
            if v[("表三", r, "total")] != sum(v[("表三", r, c)] for c in T3_APPLICANT_KEYS):
                bad.add("t3.row_total")
        for c in (*T3_APPLICANT_KEYS, "total"):
            if v[("表三", "total", c)] != sum(v[("表三", r, c)] for r in results):
                bad.add("t3.results_total")
            if v[("表三", "new", c)] + v[("表三", "carried", c)] != v[("表三", "total", c)] + v[("表三", "forward", c)]:
                bad.add("t3.balance")
    if "表四" not in t.blank_tables:
        for g in T4_GROUPS:
            parts = sum(v[("表四", g.key, c)] for c in ("upheld", "corrected", "other", "pending"))
            if v[("表四", g.key, "total")] != parts:
                bad.add("t4.group_total")
    if "表三" not in t.blank_tables:
        f = t.fact("new")
        if f is not None and f.value != v[("表三", "new", "total")]:
            bad.add("narrative.new")
    return bad


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> list:
    return generate(48, tmp_path_factory.mktemp("synth-clean"), seed=1, formats=("txt", "html"))


@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> list:
    return generate(40, tmp_path_factory.mktemp("synth-dirty"), seed=2, formats=("txt", "html"), violations=1.0,
                    blank=0.3)


def test_consistent_truth_satisfies_every_rule(clean):
    for r in clean:
        t = r.truth
        assert not t.violations and not t.blank_tables
        assert rule_failures(t) == set(), t.name
        assert all(c.value is not None for c in t.cells)
        assert all(c.value >= 0 for c in t.cells if c.column not in ("change",)), t.name


def test_template_follows_year_and_row_counts(clean):
    for r in clean:
        t = r.truth
        assert t.template == ("2019" if t.year <= 2020 else "2021")
        if t.template == "2019":
            assert t.t3_rows == 23 and set(t.t2_columns.values()) == {"2019"}
        n3 = sum(1 for c in t.cells if c.table == "表三")
        assert n3 == t.t3_rows * 7
        assert sum(1 for c in t.cells if c.table == "表四") == 15
        rows3 = [c.row for c in t.cells if c.table == "表三" and c.column == "total"]
        assert rows3 == [r_.key for r_ in t3_rows(t.t3_rows == 23)]
        assert t.title == f"{t.title_agency}{t.year}年政府信息公开工作年度报告"
        assert t.title_agency in (t.agency, t.agency_alias) and t.agency != t.agency_alias


def test_realistic_distributions(tmp_path):
    ts = [r.truth for r in generate(120, tmp_path, seed=4, formats=("txt",), gold=False)]
    new = [t.value("表三", "new", "total") for t in ts]
    assert sum(v == 0 for v in new) >= 0.15 * len(ts), "many agencies receive no application"
    assert max(new) >= 300, "some large agencies"
    natural = sum(t.value("表三", "new", "natural") for t in ts)
    assert natural / max(1, sum(new)) > 0.6, "most applications come from 自然人"
    zeros = sum(c.value == 0 for t in ts for c in t.cells if c.table == "表三")
    assert zeros / sum(1 for t in ts for c in t.cells if c.table == "表三") > 0.5, "many zeros"
    assert {t.level for t in ts} == {"省", "市", "区县", "街道"}
    assert {t.kind for t in ts} >= {"government", "bureau", "center", "office", "committee"}
    assert {t.year for t in ts} == set(range(2019, 2025))
    assert len({t.agency for t in ts}) < len(ts), "agencies recur over years"
    assert len({(t.agency, t.year) for t in ts}) == len(ts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), year=st.integers(2019, 2024), pick=st.integers(0, 10_000))
def test_tables_always_balance(seed, year, pick):
    world = build_world(random.Random(seed), needed=40)
    ag = world[pick % len(world)]
    tb = make_tables(np.random.default_rng(seed), random.Random(seed), ag, year)
    single = tb.single_other
    rows = [r.key for r in t3_rows(single)]
    assert set(t3_result_keys(single)) <= set(rows)
    for c in (*T3_APPLICANT_KEYS, "total"):
        col = {r: tb.t3[(r, c)] for r in rows}
        assert col["new"] + col["carried"] == col["total"] + col["forward"]
        assert col["total"] == sum(col[r] for r in t3_result_keys(single))
        assert min(col.values()) >= 0
    for r in rows:
        assert tb.t3[(r, "total")] == sum(tb.t3[(r, c)] for c in T3_APPLICANT_KEYS)
    for g in T4_GROUPS:
        assert tb.t4[(g.key, "total")] == sum(tb.t4[(g.key, c)] for c in ("upheld", "corrected", "other", "pending"))
    assert len(T3_RESULT_KEYS_2021) == 21


def test_injected_violations_break_exactly_their_rules(dirty):
    rules_seen = set()
    for r in dirty:
        t = r.truth
        # violations=1.0: every report has one, unless no table is left to break
        assert t.violations or {"表三", "表四"} <= set(t.blank_tables), t.name
        injected = {v.rule for v in t.violations}
        rules_seen |= injected
        broken = rule_failures(t)
        assert injected <= broken, (t.name, injected, broken)
        # a changed cell sits in a row sum and a column sum: what else breaks is declared
        allowed = injected | {a for v in t.violations for a in v.also_breaks}
        assert broken <= allowed, (t.name, injected, broken)
        for v in t.violations:
            if v.table != "正文":
                assert t.value(v.table, v.row, v.column) == v.printed != v.expected
    assert rules_seen == {"t3.row_total", "t3.results_total", "t3.balance", "t4.group_total", "narrative.new"}


def test_blank_tables_are_all_empty(dirty):
    blanks = [r for r in dirty if r.truth.blank_tables]
    assert blanks
    for r in blanks:
        for c in r.truth.cells:
            assert (c.value is None) == (c.table in r.truth.blank_tables)
        assert not any(v.table in r.truth.blank_tables for v in r.truth.violations)
        if "表三" in r.truth.blank_tables:
            assert r.truth.fact("new") is None, "a blank 表三 is not narrated as 0"


# ---------------------------------------------------------------- files


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> tuple[Path, list]:
    d = tmp_path_factory.mktemp("synth-mixed")
    return d, generate(24, d, seed=7, violations=0.2, blank=0.15)


def test_every_format_writes_its_file_and_truth(mixed):
    d, reps = mixed
    assert [r.format for r in reps] == [FORMATS[i % len(FORMATS)] for i in range(24)]
    for r in reps:
        assert r.path.exists() and r.path.stat().st_size > 1000
        assert r.path.suffix == "." + r.format
        assert r.truth_path == d / f"{r.name}.truth.json"
        assert SynthTruth.load(r.truth_path) == r.truth
        assert r.truth.file == r.path.name
    assert r.path.read_bytes()[:4] == b"%PDF" if r.format == "pdf" else True
    assert {r.truth.layout for r in reps if r.format == "txt"} == {"tab", "space", "vertical", "webprint"}
    assert (d / "gold.jsonl").exists()


def test_same_seed_same_bytes_other_seed_other_corpus(tmp_path):
    a = generate(8, tmp_path / "a", seed=5, violations=0.3, blank=0.2)
    b = generate(8, tmp_path / "b", seed=5, violations=0.3, blank=0.2)
    for x, y in zip(a, b):
        assert x.path.name == y.path.name
        assert x.path.read_bytes() == y.path.read_bytes(), x.path.name
        assert x.truth_path.read_bytes() == y.truth_path.read_bytes()
    assert (tmp_path / "a" / "gold.jsonl").read_bytes() == (tmp_path / "b" / "gold.jsonl").read_bytes()
    c = generate(8, tmp_path / "c", seed=6)
    assert [x.truth.agency for x in a] != [x.truth.agency for x in c]


def test_gbk_files_decode_as_gbk(tmp_path):
    reps = generate(40, tmp_path, seed=3, formats=("txt", "html"), gold=False)
    gbk = [r for r in reps if r.truth.encoding == "gbk"]
    utf8 = [r for r in reps if r.truth.encoding == "utf-8"]
    assert {r.format for r in gbk} == {"txt", "html"} and utf8
    for r in gbk:
        raw = r.path.read_bytes()
        text = raw.decode("gbk")
        assert r.truth.title_agency in normalise(text)
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        if r.format == "html":
            assert "charset=gbk" in text
    for r in utf8:
        assert r.truth.title_agency in normalise(r.path.read_text(encoding="utf-8"))


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        generate(1, tmp_path, formats=("xls",))
    with pytest.raises(ValueError, match="probability"):
        generate(1, tmp_path, violations=2.0)
    assert generate(0, tmp_path / "empty") == []


# ---------------------------------------------------------------- what is printed is the truth

_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def _number_runs(lines: list[str], size: int) -> list[list[str]]:
    """Trailing runs of ``size`` numbers at the ends of lines (labels may precede them)."""
    out = []
    for ln in lines:
        toks = ln.split()
        run: list[str] = []
        for tok in reversed(toks):
            if not _NUM.fullmatch(tok):
                break
            run.insert(0, tok)
        if len(run) >= size:
            out.append(run[-size:])
    return out


def _expected_t3(t: SynthTruth) -> list[list[str]]:
    if "表三" in t.blank_tables:
        return []
    rows = [r.key for r in t3_rows(t.t3_rows == 23)]
    cols = (*T3_APPLICANT_KEYS, "total")
    return [[str(t.value("表三", r, c)) for c in cols] for r in rows]


def _expected_t4(t: SynthTruth) -> list[str]:
    if "表四" in t.blank_tables:
        return []
    return [str(t.value("表四", g.key, c)) for g in T4_GROUPS for c in ("upheld", "corrected", "other", "pending",
                                                                        "total")]


def _text_of(r) -> str:
    if r.format == "pdf":
        import pdfplumber

        with pdfplumber.open(r.path) as pdf:
            return "\n".join(p.extract_text() or "" for p in pdf.pages)
    return r.path.read_bytes().decode(r.truth.encoding)


_HEADING_NUMBER = re.compile(r"^\s*(?:[一二三四五六—]、|第[一二三四五六]部分)?\s*")


def _heading_text(line: str) -> str:
    """A line without its section number (一、 / 第一部分 / none), on normalised text."""
    return _HEADING_NUMBER.sub("", normalise(line)).strip()


def _t3_region(text: str) -> tuple[list[str], list[str]]:
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if _heading_text(ln) == "收到和处理政府信息公开申请情况")
    end = next(i for i, ln in enumerate(lines) if i > start and "行政复议" in ln and "行政诉讼" in ln
               and len(_heading_text(ln)) < 40 and _heading_text(ln).endswith("情况"))
    return lines[start:end], lines[end:]


def test_printed_tables_match_truth_txt_pdf(mixed):
    d, reps = mixed
    for r in reps:
        if r.format not in ("txt", "pdf"):
            continue
        t3_lines, rest = _t3_region(_text_of(r))
        assert _number_runs(t3_lines, 7) == _expected_t3(r.truth), (r.name, r.truth.layout)
        t4 = _number_runs(rest, 15)
        assert (t4[0] if t4 else []) == _expected_t4(r.truth), r.name


def _keywords_hit(label: str, row: str) -> bool:
    k = re.sub(r"\s", "", label)
    return any(kw in k for kw in T3_ROW_BY_KEY[row].keywords)


def test_printed_tables_match_truth_docx_html(mixed):
    from bs4 import BeautifulSoup
    from docx import Document

    d, reps = mixed
    for r in reps:
        t = r.truth
        if r.format == "docx":
            tables = [[[c.text for c in row.cells] for row in tb.rows] for tb in Document(str(r.path)).tables]
        elif r.format == "html":
            soup = BeautifulSoup(r.path.read_bytes().decode(t.encoding), "html.parser")
            tables = [[[td.get_text(strip=True).replace("\xa0", "") for td in tr.find_all("td")]
                       for tr in tb.find_all("tr")] for tb in soup.find_all("table")]
        else:
            continue
        assert len(tables) == 3
        t3 = tables[1][3:]
        rows = [rk.key for rk in t3_rows(t.t3_rows == 23)]
        assert len(t3) == len(rows)
        exp = _expected_t3(t) or [[""] * 7 for _ in rows]
        assert [row[-7:] for row in t3] == exp, r.name
        for row, key in zip(t3, rows):  # the label cells name the row (template keywords)
            assert _keywords_hit("".join(dict.fromkeys(row[:-7])), key), (r.name, key, row[:-7])
        assert tables[2][-1][-15:] == (_expected_t4(t) or [""] * 15), r.name


# ---------------------------------------------------------------- gold


def test_gold_set_is_valid_and_true(mixed):
    from eval.metrics import load_gold

    d, reps = mixed
    gold = load_gold(d / "gold.jsonl")
    by_type = defaultdict(int)
    for q in gold:
        by_type[q.type] += 1
    assert {"table", "narrative", "aggregate", "refusal", "check", "blank"} <= set(by_type), dict(by_type)
    names = {r.truth.agency for r in reps} | {r.truth.agency_alias for r in reps}
    truths = {(r.truth.agency, r.truth.year): r.truth for r in reps}
    tables = {"表二", "表三", "表四"}
    for q in gold:
        if q.type == "refusal":
            assert not q.answerable
            continue
        assert q.citations
        for c in q.citations:
            assert (c.agency, c.year) in truths
        if q.type == "table":
            assert any(n in q.question for n in names)
            c = q.citations[0]
            assert c.table in tables and c.row and c.column
    refusals = [q for q in gold if q.type == "refusal"]
    assert any(not any(n in q.question for n in names) for q in refusals), "an agency not in the corpus"


def test_gold_table_answers_are_the_printed_cells(mixed):
    d, reps = mixed
    entries = gold_from_truth([r.truth for r in reps], seed=7)
    assert entries == [json.loads(x) for x in (d / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    truths = {(r.truth.agency, r.truth.year): r.truth for r in reps}
    for e in entries:
        if e["type"] != "table":
            continue
        c = e["citations"][0]
        t = truths[(c["agency"], c["year"])]
        printed = [x for x in t.cells if x.table == c["table"] and (x.column_label == c["column"])
                   and x.value is not None]
        assert any(str(x.value) == e["answer"] or f"{x.value:g}" == e["answer"] for x in printed), e


def test_committed_synth_gold_is_reproducible(tmp_path):
    """eval/gold/synth_seed0.jsonl is gold_from_truth(generate(40, seed=0, violations=0.1, blank=0.05))."""
    if not COMMITTED_GOLD.exists():
        pytest.skip("eval/gold/synth_seed0.jsonl not written")
    p = dict(COMMITTED_PARAMS)
    generate(p.pop("n"), tmp_path, **p)
    assert (tmp_path / "gold.jsonl").read_text(encoding="utf-8") == COMMITTED_GOLD.read_text(encoding="utf-8")


# ---------------------------------------------------------------- CLI


def test_cli_synth_json(tmp_path):
    import typer
    from typer.testing import CliRunner

    from ui import cli_synth

    app = typer.Typer()
    app.command("noop")(lambda: None)  # keep "synth" a sub-command
    cli_synth.register(app)
    res = CliRunner().invoke(app, ["synth", "5", str(tmp_path / "c"), "--seed", "3", "--formats", "txt,html",
                                   "--violations", "0.5", "--json"])
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout.strip().splitlines()[-1])
    assert s["reports"] == 5 and set(s["by_format"]) == {"txt", "html"}
    assert len(list((tmp_path / "c").glob("*.truth.json"))) == 5
    assert s["gold_entries"] == sum(1 for _ in (tmp_path / "c" / "gold.jsonl").open(encoding="utf-8"))
    bad = CliRunner().invoke(app, ["synth", "2", str(tmp_path / "d"), "--formats", "doc"])
    assert bad.exit_code == 1 and "unknown format" in bad.output


# ---------------------------------------------------------------- round trip through the parser

N_ROUNDTRIP = 50 * len(FORMATS)  # 50 per format, as the issue asks


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory):
    from eval.synth.roundtrip import run, summarize

    reps = generate(N_ROUNDTRIP, tmp_path_factory.mktemp("synth-rt"), seed=11, violations=0.1, blank=0.05,
                    gold=False)
    try:
        results = run(reps)
    except NotImplementedError:
        pytest.skip("ingest.parse.parse_file is not implemented yet")
    return results, summarize(results)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_roundtrip_recovers_every_cell(roundtrip, fmt, capsys):
    from eval.synth.roundtrip import format_summary

    results, summary = roundtrip
    rs = [r for r in results if r.format == fmt]
    assert len(rs) == N_ROUNDTRIP // len(FORMATS)
    with capsys.disabled():
        print(f"\n[synth round trip] {fmt}: {summary[fmt]['share']:.2%} of "
              f"{summary[fmt]['cells']} cells recovered; agency {summary[fmt]['agency_ok']:.0%}, "
              f"year {summary[fmt]['year_ok']:.0%}")
        if fmt == FORMATS[-1]:
            print(format_summary(summary))
    errors = [f"{r.name}.{r.format}: {r.error}" for r in rs if r.error]
    assert not errors, errors
    misses = [f"{r.name}.{r.format} ({r.layout}): {m}" for r in rs for m in r.misses]
    assert not misses, f"{len(misses)} cells missed, e.g.\n" + "\n".join(misses[:15])


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_roundtrip_recovers_agency_and_year(roundtrip, fmt):
    results, _ = roundtrip
    bad = [f"{r.name}.{r.format}: got {r.got_agency!r}/{r.got_year}" for r in results
           if r.format == fmt and not (r.agency_ok and r.year_ok)]
    assert not bad, bad
