"""`--pdf`: LibreOffice with the package's fontconfig; checked with pdftotext and pdfinfo."""

from __future__ import annotations

import random
import re
import shutil
import subprocess

import pytest
import yaml
from lxml import etree

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


def placed_text(path) -> list[tuple[int, int, int, str, str]]:
    """Every piece of text of a PDF as poppler places it: (page, top, bottom, font family, text)."""
    xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", str(path)], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False))
    fonts = {spec.get("id"): spec.get("family") for spec in root.iter("fontspec")}
    return [(int(page.get("number")), int(text.get("top")), int(text.get("top")) + int(text.get("height")),
             fonts[text.get("font")], "".join(text.itertext()))
            for page in root.iter("page") for text in page.iter("text")]


#: what the name of a font that has Chinese characters holds (Noto CJK, AR PL, SimSun, 方正…)
_CJK_FONT = re.compile(r"CJK|Kai|Song|Hei|Ming|Fang|GB|Han|WenQuanYi|Sim|FZ|STX|仿宋|楷|黑|宋", re.IGNORECASE)


@needs_tools
@pytest.mark.skipif(shutil.which("pdftohtml") is None, reason="pdftohtml (poppler-utils) not installed")
def test_no_chinese_character_is_set_in_a_latin_font(run, tmp_path):
    """Digits may be in whatever Latin font the machine has (Liberation, DejaVu); Chinese never."""
    run(FULL, "-o", "r.docx", "--pdf")
    pieces = placed_text(tmp_path / "r.pdf")
    chinese = [(family, text) for _, _, _, family, text in pieces if re.search("[\u4e00-\u9fff]", text)]
    assert len(chinese) > 100
    assert [(family, text) for family, text in chinese if not _CJK_FONT.search(family)] == []


@needs_tools
def test_a_batch_converts_in_one_soffice_call(run, tmp_path, monkeypatch):
    calls = []
    real = pdf.run_program
    monkeypatch.setattr(pdf, "run_program", lambda *a, **k: calls.append(a) or real(*a, **k))
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
    for attr in ("year", "agency", "format", "values"):
        assert getattr(found, attr) == getattr(expected, attr), attr


def _shortened(tmp_path, lines: int):
    """The example with its 一、总体情况 shorter by about `lines` lines of text."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    last = data["overview"][-1]
    last["paragraphs"] = [p[:max(10, len(p) - 28 * lines)] for p in last["paragraphs"]]
    path = tmp_path / f"short{lines}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@needs_tools
@pytest.mark.skipif(shutil.which("pdftohtml") is None, reason="pdftohtml (poppler-utils) not installed")
@pytest.mark.parametrize("lines", [0, 1, 2, 4])
def test_each_block_of_table_two_stays_together_but_not_with_what_follows(run, tmp_path, lines):
    """A block of 二 (第二十条第（N）项 and its rows) never breaks across pages; the last block
    moves to the next page only when the page it would follow has no room for it."""
    run(_shortened(tmp_path, lines), "-o", "r.docx", "--pdf")
    pieces = placed_text(tmp_path / "r.pdf")
    height = int(etree.fromstring(subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", str(tmp_path / "r.pdf")],
                                                 capture_output=True, check=True).stdout,
                                  etree.XMLParser(load_dtd=False)).find("page").get("height"))

    lines: dict[tuple[int, int], list[tuple[int, int, str]]] = {}  # pieces of one line: one font each
    for page, top, bottom, _, text in pieces:
        key = next((k for k in lines if k[0] == page and abs(k[1] - top) <= 2), (page, top))
        lines.setdefault(key, []).append((top, bottom, text))

    def first(words: str) -> tuple[int, int, int]:
        """(page, top, bottom) of the first line that begins with `words`."""
        return next((page, min(t for t, _, _ in got), max(b for _, b, _ in got))
                    for (page, _), got in lines.items() if "".join(x for _, _, x in got).strip().startswith(words))
    blocks = [("第二十条第（一）项", "行政规范性"), ("第二十条第（五）项", "行政许可"),
              ("第二十条第（六）项", "行政强制"), ("第二十条第（八）项", "行政事业")]
    for title, last_row in blocks:
        assert first(title)[0] == first(last_row)[0], title
    (six_page, _, six_bottom), (eight_page, eight_top, _) = first("行政强制"), first("第二十条第（八）项")
    if eight_page > six_page:  # it moved: only because it did not fit below 行政强制
        room = height * (297 - 35) / 297 - six_bottom
        rows = 3 * (first("信息内容本年收费金额")[1] - eight_top)  # its three rows
        assert room < rows, (lines, room, rows)
    heading = first("三、收到和处理政府信息公开申请情况")
    assert heading[0] == first("（本列数据的勾稽关系")[0]  # the heading stays with its table


def dense_punctuation(paragraphs: int = 60) -> dict:
    """The full fixture with 一、总体情况 of many lines of clauses of random lengths, some with
    numbers, so that 「，」「、」「；」 fall at the end of lines in every position a line allows."""
    data = yaml.safe_load(FULL.read_text(encoding="utf-8"))
    words = "政府信息公开工作年度报告主动依申请平台建设监督保障管理规范性文件行政许可处罚强制服务收费复议诉讼社会评议反馈渠道"
    chosen = random.Random(7)
    texts = []
    for _ in range(paragraphs):
        text = ""
        while len(text) < 150:
            clause = "".join(chosen.choice(words) for _ in range(chosen.randint(3, 14)))
            if chosen.random() < 0.4:
                clause += f"{chosen.randint(1, 99999)}{chosen.choice(['件', '条', '次', '%'])}"
            text += clause + chosen.choice("，，，、；")
        texts.append(text[:-1] + "。")
    data["overview"] = texts
    return data


@needs_tools
def test_no_punctuation_mark_is_lost_at_the_end_of_a_line(run, tmp_path):
    """LibreOffice drops a 「，」「、」「；」 it hangs past the end of a justified line (6 of them
    in these 60 paragraphs): it is given the report left-aligned to print. The .docx stays
    justified, and a full line still holds 28 characters."""
    data = dense_punctuation()
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("d.yaml", "-o", "d.docx", "--pdf")
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in subprocess.run(["pdftotext", str(tmp_path / "d.pdf"), "-"], capture_output=True,
                                                     text=True, check=True).stdout.splitlines()]
    printed = "".join(line for line in lines if not re.fullmatch(r"—\s*\d+\s*—", line))  # page numbers
    section = printed[printed.index("一、总体情况") + len("一、总体情况"):printed.index("二、主动公开政府信息情况")]
    written = "".join(data["overview"])
    assert section.replace(" ", "") == written
    assert sum(line[-1:] in "，、；" for line in lines) >= 5  # marks did fall at the ends of lines
    assert max(len(line) for line in lines if line and line[0] in data["overview"][0][:2] + "政府信息公") >= 28
    import zipfile
    with zipfile.ZipFile(tmp_path / "d.docx") as docx:
        styles = docx.read("word/styles.xml").decode("utf-8")
    assert '<w:jc w:val="both"/>' in styles
