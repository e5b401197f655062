"""Workbooks made to break the reader (what an attack on the fill-in workbook found): each is
refused with a message naming what is wrong, exit 1, nothing written, no traceback, within
bounded time and memory; and the round trips and the roster that lost data before."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml

from xxgk_report.dataout import file_name
from xxgk_report.model import load_report

from .conftest import FIXTURES, FULL, within
from .test_workbook import cell_of, fill, workbook_of

SHEET5 = "xl/worksheets/sheet5.xml"


def rebuilt(path: Path, change: dict, name: str = "bad.xlsx") -> Path:
    """The workbook with parts changed: {part: f(text) or bytes}."""
    with zipfile.ZipFile(path) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    for part, how in change.items():
        parts[part] = how(parts[part].decode("utf-8")).encode("utf-8") if callable(how) else how
    target = path.with_name(name)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, blob in parts.items():
            archive.writestr(part, blob)
    return target


def refused(run, tmp_path: Path, path: Path, said: str) -> str:
    with within(60):
        result = run(path, "-o", "out.docx")
    assert result.exit_code == 1 and said in result.output, result.output
    assert "Traceback" not in result.output and "backtrace" not in result.output
    assert not (tmp_path / "out.docx").exists()
    return result.output


def far_cell(ref: str, wrap: str = "") -> callable:
    row = f'<row><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    return lambda text: text.replace("</sheetData>", (f"<{wrap}>{row}</{wrap}>" if wrap else row) + "</sheetData>")


@pytest.mark.parametrize("change", [
    {SHEET5: far_cell("xfd1048576")},           # lower case
    {SHEET5: far_cell("BL00000001048576")},     # leading zeros
    {SHEET5: far_cell("XFD1048576", "foo")},    # a row inside an unknown element
    {SHEET5: lambda t: far_cell("XFD1048576")(t).replace(
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")},
], ids=["lower case", "leading zeros", "wrapped", "strict namespace"])
def test_two_far_apart_cells_never_reach_calamine(run, tmp_path, change):
    # calamine would lay the sheet out whole: half a terabyte, and the process aborts
    refused(run, tmp_path, rebuilt(workbook_of(FULL, tmp_path), change), "超出了填报表的范围")


@pytest.mark.parametrize("target", ["/w/sheet5.xml", "xl/w/sheet5.xml", "./worksheets/sheet5.xml",
                                    "worksheets//sheet5.xml", "../sheet5.xml"])
def test_a_sheet_whose_part_name_is_not_plain_is_refused(run, tmp_path, target):
    rels = "xl/_rels/workbook.xml.rels"
    path = rebuilt(workbook_of(FULL, tmp_path), {rels: lambda t: t.replace('Target="worksheets/sheet5.xml"',
                                                                          f'Target="{target}"')})
    refused(run, tmp_path, path, "位置不寻常")


def test_a_shared_string_repeated_until_memory_runs_out_ends_in_a_message(run, tmp_path):
    strings = "xl/sharedStrings.xml"
    big = "长" * (4 * 1024 * 1024)
    path = workbook_of(FULL, tmp_path)

    def many_references(text: str) -> str:
        cells = "".join(f'<c r="A{r}" t="s"><v>0</v></c>' for r in range(200, 2200))
        return text.replace("</sheetData>", f'<row r="200">{cells}</row></sheetData>')

    def huge_first_string(text: str) -> str:
        return re.sub(r"<si><t[^>]*>[^<]*</t></si>", f"<si><t>{big}</t></si>", text, count=1)
    path = rebuilt(path, {strings: huge_first_string, SHEET5: many_references})
    refused(run, tmp_path, path, "内存超过上限或进程意外退出")


def test_a_workbook_of_many_sheets_is_refused(run, tmp_path):
    book = "xl/workbook.xml"
    extra = "".join(f'<sheet name="s{i}" sheetId="{100 + i}" r:id="rId1"/>' for i in range(30))
    path = rebuilt(workbook_of(FULL, tmp_path), {book: lambda t: t.replace("</sheets>", extra + "</sheets>")})
    refused(run, tmp_path, path, "工作簿有 35 张工作表")


def test_two_sheets_of_one_name_or_a_cell_without_its_place_are_refused(run, tmp_path):
    book = "xl/workbook.xml"
    path = rebuilt(workbook_of(FULL, tmp_path), {book: lambda t: t.replace('name="表四"', 'name="表三"')})
    refused(run, tmp_path, path, "两张同名的工作表")
    path = rebuilt(workbook_of(FULL, tmp_path), {SHEET5: lambda t: re.sub(r'<c r="A5"', "<c", t, count=1)}, "norref.xlsx")
    refused(run, tmp_path, path, "没有位置")


def test_a_row_inserted_between_a_header_and_its_values_is_found(run, tmp_path):
    path = workbook_of(FULL, tmp_path)

    def change(book):
        book["表四"].insert_rows(6)  # between 四's header rows and its one row of values (no label there)
    import openpyxl
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    output = refused(run, tmp_path, path, "不在表格的格子中，却有内容")
    assert "表四!A7" in output and "这张表未读取" in output


def test_an_error_value_is_an_error_at_its_cell_never_a_blank(run, tmp_path):
    path = workbook_of(FULL, tmp_path)
    key = "applications.granted.natural"
    cell = cell_of(load_report(FULL).spec, key)
    path = rebuilt(path, {"xl/worksheets/sheet3.xml": lambda t: re.sub(
        rf'<c r="{cell}"[^>]*>.*?</c>', f'<c r="{cell}" t="e"><v>#N/A</v></c>', t, count=1)})
    result = run("check", path)
    assert result.exit_code == 1 and f"表三!{cell}" in result.output and "错误值 #N/A" in result.output


def test_a_copy_of_a_sheet_is_not_silently_left_unread(run, tmp_path):
    import openpyxl
    path = workbook_of(FULL, tmp_path)
    book = openpyxl.load_workbook(path)
    book.copy_worksheet(book["表三"]).title = "表三 (2)"
    book.save(path)
    refused(run, tmp_path, path, "标题相同，不知道该读哪一张")


def test_a_formula_in_basic_information_is_an_error(run, tmp_path):
    path = workbook_of(FULL, tmp_path)
    path = rebuilt(path, {"xl/worksheets/sheet1.xml": lambda t: re.sub(
        r'<c r="B6"[^>]*>.*?</c>', '<c r="B6" t="str"><f>HYPERLINK("http://x/","x")</f><v>x</v></c>', t, count=1)})
    output = refused(run, tmp_path, path, "基本信息!B6「机关全称」：应为文字，实际为 公式")
    assert "HYPERLINK" in output


def test_convert_keeps_what_a_report_read_back_could_not_give(run, tmp_path, full):
    full["unread"] = ["applications.received.natural"]
    source = tmp_path / "read-back.yaml"
    source.write_text(yaml.safe_dump(full, allow_unicode=True), encoding="utf-8")
    for target in ("a.xlsx", "a.yaml", "a.json"):
        assert run("convert", source, "-o", target).exit_code == 0
        assert load_report(tmp_path / target).unread == ("applications.received.natural",), target
        result = run(tmp_path / target, "-o", "out.docx")
        assert result.exit_code == 1 and "X2" in result.output  # still never printed as 0
    fill(tmp_path / "a.xlsx", {})
    import openpyxl
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    info = book["基本信息"]
    row = next(r for r in range(1, 20) if info.cell(r, 1).value == "未读出的格子")
    info.cell(row, 2).value = None  # filled in: the clerk clears the list
    book.save(tmp_path / "a.xlsx")
    assert load_report(tmp_path / "a.xlsx").unread == ()


def test_init_from_a_report_with_unread_cells_says_so_beside_them(tmp_path, full):
    from xxgk_report.datafile import new_data
    from xxgk_report.model import build_report
    full["unread"] = ["applications.carried_forward.natural", "proactive.rules.in_force"]
    new = new_data(2024, previous=build_report(full))
    assert "未读出，不能沿用" in new.tables.notes[("applications", "carried_over")]
    assert "未读出，不能沿用" in new.tables.notes[("proactive", "rules")]


# --- the roster -------------------------------------------------------------------------------


def test_a_roster_never_overwrites_last_years_files_even_with_force(run, tmp_path, full):
    folder = tmp_path / "各单位"
    folder.mkdir()
    full["agency"] = "甲镇"
    (folder / "甲镇.yaml").write_text(yaml.safe_dump(full, allow_unicode=True), encoding="utf-8")
    workbook_of(folder / "甲镇.yaml", folder, "甲镇.xlsx")
    (folder / "甲镇.yaml").unlink()
    before = (folder / "甲镇.xlsx").read_bytes()
    (tmp_path / "名单.txt").write_text("甲镇\n", encoding="utf-8")
    result = run("init", "--roster", "名单.txt", "--from", folder, "-o", folder, "--force")
    assert result.exit_code == 1 and "上年数据文件" in result.output
    assert (folder / "甲镇.xlsx").read_bytes() == before


def test_two_files_of_one_unit_last_year_are_named_not_guessed(run, tmp_path, full):
    last = tmp_path / "上年"
    last.mkdir()
    full["agency"] = "甲镇"
    for name in ("甲镇.yaml", "甲镇（旧）.yaml"):
        (last / name).write_text(yaml.safe_dump(full, allow_unicode=True), encoding="utf-8")
    (tmp_path / "名单.txt").write_text("甲镇\n", encoding="utf-8")
    result = run("init", "--roster", "名单.txt", "--from", last, "-o", "新")
    assert result.exit_code == 1 and "都是 甲镇 的上年数据" in result.output
    assert not (tmp_path / "新").exists() or not any((tmp_path / "新").iterdir())


def test_an_empty_roster_is_an_error(run, tmp_path):
    (tmp_path / "名单.txt").write_text("# 没有单位\n\n", encoding="utf-8")
    result = run("init", "--year", 2023, "--roster", "名单.txt", "-o", "各单位")
    assert result.exit_code == 1 and "没有单位" in result.output


@pytest.mark.parametrize("agency, expected", [
    ("CON", "_CON"), ("nul", "_nul"), ("LPT1.镇", "_LPT1.镇"), ("某\u202e镇", "某镇"), ("a/b:c", "a_b_c"),
])
def test_unit_names_become_file_names_every_system_takes(agency, expected):
    assert file_name(agency) == expected


def test_a_long_name_is_cut_to_what_a_file_system_takes_and_stays_apart():
    one, other = file_name("某" * 120 + "甲"), file_name("某" * 120 + "乙")
    assert one != other and one.startswith("某" * 40) and len(one.encode("utf-8")) <= 150


def test_a_roster_with_long_names_writes_every_file(run, tmp_path):
    names = ["某" * 90 + "镇", "某" * 89 + "乡"]
    (tmp_path / "名单.txt").write_text("\n".join(names), encoding="utf-8")
    result = run("init", "--year", 2023, "--roster", "名单.txt", "-o", "各单位")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "各单位").iterdir())) == 2


def test_fixture_is_here():
    assert (FIXTURES / "full-2023.yaml").is_file()


def test_the_scan_finds_cells_formulas_and_errors_in_any_namespace_and_depth():
    from xxgk_report.workbook.scan import TooLarge, _sheet
    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    xml = (f'<x:worksheet xmlns:x="{strict}" xmlns:o="urn:other"><x:sheetData>'
           '<x:row><x:c r="b2"><x:f>SUM(A1:A2)</x:f><x:v>3</x:v></x:c><x:c r="C002" t="e"><x:v>#REF!</x:v></x:c></x:row>'
           '<o:wrap><c r="AB7" t="e"/></o:wrap><x:dataValidations><x:dataValidation sqref="Z99"/></x:dataValidations>'
           '</x:sheetData></x:worksheet>')
    sheet = _sheet("表三", xml.encode())
    assert (sheet.rows, sheet.cols) == (7, 28)  # AB7: the 28th column, whatever wraps it
    assert sheet.formulas == {(1, 1): "SUM(A1:A2)"}
    assert sheet.errors == {(1, 2): "#REF!", (6, 27): "#错误"}
    for bad in ('<c r=""/>', "<c/>", '<c r="A"/>', '<c r="A1 B2"/>', '<c r="ABCD1"/>'):
        with pytest.raises(TooLarge, match="没有位置"):
            _sheet("表三", f'<worksheet><sheetData><row><c r="A1"/>{bad}</row></sheetData></worksheet>'.encode())
    for alone in ('<c r=""><f>1+1</f></c>', '<c r="" t="e"><v>#N/A</v></c>', '<c r=""/>'):  # the only cell
        with pytest.raises(TooLarge, match="没有位置"):
            _sheet("表三", f"<worksheet><sheetData><row>{alone}</row></sheetData></worksheet>".encode())
    with pytest.raises(TooLarge, match="在第 10001 行有内容"):
        _sheet("表三", b'<worksheet><c r="A10001"/></worksheet>')
    with pytest.raises(TooLarge, match="在第 65 列有内容"):
        _sheet("表三", b'<worksheet><c r="BM1"/></worksheet>')


def test_a_batch_loads_the_readers_its_files_need_before_its_workers_start():
    # forked workers inherit what the parent imported: each would otherwise import it again
    import subprocess
    import sys
    code = ("import sys; from xxgk_report import api; before = {m for m in sys.modules};"
            "api.warm_up(None, ['a.yaml']); yaml_only = {m for m in sys.modules} - before;"
            "api.warm_up(None, ['a.yaml', 'b.XLSX', 'c.pdf']); added = {m for m in sys.modules} - before;"
            "print(sorted(m for m in yaml_only if m.startswith(('python_calamine', 'xxgk_report.workbook', 'xxgk_report.extract'))));"
            "print('python_calamine' in added, 'xxgk_report.workbook.read' in added, 'xxgk_report.extract' in added)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert shown[:2] == ["[]", "True True True"]


def test_many_references_with_leading_zeros_and_one_bad_one_are_refused_at_once(run, tmp_path):
    # 「A0001」 can be read as zeros then digits in several ways: matched naively over the whole
    # list, 20 of them and one bad reference took the reader's whole minute
    def padded(text: str) -> str:
        cells = "".join(f'<c r="{col}0000001"/>' for col in ("A", "B", "C", "D", "E") * 8)
        return text.replace("</sheetData>", f'<row r="1">{cells}</row><row r="999"><c r="A999x"/></row></sheetData>')
    path = rebuilt(workbook_of(FULL, tmp_path), {SHEET5: padded})
    with within(10):
        refused(run, tmp_path, path, "没有位置")


def test_a_workbook_calamine_cannot_parse_is_named_in_chinese(run, tmp_path):
    broken = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si'
    output = refused(run, tmp_path, rebuilt(workbook_of(FULL, tmp_path), {"xl/sharedStrings.xml": broken}),
                     "工作簿已损坏或含有不支持的内容，无法读取（表格内容无法解析）")
    assert "Error" not in output and "Calamine" not in output
