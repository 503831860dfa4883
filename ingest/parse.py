"""Entry point: a file -> a typed Report (placeholder; implemented with the parser)."""

from __future__ import annotations

from pathlib import Path

from ingest.models import Report


def parse_file(path: str | Path) -> Report:
    """Read and parse one report file. Raises ingest.errors.ReportError for bad input."""
    raise NotImplementedError
