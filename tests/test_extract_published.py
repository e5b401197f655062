"""Reports as they are really published, read back: text a crawler or a converter made of a
report (one line, markdown, other headings, other order, a site's chrome, wrapped titles,
notes in cells, tables split by a page), each asserting every cell and the coverage; a
missing part is listed as unread, never read as 0."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from xxgk_report import api, spec
from xxgk_report.extract import data_file_text, extract
from xxgk_report.model import Report, build_report, load_report
from xxgk_report.pdf import convert
from xxgk_report.render import render_docx
from xxgk_report.variants import template_path
from xxgk_report.webpage import render_html

from .conftest import EXAMPLE, FIXTURES, FULL
from .test_extract import reports

FULL_2019 = FIXTURES / "full-2020.yaml"


def page_lines(report: Report) -> list[str]:
    """The report's web page as the lines a crawler keeps: a table row's cells joined by tabs,
    the title's two lines as two."""
    root = lxml.html.fromstring(render_html(report, fragment=True))
    lines = []
    for element in root.iter("h1", "h2", "h3", "p", "tr"):
        if element.tag == "h1":
            lines += [text.strip() for text in element.itertext() if text.strip()]
        elif element.tag == "tr":
            lines.append("\t".join("".join(cell.itertext()).strip() for cell in element if cell.tag in ("td", "th")))
        else:
            lines.append("".join(element.itertext()).strip())
    return lines


def headings(report: Report) -> list[str]:
    return [heading for _, heading in spec.SECTIONS]


def by_section(lines: list[str], report: Report) -> tuple[list[str], list[list[str]]]:
    """The lines before the first section heading, and each section's lines (its heading first)."""
    starts = [i for i, line in enumerate(lines) if line in headings(report)]
    assert len(starts) == 6, starts
    return lines[:starts[0]], [lines[a:b] for a, b in zip(starts, starts[1:] + [len(lines)])]


def read(tmp_path, lines_or_text, name: str = "r.txt"):
    text = lines_or_text if isinstance(lines_or_text, str) else "\n".join(lines_or_text)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(path)


def every_cell(result, expected: Report) -> Report:
    """The extraction read every cell, each equal to the report's; its head too."""
    cells = len(expected.spec.fields)  # 200 in the 2021 format, 198 in the 2019 one
    assert result.coverage == f"读出 {cells}/{cells} 格" and not result.unread and "unread" not in result.data
    found = build_report(result.data)
    assert dict(found.values) == dict(expected.values)
    assert (found.year, found.agency, found.format) == (expected.year, expected.agency, expected.format)
    return found


def same_narrative(found: Report, expected: Report) -> None:
    for key in expected.narrative:
        assert [(p.kind, p.heading, p.text) for p in found.narrative[key]] == \
               [(p.kind, p.heading, p.text) for p in expected.narrative[key]], key


@pytest.fixture(scope="module", params=[FULL, EXAMPLE, FULL_2019], ids=["full", "example", "2019"])
def published(request) -> tuple[Report, list[str]]:
    report = load_report(request.param)
    return report, page_lines(report)


# --- the forms of the text -------------------------------------------------------------


def test_text_copied_from_the_page(tmp_path, published):
    report, lines = published
    result = read(tmp_path, lines)
    assert result.problems == []
    same_narrative(every_cell(result, report), report)


def test_one_line_of_crawler_text(tmp_path, published):
    """The whole body on one line, cells and paragraphs separated by a space: every cell, and
    the sections' text (one paragraph boundary inside a section may be lost)."""
    report, lines = published
    result = read(tmp_path, " ".join(line.replace("\t", " ") for line in lines))
    found = every_cell(result, report)
    for key in ("overview", "problems", "other_matters"):
        assert "".join(p.heading + p.text for p in found.narrative[key]) == \
               "".join(p.heading + p.text for p in report.narrative[key]), key


def markdown(lines: list[str], report: Report) -> list[str]:
    """What a PDF converter writes: headings marked with #, tables as | rows with a rule."""
    out, in_table = [], False
    for line in lines:
        if "\t" in line:
            out.append("| " + " | ".join(line.split("\t")) + " |")
            if not in_table:
                out.append("|" + "---|" * (line.count("\t") + 1))
            in_table = True
            continue
        in_table = False
        out.append(f"## {line}" if line in headings(report) else f"**{line}**" if line == lines[0] else line)
    return out


def test_markdown_from_a_pdf_converter(tmp_path, published):
    report, lines = published
    result = read(tmp_path, markdown(lines, report), "r.md.txt")
    same_narrative(every_cell(result, report), report)


