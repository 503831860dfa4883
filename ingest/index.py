"""The read API over an index folder: reports, cells (SQL), BM25 and dense search.

Everything a query sees is limited to the reports committed in the catalog
(SQLite), so a report whose ingest was cut short is invisible even if some of
its vectors reached Chroma. BM25 is checked against the committed set and
rebuilt (in memory, and on disk when no ingest holds the lock) when it differs.

The index is live: every read first looks (at most every ``index_watch_ms``)
at SQLite's ``PRAGMA data_version``, which changes when any other connection
— another thread's ingest, the CLI in another process — has committed. When
the catalog's generation moved, the committed set is re-read, the Chroma
handle reopened and ``version`` bumped, so callers caching derived data (the
assistant's report list) know to drop it. A report is visible to queries as
soon as its commit lands, without a restart.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from ingest.chunking import DENSE_KINDS
from ingest.errors import IndexError_, ReportQAError
from ingest.models import Chunk, Coverage, Finding, Report, TableCell
from ingest.protocols import Embedder
from ingest.settings import Settings
from ingest.stores.bm25 import BM25Index
from ingest.stores.catalog import Catalog
from ingest.stores.common import bm25_in_sync, build_bm25, catalog_exists, check_stamp, open_vectors
from ingest.stores.lock import IndexLock
from ingest.stores.vector import ChromaVectorStore, record_id, record_key

log = logging.getLogger(__name__)

BM25_SYNC_MAX_S = 0.25  # a BM25 rebuild that last took longer than this runs in the background, the stale one serving
# estimated rebuild cost of a BM25 loaded from disk, kept high on purpose (the streamed build measured 0.03 ms a chunk
# at 461,547 chunks, more on small indexes): an over-estimate only sends a rebuild to the background
BM25_SECONDS_PER_CHUNK = 2e-4


QUERY_VECTORS = 256  # query vectors a ReportIndex keeps (384 floats each)
EXACT_SCOPE_REPORTS = 8  # a dense search over this many reports or fewer compares their vectors exactly
OVERFETCH_MAX = 1000  # the most nearest vectors an unfiltered search fetches for a wider scope

class UnknownReportError(ReportQAError, KeyError):
    """No committed report has this id."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ReportInfo(BaseModel):
    report_id: str
    agency: str
    agency_variants: list[str] = Field(default_factory=list)
    year: int
    source: str
    source_path: str = ""
    sha256: str = ""
    title: str = ""
    template: str
    pages: int | None = None
    sections: int = Field(description="top-level sections found (of the template's six)")
    cells: int = Field(description="table cells found")
    findings: int = Field(description="consistency findings")
    errors: int = Field(0, description="findings of severity error")
    chunks: int = 0
    blank_tables: list[str] = Field(default_factory=list, description="tables printed with no value at all")
    ingested_at: float = 0.0
    coverage: dict | None = Field(None, description="parse coverage: cells found/expected per table, sections found "
                                                    "(Coverage.summary(); None for reports ingested before it existed)")

    def contract_dict(self) -> dict:
        """The ``reports --json`` entry (contract fields first, extensions after)."""
        d = self.model_dump()
        head = {k: d.pop(k) for k in ("agency", "year", "source", "sections", "cells", "findings")}
        return {**head, **d}


