"""What an attack on the hardening found, each fixed at its root: a test per finding, which
failed before the fix (a traceback, a hang past the limits, a file lost, a guard bypassed)."""

from __future__ import annotations

import copy
import json
import os
import zipfile
from pathlib import Path

import pytest
import yaml

from xxgk_report import api, entry
from xxgk_report.county import sum_units
from xxgk_report.errors import DataError, TemplateError
from xxgk_report.extract import data_file_text, extract
from xxgk_report.model import build_report, load_report
from xxgk_report.reader import read_data
from xxgk_report.render import render_docx
from xxgk_report.template_check import inspect_template
from xxgk_report.variants import template_path

from . import docx_reader as dr
from .conftest import EXAMPLE, FIXTURES, read_yaml, within
from .test_template_hostile import body, paragraph, refused

# --- data files ---------------------------------------------------------------------------


def test_a_number_of_thousands_of_digits_in_the_text_is_no_claim():
    data = read_yaml(FIXTURES / "checks-2023.yaml")
    data["problems"] = ["行政复议1" + ",000" * 1500 + "件。"]
    assert [p.rule for p in api.check(data) if p.rule.startswith("N")] == []


def test_a_draft_quotes_control_characters_of_last_years_file_escaped(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"year": 2022, "agency": "某镇人民政府", "k\\u001b[31m\\u0001": 1}', encoding="utf-8")
    blob = api.render_report(FIXTURES / "checks-2023.yaml", previous=str(bad), draft=True)
    notice = [p.text for p in dr.paragraphs(blob) if "C4" in p.text]
    assert notice and "\\u001b[31m\\u0001" in notice[0]


def test_adding_amounts_with_long_runs_of_spaces_is_linear(tmp_path):
    base = read_yaml(FIXTURES / "full-2020.yaml")
    paths = []
    for i in range(2):
        data = copy.deepcopy(base)
        data["agency"] = f"第{i}乡人民政府"
        data["proactive"]["procurement"]["amount"] = "1" + " " * 15000 + "x1"
        paths.append(tmp_path / f"u{i}.json")
        paths[-1].write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    with within(10):
        summary = sum_units(paths, "某县人民政府", 2020)
    assert any("无法自动相加" in p.message for p in summary.problems)


def test_too_many_paragraphs_are_the_datas_error_not_the_templates():
    data = {"year": 2022, "agency": "某镇", "problems": ["问题。"] * 6000}
    with pytest.raises(DataError) as info:
        build_report(data)
    assert [str(p) for p in info.value.problems if p.is_error] == [
        "错误 D1 problems「五、存在的主要问题及改进情况」：正文段落过多：到这一部分已有 6000 段，全文最多 5000 段"]


def test_a_flood_of_unknown_keys_is_counted_not_listed(tmp_path):
    path = tmp_path / "flood.json"
    path.write_text(json.dumps({"year": 2022, "agency": "某镇", **{f"k{i}": 1 for i in range(100_000)}}),
                    encoding="utf-8")
    with within(30):
        problems = api.check(path)
    assert len(problems) == 501
    assert problems[-1].message == "另有 99500 处问题未列出（只列出前 500 处）"


def test_invisible_format_characters_are_removed_and_line_separators_join_lines():
    report = build_report({"year": 2022, "agency": "甲镇\u202e人民\u200b政府", "problems": ["第一行\u2028第二行"]})
    assert report.agency == "甲镇人民政府" and report.narrative["problems"][0].text == "第一行第二行"
    assert [w.rule for w in report.warnings] == ["T2"]


def test_json_output_escapes_what_a_terminal_would_act_on(run, tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"year": 2023, "agency": "甲镇", "x\\u009b2J\\u202e\\u2028": 1}', encoding="utf-8")
    result = run("check", path, "--format", "json")
    assert not any(ch in result.stdout for ch in "\u009b\u202e\u2028")
    assert json.loads(result.stdout)[0]["path"] == "x\u009b2J\u202e\u2028"


@pytest.mark.parametrize("text, message", [
    ("year: !!map [1]\n", "第 1 行第 7 列：YAML 语法错误（标签与内容不符（如 !!map 用在了列表上））"),
    ("year: !!bool maybe\n", "第 1 行第 7 列：YAML 语法错误（“maybe”不是 true 或 false）"),
    ("x: !!python/object:os.system {}\n", "第 1 行第 4 列：YAML 语法错误（不支持标签 tag:yaml.org,2002:python/object:os.system"),
    ("a:\n\tb: 1\n", "第 2 行第 1 列：YAML 语法错误（这里有一个不能开始一项内容的字符（Tab、@ 或 ` 等）"),
    ("a: b: c\n", "第 1 行第 5 列：YAML 语法错误（这里不能写“键: 值”"),
])
def test_yaml_problems_are_said_in_chinese(write_data, text, message):
    with pytest.raises(DataError) as info:
        read_data(write_data(text))
    said = info.value.problems[0].message
    assert said.startswith(message) and "found" not in said and "expected" not in said