@pytest.mark.parametrize("section, variant", [
    (0, "一、总体情况概述"),
    (4, "五、政府信息公开工作存在的主要问题及改进情况"),
    (4, "五、存在的主要问题及整改措施"),
    (5, "六、其他需要报告的事项说明"),
    (3, "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
])
def test_headings_as_reports_print_them(tmp_path, section, variant):
    report = load_report(FULL)
    lines = page_lines(report)
    lines[lines.index(headings(report)[section])] = variant
    result = read(tmp_path, lines)
    assert result.problems == []
    same_narrative(every_cell(result, report), report)


def test_sections_in_another_order(tmp_path):
    """The narrative first (一、五、六), then the three tables: each section where it is."""
    report = load_report(FULL)
    head, sections = by_section(page_lines(report), report)
    reordered = head + sections[0] + sections[4] + sections[5] + sections[1] + sections[2] + sections[3]
    result = read(tmp_path, reordered)
    same_narrative(every_cell(result, report), report)


def test_a_missing_section_costs_that_section_only_and_its_cells_are_unread(tmp_path):
    report = load_report(FULL)
    head, sections = by_section(page_lines(report), report)
    result = read(tmp_path, head + [line for i, part in enumerate(sections) if i != 3 for line in part])
    reviews = [f.key for f in report.spec.fields if f.key.startswith("reviews.")]
    assert list(result.unread) == reviews and len(reviews) == 15
    assert result.coverage == "读出 185/200 格" and result.data["unread"] == reviews
    assert [p.message for p in result.problems][:2] == ["找不到行政复议、行政诉讼的表格，未读出",
                                                        "找不到「四、政府信息公开行政复议、行政诉讼情况」这一部分"]
    found = build_report(result.data)
    assert {k: v for k, v in found.values.items() if k not in reviews} == \
           {k: v for k, v in report.values.items() if k not in reviews}
    for key in ("overview", "problems", "other_matters"):
        assert found.narrative[key] == report.narrative[key]
    text = data_file_text(result, FULL)
    assert "# 读出 185/200 格。" in text.splitlines()[:3]
    assert sum(line.startswith("#   reviews.") for line in text.splitlines()) == 15


# --- titles and a site's chrome ----------------------------------------------------------


@pytest.mark.parametrize("title", [
    ["某某市某某区数据局2023年度政府信息公开工作年度报告"],
    ["2023年度某某市某某区数据局政府信息公开工作年度报告"],
    ["某某市某某区数据局2023年政府信息公开年度报告"],
    ["某某市某某区数据局2023年政府信息公开年报"],
    ["2023年某某市某某区数据局政府信息公开", "工作年度报告"],
    ["某某市某某区数据局2023年度", "政府信息公开工作年度报告"],
], ids=["one-line", "year-first", "without-gongzuo", "nianbao", "wrapped-words", "wrapped-name"])
def test_titles_as_reports_print_them(tmp_path, title):
    report = load_report(FULL)
    lines = page_lines(report)
    assert lines[:2] == ["某某市某某区数据局", "2023年度政府信息公开工作年度报告"]
    result = read(tmp_path, title + lines[2:])
    assert result.problems == []
    found = every_cell(result, report)
    assert found.title == "".join(title)
    same_narrative(found, report)


SITE_CHROME = ["【打印本页】【关闭窗口】", "相关链接：", "中国政府网  省政府网", "分享到：",
               "主办单位：某某市人民政府办公室  联系电话：0000-1234567", "网站标识码：1234567890",
               "ICP备案号：某ICP备12345678号"]


@pytest.mark.parametrize("signature", ["dated", "agency only", "none"])
def test_a_sites_footer_does_not_run_into_section_six(tmp_path, signature):
    report = load_report(FULL)
    lines = page_lines(report)
    assert lines[-2:] == ["某某市某某区数据局", "2024年1月8日"]
    kept = {"dated": lines, "agency only": lines[:-1], "none": lines[:-2]}[signature]
    result = read(tmp_path, ["首页 > 政府信息公开 > 年度报告", "发布时间：2024-01-10  来源：区数据局  浏览次数：123"]
                  + kept + SITE_CHROME)
    found = every_cell(result, report)
    assert found.narrative["other_matters"] == report.narrative["other_matters"]
    assert found.narrative["preamble"] == report.narrative["preamble"]


# --- tables as they are printed ---------------------------------------------------------


def test_notes_in_cells_are_read_as_the_number_and_listed(tmp_path):
    report = load_report(FULL)
    lines = page_lines(report)
    lines[lines.index("行政规范性文件\t4\t5\t6")] = "行政规范性文件\t4（其中修订2件）\t5\t6（含部门联合发文1件）"
    result = read(tmp_path, lines)
    every_cell(result, report)
    notes = [p.message for p in result.problems]
    assert notes == ["「行政规范性文件」「4(其中修订2件)」读作 4，括号中的说明未读入；"
                     "「6(含部门联合发文1件)」读作 6，括号中的说明未读入"]
    assert all(p.rule == "X1" and not p.is_error for p in result.problems)


def test_a_table_broken_by_a_page_reads_as_one(tmp_path):
    report = load_report(FULL)
    lines = page_lines(report)
    at = lines.index(next(line for line in lines if line.startswith("5.属于三类内部事务信息")))
    result = read(tmp_path, lines[:at] + ["— 3 —", "某某市某某区数据局2023年度政府信息公开工作年度报告"] + lines[at:])
    same_narrative(every_cell(result, report), report)


def test_table_four_printed_as_three_small_tables(tmp_path):
    report = load_report(FULL)
    head, sections = by_section(page_lines(report), report)
    reviews = sections[3]
    numbers = reviews[-1].split("\t")
    assert len(numbers) == 15
    columns = "结果维持\t结果纠正\t其他结果\t尚未审结\t总计"
    three = [*reviews[:2], "行政复议", columns, "\t".join(numbers[:5]),
             "行政诉讼（未经复议直接起诉）", columns, "\t".join(numbers[5:10]),
             "行政诉讼（复议后起诉）", columns, "\t".join(numbers[10:])]
    result = read(tmp_path, head + [line for part in sections[:3] for line in part] + three
                  + [line for part in sections[4:] for line in part])
    every_cell(result, report)


def test_a_local_extra_row_is_listed_not_dropped_and_not_added(tmp_path):
    report = load_report(FULL)
    lines = page_lines(report)
    at = lines.index(next(line for line in lines if line.startswith("（七）总计")))
    result = read(tmp_path, lines[:at] + ["4.无法联系到申请人\t1\t0\t0\t0\t0\t0\t1"] + lines[at:])
    every_cell(result, report)
    assert [p.message for p in result.problems] == [
        "「（七）总计」之前有 7 个数字对应不到任何一行（印在「4.无法联系到申请人」之后，不是官方表格中的行），未读取：1 0 0 0 0 0 1"]


# --- PDF, .doc and .wps -----------------------------------------------------------------

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                                   reason="LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui)")


