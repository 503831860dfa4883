"""The one error type for bad input, and its kin for index problems."""

from __future__ import annotations


class ReportQAError(Exception):
    """Base of every error meant for the user: the message is the whole story."""


class ReportError(ReportQAError):
    """A file that cannot be read as a report. ``reason`` is one line."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NotAReportError(ReportError):
    """The file is readable but is no disclosure report at all (a list of sources, a notice, a README)."""


class IndexError_(ReportQAError):  # noqa: N801 - avoid shadowing the builtin IndexError
    """The index folder is unusable as asked (other settings, locked, damaged)."""


class ModelUnavailableError(ReportQAError):
    """An embedding or chat model cannot be loaded (absent, no network)."""