class ReportIndex:
    """Read access to one index folder (``settings.index_dir``)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.index_dir = Path(settings.index_dir)
        if not catalog_exists(self.index_dir):
            raise IndexError_(f"索引不存在（{self.index_dir}）：请先用 "
                              f"`reportqa ingest PATH... --index {self.index_dir}` 建立")
        self.catalog = Catalog(self.index_dir)
        try:
            check_stamp(self.catalog, settings)
        except Exception:
            self.catalog.close()
            raise
        self._embedder = embedder
        self._query_vectors: OrderedDict[str, object] = OrderedDict()
        self._vectors: ChromaVectorStore | None = None
        self._bm25: BM25Index | None = None
        self._lock = threading.RLock()
        self._bm25_build = threading.Lock()  # one BM25 rebuild at a time, outside ``_lock``
        self._bm25_cost = 0.0  # seconds the last in-memory rebuild took
        self._bm25_built_at = 0.0
        self._gen, self._committed = self.catalog.snapshot()
        self._data_version = self._pragma_data_version()
        self._checked = time.monotonic()
        self.version = 0  # bumped whenever the committed set is re-read after a change

    # ------------------------------------------------------------------ live refresh

    def _pragma_data_version(self) -> int:
        with self.catalog._lock:
            return int(self.catalog.conn.execute("PRAGMA data_version").fetchone()[0])

    def refresh(self, *, force: bool = False) -> int:
        """Look for commits made since the last look (throttled to ``index_watch_ms`` unless ``force``);
        re-read the committed set when the generation moved. Returns ``version``."""
        now = time.monotonic()
        if not force and now - self._checked < self.settings.index_watch_ms / 1000.0:
            return self.version
        with self._lock:
            self._checked = now
            dv = self._pragma_data_version()
            if dv == self._data_version and not force:
                return self.version
            self._data_version = dv
            gen = self.catalog.generation
            if gen != self._gen:
                self._gen, self._committed = self.catalog.snapshot()
                self.version += 1
                if self._vectors is not None and not self.settings.chroma_url:
                    # an embedded Chroma does not see another process's writes: reopen it
                    self._vectors.close()
                    self._vectors = None
            return self.version

    # ------------------------------------------------------------------ plumbing

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from ingest.embeddings import get_embedder

            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def vectors(self) -> ChromaVectorStore:
        with self._lock:
            if self._vectors is None:
                self._vectors = open_vectors(self.settings, self.catalog)
            return self._vectors

    def committed_ids(self) -> set[str]:
        """Ids of the reports committed now (re-read when an ingest has committed since)."""
        self.refresh()
        with self._lock:
            return set(self._committed)

    def _allowed(self, report_ids: Iterable[str] | None) -> set[str]:
        committed = self.committed_ids()
        return committed if report_ids is None else committed & set(report_ids)

    def _bm25_index(self) -> BM25Index:
        committed = self.committed_ids()
        with self._lock:
            current = self._bm25
        if bm25_in_sync(current, committed):
            return current  # type: ignore[return-value]
        if current is not None and self._bm25_cost > BM25_SYNC_MAX_S:
            # an expensive rebuild (a big corpus, or one just grown by a big upload): questions are not made
            # to wait for it. The stale BM25 (masked to committed reports, so nothing removed is returned)
            # serves while one background thread rebuilds; a new report's chunks join BM25 when it is done
            # (its table cells and dense vectors are searchable at once)
            if self._bm25_build.acquire(blocking=False):
                threading.Thread(target=self._rebuild_in_background, name="reportqa-bm25", daemon=True).start()
            return current
        return self._rebuild_bm25(committed)

    def _rebuild_in_background(self) -> None:
        try:
            self._rebuild_bm25(self.committed_ids(), locked=True)
        except Exception:  # noqa: BLE001 - the next question tries again
            log.exception("background BM25 rebuild failed")
        finally:
            self._bm25_build.release()

    def _rebuild_bm25(self, committed: set[str], *, locked: bool = False) -> BM25Index:
        if not locked:
            self._bm25_build.acquire()
        try:
            return self._rebuild_bm25_locked(committed)
        finally:
            if not locked:
                self._bm25_build.release()

    def _rebuild_bm25_locked(self, committed: set[str]) -> BM25Index:
        """Load or rebuild BM25 for ``committed`` (``_bm25_build`` held). A swap bumps ``version``, so callers
        caching derived data (the assistant's vocabulary) drop what the stale one gave them."""
        with self._lock:
            if bm25_in_sync(self._bm25, committed):
                return self._bm25  # type: ignore[return-value]
        on_disk = BM25Index.load(self.index_dir)
        if bm25_in_sync(on_disk, committed):
            self._bm25_cost = max(self._bm25_cost, len(on_disk) * BM25_SECONDS_PER_CHUNK)  # type: ignore[arg-type]
            with self._lock:
                self._bm25 = on_disk
                self.version += 1
            return on_disk  # type: ignore[return-value]
        log.info("BM25 index out of date with the catalog; rebuilding it")
        t0 = time.monotonic()
        reader = Catalog(self.index_dir, readonly=True)
        try:
            built = build_bm25(reader)
        finally:
            reader.close()
        self._bm25_cost = time.monotonic() - t0
        self._bm25_built_at = time.monotonic()
        with self._lock:
            self._bm25 = built
            self.version += 1
        lock = IndexLock(self.index_dir)
        if lock.try_acquire():  # persist only when no ingest is writing
            try:
                built.save(self.index_dir)
            except OSError as e:  # read-only folder: keep it in memory
                log.info("cannot save the rebuilt BM25 index: %s", e)
            finally:
                lock.release()
        return built

    # ------------------------------------------------------------------ reports

    def reports(self) -> list[ReportInfo]:
        self.refresh()
        with self._lock:
            rows = self.catalog.report_rows()
            errors: dict[str, int] = {}
            for rid, f in self.catalog.findings():
                if f.severity == "error":
                    errors[rid] = errors.get(rid, 0) + 1
            coverage = self._coverages()
        return [ReportInfo(report_id=r.report_id, agency=r.agency, agency_variants=r.agency_variants, year=r.year,
                           source=r.source, source_path=r.source_path, sha256=r.sha256, title=r.title,
                           template=r.template, pages=r.pages, sections=r.n_sections, cells=r.n_cells,
                           findings=r.n_findings, errors=errors.get(r.report_id, 0), chunks=r.n_chunks,
                           blank_tables=r.blank_tables, ingested_at=r.ingested_at,
                           coverage=coverage.get(r.report_id)) for r in rows]

    def _coverages(self) -> dict[str, dict]:
        """Each report's parse coverage, read out of its stored JSON by SQLite (no full report load)."""
        out: dict[str, dict] = {}
        try:
            rows = self.catalog.conn.execute(
                "SELECT report_id, json_extract(report_json, '$.coverage') FROM reports").fetchall()
        except Exception as e:  # an SQLite without JSON functions: coverage is an extra, never a failure
            log.info("parse coverage not read from the catalog: %s", e)
            return out
        for rid, raw in rows:
            if raw:
                out[rid] = Coverage.model_validate(json.loads(raw)).summary()
        return out

    def get_report(self, report_id: str) -> Report:
        with self._lock:
            raw = self.catalog.report_json(report_id)
        if raw is None:
            raise UnknownReportError(f"no report {report_id!r} in the index at {self.index_dir}")
        return Report.model_validate_json(raw)

    def cells(self, *, report_ids: Iterable[str] | None = None, table: str | None = None,
              rows: Iterable[str] | None = None, columns: Iterable[str] | None = None) -> list[tuple[str, TableCell]]:
        """Table cells as (report_id, cell), filtered in SQL; in report order, then printed order."""
        with self._lock:
            return self.catalog.cells(report_ids=report_ids, table=table, rows=rows, columns=columns)

    def findings(self, report_ids: Iterable[str] | None = None) -> list[tuple[str, Finding]]:
        with self._lock:
            return self.catalog.findings(report_ids)

    def chunks(self, report_id: str) -> list[Chunk]:
        with self._lock:
            return self.catalog.chunks(report_id)

    # ------------------------------------------------------------------ search

    def vocabulary(self) -> set[str]:
        """Every BM25 token of the committed corpus (jieba search-mode tokens)."""
        bm25 = self._bm25_index()
        if bm25.retriever is None:
            return set()
        return set(getattr(bm25.retriever, "vocab_dict", {}) or {})

    def search_bm25(self, query: str, k: int, report_ids: set[str] | None = None) -> list[tuple[Chunk, float]]:
        """BM25 over jieba tokens of header + text; (chunk, score > 0), best first."""
        allowed = self._allowed(report_ids)
        if not allowed or k <= 0:
            return []
        bm25 = self._bm25_index()
        hits = bm25.search(query, k, allowed)
        with self._lock:
            by_key = self.catalog.chunks_by_key([(r, c) for r, c, _ in hits])
        return [(by_key[(r, c)], s) for r, c, s in hits if (r, c) in by_key]

    def _query_vector(self, query: str):
        """The embedder's vector of a query; the last ``QUERY_VECTORS`` are kept (one answer can search the same
        words several times, report by report, and a conversation repeats its questions)."""
        with self._lock:
            vec = self._query_vectors.get(query)
            if vec is not None:
                self._query_vectors.move_to_end(query)
                return vec
        vec = self.embedder.embed_query(query)
        vec.setflags(write=False)
        with self._lock:
            self._query_vectors[query] = vec
            while len(self._query_vectors) > QUERY_VECTORS:
                self._query_vectors.popitem(last=False)
        return vec

    def search_dense(self, query: str, k: int, report_ids: set[str] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks by the embedder; (chunk, cosine similarity = 1 - distance), best first."""
        allowed = self._allowed(report_ids)
        if not allowed or k <= 0:
            return []
        vec = self._query_vector(query)
        try:
            hits = self._nearest(vec, k, allowed)
        except ReportQAError:
            raise
        except Exception as first:
            if self.settings.chroma_url:
                raise IndexError_(f"vector search failed: {first}") from first
            # an embedded Chroma can lag behind another process's writes, or be closed under us by a
            # refresh in another thread: reopen it once
            log.info("vector search failed (%s); reopening the vector store", first)
            with self._lock:
                if self._vectors is not None:
                    self._vectors.close()
                self._vectors = None
            try:
                hits = self._nearest(vec, k, allowed)
            except Exception as e:
                raise IndexError_(f"vector search failed: {e}") from e
        keys = [record_key(h) for h, _ in hits]
        with self._lock:
            by_key = self.catalog.chunks_by_key(keys)
        return [(by_key[key], 1.0 - d) for key, (_, d) in zip(keys, hits, strict=True) if key in by_key]

    def _nearest(self, vec, k: int, allowed: set[str]) -> list[tuple[str, float]]:
        """The ``k`` nearest vectors of the reports allowed. Chroma's filtered search costs about 55 ms at
        37,000 vectors whatever the filter (316 ms for a filter naming 3,000 reports), so: a few reports are
        compared exactly, by their records' ids; a scope that is a good share of the index is searched
        unfiltered with room to spare and filtered here; only what falls between uses Chroma's filter."""
        if len(allowed) <= EXACT_SCOPE_REPORTS:
            with self._lock:
                keys = self.catalog.chunk_ids_of(sorted(allowed), DENSE_KINDS)
            return self.vectors.nearest_of(vec, k, [record_id(r, c) for r, c in keys])
        share = len(allowed) / max(1, len(self.committed_ids()))
        room = int(k / share * 2) + k
        if room <= OVERFETCH_MAX:
            near = self.vectors.nearest_any(vec, room)
            hits = [(h, d) for h, d in near if record_key(h)[0] in allowed]
            if len(hits) >= k or len(near) < room:  # k found, or the whole collection was read
                return hits[:k]
        return self.vectors.query(vec, k, sorted(allowed))

    def close(self) -> None:
        with self._lock:
            self.catalog.close()
            if self._vectors is not None:
                self._vectors.close()
            self._vectors = None
            self._bm25 = None

    def __enter__(self) -> ReportIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