def pdf_of(reports: dict[str, Report], folder: Path) -> dict[str, Path]:
    """Each report rendered and printed to PDF as `make-report --pdf` does (one LibreOffice run)."""
    pairs = []
    for name, report in reports.items():
        document = folder / f"{name}.docx"
        document.write_bytes(render_docx(report, template_path("default" if report.format == 2021 else "format-2019")))
        pairs.append((document, folder / f"{name}.pdf"))
    assert convert(pairs) == {}
    return {name: target for name, (_, target) in zip(reports, pairs)}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed")
    reports = {"full": load_report(FULL), "example": load_report(EXAMPLE), "2019": load_report(FULL_2019),
               "big": big_numbers(), "short": short_paragraphs(), "five": big_numbers(100)}
    return pdf_of(reports, tmp_path_factory.mktemp("pdf"))


def big_numbers(times: int = 1000) -> Report:
    """The full fixture with every count `times` larger: at 1000, 表三's narrow columns break
    「104000」 over two lines."""
    report = load_report(FULL)
    values = {k: v * times if report.spec.field(k).kind == spec.COUNT else v for k, v in report.values.items()}
    return build_report({**yaml.safe_load(FULL.read_text(encoding="utf-8")), **spec.nest(values)})


def short_paragraphs() -> Report:
    """Paragraphs of one short line each: no line wraps, so none starts left of the indent."""
    return build_report({"year": 2022, "agency": "某某县某某镇人民政府", "format": 2021,
                         "preamble": [{"title": "主动公开", "text": "政府信息公开工作年度报告"}, "}", "在和督《", "信X设的Z"],
                         "overview": ["请台"], "problems": ["设", "第二段"]})


@needs_soffice
def test_paragraphs_of_one_short_line_each_stay_apart(pdfs):
    """A paragraph's last line ends short of the margin: the next line starts a paragraph."""
    report = short_paragraphs()
    found = every_cell(extract(pdfs["short"]), report)
    same_narrative(found, report)


@needs_soffice
def test_numbers_a_narrow_column_breaks_over_two_lines_are_read_whole(pdfs):
    report = big_numbers()
    assert report.values["applications.total.total"] == 620_000
    every_cell(extract(pdfs["big"]), report)


@needs_soffice
@pytest.mark.parametrize("name, source", [("full", FULL), ("example", EXAMPLE), ("2019", FULL_2019)])
def test_a_pdf_gives_every_cell_and_the_text(pdfs, name, source):
    report = load_report(source)
    result = extract(pdfs[name])
    assert result.problems == []
    found = every_cell(result, report)
    assert (found.title, found.date) == (report.title, report.date)
    for key in report.narrative:
        assert [(p.kind, p.heading, p.text) for p in found.narrative[key]] == \
               [(p.kind, p.heading, p.text) for p in report.narrative[key]], key


def scanned_pdf(path: Path) -> Path:
    """A PDF of one page image and no text: what a scanner makes."""
    from PIL import Image, ImageDraw  # pdfplumber's own dependency
    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    for top in range(80, 760, 24):  # lines of "text" and a table's rules
        draw.line((60, top, 535, top), fill="black", width=2)
    page.save(path, "PDF", resolution=72)
    return path


