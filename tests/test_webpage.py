"""`--html` and `--html-fragment`: the web page's tables, parsed back into a grid, are the
official layout with every number in its cell; no script, no external resource; text escaped."""

from __future__ import annotations

import copy
import shutil
import subprocess

import lxml.html
import pytest

from xxgk_report import spec
from xxgk_report.model import build_report, load_report
from xxgk_report.webpage import render_html

from .conftest import EXAMPLE, FIXTURES, FULL, read_yaml
from .tables import expected_value

FULL_2019 = FIXTURES / "full-2020.yaml"


def html_grid(table) -> list[tuple]:
    """(row, col, rowspan, colspan, text) of every cell of an HTML table, columns placed by
    the spans of the cells above (the way a browser lays them out)."""
    taken: set[tuple[int, int]] = set()
    cells = []
    for r, tr in enumerate(table.iter("tr")):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rowspan, colspan = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            taken |= {(r + i, c + j) for i in range(rowspan) for j in range(colspan)}
            cells.append((r, c, rowspan, colspan, " ".join(cell.text_content().split())))
            c += colspan
    return sorted(cells)


@pytest.mark.parametrize("source", [EXAMPLE, FULL, FULL_2019], ids=["example", "full", "2019"])
@pytest.mark.parametrize("fragment", [False, True], ids=["page", "fragment"])
def test_tables_are_the_official_layout_with_every_number(source, fragment):
    report, data = load_report(source), read_yaml(source)
    page = lxml.html.fromstring(render_html(report, fragment=fragment))
    tables = page.findall(".//table")
    assert len(tables) == 3
    for table_spec, table in zip(spec.FORMATS[report.format].tables(), tables, strict=True):
        expected = sorted((c.row, c.col, c.rowspan, c.colspan,
                           c.text if c.field is None else expected_value(data, c.field)) for c in table_spec.cells)
        assert html_grid(table) == expected, table_spec.key
        assert table.get("border") == "1"


def test_page_structure_title_headings_and_signoff():
    page = lxml.html.fromstring(render_html(load_report(FULL)))
    assert page.find(".//title").text == "某某市某某区数据局2023年度政府信息公开工作年度报告"
    assert page.find(".//h1").text_content() == "某某市某某区数据局2023年度政府信息公开工作年度报告"
    assert [h.text for h in page.iter("h2")] == [h for _, h in spec.SECTIONS]
    assert [h.text for h in page.iter("h3")][:2] == ["（一）主动公开", "（三）政府信息管理"]
    assert [p.text_content() for p in page.find_class("signoff")] == ["某某市某某区数据局", "2024年1月8日"]
    assert page.get("lang") == "zh-CN" and len(page.findall(".//style")) == 1


def test_no_script_and_no_external_resource():
    text = render_html(load_report(FULL))
    page = lxml.html.fromstring(text)
    assert not page.findall(".//script") and not page.findall(".//link") and not page.findall(".//img")
    assert not [e for e in page.iter() if isinstance(e.tag, str) and (e.get("src") or e.get("href"))]
    assert "url(" not in text and "@import" not in text


def test_fragment_is_the_body_alone():
    text = render_html(load_report(EXAMPLE), fragment=True)
    assert text.startswith('<article class="xxgk-report">') and "<html" not in text and "<style" not in text


def test_text_is_escaped():
    data = copy.deepcopy(read_yaml(FULL))
    data["problems"] = ['<script>alert("x")</script> & {{ 7*7 }} 😀']
    page = lxml.html.fromstring(render_html(build_report(data)))
    assert not page.findall(".//script")
    assert '<script>alert("x")</script> & {{ 7*7 }} 😀' in [p.text_content() for p in page.iter("p")]


def test_build_writes_the_pages(run, tmp_path):
    result = run(EXAMPLE, "-o", "r.docx", "--html", "--html-fragment")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["r.docx", "r.html", "r.fragment.html"]
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "r.fragment.html").read_text(encoding="utf-8").startswith("<article")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install chromium)")
def test_page_renders_in_a_real_browser(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(load_report(FULL)), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
                    "--window-size=1000,2400", page.as_uri()], capture_output=True, timeout=120, check=False)
    assert shot.is_file() and shot.stat().st_size > 20_000  # a page with text and tables, not a blank one
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=False).stdout
    data, tables = read_yaml(FULL), lxml.html.fromstring(dom).findall(".//table")
    for table_spec, table in zip(spec.FORMAT_2021_SPEC.tables(), tables, strict=True):  # as the browser built it
        assert html_grid(table) == sorted((c.row, c.col, c.rowspan, c.colspan,
                                           c.text if c.field is None else expected_value(data, c.field))
                                          for c in table_spec.cells), table_spec.key
