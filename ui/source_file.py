"""The original file of an indexed report, for the source view and its download link.

Only a report's own ``source_path`` is ever opened, and only while the file there is still the one that
was indexed (same SHA-256): a file changed or moved since is "not available", never shown in its place.
The download is a copy named after the report's file name, in a folder of its own under the system's
temporary directory (Gradio serves it from its cache, behind the app's login); no server path is shown.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

COPIES_DIR = "reportqa-originals"


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


@lru_cache(maxsize=256)
def _sha256(path: str, size: int, mtime_ns: int) -> str:  # keyed on size and mtime: recomputed when changed
    from ingest.indexer import sha256_file

    return sha256_file(Path(path))


def original_path(report: Any) -> Path | None:
    """The report's file on this server when it is still the indexed one; None otherwise."""
    raw = _get(report, "source_path") or ""
    sha = _get(report, "sha256") or ""
    if not raw:
        return None
    p = Path(raw)
    try:
        p = p.resolve()
        st = p.stat()
    except OSError:
        return None
    if not p.is_file():
        return None
    if sha:
        try:
            if _sha256(str(p), st.st_size, st.st_mtime_ns) != sha:
                log.info("source file changed since indexing: %s", p.name)
                return None
        except OSError:
            return None
    return p


def kind_of(report: Any) -> str:
    """pdf | docx | html | txt | md | '' from the report's file name."""
    suffix = Path(_get(report, "source") or _get(report, "source_path") or "").suffix.lower()
    return {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "txt", ".md": "md",
            ".markdown": "md"}.get(suffix, "")


def safe_name(report: Any) -> str:
    name = Path(_get(report, "source") or "").name or "report"
    name = "".join(ch for ch in name if ch not in '\\/:*?"<>|\x00' and ch.isprintable()).strip(". ")
    return name or "report"


def download_copy(report: Any) -> Path | None:
    """A copy of the original named as the report's file, for a download button; None when unavailable."""
    p = original_path(report)
    if p is None:
        return None
    sha = _get(report, "sha256") or ""
    folder = Path(tempfile.gettempdir()) / COPIES_DIR / (sha[:24] or _get(report, "id", "report"))
    dest = folder / safe_name(report)
    try:
        if not dest.exists() or dest.stat().st_size != p.stat().st_size:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / (dest.name + ".part")
            shutil.copyfile(p, tmp)
            tmp.replace(dest)
    except OSError as e:
        log.info("cannot copy the original for download: %s", e)
        return None
    return dest
