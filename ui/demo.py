"""The demo: invented (示例（虚构）) reports in their own index, ``<cache_dir>/demo-index``.

Never written into a user's index. The web app uses it only while the user's index holds no reports
(:meth:`ui.app.Handlers.qa`) and labels everything that comes from it; 「移除示例数据」 deletes it and leaves a
marker so that ``make run`` does not build it again.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEMO_REPORTS = 24  # synthetic reports (all formats, 2019-2024, a few 勾稽 findings and blanks)


def demo_index_dir(settings: Any) -> Path:
    return Path(settings.cache_dir) / "demo-index"


def removed_marker(settings: Any) -> Path:
    return Path(settings.cache_dir) / "demo-index.removed"


def demo_settings(settings: Any) -> Any:
    return settings.model_copy(update={"index_dir": demo_index_dir(settings)})


def demo_corpus(settings: Any) -> Path:
    """REPORTQA_DEMO_DIR if set; else the synthetic corpus, generated once into ``<cache_dir>/demo-corpus``."""
    env = os.environ.get("REPORTQA_DEMO_DIR")
    if env:
        return Path(env)
    out = Path(settings.cache_dir) / "demo-corpus"
    if len(list(out.glob("*.truth.json"))) < DEMO_REPORTS:
        from eval.synth.generate import generate

        generate(DEMO_REPORTS, out, seed=0, violations=0.1, blank=0.05)
    return out


def open_demo(settings: Any, note: Any = None) -> Any | None:
    """The demo Assistant (its index built on first use), or None when the user removed the demo."""
    if removed_marker(settings).exists():
        return None
    from assistant import Assistant
    from ingest.indexer import ingest_paths
    from ingest.stores.common import catalog_exists

    ds = demo_settings(settings)
    corpus = demo_corpus(settings)
    if not corpus.exists():
        raise FileNotFoundError(f"示例数据目录不存在：{corpus}（REPORTQA_DEMO_DIR 须是一个装有报告的目录）")
    if not catalog_exists(Path(ds.index_dir)) or not Assistant(ds).reports():
        if note:
            note(f"正在建立示例（虚构）索引 {ds.index_dir}（首次需要一两分钟）…")
        ingest_paths(ds, [corpus])
    return Assistant(ds)


def remove_demo_index(settings: Any, qa: Any = None) -> None:
    close = getattr(qa, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # noqa: BLE001
            log.debug("closing the demo assistant failed", exc_info=True)
    shutil.rmtree(demo_index_dir(settings), ignore_errors=True)
    marker = removed_marker(settings)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("示例（虚构）数据已由用户移除；删除本文件后 --demo 会重新建立。\n", encoding="utf-8")
