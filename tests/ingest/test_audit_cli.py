"""``reportqa check`` over an index of the real corpus: JSON contract, filters, --strict, CSV/XLSX export."""

from __future__ import annotations

import csv
import json

import pytest
import typer
from typer.testing import CliRunner

from ui import cli_index


@pytest.fixture(scope="module")
def index(tmp_path_factory, seeds_dir, raw_dir):
    mp = pytest.MonkeyPatch()
    mp.setenv("REPORTQA_EMBEDDING_MODEL", "fake")
    idx = tmp_path_factory.mktemp("audit") / "idx"
    app = typer.Typer(pretty_exceptions_enable=False)
    cli_index.register(app)
    res = CliRunner().invoke(app, ["ingest", str(seeds_dir), str(raw_dir), "--index", str(idx), "--json"],
                             catch_exceptions=False)
    assert json.loads(res.stdout)["ingested"] == 8
    yield idx
    mp.undo()


@pytest.fixture
def cli(monkeypatch, index):
    monkeypatch.setenv("REPORTQA_EMBEDDING_MODEL", "fake")
    app = typer.Typer(pretty_exceptions_enable=False)
    cli_index.register(app)

    def run(*args):
        return CliRunner().invoke(app, ["check", "--index", str(index), *map(str, args)], catch_exceptions=False)

    return run


def test_check_json_keeps_the_contract_and_adds_verdicts_and_evidence(cli):
    res = cli("--json")
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    for r in rows:
        assert list(r)[:7] == ["agency", "year", "source", "table", "rule", "severity", "detail"]
        assert r["severity"] in ("error", "warning") and r["verdict"] in ("不通过", "提示", "无法核对")
        assert r["description"]
    review = [r for r in rows if r["source"] == "hzq2023_working.pdf" and r["rule"] == "t4.total"
              and "行政复议」" in r["detail"]]
    assert len(review) == 1 and review[0]["verdict"] == "不通过"
    ev = review[0]["evidence"]
    assert [(e["table"], e["row"], e["column"], e["value"]) for e in ev][-1] == ("表四", "review", "total", 0)
    assert all(e["page"] and e["quote"] and e["state"] == "number" for e in ev)
    blank = {(r["rule"], r["verdict"]) for r in rows if r["agency"] == "海东市市直机关事务管理局" and r["table"] == "表三"}
    assert blank == {("table.blank", "不通过"), ("t3.results_total", "无法核对"), ("t3.balance", "无法核对"),
                     ("t3.row_total", "无法核对")}
    # the cross-year rules ran over the index: 洪泽区 2024 against its 2023 report
    alls = json.loads(cli("--json", "--all", "--agency", "洪泽区", "--year", "2024").stdout)
    assert {r["year"] for r in alls} == {2024} and all("洪泽区" in r["agency"] for r in alls)
    carried = [r for r in alls if r["rule"] == "cross.carried"]
    assert carried and all(r["verdict"] == "通过" for r in carried)
    assert {e["year"] for r in carried for e in r["evidence"]} == {2023, 2024}


def test_filters_and_strict(cli):
    only_t4 = json.loads(cli("--json", "--table", "表四", "--verdict", "不通过").stdout)
    assert only_t4 and {(r["table"], r["verdict"]) for r in only_t4} == {("表四", "不通过")}
    assert cli("--strict").exit_code == 1
    assert cli("--strict", "--agency", "淮安市人民政府").exit_code == 0
    assert json.loads(cli("--json", "--agency", "淮安市人民政府").stdout) == []
    human = cli("--year", "2023")
    assert human.exit_code == 0 and "t4.total" in human.stdout and "按规则统计" in human.stdout
    assert "海东" not in human.stdout
    bad = cli("--format", "xlsx")
    assert bad.exit_code == 1 and "--out" in bad.stderr and "Traceback" not in bad.stderr
    assert cli("--verdict", "错了").exit_code == 1


def test_rule_catalogue_listing(cli):
    rules = json.loads(cli("--rules", "--json").stdout)
    assert {"t3.results_total", "cross.carried", "parent.sum", "text.year"} <= {r["rule"] for r in rules}
    assert all(r["description"] and r["reads"] for r in rules)


def test_csv_export_one_row_per_finding(cli, tmp_path):
    out = tmp_path / "审核.csv"
    res = cli("--format", "csv", "--out", out, "--year", "2023")
    assert res.exit_code == 0 and out.exists()
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    want = json.loads(cli("--json", "--year", "2023").stdout)
    assert len(rows) == len(want) >= 2
    r = next(r for r in rows if r["规则"] == "t4.total" and "行政复议」" in r["说明"])
    assert r["机关"] == "淮安市洪泽区人民政府" and r["年度"] == "2023" and r["结论"] == "不通过"
    assert r["数值"] == "10；1；0；0；0"
    assert "表四「行政复议」「结果维持」" in r["单元格"] and r["页码"]


def test_xlsx_export_opens_with_openpyxl(cli, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "审核.xlsx"
    assert cli("--format", "xlsx", "--out", out, "--all").exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["审核结果", "单元格"]
    ws = wb["审核结果"]
    head = [c.value for c in ws[1]]
    assert head[:11] == ["序号", "机关", "年度", "来源文件", "表", "规则", "规则说明", "对象", "结论", "严重程度", "说明"]
    rows = [dict(zip(head, (c.value for c in r))) for r in ws.iter_rows(min_row=2)]
    want = json.loads(cli("--json", "--all").stdout)
    assert len(rows) == len(want)
    assert {r["结论"] for r in rows} == {"通过", "不通过", "提示", "无法核对"}
    hz = next(r for r in rows if r["规则"] == "narrative.t3_new" and r["结论"] == "提示")
    assert hz["年度"] == 2024 and "17" in hz["说明"] and "95" in hz["数值"] and "受理政府信息公开申请17件" in hz["引文"]
    cells = wb["单元格"]
    ch = [c.value for c in cells[1]]
    ev = [dict(zip(ch, (c.value for c in r))) for r in cells.iter_rows(min_row=2)]
    mine = [e for e in ev if e["序号"] == hz["序号"]]
    assert {e["类别"] for e in mine} == {"正文", "单元格"}
    assert any(e["表"] == "表三" and e["列"] == "总计" and e["数值"] == "95" for e in mine)


def test_parent_map_from_csv(cli, tmp_path):
    csv_path = tmp_path / "上下级.csv"
    csv_path.write_text("上级,下级\n淮安市人民政府,淮安市洪泽区人民政府\n", encoding="utf-8")
    rows = json.loads(cli("--json", "--all", "--parents", csv_path, "--agency", "淮安市人民政府").stdout)
    parent = [r for r in rows if r["rule"] == "parent.sum"]
    # 淮安市 2024 表三 新收 自然人 3001 is not 洪泽区 2024's 95 alone: 不通过, with both reports' cells
    t3 = next(r for r in parent if r["table"] == "表三")
    assert t3["verdict"] == "不通过" and "「自然人」3001 ≠ 下级合计 95" in t3["detail"]
    assert {e["agency"] for e in t3["evidence"]} == {"淮安市人民政府", "淮安市洪泽区人民政府"}
    bad = cli("--parents", tmp_path / "none.csv")
    assert bad.exit_code == 1 and "上下级对照表" in bad.stderr
