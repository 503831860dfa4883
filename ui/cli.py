"""The ``reportqa`` command: thin over the Python API (see README, CLI reference).

Each command group lives in its own module and registers itself here.
"""

from __future__ import annotations

import typer

from ui.cli_common import setup_logging

app = typer.Typer(
    name="reportqa",
    help="ReportQA: question answering over 政府信息公开工作年度报告, citing agency, year, table row and column.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to stderr.")) -> None:
    setup_logging(verbose)


def _register() -> None:
    from ui import cli_ask, cli_eval, cli_index, cli_serve, cli_synth

    for mod in (cli_index, cli_ask, cli_eval, cli_synth, cli_serve):
        mod.register(app)


def main() -> None:
    _register()
    app()


if __name__ == "__main__":
    main()