def test_a_scanned_pdf_needs_ocr(run, tmp_path):
    path = scanned_pdf(tmp_path / "扫描件.pdf")
    result = run("check", str(path))
    assert result.exit_code == 1
    assert "错误 D1 这是扫描的 PDF（只有图片，没有文字），需要先做文字识别（OCR），或找到报告的 Word 文档或网页" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("damage, message", [
    (lambda blob: blob[: len(blob) // 3], "PDF 不完整（文件在中途结束，可能没有下载完整），无法读取；请重新下载或另存"),
    (lambda blob: b"%PDF-1.7\n" + b"\x00garbage" * 100, "PDF 已损坏或使用了不支持的写法，无法读取；请用 PDF 阅读器打开后另存（或打印）为新的 PDF 再读"),
], ids=["cut", "garbage"])
def test_a_damaged_pdf_is_refused_by_name(run, tmp_path, pdfs, damage, message):
    path = tmp_path / "坏.pdf"
    path.write_bytes(damage(pdfs["full"].read_bytes()))
    result = run("check", str(path))
    assert result.exit_code == 1 and f"错误 D1 {message}" in result.output and "Traceback" not in result.output


def soffice_convert(source: Path, to: str, folder: Path) -> Path:
    """`source` converted by LibreOffice (a private profile) to `to` ("doc", a filter name)."""
    command = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([command, "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--convert-to", to, "--outdir", str(folder), str(source)], capture_output=True, timeout=120, check=True)
    return folder / f"{source.stem}.{to.split(':')[0]}"


@needs_soffice
def test_a_password_protected_pdf_is_refused_by_name(run, tmp_path, full_docx):
    source = tmp_path / "加密.docx"
    source.write_bytes(full_docx)
    path = soffice_convert(source, 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
                                   '"DocumentOpenPassword":{"type":"string","value":"abc"}}', tmp_path)
    result = run("check", str(path))
    assert result.exit_code == 1
    assert "错误 D1 PDF 设置了打开密码（或加密方式不受支持），无法读取；请去掉密码后另存一份再读" in result.output


@needs_soffice
def test_a_pdf_with_only_a_permissions_password_is_read_whole(tmp_path, full_docx):
    """Published PDFs often forbid copying and editing (a permissions password, which some
    call the owner password) and open without one: such a PDF is read like any other."""
    source = tmp_path / "限制编辑.docx"
    source.write_bytes(full_docx)
    path = soffice_convert(source, 'pdf:writer_pdf_Export:{"RestrictPermissions":{"type":"boolean","value":"true"},'
                                   '"PermissionPassword":{"type":"string","value":"abc"},'
                                   '"EnableCopyingOfContent":{"type":"boolean","value":"false"},'
                                   '"Changes":{"type":"long","value":"0"}}', tmp_path)
    assert b"/Encrypt" in path.read_bytes()
    result = extract(path)
    assert result.problems == []
    every_cell(result, load_report(FULL))


@pytest.fixture(scope="module")
def word97(tmp_path_factory) -> Path:
    """The full fixture as a Word 97–2003 .doc, saved by LibreOffice."""
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("doc")
    source = folder / "full.docx"
    source.write_bytes(api.render_report(FULL))
    made = soffice_convert(source, "doc", folder)
    assert made.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # an OLE compound file, not a renamed .docx
    return made


@needs_soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_word_97_and_wps_files_give_every_cell(tmp_path, word97, suffix):
    path = tmp_path / f"年报{suffix}"
    path.write_bytes(word97.read_bytes())  # a .wps of WPS's own is an OLE file like a .doc
    before = path.read_bytes()
    report = load_report(FULL)
    result = extract(path)
    assert result.problems == []
    same_narrative(every_cell(result, report), report)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_a_docx_or_a_web_page_saved_as_doc_is_read_as_what_it_is_without_libreoffice(tmp_path, monkeypatch, full_docx):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    report = load_report(FULL)
    for name, content in (("renamed.doc", full_docx), ("page.wps", render_html(report).encode("utf-8"))):
        path = tmp_path / name
        path.write_bytes(content)
        same_narrative(every_cell(extract(path), report), report)


def web_archive(page: str, charset: str, encoding: str) -> bytes:
    """`page` saved as one file with a picture, as Word saves a 「单个文件网页」 (MIME
    multipart/related; its HTML quoted-printable or base64, in `charset`)."""
    import base64
    import quopri
    html = page.encode("gb18030" if charset == "gb2312" else charset)
    body = quopri.encodestring(html) if encoding == "quoted-printable" else base64.encodebytes(html)
    boundary = b"----=_NextPart_01D9A1B2.3C4D5E60"
    return b"\r\n".join([
        b"MIME-Version: 1.0", b'Content-Type: multipart/related; boundary="' + boundary + b'"', b"",
        b"This document is a Single File Web Page, also known as a Web Archive file.", b"",
        b"--" + boundary, b"Content-Location: file:///C:/D0CA41E4/2022.htm",
        b"Content-Transfer-Encoding: " + encoding.encode(), f'Content-Type: text/html; charset="{charset}"'.encode(), b"",
        body.replace(b"\n", b"\r\n"),
        b"--" + boundary, b"Content-Location: file:///C:/D0CA41E4/2022.files/image001.png",
        b"Content-Transfer-Encoding: base64", b"Content-Type: image/png", b"",
        base64.encodebytes(b"\x89PNG\r\n\x1a\n" + bytes(200)), b"--" + boundary + b"--", b""])


@pytest.mark.parametrize("name, charset, encoding", [("2022年报.doc", "gb2312", "quoted-printable"),
                                                     ("2022年报.mht", "utf-8", "base64"),
                                                     ("2022年报.mhtml", "gb2312", "quoted-printable")])
def test_a_web_page_saved_as_one_file_is_read_as_its_page(tmp_path, monkeypatch, name, charset, encoding):
    """Word's 「单个文件网页」 (MHT), often offered for download as .doc, and a browser's
    「网页，单个文件」: the page inside is read, in its part's charset, without LibreOffice."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    report = load_report(FULL)
    path = tmp_path / name
    path.write_bytes(web_archive(render_html(report), charset, encoding))
    result = extract(path)
    assert result.problems == []
    same_narrative(every_cell(result, report), report)


def test_a_browsers_web_archive_and_its_page_among_other_parts(tmp_path):
    """Chrome's and Edge's 「网页，单个文件」 (first line 「From: <Saved by Blink>」, maybe after a
    byte-order mark); the page is the part `start` names (RFC 2387), else the first text/html
    part, never an attachment or a part of an attached message (each holds a page with other
    numbers here)."""
    import quopri
    report = load_report(FULL)
    page = quopri.encodestring(render_html(report).encode("utf-8")).replace(b"\n", b"\r\n")
    other = build_report({**yaml.safe_load(FULL.read_text(encoding="utf-8")), "proactive": {"licensing": 999}})
    decoy = quopri.encodestring(render_html(other).encode("utf-8")).replace(b"\n", b"\r\n")

    def part(headers: bytes, body: bytes) -> bytes:
        return b"--b\r\n" + headers + b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + body + b"\r\n"
    html = b"Content-Type: text/html; charset=utf-8\r\n"
    archives = {
        "chrome.mhtml": b"From: <Saved by Blink>\r\nSnapshot-Content-Location: https://www.example.gov.cn/1.html\r\n"
                        b"MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=b\r\n\r\n"
                        + part(html + b"Content-ID: <frame-1@mhtml.blink>\r\n", page) + b"--b--\r\n",
        "start.mht": b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b; start=\"<page@x>\"\r\n\r\n"
                     + part(html + b"Content-ID: <decoy@x>\r\n", decoy) + part(html + b"Content-ID: <page@x>\r\n", page)
                     + b"--b--\r\n",
        "attached.mht": b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n"
                        + part(html + b"Content-Disposition: attachment; filename=old.html\r\n", decoy)
                        + b"--b\r\nContent-Type: message/rfc822\r\n\r\nMIME-Version: 1.0\r\n" + html
                        + b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + decoy + b"\r\n"
                        + part(html, page) + b"--b--\r\n",
    }
    archives["bom.mhtml"] = b"\xef\xbb\xbf\r\n" + archives["chrome.mhtml"]
    for name, blob in archives.items():
        path = tmp_path / name
        path.write_bytes(blob)
        result = extract(path)
        assert result.problems == [], name
        same_narrative(every_cell(result, report), report)


#: an archive's top: a multipart of parts separated by 「--b」
_TOP = b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n"


@pytest.mark.parametrize("blob, message", [
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; " + b"a=b; " * 400_000 + b"\r\n\r\n",
     "有超过 1024 个字符的 Content-Type"),
    (b"MIME-Version: 1.0\nX-A: b\rContent-Type: multipart/related; boundary=b; " + b"a=b; " * 400_000 + b"\r\r--b\r",
     "有超过 1024 个字符的 Content-Type"),  # line ends of a lone \r, which the email package honours too
    (_TOP + b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 6000 + b"--b--\r\n", "超过 5000 个部分"),
    (_TOP + b"\r--b\r\n" * 6000, "超过 5000 个部分"),
    (b"MIME-Version: 1.0\r\n" + b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
                                       for i in range(900)) + b"x\r\n" * 1000, "有超过 8 层嵌套的部分"),
    (_TOP + b"--b\r\nContent-Type: image/png\r\n\r\n" + b"a\n" * 1_100_000 + b"--b--\r\n", "超过 1000000 行"),
    (_TOP + b"--b\r\nContent-Type: image/png\r\n\r\nx\r\n--b--\r\n", "没有网页（text/html）部分"),
])
def test_a_web_archive_that_is_not_one_is_refused_at_once(run, tmp_path, blob, message):
    """Parameters by the hundred thousand (the email package parses them in quadratic time:
    a 2 MB file took a minute), parts by the thousand, parts nested hundreds deep (time in
    depth × lines), millions of lines (memory: 877 MB for 20 MB of short lines), no page."""
    path = tmp_path / "年报.mht"
    path.write_bytes(blob)
    start = time.monotonic()
    result = run("check", str(path))
    assert time.monotonic() - start < 30
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("content", [b"", b"  \n", b"<!-- -->"])
def test_an_empty_web_page_is_named_in_chinese(run, tmp_path, content):
    path = tmp_path / "空.html"
    path.write_bytes(content)
    result = run("check", str(path))
    assert result.exit_code == 1 and "网页是空的" in result.output and "Document" not in result.output


def test_a_binary_doc_without_libreoffice_names_the_package(run, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "年报.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    result = run("check", str(path))
    assert result.exit_code == 1
    assert "读取 .doc、.wps 文件需要 LibreOffice：Debian/Ubuntu 上运行 sudo apt-get install libreoffice-writer-nogui" \
           in result.output


# --- a report wherever a data file is ----------------------------------------------------


def test_check_of_a_report_says_its_coverage(run, tmp_path, pdfs):
    before = pdfs["full"].read_bytes()
    result = run("check", pdfs["full"])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == f"{pdfs['full']}：从报告读出 200/200 格；0 处错误、1 处警告。"
    assert pdfs["full"].read_bytes() == before


def missing_four(tmp_path) -> Path:
    report = load_report(FULL)
    head, sections = by_section(page_lines(report), report)
    path = tmp_path / "缺四.txt"
    path.write_text("\n".join(head + [line for i, part in enumerate(sections) if i != 3 for line in part]), encoding="utf-8")
    return path


def test_check_of_a_report_with_unread_cells_counts_what_it_checked(run, tmp_path):
    result = run("check", missing_four(tmp_path).name)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[-1] == "缺四.txt：从报告读出 185/200 格；0 处错误、4 处警告。"
    x1 = [line for line in lines if line.startswith("警告 X1 unread")]
    assert len(x1) == 1 and x1[0].startswith("警告 X1 unread：已核对 185/200 格：reviews.reconsideration.upheld「行政复议 / 结果维持」")
    assert "涉及它们的核对（B1）未进行" in x1[0]


def test_build_refuses_a_report_with_unread_cells_unless_draft(run, tmp_path):
    path = missing_four(tmp_path)
    refused = run(path, "-o", "r.docx")
    assert refused.exit_code == 1 and not (tmp_path / "r.docx").exists()
    assert "错误 X2 unread：reviews.reconsideration.upheld、" in refused.output and "等 15 格未读出，不能当作 0 印成正式报告" in refused.output
    draft = run(path, "-o", "r.docx", "--draft")
    assert draft.exit_code == 0 and (tmp_path / "r.docx").is_file()


def test_build_retypesets_a_published_pdf_in_the_official_layout(run, tmp_path, pdfs):
    result = run(pdfs["2019"], "-o", "重排.docx")
    assert result.exit_code == 0, result.output
    assert f"{pdfs['2019']}：从报告读出 198/198 格" in result.output
    every_cell(extract(tmp_path / "重排.docx"), load_report(FULL_2019))


def test_init_from_last_years_published_report(run, tmp_path, full_docx):
    last = tmp_path / "2023年报.docx"
    last.write_bytes(full_docx)
    result = run("init", "--from", last, "-o", "2024.yaml")
    assert result.exit_code == 0, result.output
    assert "2023年报.docx：从报告读出 200/200 格" in result.output
    new = yaml.safe_load((tmp_path / "2024.yaml").read_text(encoding="utf-8"))
    report = load_report(FULL)
    assert (new["year"], new["agency"]) == (2024, report.agency)
    carried = report.tables["applications"]["carried_forward"]
    assert new["applications"]["carried_over"] == {k: v for k, v in carried.items() if k != "total"}
    assert new["proactive"]["normative_documents"]["in_force"] == report.tables["proactive"]["normative_documents"]["in_force"]
    assert last.read_bytes() == full_docx


def test_sum_over_units_published_reports(run, tmp_path, full_docx, pdfs):
    units = tmp_path / "各单位"
    units.mkdir()
    (units / "数据局.docx").write_bytes(full_docx)
    other = load_report(FULL)
    html = render_html(other).replace(other.agency, "某某市某某区教育局")
    (units / "教育局.html").write_text(html, encoding="utf-8")
    result = run("sum", units / "数据局.docx", units / "教育局.html", "--agency", "某某市某某区人民政府", "-o", "区.yaml")
    assert result.exit_code == 0, result.output
    total = load_report(tmp_path / "区.yaml")
    assert all(total.values[key] == 2 * other.values[key] for key in other.values
               if other.spec.field(key).kind == spec.COUNT)


def test_sum_refuses_a_unit_whose_report_was_not_read_whole(run, tmp_path, full_docx):
    (tmp_path / "数据局.docx").write_bytes(full_docx)
    path = missing_four(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("数据局", "教育局"), encoding="utf-8")
    result = run("sum", "数据局.docx", path.name, "--agency", "某某市某某区人民政府", "-o", "区.yaml")
    assert result.exit_code == 1 and not (tmp_path / "区.yaml").exists()
    assert "错误 U1 缺四.txt：“某某市某某区教育局”的报告有 15 格未读出（读出 185/200 格，如 行政复议 / 结果维持），" \
           "不能当作 0 相加" in result.output


def test_a_folder_of_published_reports_builds_each(run, tmp_path, full_docx, pdfs):
    folder = tmp_path / "收到的报告"
    folder.mkdir()
    (folder / "数据局.docx").write_bytes(full_docx)
    shutil.copyfile(pdfs["example"], folder / "某镇.pdf")
    (folder / "说明.txt").write_text("请各单位于1月20日前报送。", encoding="utf-8")  # text in a folder is not a unit
    result = run(folder, "-o", "重排")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "重排").iterdir()) == ["数据局.docx", "某镇.docx"]
    every_cell(extract(tmp_path / "重排" / "某镇.docx"), load_report(EXAMPLE))
    assert (folder / "数据局.docx").read_bytes() == full_docx


# --- rules from real reports -------------------------------------------------------------


def found(data: dict, *rules: str) -> list[tuple[str, str]]:
    return [(p.rule, p.message) for p in api.check(data) if p.rule in rules]


def test_the_texts_document_counts_are_checked_against_table_two(full):
    """A real 2023 report says 现行有效 393件 in its text and 470 in its table."""
    full["overview"].append("本年度制发行政规范性文件4件，废止规范性文件5件，现行有效行政规范性文件393件。")
    assert found(full, "N9") == [("N9", "正文写“现行有效行政规范性文件393件”，但表格中 第二十条第（一）项 行政规范性文件 / "
                                        "现行有效件数 为 6；请核对正文或表格，使两者一致")]
    full["overview"][-1] = "本年度制发行政规范性文件4件，废止规范性文件5件，现行有效行政规范性文件6件。"
    assert found(full, "N9") == []


@pytest.mark.parametrize("said", ["本年度未收取信息处理费。", "本年度未发生收费情况。", "本机关未收取政府信息公开处理费。",
                                  "依申请公开不收取任何费用。", "无。"])
def test_the_fee_rule_takes_the_ways_reports_say_it(full, said):
    full["other_matters"] = [said]
    assert found(full, "S2") == ([] if said != "无。" else [
        ("S2", "没有提到信息处理费；2021 年度起，六应说明按《政府信息公开信息处理费管理办法》收取信息处理费的情况，"
               "没有收取的写“本年度未收取信息处理费。”")])


def test_the_overview_topics_take_the_headings_reports_use(full):
    full["overview"] = [{"title": "主动公开", "text": "…"}, {"title": "政府信息公开申请情况", "text": "…"},
                        {"title": "政府信息管理", "text": "…"}, {"title": "平台建设", "text": "…"},
                        {"title": "监督保障", "text": "…"}]
    assert found(full, "S3") == []
    full["overview"][1]["title"] = "队伍建设"
    assert [rule for rule, _ in found(full, "S3")] == ["S3"] and "缺少依申请公开方面的内容" in found(full, "S3")[0][1]


@pytest.mark.parametrize("agency, flagged", [("某某市人民政府办公厅", False), ("某某省人民政府办公厅", False),
                                             ("某某市人民政府办公室", False), ("某某县人民政府办公室", True),
                                             ("某某市某某区数据局", True)])
def test_a_government_office_reports_its_governments_rules(full, agency, flagged):
    full["agency"] = agency
    assert bool(found(full, "P1")) == flagged


# --- property: any report, printed to PDF, reads back ----------------------------------


@needs_soffice
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_any_report_reads_back_from_its_pdf(tmp_path, report):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    result = extract(pdf_of({"r": report}, folder)["r"])
    found = every_cell(result, report)
    def printed(text: str) -> str:  # a PDF has glyphs in places, not the spaces typed between them
        return re.sub(r"\s", "", text)
    for key in report.narrative:
        assert [(p.kind, printed(p.heading), printed(p.text)) for p in found.narrative[key]] == \
               [(p.kind, printed(p.heading), printed(p.text)) for p in report.narrative[key]], key


def tiny_pdf(pages: list[list[bytes]]) -> bytes:
    """A PDF written by hand: each page's content streams (FlateDecode) given as compressed bytes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for streams in pages:
        first = len(objects) + 2  # the page's object number is len+1; its streams follow it
        kids.append(f"{len(objects) + 1} 0 R")
        refs = " ".join(f"{first + i} 0 R" for i in range(len(streams)))
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [{refs}] >>".encode())
        objects += [b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(s) + s + b"\nendstream" for s in streams]
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return bytes(out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))


def zeros_deflated(times: int) -> bytes:
    """A zlib stream of `times` × 64 MB of zeros, made fast: one 64 MB block, fully flushed (so
    it needs nothing before it), repeated, then the end and the checksum."""
    chunk = b"\0" * (64 << 20)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = block.compress(chunk) + block.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + body * times + end + adler.to_bytes(4, "big")


def test_a_pdf_of_too_many_pages_is_refused(run, tmp_path):
    (tmp_path / "长.pdf").write_bytes(tiny_pdf([[zlib.compress(b"")]] * 301))
    result = run("check", "长.pdf")
    assert result.exit_code == 1 and "错误 D1 PDF 有 301 页，超过 300 页，不像一份年度报告；未读取" in result.output


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="the memory limit is Linux's RLIMIT_AS")
def test_a_pdf_whose_streams_inflate_to_gigabytes_is_stopped_by_the_memory_limit(run, tmp_path):
    """2 MB on disk, 2 GB of content once inflated (pdfminer inflates a stream whole): the
    reading worker runs out of its memory limit, the command says so."""
    (tmp_path / "炸弹.pdf").write_bytes(tiny_pdf([[zeros_deflated(32)]]))
    result = run("check", "炸弹.pdf")
    assert result.exit_code == 1
    assert "错误 D1 读取 PDF 时内存超过上限（文件异常复杂或已损坏），已停止" in result.output


