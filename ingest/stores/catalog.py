"""The catalog: one SQLite file (stdlib sqlite3), the index's source of truth.

It holds, per committed report, the parsed Report as JSON, its table cells
(for exact lookup and aggregation in SQL), its findings and its chunk texts;
and the manifest of files (path, sha256, status, settings hash) with the
report each file maps to. A report exists for the index once, and only once,
its row is committed here: everything about it is written in one transaction.

Several files may map to one report (byte-identical copies); a report is
deleted in the same transaction that removes its last file.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.models import CellState, Chunk, Finding, Report, TableCell

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
TOKEN_SEP = "\x1f"
CATALOG_FILE = "catalog.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    agency_variants TEXT NOT NULL,
    year INTEGER NOT NULL,
    source TEXT NOT NULL,
    source_path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    template TEXT NOT NULL,
    title TEXT NOT NULL,
    pages INTEGER,
    n_sections INTEGER NOT NULL,
    n_cells INTEGER NOT NULL,
    n_findings INTEGER NOT NULL,
    n_chunks INTEGER NOT NULL,
    blank_tables TEXT NOT NULL,
    settings_hash TEXT NOT NULL,
    report_json TEXT NOT NULL,
    ingested_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    sha256 TEXT,              -- of the version indexed (report_id), NULL if none
    settings_hash TEXT,
    report_id TEXT,           -- the committed report this file maps to, NULL if none
    status TEXT NOT NULL,     -- outcome of the last attempt: ingested | failed
    reason TEXT,
    failed_sha256 TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS files_report ON files(report_id);
CREATE TABLE IF NOT EXISTS cells (
    report_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    row TEXT NOT NULL,
    col TEXT NOT NULL,
    row_label TEXT NOT NULL,
    column_label TEXT NOT NULL,
    printed_label TEXT NOT NULL,
    value,                    -- INTEGER or REAL as printed, NULL when blank / n.a.
    state TEXT NOT NULL,
    page INTEGER,
    quote TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cells_report ON cells(report_id, seq);
CREATE INDEX IF NOT EXISTS cells_lookup ON cells(tbl, row, col);
CREATE TABLE IF NOT EXISTS findings (
    report_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    tbl TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_report ON findings(report_id, seq);
CREATE TABLE IF NOT EXISTS chunks (
    report_id TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    section TEXT NOT NULL,
    tbl TEXT,
    row TEXT,
    row_label TEXT,
    page INTEGER,
    text TEXT NOT NULL,
    header TEXT NOT NULL,
    tokens TEXT,              -- BM25 tokens of header + text, joined by U+001F
    tok_ver TEXT,             -- tokenizer version of ``tokens``
    PRIMARY KEY (report_id, chunk_id)
);
"""


@dataclass(frozen=True)
class FileRecord:
    path: str
    sha256: str | None
    settings_hash: str | None
    report_id: str | None
    status: str
    reason: str | None
    failed_sha256: str | None


@dataclass(frozen=True)
class ReportRow:
    report_id: str
    agency: str
    agency_variants: list[str]
    year: int
    source: str
    source_path: str
    sha256: str
    template: str
    title: str
    pages: int | None
    n_sections: int
    n_cells: int
    n_findings: int
    n_chunks: int
    blank_tables: list[str]
    settings_hash: str
    ingested_at: float


def _blank_tables(report: Report) -> list[str]:
    return [t for t in ("表二", "表三", "表四") if report.table_blank(t)]


def _in_clause(values: Sequence[object]) -> str:
    return "(" + ",".join("?" * len(values)) + ")"


