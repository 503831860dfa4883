"""What every HTML/Markdown builder of the web app uses: escaping, reading a field of a record or a dict, and
showing a value (pure functions; see :mod:`ui.render`)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

HIT_CLASS = "rqa-hit"


def esc(value: object) -> str:
    """HTML-escape any value (None -> '')."""
    return "" if value is None else html.escape(str(value), quote=True)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def as_dict(obj: Any) -> dict:
    """The answer (pydantic model or dict) as a plain JSON-able dict."""
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "to_json_dict"):
        return obj.to_json_dict()
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"not an answer object: {type(obj).__name__}")


_SPACE_PUNCT = re.compile(r"[\s\u3000,，.。、:：;；\"'“”‘’()（）\[\]【】<>《》·\-—_/]+")


def norm(s: object) -> str:
    """Compare labels loosely: no spaces or punctuation."""
    return _SPACE_PUNCT.sub("", str(s or ""))


def fmt_value(v: object) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".") if not v.is_integer() else f"{int(v):,}"  # never to 6 digits
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)
