"""Hostile and oversized files: refused before the expensive read, with a Chinese reason, memory bounded.

The zip bomb's peak memory is measured in a fresh Python process (psutil
sampling RSS every 1 ms while the file is read): in the test process, heap
freed by earlier tests would hide growth (and ru_maxrss would carry the
parent's peak over exec). The control
case (the same kind of file, the limit raised) shows the measurement sees a
file that *is* decompressed.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from ingest import limits
from ingest.errors import ReportError
from ingest.indexer import ingest_paths
from ingest.readers import read_document

MB = 1024 * 1024
BOMB_MB = 300  # uncompressed; the file itself is about 300 KB
PEAK_BOUND_MB = 25  # what reading (refusing) the bomb may add to this process's peak RSS


def _zip(path: Path, parts: dict[str, int | bytes]) -> Path:
    """A ZIP; an int part is that many MiB of zeros, streamed (never held in memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, body in parts.items():
            if isinstance(body, bytes):
                z.writestr(name, body)
                continue
            with z.open(name, "w", force_zip64=True) as f:
                block = b"0" * MB
                for _ in range(body):
                    f.write(block)
    return path


def _docx(path: Path, text_mb: int) -> Path:
    """A valid DOCX (python-docx's own package) with ``text_mb`` paragraphs of 1 MiB of text, streamed."""
    import io

    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED,
                                                 compresslevel=1) as z:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info, src.read(info))
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(f'<w:document xmlns:w="{w}"><w:body>'.encode())
            block = b"<w:p><w:r><w:t>" + "年".encode() * (MB // 3) + b"</w:t></w:r></w:p>"  # ~1 MiB a paragraph
            for _ in range(text_mb):
                f.write(block)
            f.write(b"</w:body></w:document>")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return _docx(tmp_path_factory.mktemp("bomb") / "年报.docx", BOMB_MB)


CHILD = r"""
import json, sys, threading, time
import psutil
from ingest import limits
from ingest.readers import read_document
from ingest.settings import Settings

limits.configure(Settings(**json.loads(sys.argv[2])))
proc = psutil.Process()
base = peak = proc.memory_info().rss
stop = False

def sample():
    global peak
    while not stop:
        peak = max(peak, proc.memory_info().rss)
        time.sleep(0.001)

t = threading.Thread(target=sample, daemon=True)
t.start()
try:
    doc = read_document(sys.argv[1])
    outcome = {"read": len(doc.text)}
except Exception as e:
    outcome = {"refused": getattr(e, "reason", str(e))}
stop = True
t.join()
peak = max(peak, proc.memory_info().rss)
print(json.dumps({**outcome, "added_mb": (peak - base) / 2**20}))
"""


def read_in_fresh_process(path: Path, **settings) -> dict:
    """read_document(path) in a new Python process; its outcome and how much it added to the peak RSS
    (psutil sampling every 1 ms) over the process's own baseline."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, "-c", CHILD, str(path), json.dumps(settings)], cwd=root, timeout=300,
                       capture_output=True, text=True, env={**__import__("os").environ, "PYTHONPATH": str(root)})
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.fixture(autouse=True)
def _default_limits():
    limits.configure(None)
    yield
    limits.configure(None)


def test_zip_bomb_docx_is_refused_from_its_directory_with_bounded_memory(bomb):
    assert bomb.stat().st_size < 3 * MB  # small on disk, 300 MiB inside
    with pytest.raises(ReportError) as e:
        read_document(bomb)
    assert "解压后体积过大" in e.value.reason and re.search(r"30\d\.\d MB，上限 200 MB", e.value.reason)
    got = read_in_fresh_process(bomb)
    print(f"zip bomb ({bomb.stat().st_size // 1024} KB -> {BOMB_MB} MiB): refused, peak RSS +{got['added_mb']:.1f} MiB")
    assert "解压后体积过大" in got["refused"] and got["added_mb"] < PEAK_BOUND_MB


def test_the_memory_measurement_sees_a_file_that_is_read(tmp_path):
    """Control: a 60 MiB document.xml with the limits raised is inflated, and the measurement sees it."""
    f = _docx(tmp_path / "big.docx", 60)
    got = read_in_fresh_process(f, max_container_xml_mb=100, max_text_chars=10**8)
    print(f"control: a 60 MiB document.xml read, peak RSS +{got['added_mb']:.0f} MiB")
    assert got.get("read", 0) > 20_000_000 and got["added_mb"] > 50  # 60 MiB of 3-byte characters


def test_xml_parts_and_entry_count_are_limited(tmp_path, fake_settings):
    xml = _zip(tmp_path / "xml.docx", {"word/document.xml": 41})  # 41 MiB of XML: under 200 total, over 40
    with pytest.raises(ReportError, match="XML"):
        read_document(xml)
    many = _zip(tmp_path / "many.docx", {f"word/media/{i}.bin": b"x" for i in range(120)})
    limits.configure(fake_settings(max_container_entries=100))
    with pytest.raises(ReportError, match="条目过多：120 个，上限 100 个"):
        read_document(many)


def test_ingest_names_the_refusal_and_goes_on(bomb, tmp_path, fake_settings, seed_paths):
    s = fake_settings()
    res = ingest_paths(s, [bomb, seed_paths[0]])
    by = {Path(f.path).name: f for f in res.files}
    assert by["年报.docx"].status == "failed" and "解压炸弹" in by["年报.docx"].reason
    assert by[seed_paths[0].name].status == "ingested"


def _pdf(path: Path, pages: int, encrypt: str | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for i in range(pages):
        c.drawString(72, 720, f"Page {i + 1} of an annual report, with some text on it.")
        c.showPage()
    c.save()
    return path


def test_encrypted_pdf_is_named_as_such(tmp_path):
    f = _pdf(tmp_path / "加密.pdf", 2, encrypt="s3cret")
    with pytest.raises(ReportError) as e:
        read_document(f)
    assert "已加密" in e.value.reason and "密码" in e.value.reason


def test_pdf_pages_are_counted_before_reading(tmp_path, fake_settings):
    f = _pdf(tmp_path / "long.pdf", 12)
    limits.configure(fake_settings(max_pdf_pages=10))
    with pytest.raises(ReportError, match="PDF 页数过多：超过 10 页"):
        read_document(f)
    limits.configure(fake_settings(max_pdf_pages=12))
    assert len(read_document(f).pages) == 12  # at the limit: read


def test_text_size_before_reading_and_length_after(tmp_path, fake_settings, seed_paths):
    limits.configure(fake_settings(max_text_chars=5000))
    big = tmp_path / "big.txt"
    big.write_bytes("年报。".encode() * 3000)  # 27,000 bytes > 4 x 5,000: refused unread
    with pytest.raises(ReportError, match="文件过大"):
        read_document(big)
    mid = tmp_path / "mid.txt"
    mid.write_text("a" * 6000, encoding="utf-8")  # 6,000 bytes pass the size check; 6,000 characters do not
    with pytest.raises(ReportError, match="文本过长：6,000 字"):
        read_document(mid)
    limits.configure(None)
    assert read_document(seed_paths[0]).text  # a real report is far inside the defaults


def test_chunks_per_report_are_limited(fake_settings, seed_paths):
    s = fake_settings(max_report_chunks=5)
    res = ingest_paths(s, [seed_paths[0]])
    assert res.failed == 1 and "片段过多" in res.files[0].reason and "上限 5 个" in res.files[0].reason
