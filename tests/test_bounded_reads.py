"""Every reader is bounded: a zip bomb, an entity trick, a FIFO or a file that never ends is
refused with a Chinese message, at once, without reading more than its limit."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from xxgk_report import api, files
from xxgk_report.county import read_roster
from xxgk_report.errors import DataError, ReportError
from xxgk_report.extract import extract

from . import docx_reader as dr
from .conftest import EXAMPLE, within


def _docx_with(document: bytes, path: Path) -> Path:
    parts = dr.parts(api.render_report(EXAMPLE))
    parts["word/document.xml"] = document
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return path


def _refusal(path: Path) -> str:
    with within(30), pytest.raises(DataError) as info:
        extract(path)
    return info.value.problems[0].message


def test_a_docx_that_unzips_to_gigabytes_is_refused_before_it_is_unzipped(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b" " * 2**20
            for _ in range(1024):  # 1 GB of spaces: about 1 MB compressed
                part.write(chunk)
    assert path.stat().st_size < 3 * 2**20
    message = _refusal(path)
    assert "解压后有 1024.0 MB" in message and "可能是“压缩炸弹”，未读取" in message


def test_an_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    document = dr.parts(api.render_report(EXAMPLE))["word/document.xml"].decode("utf-8")
    head, rest = document.split("?>", 1)
    hostile = head + f'?><!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>' + rest.replace(
        "一、总体情况", "一、总体情况&x;", 1)
    message = _refusal(_docx_with(hostile.encode("utf-8"), tmp_path / "xxe.docx"))
    assert message == "无法读取 Word 文档（word/document.xml 中有 DOCTYPE 声明，Word 文档不会有）"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFO")
@pytest.mark.parametrize("name", ["x.txt", "x.html", "x.docx"])
def test_a_fifo_named_like_a_report_is_refused_without_blocking(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    assert "是管道或设备文件，不是普通文件，未读取" in _refusal(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="POSIX device")
def test_a_file_that_never_ends_is_refused(tmp_path):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    assert "是管道或设备文件" in _refusal(tmp_path / "zero.txt")


def test_a_text_over_its_limit_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (files.MAX_TEXT_FILE + 1))
    assert _refusal(path) == f"文本文件 {path} 超过 20.0 MB，未读取（这么大的文件不会是年度报告的文本文件）"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFO")
def test_a_roster_that_is_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "名单.txt"
    os.mkfifo(fifo)
    with within(20), pytest.raises(ReportError, match="单位名单 .* 是管道或设备文件"):
        read_roster(fifo)


def test_read_zip_never_returns_more_than_declared(tmp_path):
    """A zip whose header understates an entry's size: zipfile stops at the declared size and
    the CRC check fails, so the damaged file is refused, not read whole."""
    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a/>" + b" " * 10_000)
    raw = bytearray(blob.getvalue())
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24: central + 28] = (100).to_bytes(4, "little")  # uncompressed size: 100
    path = tmp_path / "lying.docx"
    path.write_bytes(bytes(raw))
    with pytest.raises(files.InputError, match="已损坏"):
        files.read_zip(path)
