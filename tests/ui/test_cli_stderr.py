"""``reportqa ask`` in a fresh process writes the answer and nothing else: jieba, loaded on first use to cut the
question's words, logs its dictionary load at DEBUG level through a handler of its own (English lines on stderr,
before every answer, in every new process) unless it is loaded through ``ingest.text.load_jieba``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_ask_in_a_new_process_writes_nothing_on_stderr(tmp_path, seeds_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(seeds_dir.glob("001_*.txt")), corpus)
    env = {**os.environ, "REPORTQA_EMBEDDING_MODEL": "fake", "REPORTQA_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT), "COLUMNS": "160"}
    cli = [sys.executable, "-m", "ui.cli"]
    index = tmp_path / "idx"
    built = subprocess.run([*cli, "ingest", str(corpus), "--index", str(index), "--json"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    # a table question, a narrative one (jieba cuts its content words), a refusal, and --json
    for args in (["河东区工业和信息化局2021年本年新收多少件申请？"], ["河东区工业和信息化局2021年存在哪些问题？"],
                 ["火星市2021年收到多少申请？"], ["河东区工业和信息化局2021年存在哪些问题？", "--json"]):
        res = subprocess.run([*cli, "ask", *args, "--index", str(index)], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=300)
        assert res.returncode in (0, 2), res.stderr
        assert res.stdout.strip(), args
        assert res.stderr == "", (args, res.stderr[:500])
