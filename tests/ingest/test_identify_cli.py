"""``reportqa ingest --agency NAME --year YYYY``: overrides what identification found; a year after next
year is ingested with a warning; the real pages, refused before, are ingested."""

from __future__ import annotations

import json
import shutil

import pytest
import typer
from typer.testing import CliRunner

from tests.conftest import SHARED
from ui import cli_index

REAL = SHARED / "corpus" / "real"


@pytest.fixture
def cli(monkeypatch):
    monkeypatch.setenv("REPORTQA_EMBEDDING_MODEL", "fake")
    app = typer.Typer(pretty_exceptions_enable=False)
    cli_index.register(app)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture
def page(tmp_path):
    src = REAL / "hzs_2023.html"
    if not src.exists():
        pytest.skip(f"shared corpus not found at {REAL} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    dst = tmp_path / "docs" / src.name
    dst.parent.mkdir()
    shutil.copy(src, dst)
    return dst


def test_override_agency_and_year(cli, page, tmp_path):
    index = tmp_path / "idx"
    first = json.loads(cli("ingest", page, "--index", index, "--json").stdout)
    assert (first["files"][0]["agency"], first["files"][0]["year"]) == ("平潭综合实验区行政审批局", 2023)
    res = cli("ingest", page, "--index", index, "--json", "--agency", "平潭综合实验区行政服务中心", "--year", "2022")
    assert res.exit_code == 0, res.stdout
    out = json.loads(res.stdout)
    assert out["ingested"] == 1  # parsed again although the file did not change
    assert (out["files"][0]["agency"], out["files"][0]["year"]) == ("平潭综合实验区行政服务中心", 2022)
    reports = json.loads(cli("reports", "--index", index, "--json").stdout)
    assert [(r["agency"], r["year"]) for r in reports] == [("平潭综合实验区行政服务中心", 2022)]
    again = json.loads(cli("ingest", page, "--index", index, "--json").stdout)
    assert again["unchanged"] == 1 and again["files"][0]["year"] == 2022  # the override stays with the file


def test_override_needs_files_and_a_name(cli, tmp_path):
    res = cli("ingest", "--rebuild", "--year", "2022", "--index", tmp_path / "idx")
    assert res.exit_code != 0 and "需要指定要入库的文件" in res.stderr
    res = cli("ingest", tmp_path, "--agency", "  ", "--index", tmp_path / "idx")
    assert res.exit_code != 0 and "不能为空" in res.stderr


def test_a_year_after_next_year_is_ingested_with_a_warning(cli, page, tmp_path):
    text = page.read_text("utf-8").replace("2023", "2099")
    page.write_text(text, encoding="utf-8")
    res = cli("ingest", page, "--index", tmp_path / "idx", "--json")
    out = json.loads(res.stdout)
    f = out["files"][0]
    assert f["status"] == "ingested" and f["year"] == 2099
    assert any("晚于明年" in w for w in f["warnings"])
    human = cli("ingest", page, "--index", tmp_path / "idx2")
    assert "晚于明年" in human.stdout.replace("\n", "")


def test_the_real_pages_are_ingested(cli, tmp_path):
    if not REAL.exists():
        pytest.skip(f"shared corpus not found at {REAL}")
    docs = tmp_path / "real"
    shutil.copytree(REAL, docs, ignore=shutil.ignore_patterns("*.md"))
    out = json.loads(cli("ingest", docs, "--index", tmp_path / "idx", "--json").stdout)
    assert out["failed"] == 0 and out["ingested"] == len(list(REAL.glob("*.html")))