# --- templates --------------------------------------------------------------------------------

_FIELD = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{instr}'
          '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
          '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
_QUOTE = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> QUOTE "INCLUDETEXT" </w:instrText></w:r>'
          '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _instr(text: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'


@pytest.mark.parametrize("fields, words", [
    (_FIELD.format(instr=_instr(" ") + _QUOTE + _instr(' "C:\\\\Windows\\\\win.ini" ')), "嵌套了另一个域"),
    (_FIELD.format(instr=_instr(' MACROBUTTON Run "x" ')), "MACROBUTTON 域可能"),
    (_FIELD.format(instr=_instr(' HYPERLINK \\l "x" "http://evil.example" ')), "HYPERLINK 域可能"),
])
def test_fields_outside_the_few_a_report_uses_are_refused(package, fields, words):
    refused(package(body(fields)), "M10", words)


def test_parts_are_checked_whatever_their_names_say(package):
    dde = _FIELD.format(instr=_instr(" DDEAUTO cmd "))
    header = dde.join(["<w:hdr xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>", "</w:hdr>"])
    refused(package({"word/header9.XML": header.encode()}), "M10", "DDEAUTO 域可能")
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            'Id="r1" Type="x/attachedTemplate" Target="http://evil.example/t.dotm" TargetMode=" external "/></Relationships>')
    refused(package({"word/_rels/settings.xml.RELS": rels.encode()}, name="rels.docx"), "M9", "http://evil.example/t.dotm")


