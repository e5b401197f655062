"""`make-report templates`, `make-report template check`, and templates in `make-report build`."""

from __future__ import annotations

import re
import zipfile

from xxgk_report.variants import template_path

from .. import docx_reader as dr
from ..conftest import EXAMPLE, FIXTURES, FULL


def test_templates_lists_every_variant_with_its_description(run):
    result = run("templates")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["default", "format-2019", "letterhead"]
    assert lines[0] == "default      官方 2021 格式（国办公开办函〔2021〕30号），GB/T 9704 版式；2021 年度起的报告默认使用"


def test_template_check_of_a_shipped_variant(run):
    for name, fmt in (("default", 2021), ("letterhead", 2021), ("format-2019", 2019)):
        result = run("template", "check", name)
        assert result.exit_code == 0
        assert result.stdout == f"{name}（{fmt} 格式）：可以使用。\n"


def _without_row(tmp_path, label: str):
    parts = dr.parts(template_path("default").read_bytes())
    xml = parts["word/document.xml"].decode()
    row = next(r for r in re.findall(r"<w:tr>.*?</w:tr>", xml, flags=re.DOTALL) if f">{label}<" in r)
    parts["word/document.xml"] = xml.replace(row, "", 1).encode()
    path = tmp_path / "mine.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, blob in parts.items():
            archive.writestr(name, blob)
    return path


def test_template_check_of_a_broken_template(run, tmp_path):
    path = _without_row(tmp_path, "3.其他")
    result = run("template", "check", path)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "错误 M6 表格三「三、收到和处理政府信息公开申请情况」：缺少第 26 行（「3.其他」）；是否删掉了一行？" in lines
    assert lines[-1] == f"{path}（2021 格式）：{len(lines) - 1} 处问题，不能使用。"


def test_template_check_against_a_named_format(run):
    result = run("template", "check", "format-2019", "--format", "2021")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1].startswith("format-2019（2021 格式）：")


def test_template_check_of_a_missing_file(run):
    result = run("template", "check", "nope.docx")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：找不到模板文件 nope.docx")


def test_build_refuses_a_broken_template_and_lists_its_problems(run, tmp_path):
    path = _without_row(tmp_path, "3.其他")
    result = run(EXAMPLE, "--template", path, "-o", "r.docx")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"错误：模板 {path} 有 ") and lines[0].endswith("处问题，未生成报告（make-report template check 可单独检查模板）。")
    assert all(line.startswith("错误 M") for line in lines[1:])
    assert not (tmp_path / "r.docx").exists()


def test_build_with_the_letterhead_variant(run, tmp_path):
    result = run(FULL, "--template", "letterhead", "-o", "r.docx")
    assert result.exit_code == 0
    assert dr.paragraphs((tmp_path / "r.docx").read_bytes())[0].text == "某某市某某区数据局"


def test_build_a_2019_report_and_refuse_the_wrong_template(run, tmp_path):
    assert run(FIXTURES / "full-2020.yaml", "-o", "r.docx").exit_code == 0
    assert dr.tables((tmp_path / "r.docx").read_bytes())[0].at(17, 2).text == "251000元"
    result = run(FIXTURES / "full-2020.yaml", "--template", "letterhead", "-o", "s.docx")
    assert result.exit_code == 1
    assert result.stderr == ("错误：模板 letterhead 是 2021 格式的模板，数据是 2019 格式（2020 年度）；"
                             "请换用 2019 格式的模板，如 --template format-2019\n")