# --- rows as offices type them: never a number in the wrong column ----------------------


def test_a_table_typed_without_merges_has_empty_label_cells_before_its_numbers(tmp_path):
    """「一、本年新收…」 then two empty cells (the columns of 「（一）予以公开」 and its items),
    then the seven numbers: the empty cells are not values."""
    report = load_report(FULL)
    lines = [re.sub(r"^(一、本年新收政府信息公开申请数量|二、上年结转政府信息公开申请数量|四、结转下年度继续办理)\t", r"\1\t\t\t", line)
             for line in page_lines(report)]
    lines = [re.sub(r"^（七）总计\t", "三、本年度办理结果\t（七）总计\t\t", line) for line in lines]
    assert sum("\t\t\t" in line for line in lines) == 3
    result = read(tmp_path, lines)
    same_narrative(every_cell(result, report), report)


def space_text(lines: list[str]) -> list[str]:
    return [line.replace("\t", " ") for line in lines]


def test_a_row_short_of_numbers_in_text_is_unread_whole_never_filled_from_the_left(tmp_path):
    report = load_report(FULL)
    lines = space_text(page_lines(report))
    at = lines.index("二、上年结转政府信息公开申请数量 6 7 8 9 10 0 40")
    lines[at] = "二、上年结转政府信息公开申请数量 6 40"  # zeros left blank: which column is 40?
    result = read(tmp_path, lines)
    row = [f.key for f in spec.FORMAT_2021_SPEC.row(("applications", "carried_over")).fields]
    assert list(result.unread) == row and result.coverage == "读出 193/200 格"
    assert "「二、上年结转政府信息公开申请数量」这一行只有 2 个数字（应有 7 个：6 40），分不清各属于哪一列，整行未读出" in \
           [p.message for p in result.problems]
    found = build_report(result.data)
    assert {k: v for k, v in found.values.items() if k not in row} == {k: v for k, v in report.values.items() if k not in row}


