"""`--pdf`: LibreOffice with the package's fontconfig; checked with pdftotext and pdfinfo."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from xxgk_report import pdf
from xxgk_report.extract import extract
from xxgk_report.model import build_report, load_report

from .conftest import EXAMPLE, FIXTURES, FULL

FULL_2019 = FIXTURES / "full-2020.yaml"

NEEDS = [tool for tool in ("soffice", "pdftotext", "pdfinfo") if shutil.which(tool) is None]
needs_tools = pytest.mark.skipif(bool(NEEDS), reason=f"{'、'.join(NEEDS)} not installed (Debian: apt-get install "
                                                       "libreoffice-writer-nogui fonts-noto-cjk poppler-utils)")


def text_of(path, page=None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pages_of(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@needs_tools
def test_pdf_has_the_text_the_numbers_and_the_page_numbers(run, tmp_path):
    result = run(FULL, "-o", "r.docx", "--pdf")
    assert result.exit_code == 0 and result.stdout.splitlines() == ["r.docx", "r.pdf"]
    path = tmp_path / "r.pdf"
    pages = pages_of(path)
    assert 4 <= pages <= 10
    text = re.sub(r"\s+", "", text_of(path))
    for words in ("某某市某某区数据局", "一、总体情况", "三、收到和处理政府信息公开申请情况", "六、其他需要报告的事项",
                  "（七）总计", "12.35", "2024年1月8日"):
        assert words in text, words
    for page in range(1, pages + 1):  # 「— N —」 on every page
        assert f"—{page}—" in re.sub(r"\s+", "", text_of(path, page)), page


@needs_tools
def test_fonts_are_cjk_never_latin_for_chinese(run, tmp_path):
    run(EXAMPLE, "-o", "r.docx", "--pdf")
    fonts = subprocess.run(["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert any("CJK" in n or "Kai" in n or "Song" in n or "Hei" in n for n in names), names
    assert not any("DejaVu" in n for n in names), names  # fontconfig's last resort: Chinese fell back to it


@needs_tools
def test_a_batch_converts_in_one_soffice_call(run, tmp_path, monkeypatch):
    calls = []
    real = subprocess.run
    monkeypatch.setattr(pdf.subprocess, "run", lambda *a, **k: calls.append(a) or real(*a, **k))
    result = run("build", EXAMPLE, FULL, "-o", "many", "--pdf", "--jobs", "1")
    assert result.exit_code == 0
    assert len(calls) == 1
    assert sorted(p.name for p in (tmp_path / "many").glob("*.pdf")) == ["example-2022.pdf", "full-2023.pdf"]


def test_without_libreoffice_a_clear_message(run, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    result = run(EXAMPLE, "-o", "r.docx", "--pdf")
    assert result.exit_code == 1
    assert "需要 LibreOffice 才能生成 PDF：Debian/Ubuntu 上运行 sudo apt-get install libreoffice-writer-nogui" in result.stderr
    assert "Windows 上安装 LibreOffice" in result.stderr
    assert not (tmp_path / "r.docx").exists()  # said before any work


def test_fontconfig_maps_every_official_font():
    text = pdf.fonts_conf().read_text(encoding="utf-8")
    assert "--" not in re.sub(r"<!--|-->", "", text)  # a comment with -- makes fontconfig drop the file
    for family in ("仿宋_GB2312", "方正小标宋简体", "楷体_GB2312", "黑体", "宋体"):
        assert f"<test name=\"family\"><string>{family}</string></test>" in text


@needs_tools
@pytest.mark.parametrize("source", [FULL, FULL_2019], ids=["2021", "2019"])
def test_every_number_is_in_its_cell_read_back_from_the_pdf(run, tmp_path, source):
    # The PDF's text (pdftotext -layout), read back by make-report extract, gives the same tables.
    assert run(source, "-o", "r.docx", "--pdf").exit_code == 0
    (tmp_path / "r.txt").write_text(text_of(tmp_path / "r.pdf"), encoding="utf-8")
    result = extract(tmp_path / "r.txt")
    assert result.problems == []
    found, expected = build_report(result.data), load_report(source)
    for attr in ("year", "agency", "format", "proactive", "applications", "reviews"):
        assert getattr(found, attr) == getattr(expected, attr), attr
