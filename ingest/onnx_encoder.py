"""The ONNX Runtime embedding backend: an exported encoder, run without torch.

:class:`OnnxEncoder` runs one export folder (see :mod:`ingest.onnx_export`):
the ``tokenizers`` tokenizer saved with it (truncation at the model's
``max_seq_length``, as sentence-transformers does), ONNX Runtime on the CPU,
then mean pooling over the attention mask and L2 normalisation in numpy —
the same steps sentence-transformers runs, so fp32 vectors agree with the
torch backend's (cosine ≥ 0.9999, checked when the export is built).
Texts are sorted by token length before batching, so a batch pads little.

:class:`OnnxEmbedder` is the :class:`~ingest.protocols.Embedder` on top
(prefixes, batch size). Neither imports torch: a process that only asks
questions loads onnxruntime and tokenizers, not torch.

Threads: ``threads`` is ONNX Runtime's intra-op thread count (unset: its
default, one per physical core); spinning is off so that waiting threads do
not burn a core another process needs (the machines are shared).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ingest.errors import ModelUnavailableError

logger = logging.getLogger(__name__)


def _import_onnxruntime():
    try:
        import onnxruntime
    except ImportError as exc:
        from ingest.onnx_export import INSTALL_HINT

        raise ModelUnavailableError(f"onnxruntime is not installed ({exc}): {INSTALL_HINT}") from exc
    return onnxruntime


class OnnxEncoder:
    """Texts (already prefixed) -> L2-normalised float32 vectors, with one ONNX export folder."""

    def __init__(self, folder: str | Path, meta: dict[str, Any] | None = None, *, threads: int | None = None,
                 batch_size: int = 32) -> None:
        from ingest.onnx_export import MODEL_FILE, STAMP_FILE, TOKENIZER_FILE

        self.folder = Path(folder)
        if meta is None:
            meta = json.loads((self.folder / STAMP_FILE).read_text(encoding="utf-8"))
        self.dim = int(meta["dim"])
        self.max_len = int(meta["max_seq_length"])
        self.pad_id = int(meta["pad_id"])
        self.batch_size = batch_size
        ort = _import_onnxruntime()
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(self.folder / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_len)
        opts = ort.SessionOptions()
        if threads:
            opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(self.folder / MODEL_FILE), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own exception types
            raise ModelUnavailableError(f"ONNX Runtime cannot load {self.folder / MODEL_FILE} "
                                        f"({type(exc).__name__}: {str(exc)[:200]})") from exc
        self.threads = threads

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=True)
        ids = [e.ids for e in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            width = max(len(ids[i]) for i in batch)
            input_ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                input_ids[row, :len(ids[i])] = ids[i]
                mask[row, :len(ids[i])] = 1
            tokens = self.session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
            out[batch] = _mean_pool_normalise(tokens, mask)
        return out


def _mean_pool_normalise(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' mean Pooling then Normalize, in float32."""
    m = mask[..., None].astype(np.float32)
    pooled = (tokens.astype(np.float32) * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return pooled / norms


class OnnxEmbedder:
    """An :class:`~ingest.protocols.Embedder` over an ONNX export of a sentence-transformers model.

    ``name`` is the model's name as in settings (stamped into indexes);
    ``folder`` the export (``ingest.onnx_export.ensure_variant``).
    """

    def __init__(self, name: str, folder: str | Path, batch_size: int = 32, query_prefix: str = "query: ",
                 passage_prefix: str = "passage: ", *, threads: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.name = name
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.encoder = OnnxEncoder(folder, threads=threads, batch_size=batch_size)
        self.variant = (json.loads((Path(folder) / "reportqa-onnx.json").read_text(encoding="utf-8"))
                        .get("variant", "fp32"))

    @property
    def dim(self) -> int:
        return self.encoder.dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder.encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.encoder.encode([self.query_prefix + text])[0]

    def __repr__(self) -> str:
        return (f"OnnxEmbedder({self.name!r}, {self.variant}, batch_size={self.batch_size}, "
                f"threads={self.encoder.threads})")