def test_a_row_without_numbers_never_takes_the_next_rows(tmp_path):
    report = load_report(FULL)
    lines = space_text(page_lines(report))
    lines[lines.index("规章 1 2 3")] = "规章"
    result = read(tmp_path, lines)
    assert list(result.unread) == ["proactive.rules.issued", "proactive.rules.repealed", "proactive.rules.in_force"]
    found = build_report(result.data)
    assert found.values["proactive.normative_documents.in_force"] == 6


def test_table_four_in_text_with_blank_cells_dropped_is_unread_not_shifted(tmp_path):
    report = load_report(FULL)
    lines = space_text(page_lines(report))
    at = lines.index("1 2 3 4 10 5 6 7 8 26 9 10 11 12 42")
    lines[at] = "1 2 4 7 5 6 7 8 26 9 10 11 12 42"  # one blank cell, its column lost
    result = read(tmp_path, lines)
    assert all(key.startswith("reviews.") for key in result.unread) and len(result.unread) == 15
    assert "分不清各属于哪一列（空白的格子在文字中看不出来），未读出" in " ".join(p.message for p in result.problems)


def test_digits_a_page_broke_off_a_row_go_back_to_their_numbers():
    """Table 四 in narrow columns: 「178」 and 「351」 printed as 「17」/「35」 at a page's foot and
    「8」/「1」 at the next page's head (a real LibreOffice PDF did this)."""
    from xxgk_report.pdfread import _rows_rejoined
    header = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    before = ("table", (header, ("1", "2", "17", "0", "35")))
    after = ("table", (header, ("", "", "8", "", "1")))
    assert _rows_rejoined([before, after]) == [("table", (header, ("1", "2", "178", "0", "351")))]
    real_row = ("table", (header, ("3", "4", "5", "6", "18")))  # a row of its own: kept
    assert _rows_rejoined([before, real_row]) == [before, ("table", (header, ("3", "4", "5", "6", "18")))]


