"""A folder holds more than reports: a README or a list of sources met while walking it is skipped with its
reason, never counted as a failed report; the same file named on the command line still fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.agency import same_agency
from ingest.indexer import ingest_paths
from ingest.settings import Settings
from tests.conftest import FIXTURES, SHARED

NOTE = "# 资料来源\n\n本文件夹收存各机关的政府信息公开工作年度报告，表格含本年新收政府信息公开申请数量、本年制发件数、" \
       "行政复议、行政诉讼、结转下年度继续办理、予以公开、部分公开、不予公开等栏目。\n"


def test_a_readme_in_a_folder_is_skipped_not_failed(tmp_path, seeds_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = sorted(seeds_dir.glob("*.txt"))[1]
    shutil.copy2(seed, corpus / seed.name)
    (corpus / "SOURCES.md").write_text(NOTE, encoding="utf-8")
    (corpus / "说明.txt").write_text("本目录下的文件请勿改名。\n", encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", embedding_model="fake")
    res = ingest_paths(settings, [corpus])
    assert (res.ingested, res.failed) == (1, 0), res.files
    skipped = {s.split(": ", 1)[0].rsplit("/", 1)[-1]: s for s in res.skipped}
    assert set(skipped) == {"SOURCES.md", "说明.txt"}
    assert "不是政府信息公开工作年度报告" in skipped["SOURCES.md"]
    # named on the command line, the same file is a failure with its reason
    named = ingest_paths(settings, [corpus / "SOURCES.md"])
    assert named.failed == 1 and named.files[0].not_a_report and not named.skipped
    assert "不是政府信息公开工作年度报告" in (named.files[0].reason or "")


def test_a_report_that_cannot_be_read_still_fails_inside_a_folder(tmp_path, seeds_dir):
    """Only 'no report at all' is skipped: a report whose 表三 cannot be read is a failure, even in a folder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = sorted(seeds_dir.glob("*.txt"))[1].read_text(encoding="utf-8")
    cut = text.index("三、收到和处理政府信息公开申请情况")
    (corpus / "cut.txt").write_text(text[:cut + 40], encoding="utf-8")
    res = ingest_paths(Settings(index_dir=tmp_path / "index", embedding_model="fake"), [corpus])
    assert res.failed == 1 and not res.skipped, (res.files, res.skipped)


def test_the_shared_corpus_ingests_whole_with_the_hand_read_agency_and_year(tmp_path):
    """`reportqa ingest ../shared/corpus`: every report of seeds/, raw/ and real/ ingested (0 refused), each with
    the agency and year of tests/fixtures/corpus_truth.json (read off the documents); its SOURCES.md lists are
    skipped as no reports, with their reason."""
    corpus = SHARED / "corpus"
    if not (corpus / "real").is_dir():
        pytest.skip(f"shared corpus not found at {corpus} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    truth = {e["path"]: e for e in json.loads((FIXTURES / "corpus_truth.json").read_text("utf-8"))["files"]}
    res = ingest_paths(Settings(index_dir=tmp_path / "index", embedding_model="fake"), [corpus])
    assert res.failed == 0, [(f.path, f.reason) for f in res.files if f.status == "failed"]
    got = {str(Path(f.path).relative_to(corpus)): f for f in res.files}
    assert set(got) == set(truth)
    for rel, want in truth.items():
        f = got[rel]
        assert f.status == "ingested" and f.year == want["year"], (rel, f)
        assert same_agency(f.agency, want["agency"]), (rel, f.agency, want["agency"])
    assert sorted(s.split(": ", 1)[0].rsplit("/", 1)[-1] for s in res.skipped) == ["SOURCES.md", "SOURCES.md"]