def test_a_part_with_a_code_content_type_is_refused(package):
    def types(xml: str) -> str:
        return xml.replace("</Types>", '<Override PartName="/word/macros.bin" '
                           'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    refused(package({"word/macros.bin": b"\0" * 8, "[Content_Types].xml": types}), "M10", "宏、ActiveX 控件")


def test_an_imported_chunk_is_refused(package):
    def rels(xml: str) -> str:
        return xml.replace("</Relationships>", '<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/'
                           'officeDocument/2006/relationships/aFChunk" Target="chunk.html"/></Relationships>')
    refused(package({"word/_rels/document.xml.rels": rels, "word/chunk.html": b"<img src=x>"}), "M10", "aFChunk")


def test_a_part_named_outside_the_package_is_refused(package):
    path = package({"../../../tmp/evil.xml": b"<a/>"})
    assert any(p.rule == "M1" and "名称不合法" in p.message for p in inspect_template(path).problems)


@pytest.mark.parametrize("where", ['<w:rStyle w:val="{#"/>', "<!-- {# -->"])
def test_a_tag_outside_the_text_cannot_swallow_the_headings(package, where):
    def swallow(xml: str) -> str:
        xml = xml.replace("<w:t xml:space=\"preserve\">一、总体情况", f"{where}<w:t xml:space=\"preserve\">一、总体情况", 1)
        return xml.replace("<w:t xml:space=\"preserve\">二、", "<!-- #} --><w:t xml:space=\"preserve\">二、", 1)
    refused(package({"word/document.xml": swallow}), "M2", "写在了正文文字以外")


@pytest.mark.parametrize("tag, words", [
    ("{% set l = (('x' * 9000)|list) %}{% set l = l + l + l + l + l + l + l + l + l + l + l + l %}{{ l|length }}",
     "超过 100000 项"),
    ("{% set l = ('x' * 9000)|list %}{{ (l|map('list')|list)|sum(start=[])|length }}", "过滤器 |sum 只能用于文字和数字"),
    ("{% set s = 'x' * 9000 %}" + "{% set s = s ~ s %}" * 8 + "{% for a in overview %}{% for b in overview %}"
     "{% set t %}{{ s }}{{ s }}{{ s }}{% endset %}{% endfor %}{% endfor %}", "生成的内容超过 64 百万字符"),
    ("{{ '%s' % (agency ~ '').split }}", "格式化只能用于文字和数字"),
    ("{{ '{}'.format((title ~ '').split) }}", "格式化只能用于文字和数字"),
    ("{{ ('{0}' * 3000).format('x' * 9000) }}", "超过 4000000 个字符"),
    ("{{ '%c' % 55296 }}", "孤立的代理项"),
])
def test_more_templates_that_would_exhaust_the_machine(package, tag, words):
    path = package(body(paragraph(tag)))
    with within(30):
        found = inspect_template(path).problems
    assert any(p.rule == "M11" and words in p.message for p in found), [str(p) for p in found]


def test_one_budget_for_all_the_parts_of_a_document(package, monkeypatch):
    from xxgk_report import sandbox
    monkeypatch.setattr(sandbox, "MAX_TICKS", 50_000)
    loop = "{% for a in overview %}{% for b in overview %}{% for c in overview %}x{% endfor %}{% endfor %}{% endfor %}"
    footer = ("<w:ftr xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:p><w:r><w:t>"
              + loop + "</w:t></w:r></w:p></w:ftr>")
    parts = {f"word/footer{i}.xml": footer.encode() for i in range(3, 9)}
    report = build_report({**yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")),
                           "overview": [f"段{i}" for i in range(20)]})
    with pytest.raises(TemplateError, match="循环或宏调用超过 50000 次"):
        render_docx(report, package(parts))


def _zip_with(tmp_path: Path, name: str, change) -> Path:
    parts = dr.parts(template_path("default").read_bytes())
    change(parts)
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, blob in parts.items():
            archive.writestr(part, blob)
    return path


def test_an_encrypted_entry_and_odd_measures_never_give_a_traceback(tmp_path):
    def grid(parts):
        parts["word/document.xml"] = parts["word/document.xml"].replace(b'w:gridSpan w:val="4"', 'w:gridSpan w:val="²"'
                                                                        .encode(), 1)
    path = _zip_with(tmp_path, "grid.docx", grid)
    assert inspect_template(path).problems  # the table is not the official one: said, no traceback
    raw = bytearray(template_path("default").read_bytes())
    raw[raw.find(b"PK\x01\x02") + 8] |= 0x01  # the first entry's flag in the central directory: encrypted
    (tmp_path / "enc.docx").write_bytes(bytes(raw))
    (problem,) = inspect_template(tmp_path / "enc.docx").problems
    assert "加密" in problem.message or "损坏" in problem.message


@pytest.mark.parametrize("change", [
    lambda xml: xml.replace("<w:pgSz", '<w:pgSz w:dummy="1"').replace('w:w="11906"', 'w:w="1e4"'),
    lambda xml: xml.replace("<w:sectPr", "<w:sectPrX").replace("</w:sectPr>", "</w:sectPrX>"),
])
def test_a_letterhead_on_an_odd_page_is_left_as_it_is(package, change):
    def letterhead(xml: str) -> str:
        return change(xml).replace("<w:sectPr", '<w:p><w:pPr><w:pStyle w:val="Letterhead"/></w:pPr><w:r><w:t>机关'
                                   '</w:t></w:r></w:p><w:sectPr', 1)
    path = package({"word/document.xml": letterhead})
    try:
        render_docx(load_report(EXAMPLE), path)
    except TemplateError:
        pass  # refused with a message is fine too; a traceback is not


def test_a_huge_body_is_refused_at_once(package):
    filler = "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 160_000  # 5 MB
    with within(20):
        found = inspect_template(package(body(filler))).problems
    assert any(p.rule == "M1" and "超过 4 MB" in p.message for p in found)


# --- outputs ----------------------------------------------------------------------------------


def test_a_report_never_replaces_a_template(run, tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    data = read_yaml(FIXTURES / "checks-2023.yaml")
    (folder / "a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (folder / "b.yaml").write_text(yaml.safe_dump({**data, "agency": "乙镇人民政府", "template": "a.docx"},
                                                  allow_unicode=True), encoding="utf-8")
    (folder / "a.docx").write_bytes(template_path("default").read_bytes())
    result = run("build", folder / "a.yaml", folder / "b.yaml", "-o", folder)
    assert result.exit_code == 1 and "是一个模板（其中有 {{ }} 标签），不能用报告覆盖它" in result.stderr
    assert (folder / "a.docx").read_bytes() == template_path("default").read_bytes()
    result = run(folder / "a.yaml", "-o", template_path("letterhead"))
    assert result.exit_code == 1 and "是一个模板" in result.stderr


@pytest.mark.parametrize("draft", [False, True], ids=["report", "draft"])
def test_a_report_whose_text_has_braces_is_rebuilt_over_itself(run, tmp_path, draft):
    # 「{{ 示例 }}」 in the text is printed as it is; the report is still ours, not a template
    data = read_yaml(FIXTURES / "checks-2023.yaml")
    data["overview"] = ["本年度{{ 示例 }}工作情况{% 如下 %}。"]
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    options = ["--draft"] if draft else []
    first = run(tmp_path / "a.yaml", "-o", "a.docx", *options)
    assert first.exit_code == 0, first.output
    written = (tmp_path / "a.docx").read_bytes()
    assert "本年度{{ 示例 }}工作情况{% 如下 %}。" in [p.text for p in dr.paragraphs(written)]
    again = run(tmp_path / "a.yaml", "-o", "a.docx", *options)
    assert again.exit_code == 0 and "是一个模板" not in again.output, again.output
    assert (tmp_path / "a.docx").read_bytes() == written


def test_a_damaged_report_of_ours_is_replaced(run, tmp_path):
    assert run(FIXTURES / "checks-2023.yaml", "-o", "a.docx").exit_code == 0
    with zipfile.ZipFile(tmp_path / "a.docx") as ours:
        body = ours.getinfo("word/document.xml")
        start = body.header_offset + 30 + len(body.filename.encode()) + len(body.extra)
    blob = bytearray((tmp_path / "a.docx").read_bytes())
    blob[start + body.compress_size // 2] ^= 0xFF  # the body no longer inflates to its checksum
    (tmp_path / "a.docx").write_bytes(bytes(blob))
    result = run(FIXTURES / "checks-2023.yaml", "-o", "a.docx")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.docx").read_bytes() != bytes(blob)


def test_a_report_of_ours_made_into_a_template_is_not_replaced(run, tmp_path):
    assert run(FIXTURES / "checks-2023.yaml", "-o", "a.docx").exit_code == 0
    with zipfile.ZipFile(tmp_path / "a.docx") as ours:  # someone put tags in it: a template now
        parts = {n: ours.read(n) for n in ours.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace("2023".encode(), b"{{ year }}", 1)
    with zipfile.ZipFile(tmp_path / "a.docx", "w") as template:
        for name, blob in parts.items():
            template.writestr(name, blob)
    before = (tmp_path / "a.docx").read_bytes()
    result = run(FIXTURES / "checks-2023.yaml", "-o", "a.docx")
    assert result.exit_code == 1 and "是一个模板" in result.stderr
    assert (tmp_path / "a.docx").read_bytes() == before


def test_a_failed_rename_puts_every_file_back(run, tmp_path):
    source = tmp_path / "a.yaml"
    source.write_text(yaml.safe_dump(read_yaml(FIXTURES / "checks-2023.yaml"), allow_unicode=True), encoding="utf-8")
    assert run(FIXTURES / "checks-2022.yaml", "-o", "keep.docx").exit_code == 0  # another report of ours
    old = (tmp_path / "keep.docx").read_bytes()
    (tmp_path / "keep.html").mkdir()
    result = run(source, "-o", "keep.docx", "--html")
    assert result.exit_code == 1 and "无法写入 keep.html：这是一个文件夹" in result.stderr
    assert (tmp_path / "keep.docx").read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "keep.docx", "keep.html"]


# --- Ctrl-C at any moment -------------------------------------------------------------------


def test_ctrl_c_while_starting_is_said_in_chinese(monkeypatch, capsys):
    from xxgk_report import cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(cli, "main", interrupted)
    with pytest.raises(SystemExit) as info:
        entry.run()
    assert info.value.code == 130 and capsys.readouterr().err == "已中断。\n"


def test_ctrl_c_in_click_is_said_in_chinese(run, monkeypatch):
    from xxgk_report.cli import data

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(data, "json_schema_text", interrupted, raising=False)
    monkeypatch.setattr("xxgk_report.schema.json_schema_text", interrupted)
    result = run("schema")
    assert result.exit_code == 130 and result.stderr.strip() == "已中断。"


# --- extract ----------------------------------------------------------------------------------


def test_a_cell_of_thousands_of_digits_is_not_a_number(tmp_path):
    page = (EXAMPLE.parent.parent / "tests" / "data" / "seed-2022-town-report.txt").read_text(encoding="utf-8")
    path = tmp_path / "r.txt"
    path.write_text(page.replace("行政许可 | 35", "行政许可 | " + "9" * 5000, 1), encoding="utf-8")
    assert extract(path)  # read, never a traceback


def test_extracted_text_with_a_next_line_character_loads_back_exactly(tmp_path):
    data = read_yaml(FIXTURES / "full-2023.yaml")
    data["problems"] = ["第一\u0085第二"]
    blob = api.render_report({**data, "problems": ["占位。"]})
    parts = dr.parts(blob)
    parts["word/document.xml"] = parts["word/document.xml"].replace("占位。".encode(), "第一\u0085第二".encode())
    path = tmp_path / "r.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    result = extract(path)
    written = tmp_path / "back.yaml"
    written.write_text(data_file_text(result, path), encoding="utf-8")
    assert read_data(written)["problems"] == result.data["problems"] == ["第一\u0085第二"]


@pytest.mark.skipif(os.name != "posix", reason="a ulimit stands in for a full disk")
def test_os_errors_are_said_in_chinese(tmp_path):
    from xxgk_report.errors import os_reason
    assert os_reason(OSError(28, "No space left on device")) == "磁盘已满"
    assert os_reason(OSError(21, "Is a directory")) == "这是一个文件夹"
