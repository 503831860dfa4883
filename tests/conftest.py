"""Shared fixtures: the real corpus in ../shared (skipped with a reason when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REPORTQA_SHARED", ROOT.parent / "shared"))
SEEDS_DIR = SHARED / "corpus" / "seeds"
RAW_DIR = SHARED / "corpus" / "raw"
REAL_DIR = SHARED / "corpus" / "real"
FIXTURES = ROOT / "tests" / "fixtures"

# no model hub, no telemetry, ever, in tests
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _need(SEEDS_DIR)


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return _need(RAW_DIR)


@pytest.fixture(scope="session")
def real_dir() -> Path:
    return _need(REAL_DIR)


@pytest.fixture(scope="session")
def seed_paths(seeds_dir) -> list[Path]:
    paths = sorted(seeds_dir.glob("*.txt"))
    assert len(paths) == 5, paths
    return paths


@pytest.fixture(scope="session")
def pdf_paths(raw_dir) -> list[Path]:
    paths = sorted(raw_dir.glob("*.pdf"))
    assert len(paths) == 3, paths
    return paths


def seed(seeds_dir: Path, prefix: str) -> Path:
    return next(seeds_dir.glob(f"{prefix}_*.txt"))