class Catalog:
    """SQLite catalog in ``index_dir/catalog.sqlite`` (WAL mode: readers never block the writer)."""

    def __init__(self, index_dir: Path, *, create: bool = True, readonly: bool = False):
        self.path = Path(index_dir) / CATALOG_FILE
        if (readonly or not create) and not self.path.exists():
            raise FileNotFoundError(self.path)
        self._lock = threading.RLock()  # one connection, shared by threads: one transaction at a time
        if readonly:  # a second connection for long reads (a BM25 rebuild) that must not hold up the shared one
            self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30,
                                        isolation_level=None, check_same_thread=False)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("PRAGMA foreign_keys=OFF")
        with self.transaction():
            for stmt in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                self.conn.execute(stmt)
            if self.get_meta("schema_version") is None:
                self._set_meta("schema_version", SCHEMA_VERSION)
                self._set_meta("index_uuid", uuid.uuid4().hex)
                self._set_meta("generation", "0")

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.Error:  # pragma: no cover
            pass

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    @contextmanager
    def read_snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads that see one committed state (a deferred read transaction)."""
        with self._lock:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                self.conn.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta(key, value) VALUES(?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                          (key, value))

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._set_meta(key, value)

    def _bump_generation(self) -> None:
        self.conn.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key='generation'")

    @property
    def generation(self) -> int:
        return int(self.get_meta("generation") or 0)

    @property
    def index_uuid(self) -> str:
        return self.get_meta("index_uuid") or ""

    # ------------------------------------------------------------------ settings stamp

    def stamp(self) -> tuple[str | None, dict | None]:
        h = self.get_meta("index_hash")
        s = self.get_meta("index_stamp")
        return h, (json.loads(s) if s else None)

    def set_stamp(self, index_hash: str, stamp: dict) -> None:
        with self.transaction():
            self._set_meta("index_hash", index_hash)
            self._set_meta("index_stamp", json.dumps(stamp, ensure_ascii=False, sort_keys=True))

    def is_empty(self) -> bool:
        return (self.conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 0
                and self.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 0)

    def wipe(self, index_hash: str, stamp: dict) -> str:
        """Forget everything, in one transaction; a fresh index uuid. Returns the old uuid."""
        old = self.index_uuid
        with self.transaction():
            for t in ("reports", "files", "cells", "findings", "chunks"):
                self.conn.execute(f"DELETE FROM {t}")  # noqa: S608 - fixed table names
            pending = set(json.loads(self.get_meta("drop_collections") or "[]")) | {old}
            self._set_meta("drop_collections", json.dumps(sorted(pending)))
            self._set_meta("index_uuid", uuid.uuid4().hex)
            self._set_meta("index_hash", index_hash)
            self._set_meta("index_stamp", json.dumps(stamp, ensure_ascii=False, sort_keys=True))
            self._bump_generation()
        return old

    def pending_drops(self) -> list[str]:
        return json.loads(self.get_meta("drop_collections") or "[]")

    def clear_pending_drops(self, done: Iterable[str]) -> None:
        left = sorted(set(self.pending_drops()) - set(done))
        self.set_meta("drop_collections", json.dumps(left))

    # ------------------------------------------------------------------ manifest

    def file(self, path: str) -> FileRecord | None:
        with self._lock:  # not in the middle of another thread's transaction
            row = self.conn.execute(
                "SELECT path, sha256, settings_hash, report_id, status, reason, failed_sha256 FROM files WHERE path=?",
                (path,)).fetchone()
        return FileRecord(*row) if row else None

    def files(self) -> list[FileRecord]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT path, sha256, settings_hash, report_id, status, reason, failed_sha256 FROM files "
                "ORDER BY path").fetchall()
        return [FileRecord(*r) for r in rows]

    def record_failure(self, path: str, sha256: str, reason: str) -> None:
        """Note a failed attempt; whatever the file had indexed before stays."""
        now = time.time()
        with self.transaction():
            self.conn.execute(
                """INSERT INTO files(path, sha256, settings_hash, report_id, status, reason, failed_sha256, updated_at)
                   VALUES(?, NULL, NULL, NULL, 'failed', ?, ?, ?)
                   ON CONFLICT(path) DO UPDATE SET status='failed', reason=excluded.reason,
                       failed_sha256=excluded.failed_sha256, updated_at=excluded.updated_at""",
                (path, reason, sha256, now))

    def mark_ingested(self, path: str) -> None:
        """The file is back to the content already indexed for it."""
        with self.transaction():
            self.conn.execute("UPDATE files SET status='ingested', reason=NULL, failed_sha256=NULL, updated_at=? "
                              "WHERE path=?", (time.time(), path))

    # ------------------------------------------------------------------ reports

    def committed_ids(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT report_id FROM reports")}

    def has_report(self, report_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM reports WHERE report_id=?", (report_id,)).fetchone() is not None

    def commit_report(self, *, path: str, sha256: str, settings_hash: str, report: Report, report_id: str,
                      chunks: Sequence[Chunk], tokens: Sequence[Sequence[str]] | None = None,
                      tok_ver: str | None = None) -> list[str]:
        """In one transaction: store the report (unless already there), point ``path`` at it, and
        delete reports no file points at any more. Returns the deleted report ids."""
        now = time.time()
        with self.transaction():
            if not self.has_report(report_id):
                self._insert_report(report, report_id, settings_hash, chunks, now, tokens, tok_ver)
            self.conn.execute(
                """INSERT INTO files(path, sha256, settings_hash, report_id, status, reason, failed_sha256, updated_at)
                   VALUES(?, ?, ?, ?, 'ingested', NULL, NULL, ?)
                   ON CONFLICT(path) DO UPDATE SET sha256=excluded.sha256, settings_hash=excluded.settings_hash,
                       report_id=excluded.report_id, status='ingested', reason=NULL, failed_sha256=NULL,
                       updated_at=excluded.updated_at""",
                (path, sha256, settings_hash, report_id, now))
            removed = self._collect_garbage()
            self._bump_generation()
        return removed

    def remove_files(self, paths: Iterable[str]) -> list[str]:
        """Forget ``paths`` (e.g. files gone from disk) and their reports no other file maps to."""
        paths = list(paths)
        if not paths:
            return []
        with self.transaction():
            for p in paths:
                self.conn.execute("DELETE FROM files WHERE path=?", (p,))
            removed = self._collect_garbage()
            self._bump_generation()
        return removed

    def _collect_garbage(self) -> list[str]:
        orphans = [r[0] for r in self.conn.execute(
            "SELECT report_id FROM reports WHERE report_id NOT IN "
            "(SELECT report_id FROM files WHERE report_id IS NOT NULL)")]
        for rid in orphans:
            for t in ("cells", "findings", "chunks", "reports"):
                self.conn.execute(f"DELETE FROM {t} WHERE report_id=?", (rid,))  # noqa: S608
        return orphans

    def _insert_report(self, report: Report, report_id: str, settings_hash: str, chunks: Sequence[Chunk],
                       now: float, tokens: Sequence[Sequence[str]] | None, tok_ver: str | None) -> None:
        c = self.conn
        c.execute(
            """INSERT INTO reports(report_id, agency, agency_variants, year, source, source_path, sha256, template,
                   title, pages, n_sections, n_cells, n_findings, n_chunks, blank_tables, settings_hash,
                   report_json, ingested_at)
               VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (report_id, report.agency, json.dumps(report.agency_variants, ensure_ascii=False), report.year,
             report.source, report.source_path, report.sha256, report.template, report.title, report.pages,
             sum(1 for x in report.sections if x.number), len(report.cells), len(report.findings), len(chunks),
             json.dumps(_blank_tables(report), ensure_ascii=False), settings_hash,
             report.model_dump_json(), now))
        c.executemany(
            """INSERT INTO cells(report_id, seq, tbl, row, col, row_label, column_label, printed_label, value,
                   state, page, quote) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [(report_id, i, x.table, x.row, x.column, x.row_label, x.column_label, x.printed_label, x.value,
              x.state.value, x.page, x.quote) for i, x in enumerate(report.cells)])
        c.executemany(
            "INSERT INTO findings(report_id, seq, tbl, rule, severity, detail) VALUES(?, ?, ?, ?, ?, ?)",
            [(report_id, i, f.table, f.rule, f.severity, f.detail) for i, f in enumerate(report.findings)])
        if tokens is not None and len(tokens) != len(chunks):
            raise ValueError("one token list per chunk expected")
        c.executemany(
            """INSERT INTO chunks(report_id, chunk_id, seq, kind, section, tbl, row, row_label, page, text, header,
                   tokens, tok_ver) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [(report_id, ch.id, i, ch.kind, ch.section, ch.table, ch.row, ch.row_label, ch.page, ch.text, ch.header,
              TOKEN_SEP.join(tokens[i]) if tokens is not None else None, tok_ver if tokens is not None else None)
             for i, ch in enumerate(chunks)])

    _REPORT_COLS = ("report_id, agency, agency_variants, year, source, source_path, sha256, template, title, pages, "
                    "n_sections, n_cells, n_findings, n_chunks, blank_tables, settings_hash, ingested_at")

    def report_rows(self) -> list[ReportRow]:
        rows = self.conn.execute(f"SELECT {self._REPORT_COLS} FROM reports ORDER BY agency, year, source")  # noqa: S608
        out = []
        for r in rows:
            r = list(r)
            r[2] = json.loads(r[2])
            r[14] = json.loads(r[14])
            out.append(ReportRow(*r))
        return out

    def report_json(self, report_id: str) -> str | None:
        row = self.conn.execute("SELECT report_json FROM reports WHERE report_id=?", (report_id,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ cells, findings, chunks

    def cells(self, *, report_ids: Iterable[str] | None = None, table: str | None = None,
              rows: Iterable[str] | None = None, columns: Iterable[str] | None = None) -> list[tuple[str, TableCell]]:
        where, args = [], []
        for col, values in (("report_id", report_ids), ("row", rows), ("col", columns)):
            if values is not None:
                values = list(dict.fromkeys(values))
                if not values:
                    return []
                where.append(f"{col} IN {_in_clause(values)}")
                args.extend(values)
        if table is not None:
            where.append("tbl = ?")
            args.append(table)
        sql = ("SELECT report_id, tbl, row, col, row_label, column_label, printed_label, value, state, page, quote "
               "FROM cells")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY report_id, seq"
        out = []
        for rid, tbl, row, col, rl, cl, pl, value, state, page, quote in self.conn.execute(sql, args):
            out.append((rid, TableCell(table=tbl, row=row, column=col, row_label=rl, column_label=cl,
                                       printed_label=pl, value=value, state=CellState(state), page=page,
                                       quote=quote)))
        return out

    def findings(self, report_ids: Iterable[str] | None = None) -> list[tuple[str, Finding]]:
        sql = "SELECT report_id, tbl, rule, severity, detail FROM findings"
        args: list[str] = []
        if report_ids is not None:
            args = list(dict.fromkeys(report_ids))
            if not args:
                return []
            sql += f" WHERE report_id IN {_in_clause(args)}"
        sql += " ORDER BY report_id, seq"
        return [(rid, Finding(table=t, rule=r, severity=s, detail=d))
                for rid, t, r, s, d in self.conn.execute(sql, args)]

    _CHUNK_COLS = "c.report_id, c.chunk_id, c.kind, c.section, c.tbl, c.row, c.row_label, c.page, c.text, c.header"

    @staticmethod
    def _chunk(row: tuple, agency: str, year: int, source: str) -> Chunk:
        rid, _cid, kind, section, tbl, r, rl, page, text, header = row
        return Chunk(report_id=rid, agency=agency, year=year, source=source, kind=kind, section=section, table=tbl,
                     row=r, row_label=rl, page=page, text=text, header=header)

    def chunks(self, report_id: str) -> list[Chunk]:
        sql = (f"SELECT {self._CHUNK_COLS}, p.agency, p.year, p.source FROM chunks c "  # noqa: S608
               "JOIN reports p ON p.report_id = c.report_id WHERE c.report_id=? ORDER BY c.seq")
        return [self._chunk(r[:10], *r[10:]) for r in self.conn.execute(sql, (report_id,))]

    def chunks_by_key(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Chunk]:
        """Committed chunks by (report_id, chunk_id); keys of uncommitted reports are simply absent."""
        out: dict[tuple[str, str], Chunk] = {}
        by_report: dict[str, list[str]] = {}
        for rid, cid in keys:
            by_report.setdefault(rid, []).append(cid)
        for rid, cids in by_report.items():
            for i in range(0, len(cids), 500):
                part = cids[i:i + 500]
                sql = (f"SELECT {self._CHUNK_COLS}, p.agency, p.year, p.source FROM chunks c "  # noqa: S608
                       "JOIN reports p ON p.report_id = c.report_id "
                       f"WHERE c.report_id=? AND c.chunk_id IN {_in_clause(part)}")
                for r in self.conn.execute(sql, (rid, *part)):
                    out[(r[0], r[1])] = self._chunk(r[:10], *r[10:])
        return out

    def iter_chunk_docs(self) -> Iterator[tuple[str, str, str, list[str] | None, str | None]]:
        """(report_id, chunk_id, header + text, stored tokens or None, their tokenizer version)
        of every committed chunk, in a stable order."""
        sql = "SELECT report_id, chunk_id, header, text, tokens, tok_ver FROM chunks ORDER BY report_id, seq"
        for rid, cid, header, text, tokens, ver in self.conn.execute(sql):
            toks = (tokens.split(TOKEN_SEP) if tokens else []) if tokens is not None else None
            yield rid, cid, f"{header}\n{text}", toks, ver

    def chunk_ids_by_report(self, kinds: tuple[str, ...] | None = None) -> dict[str, set[str]]:
        """Chunk ids per report; ``kinds``: only chunks of these kinds (e.g. the ones with a vector)."""
        out: dict[str, set[str]] = {}
        sql, args = "SELECT report_id, chunk_id FROM chunks", ()
        if kinds is not None:
            sql, args = sql + f" WHERE kind IN ({','.join('?' * len(kinds))})", tuple(kinds)
        for rid, cid in self.conn.execute(sql, args):
            out.setdefault(rid, set()).add(cid)
        return out

    def chunk_ids_of(self, report_ids: Iterable[str], kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        """(report id, chunk id) of the chunks of these kinds in these reports (by the primary key: for a few
        reports, not a scan of every chunk)."""
        marks = ",".join("?" * len(kinds))
        out: list[tuple[str, str]] = []
        for rid in report_ids:
            out += [(rid, cid) for (cid,) in self.conn.execute(
                f"SELECT chunk_id FROM chunks WHERE report_id = ? AND kind IN ({marks})", (rid, *kinds))]
        return out

    def snapshot(self) -> tuple[int, set[str]]:
        """(generation, committed report ids), read consistently."""
        with self.read_snapshot():
            return self.generation, self.committed_ids()
