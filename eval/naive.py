"""The naive RAG baseline ReportQA is measured against.

What a first LangChain prototype would do: each file's raw text (PDFs through
:func:`ingest.readers.read_document`, so the same text layer ReportQA sees)
split by ``RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)``,
embedded with the same embedding model as ReportQA
(``as_langchain_embeddings(get_embedder(settings))``), stored in an in-memory
Chroma collection (``langchain_chroma``, telemetry off) and searched top-4.
The top chunk is the answer, its file the only citation: the baseline knows
no agency, year, table, row or column, so its cell-level citation recall is 0
by construction, and it never refuses (``answerable`` is always true).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from ingest.errors import ReportError, ReportQAError
from ingest.settings import Settings

log = logging.getLogger(__name__)

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
TOP_K = 4


class NaiveBaseline:
    """Build once over ``paths`` (files or folders), then :meth:`ask` questions.

    ``ask`` returns a dict shaped like the contract's answer object, plus
    ``intent: "naive"``, ``latency_ms`` and ``retrieved`` (the top-4 chunks
    with their files and distances, for inspection).
    """

    name = "naive"

    def __init__(self, settings: Settings, paths: Sequence[str | Path], *, embeddings=None) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from ingest.indexer import discover
        from ingest.readers import read_document

        t0 = time.perf_counter()
        self.settings = settings
        files, bad = discover(paths)
        for b in bad:
            log.warning("naive baseline: skipping %s (%s)", b.path, b.reason)
        if not files:
            raise ReportQAError("naive baseline: no PDF/DOCX/HTML/TXT files in " + ", ".join(map(str, paths)))
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        texts: list[str] = []
        metas: list[dict] = []
        self.failed: list[str] = []
        for shown, path in files:
            try:
                text = read_document(path).text
            except ReportError as e:
                log.warning("naive baseline: cannot read %s: %s", shown, e.reason)
                self.failed.append(shown)
                continue
            for i, chunk in enumerate(splitter.split_text(text)):
                texts.append(chunk)
                metas.append({"source": path.name, "path": str(path), "chunk": i})
        if not texts:
            raise ReportQAError("naive baseline: no text in any of the files")
        if embeddings is None:
            from ingest.embeddings import as_langchain_embeddings, get_embedder

            embeddings = as_langchain_embeddings(get_embedder(settings))
        self.store = _memory_chroma(embeddings)
        self.store.add_texts(texts=texts, metadatas=metas, ids=[f"c{i}" for i in range(len(texts))])
        self.files = len(files) - len(self.failed)
        self.chunks = len(texts)
        self.build_seconds = time.perf_counter() - t0
        log.info("naive baseline: %d chunks from %d files in %.1f s", self.chunks, self.files, self.build_seconds)

    def ask(self, question: str, agency: str | None = None, year: int | None = None) -> dict:
        t0 = time.perf_counter()
        hits = self.store.similarity_search_with_score(question, k=TOP_K)
        latency = (time.perf_counter() - t0) * 1000
        if not hits:  # pragma: no cover - the store is never empty
            return {"question": question, "answer": "", "answerable": True, "value": None, "citations": [],
                    "warnings": [], "intent": "naive", "latency_ms": latency}
        top, _ = hits[0]
        return {
            "question": question,
            "answer": top.page_content,
            "answerable": True,
            "value": None,
            "citations": [{"id": 1, "source": top.metadata.get("source")}],
            "warnings": [],
            "intent": "naive",
            "latency_ms": latency,
            "retrieved": [{"source": d.metadata.get("source"), "chunk": d.metadata.get("chunk"),
                           "distance": float(score), "text": d.page_content[:200]} for d, score in hits],
        }

    def close(self) -> None:
        try:
            self.store.delete_collection()
        except Exception:  # pragma: no cover - best effort cleanup of an in-memory collection
            log.debug("naive baseline: cannot delete the collection", exc_info=True)

    def __enter__(self) -> NaiveBaseline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _memory_chroma(embeddings):
    """An in-memory Chroma collection with telemetry off, unique per instance.

    chromadb shares one in-process system between ephemeral clients of equal
    settings, so the collection gets a random name to keep instances apart.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))
    return Chroma(collection_name=f"naive-{uuid.uuid4().hex[:12]}", embedding_function=embeddings, client=client,
                  collection_metadata={"hnsw:space": "cosine"})
