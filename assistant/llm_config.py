"""Which chat model phrases answers (``settings.llm``), built once per configuration and cached.

``openai:MODEL`` is any OpenAI-compatible endpoint (DeepSeek, Qwen, a local server), ``ollama:MODEL`` a local
Ollama; the LangChain integrations are optional extras, imported lazily (see :mod:`assistant.llm`).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Any

from ingest.errors import ModelUnavailableError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from langchain_core.language_models import BaseChatModel

    from ingest.settings import Settings

INSTALL_HINT = "pip install 'reportqa[llm]'"
logger = logging.getLogger("assistant.llm")
_NONE_VALUES = {"", "none", "off", "false", "0", "no"}


def llm_enabled(settings: Settings | None) -> bool:
    """True when ``settings.llm`` names a chat model (anything but ``none``)."""
    if settings is None:
        return False
    return str(getattr(settings, "llm", "none") or "none").strip().lower() not in _NONE_VALUES


def _parse_spec(spec: str) -> tuple[str, str]:
    """Split ``provider:model`` and validate the provider."""
    provider, sep, model = spec.strip().partition(":")
    provider = provider.strip().lower()
    model = model.strip()
    if not sep or not model or provider not in {"openai", "ollama"}:
        raise ModelUnavailableError(
            f"REPORTQA_LLM={spec!r} is not understood: use 'none', 'openai:MODEL' "
            "(any OpenAI-compatible endpoint, e.g. openai:deepseek-chat) or 'ollama:MODEL' (e.g. ollama:qwen2.5:7b)"
        )
    return provider, model


_MODEL_CACHE: dict[tuple[Any, ...], BaseChatModel] = {}
_MODEL_CACHE_LOCK = threading.Lock()


def clear_model_cache() -> None:
    """Forget the chat models built so far (tests, or after changing settings)."""
    with _MODEL_CACHE_LOCK:
        _MODEL_CACHE.clear()


def _openai_connection(settings: Settings) -> tuple[str | None, str | None]:
    base_url = settings.llm_base_url or os.environ.get("OPENAI_BASE_URL") or None
    api_key = settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or None
    return base_url, api_key


def get_chat_model(settings: Settings) -> BaseChatModel:
    """The LangChain chat model named by ``settings.llm``, built once and cached.

    Raises :class:`ingest.errors.ModelUnavailableError` when no model is
    configured, the setting is malformed, the API key is missing, or the
    integration package is not installed (with the install hint).
    """
    if not llm_enabled(settings):
        raise ModelUnavailableError("no language model is configured (REPORTQA_LLM=none)")
    provider, model_name = _parse_spec(settings.llm)
    timeout = float(settings.llm_timeout)
    if provider == "openai":
        base_url, api_key = _openai_connection(settings)
        key: tuple[Any, ...] = (provider, model_name, base_url, api_key, timeout)
    else:
        base_url, api_key = settings.llm_base_url or None, None
        key = (provider, model_name, base_url, timeout)
    with _MODEL_CACHE_LOCK:
        cached = _MODEL_CACHE.get(key)
        if cached is not None:
            return cached
        if provider == "openai":
            chat = _build_openai(model_name, base_url, api_key, timeout)
        else:
            chat = _build_ollama(model_name, base_url, timeout)
        _MODEL_CACHE[key] = chat
        logger.info("chat model ready: %s:%s at %s", provider, model_name, base_url or "(default endpoint)")
        return chat


def _build_openai(model_name: str, base_url: str | None, api_key: str | None, timeout: float) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ModelUnavailableError(
            f"REPORTQA_LLM=openai:{model_name} needs langchain-openai, which is not installed: {INSTALL_HINT}"
        ) from exc
    if not api_key:
        raise ModelUnavailableError(
            f"REPORTQA_LLM=openai:{model_name} needs an API key: set REPORTQA_LLM_API_KEY (or OPENAI_API_KEY); "
            "for a local server that ignores keys any value works, e.g. 'EMPTY'"
        )
    return ChatOpenAI(model=model_name, base_url=base_url, api_key=api_key, timeout=timeout,
                      max_retries=0, temperature=0)


def _build_ollama(model_name: str, base_url: str | None, timeout: float) -> BaseChatModel:
    try:
        from langchain_ollama import ChatOllama
    except ImportError as exc:
        raise ModelUnavailableError(
            f"REPORTQA_LLM=ollama:{model_name} needs langchain-ollama, which is not installed: {INSTALL_HINT}"
        ) from exc
    kwargs: dict[str, Any] = {"model": model_name, "temperature": 0, "client_kwargs": {"timeout": timeout}}
    if base_url:
        kwargs["base_url"] = base_url
    return ChatOllama(**kwargs)
