"""Uploaded files, stored content-addressed: ``<index>/uploads/<sha256[:20]>/<original name>``.

The hash in the stored path means two different files with one name are two
files (two reports), and the same file uploaded twice is one; the original
name is kept as the file's name, so reports list it as their source. Uploads
older than ``upload_retention_days`` are removed (the reports stay indexed:
the catalog holds their text; ``ingest --prune`` leaves files of this folder
alone).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from ingest.files import sha256_file

log = logging.getLogger(__name__)

UPLOADS_DIR = "uploads"
HASH_CHARS = 20


def uploads_dir(index_dir: Path) -> Path:
    return Path(index_dir) / UPLOADS_DIR


def safe_name(name: str) -> str:
    """The base name only (no folders, no leading dots), without characters file systems refuse."""
    name = Path(name.replace("\\", "/")).name.strip().lstrip(".") or "upload"
    return "".join(ch if ch not in '<>:"|?*\0' else "_" for ch in name)[:180]


def store_upload(src: Path, original_name: str, root: Path) -> Path:
    """Copy ``src`` to ``root/<hash>/<safe original name>`` (once per content and name); returns that path."""
    digest = sha256_file(src)[:HASH_CHARS]
    folder = root / digest
    dest = folder / safe_name(original_name)
    if dest.is_file():
        os.utime(folder)  # uploaded again: its retention period starts over
        return dest
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{dest.name}.part"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    return dest


def is_upload(path: str | Path, index_dir: Path) -> bool:
    try:
        Path(path).resolve().relative_to(uploads_dir(index_dir).resolve())
        return True
    except ValueError:
        return False


def remove_expired(root: Path, days: float, *, keep: Iterable[Path] = (), now: float | None = None) -> list[Path]:
    """Remove upload folders not touched for ``days`` (0 = keep forever), except those holding ``keep``.
    Returns the folders removed."""
    if days <= 0 or not root.is_dir():
        return []
    now = time.time() if now is None else now
    held = {Path(p).resolve().parent for p in keep}
    gone = []
    for folder in root.iterdir():
        try:
            if not folder.is_dir() or folder.is_symlink() or folder.resolve() in held:
                continue
            if now - folder.stat().st_mtime > days * 86400:
                shutil.rmtree(folder)
                gone.append(folder)
        except OSError as e:
            log.warning("cannot remove the old upload %s: %s", folder.name, e)
    return gone
