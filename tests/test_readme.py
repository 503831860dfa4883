"""The README is the manual: its commands, flags, settings and make targets must exist."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from ingest.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


@pytest.fixture(scope="module")
def app():
    from ui import cli

    cli._register()
    return cli.app


def _help(app, command: str) -> str:
    res = CliRunner().invoke(app, [command, "--help"], terminal_width=200)
    assert res.exit_code == 0, (command, res.output)
    return res.output


def test_every_documented_command_and_flag_exists(app):
    rows = re.findall(r"^\| `reportqa ([a-z-]+)([^`]*)`", README, flags=re.M)
    assert {c for c, _ in rows} >= {"parse", "ingest", "reports", "check", "ask", "eval", "synth", "serve",
                                    "feedback-to-gold"}
    for command, rest in rows:
        text = _help(app, command)
        for flag in re.findall(r"--[a-z][a-z-]*", rest):
            assert flag in text, f"README documents {flag} for `reportqa {command}`, --help does not list it"


def test_commands_in_code_blocks_exist(app):
    for command in set(re.findall(r"reportqa ([a-z][a-z-]+)", README)):
        if command in ("ingest", "ask", "eval", "serve", "parse", "reports", "check", "synth", "feedback-to-gold"):
            _help(app, command)


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"REPORTQA_{name.upper()}" in README, name


def test_make_targets_exist():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for target in set(re.findall(r"make ([a-z-]+)", README)):
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
