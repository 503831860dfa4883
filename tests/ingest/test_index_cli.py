"""``reportqa parse | ingest | reports | check``: JSON contracts, exit codes, one-line errors."""

from __future__ import annotations

import json
import shutil

import pytest
import typer
from typer.testing import CliRunner

from ui import cli_index


@pytest.fixture
def cli(monkeypatch):
    monkeypatch.setenv("REPORTQA_EMBEDDING_MODEL", "fake")
    app = typer.Typer(pretty_exceptions_enable=False)
    cli_index.register(app)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)

    return run


def one_line_error(res) -> str:
    assert res.exit_code != 0
    assert "Traceback" not in res.stderr and "Traceback" not in res.stdout
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("错误：")
    return lines[0]


def test_ingest_reports_check_json(cli, corpus_copy, tmp_path):
    index = tmp_path / "idx"
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.4\n% damaged: no objects, no trailer\n")
    (corpus_copy / "notes.txt").write_text("这不是年报。\n", encoding="utf-8")  # no report at all: skipped, listed
    res = cli("ingest", corpus_copy, "--index", index, "--json")
    assert res.exit_code == 1  # one file failed, after all the others were ingested
    out = json.loads(res.stdout)
    assert (out["ingested"], out["unchanged"], out["failed"]) == (8, 0, 1)
    bad = [f for f in out["files"] if f["status"] == "failed"]
    assert [f["path"].rsplit("/", 1)[-1] for f in bad] == ["broken.pdf"] and bad[0]["reason"]
    assert [s.split(": ", 1)[0].rsplit("/", 1)[-1] for s in out["skipped"]] == ["notes.txt"]
    for f in out["files"]:
        assert set(f) >= {"path", "status", "reason", "agency", "year"}
    assert res.stderr == ""  # no progress bar with --json

    (corpus_copy / "broken.pdf").unlink()
    again = json.loads(cli("ingest", corpus_copy, "--index", index, "--json", "--prune").stdout)
    assert (again["ingested"], again["unchanged"], again["failed"]) == (0, 8, 0)

    res = cli("reports", "--index", index, "--json")
    assert res.exit_code == 0
    reports = json.loads(res.stdout)
    assert len(reports) == 8
    for r in reports:
        assert list(r)[:6] == ["agency", "year", "source", "sections", "cells", "findings"]
        assert {"report_id", "template", "blank_tables", "agency_variants"} <= set(r)
    haidong = next(r for r in reports if r["agency"] == "海东市市直机关事务管理局")
    assert haidong["blank_tables"] == ["表三", "表四"] and haidong["sections"] == 6 and haidong["cells"] > 0

    res = cli("check", "--index", index, "--json")
    assert res.exit_code == 0
    findings = json.loads(res.stdout)
    for f in findings:
        assert set(f) >= {"agency", "year", "source", "table", "rule", "severity", "detail"}
        assert f["severity"] in ("error", "warning")
    assert {(f["source"], f["table"], f["rule"]) for f in findings if f["agency"] == "海东市市直机关事务管理局"} >= {
        (haidong["source"], "表三", "table.blank"), (haidong["source"], "表四", "table.blank")}
    t4 = [f for f in findings if f["source"] == "hzq2023_working.pdf" and f["severity"] == "error"]
    assert t4 and all(f["table"] == "表四" for f in t4)
    assert cli("check", "--index", index, "--strict").exit_code == 1

    human = cli("reports", "--index", index)
    assert human.exit_code == 0 and "淮安市人民政府" in human.stdout and "共 8 份报告" in human.stdout
    human = cli("check", "--index", index)
    assert human.exit_code == 0 and "table.blank" in human.stdout


def test_ingest_human_output_and_unchanged(cli, seeds_dir, tmp_path):
    index = tmp_path / "idx"
    first = cli("ingest", seeds_dir, "--index", index)
    assert first.exit_code == 0 and "新入库 5，未变化 0，失败 0" in first.stdout
    second = cli("ingest", seeds_dir, "--index", index)
    assert second.exit_code == 0 and "新入库 0，未变化 5，失败 0" in second.stdout


def test_parse_json_and_human(cli, seeds_dir):
    path = next(seeds_dir.glob("003_*.txt"))
    res = cli("parse", path, "--json")
    assert res.exit_code == 0
    rep = json.loads(res.stdout)
    assert rep["agency"] == "海东市市直机关事务管理局" and rep["year"] == 2021 and rep["cells"]
    human = cli("parse", path)
    assert human.exit_code == 0
    assert "海东市市直机关事务管理局" in human.stdout and "表三" in human.stdout and "未填报" in human.stdout


def test_user_errors_are_one_line(cli, tmp_path, seeds_dir, monkeypatch):
    assert "文件或文件夹不存在" in one_line_error(cli("parse", tmp_path / "missing.pdf"))
    (tmp_path / "not-a-report.txt").write_text("hello", encoding="utf-8")
    assert "not-a-report.txt" in one_line_error(cli("parse", tmp_path / "not-a-report.txt"))
    assert "索引不存在" in one_line_error(cli("reports", "--index", tmp_path / "none"))
    assert "索引不存在" in one_line_error(cli("check", "--index", tmp_path / "none", "--json"))
    assert "至少指定一个" in one_line_error(cli("ingest", "--index", tmp_path / "idx"))

    index = tmp_path / "idx"
    seed = next(seeds_dir.glob("001_*.txt"))
    assert cli("ingest", seed, "--index", index, "--json").exit_code == 0
    monkeypatch.setenv("REPORTQA_CHUNK_MAX_CHARS", "100")
    line = one_line_error(cli("ingest", seed, "--index", index))
    assert "另一套设置" in line and "--rebuild" in line
    assert "--rebuild" in one_line_error(cli("reports", "--index", index))
    rebuilt = cli("ingest", "--rebuild", "--index", index, "--json")
    assert rebuilt.exit_code == 0 and json.loads(rebuilt.stdout)["ingested"] == 1


def test_missing_path_fails_after_the_rest(cli, seeds_dir, tmp_path):
    seeds = tmp_path / "s"
    shutil.copytree(seeds_dir, seeds)
    res = cli("ingest", seeds, tmp_path / "nope", "--index", tmp_path / "idx", "--json")
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert out["ingested"] == 5 and out["failed"] == 1
    assert next(f for f in out["files"] if f["status"] == "failed")["reason"] == "文件或文件夹不存在"