def test_a_pdf_line_that_is_not_indented_goes_on_its_paragraph_even_after_a_full_stop():
    """On a page, a paragraph starts at its indent: a line at the margin continues the one
    before, wherever the sentence ended (the hypothesis round trip found 「…工作。」 at a
    line's end split a paragraph). Text without a page (a .txt) keeps the heuristic."""
    from xxgk_report.blocks import Para
    from xxgk_report.extract import _paragraph_texts
    lines = [" 进加；政在镇主加信信平设与完我监区信主开工作。", "进和善年镇县府，共二十个字以上的一行。", " 第二段。"]
    assert [t for t, _ in _paragraph_texts([Para(x, line=True, placed=True) for x in lines])] == [
        "进加；政在镇主加信信平设与完我监区信主开工作。进和善年镇县府，共二十个字以上的一行。", "第二段。"]
    assert len(_paragraph_texts([Para(x, line=True) for x in lines])) == 3



@needs_soffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_five_digit_counts_fit_their_columns_in_the_report_we_print(pdfs):
    """表三's and 四's count columns are 600 twips: with ½ mm cell margins 「10400」 prints on
    one line at 五号 (with 1 mm it printed as 「1040」 over 「0」)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdfs["five"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"一、本年新收政府信息公开申请数量\s+10400\s+10300\s+10200\s+10100\s+10000\s+11000\s+62000", text)
    assert re.search(r"100\s+200\s+300\s+400\s+1000\s+500\s+600\s+700\s+800\s+2600\s+900\s+1000\s+1100\s+1200\s+4200",
                     text)



@pytest.mark.skipif(os.name != "posix", reason="process groups")
def test_a_program_that_runs_too_long_is_stopped_with_everything_it_started(tmp_path):
    """LibreOffice's soffice starts soffice.bin: on a timeout both must end (one was left
    running at 12 GB after a .doc took too long)."""
    from xxgk_report.pool import run_program
    pid_file = tmp_path / "pid"
    with pytest.raises(subprocess.TimeoutExpired):
        run_program(["sh", "-c", f"sleep 60 & echo $! > {pid_file}; wait"], 1)
    child = int(pid_file.read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the program's own child was left running")


def test_a_report_of_which_nothing_could_be_read_is_an_error_not_a_pass(run, tmp_path):
    report = load_report(FULL)
    lines = [line for line in page_lines(report) if "\t" not in line]  # every table row gone
    (tmp_path / "无表.txt").write_text("\n".join(lines), encoding="utf-8")
    result = run("check", "无表.txt")
    assert result.exit_code == 1
    assert "错误 D1 没有读出表格中的任何数字（读出 0/200 格）" in result.output


def test_a_footnote_mark_after_a_number_is_not_a_digit(tmp_path):
    """NFKC makes 「①」 a 1: 「81①」 must not be read as 811."""
    report = load_report(FULL)
    for sep in ("\t", " "):
        lines = [line.replace("\t", sep) for line in page_lines(report)]
        lines[lines.index(f"行政处罚{sep}81")] = f"行政处罚{sep}81①"
        result = read(tmp_path, lines)
        found = build_report(result.data)
        assert "proactive.penalties" in result.unread or found.values["proactive.penalties"] == 81, sep


def test_a_published_report_beside_the_data_is_never_replaced(run, tmp_path):
    """`build 某镇.yaml -o 文件夹/` where 文件夹/某镇.docx is the unit's published report: only a
    report this tool wrote (its document properties say so) is replaced."""
    import docx as python_docx
    folder = tmp_path / "某镇"
    folder.mkdir()
    (folder / "某镇.yaml").write_text(FULL.read_text(encoding="utf-8"), encoding="utf-8")
    published = python_docx.Document()
    published.add_paragraph("某镇报送的年度报告")
    published.save(folder / "某镇.docx")
    before = (folder / "某镇.docx").read_bytes()
    result = run("build", folder / "某镇.yaml", "-o", folder)
    assert result.exit_code == 1 and "已存在，但不是 make-report 生成的报告" in result.output
    assert (folder / "某镇.docx").read_bytes() == before
    again = run("build", folder, "-o", folder)
    assert again.exit_code == 1 and "就是输入的文件夹" in again.output
    assert run(folder / "某镇.yaml", "-o", "ours.docx").exit_code == 0
    assert run(folder / "某镇.yaml", "-o", "ours.docx").exit_code == 0  # ours: replaced


@pytest.mark.parametrize("hide", ['<div hidden>', '<div style="display: none">', '<div style="visibility:hidden">'])
def test_a_hidden_old_table_on_a_page_is_not_read(tmp_path, hide):
    """What a reader of the page does not see (an old table left in the CMS, hidden) is not the report."""
    report = load_report(FULL)
    page = render_html(report)
    old = page.replace('<td colspan="3">70</td>', '<td colspan="3">7</td>').replace('<td colspan="3">81</td>', '<td colspan="3">8</td>')
    assert old.count('"3">7</td>') == 1 and old.count('"3">8</td>') == 1
    start, end = old.index('<table class="xxgk-table xxgk-proactive"'), old.index("</table>") + len("</table>")
    at = page.index('<table class="xxgk-table xxgk-proactive"')
    hidden_page = page[:at] + hide + old[start:end] + "</div>" + page[at:]
    path = tmp_path / "r.html"
    path.write_text(hidden_page, encoding="utf-8")
    every_cell(extract(path), report)
