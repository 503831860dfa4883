"""The files an ingest reads: which ones (folders walked, symbolic links judged), their content hash, and what
became of each (:class:`FileOutcome`, gathered in an :class:`IngestResult`, the ``ingest --json`` record)."""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ingest.readers import SUPPORTED

SUPPORTED_SUFFIXES = tuple(SUPPORTED)  # the readers' file types (ingest.readers.SUPPORTED)


class FileOutcome(BaseModel):
    path: str = Field(description="the file as found (relative to the argument given)")
    status: Literal["ingested", "unchanged", "failed"]
    reason: str | None = Field(None, description="one line: why it failed (or why nothing new was indexed)")
    agency: str | None = None
    year: int | None = None
    report_id: str | None = None
    chunks: int = Field(0, description="chunks embedded for this file in this run")
    seconds: float = 0.0
    warnings: list[str] = Field(default_factory=list, description="what the parser flagged (a year after next year …)")
    not_a_report: bool = Field(False, description="failed because the file is no disclosure report at all")


class IngestResult(BaseModel):
    files: list[FileOutcome] = Field(default_factory=list)
    ingested: int = 0
    unchanged: int = 0
    failed: int = 0
    pruned: list[str] = Field(default_factory=list, description="files removed by --prune (gone from disk)")
    skipped: list[str] = Field(default_factory=list,
                               description="'path: reason' of what was skipped while walking folders: symbolic links "
                                           "(loops, broken, folders) and files that are no disclosure report at all "
                                           "(a README, a list of sources); a file named on the command line fails "
                                           "instead")
    chunks: int = Field(0, description="chunks indexed in this run (text and table rows; BM25 holds them all)")
    vectors: int = Field(0, description="dense vectors written in this run: one per text chunk (table rows get "
                                        "none, see ingest.chunking.DENSE_KINDS)")
    encoded: int = Field(0, description="distinct chunk texts the encoder ran on in this run; an identical "
                                        "header + text met again (within the run) reuses its vector, so "
                                        "vectors - encoded is the duplicates spared")
    seconds: float = 0.0
    rebuilt: bool = False
    index: str = ""

    def add(self, outcome: FileOutcome) -> None:
        self.files.append(outcome)
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _symlink_skip(f: Path) -> str | None:
    """Why a symbolic link met inside a folder is skipped (None: it names a file, which is ingested)."""
    try:
        target = f.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop this way
        return "符号链接循环，已跳过"
    except OSError as e:
        return "符号链接循环，已跳过" if e.errno == errno.ELOOP else "符号链接指向的目标不存在，已跳过"
    if target.is_dir():
        return "符号链接指向文件夹，未跟随（避免重复或循环），已跳过"
    return None


def discover(paths: Iterable[str | Path], skipped: list[str] | None = None
             ) -> tuple[list[tuple[str, Path]], list[FileOutcome]]:
    """Files to ingest, as (shown path, resolved path), recursive over folders, each once;
    plus failures for named paths that are missing or of an unsupported type. Symbolic links inside a
    folder that are loops, broken, or name a folder (never followed) are skipped, each listed in
    ``skipped`` as "path: reason"."""
    found: dict[Path, str] = {}
    bad: list[FileOutcome] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_symlink() and (why := _symlink_skip(f)) is not None:
                    if skipped is not None:
                        skipped.append(f"{f}: {why}")
                    continue
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith((".", "~$")):
                    found.setdefault(f.resolve(), str(f))
        elif p.is_file():
            if p.suffix.lower() in SUPPORTED_SUFFIXES:
                found.setdefault(p.resolve(), str(p))
            else:
                bad.append(FileOutcome(path=str(p), status="failed",
                                       reason=f"不支持的文件类型「{p.suffix or '无扩展名'}」："
                                              f"只接受 {' '.join(SUPPORTED_SUFFIXES)}"))
        else:
            bad.append(FileOutcome(path=str(p), status="failed", reason="文件或文件夹不存在"))
    return [(shown, real) for real, shown in found.items()], bad
