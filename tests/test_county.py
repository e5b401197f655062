"""`make-report sum`: the county's tables are the units' tables added up, cell for cell."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
import yaml

from xxgk_report import api
from xxgk_report.county import sum_units
from xxgk_report.model import build_report

from .conftest import FIXTURES, read_yaml
from .tables import assert_tables_match

BASE = read_yaml(FIXTURES / "checks-2023.yaml")


def unit(agency: str, factor: int) -> dict:
    """A valid unit: the checks fixture with its numbers scaled (so every unit differs)."""
    data = copy.deepcopy(BASE)
    data["agency"] = agency

    def scale(node):
        if isinstance(node, dict):
            return {k: scale(v) for k, v in node.items()}
        if isinstance(node, (int, Decimal, float)) and not isinstance(node, bool):
            return node * factor
        return node
    for key in ("proactive", "applications", "reviews"):
        data[key] = scale(data[key])
    data["overview"][1]["paragraphs"] = ["见表格。"]
    data["overview"][4]["text"] = "见表格。"
    return data


def add(a, b):
    """Hand-made sum of two data trees: numbers add, missing numbers are 0."""
    if isinstance(a, dict) or isinstance(b, dict):
        a, b = a or {}, b or {}
        return {k: add(a.get(k), b.get(k)) for k in {**a, **b}}
    if isinstance(a, (int, float, Decimal)) or isinstance(b, (int, float, Decimal)):
        return (a or 0) + (b or 0)
    return a if a is not None else b


@pytest.fixture
def units(tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    datas = [unit("甲镇人民政府", 1), unit("乙镇人民政府", 2), unit("丙街道办事处", 5)]
    for i, data in enumerate(datas):
        (folder / f"u{i}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder, datas


def test_every_cell_is_the_sum_of_the_units(units, write_data):
    folder, datas = units
    summary = sum_units(sorted(folder.glob("*.yaml")), "某某县人民政府", 2023)
    assert summary.ok and summary.problems == []
    summed = build_report(yaml.safe_load(summary.text))
    expected = {key: add(add(datas[0][key], datas[1][key]), datas[2][key])
                for key in ("proactive", "applications", "reviews")}
    assert summed.tables["proactive"]["fees"] == Decimal("3.5") * 8
    assert summed.tables["applications"]["received"]["natural"] == 5 * 8
    assert_tables_match(api.render_report(write_data(summary.text, "county.yaml")), expected)
    assert [p for p in api.check(write_data(summary.text, "county.yaml")) if p.is_error] == []
    for data in datas:
        assert f"  {data['agency']}（" in summary.text  # the units included, in a comment
    assert "同一文件由几个单位联合制发时会重复计算" in summary.text and "同一笔收费不应由两个单位重复填报" in summary.text


def test_roster_gaps_are_named(units):
    folder, _ = units
    roster = ["甲镇人民政府", "乙镇人民政府", "丁镇人民政府"]
    summary = sum_units(sorted(folder.glob("*.yaml")), "某某县人民政府", 2023, roster)
    assert summary.ok
    assert [(p.rule, p.message) for p in summary.problems] == [
        ("U2", "名单中 1 个单位没有数据文件：丁镇人民政府"),
        ("U2", f"1 个数据文件的单位不在名单中：丙街道办事处（{folder / 'u2.yaml'}）"),
    ]
    assert "# 警告：名单中 1 个单位没有数据文件：丁镇人民政府" in summary.text


def test_mixed_years_are_refused(units):
    folder, datas = units
    other = copy.deepcopy(datas[0])
    other.update(agency="戊镇人民政府", year=2022, date="2023-01-20")
    (folder / "old.yaml").write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    summary = sum_units(sorted(folder.glob("*.yaml")), "某某县人民政府")
    assert not summary.ok and summary.text == ""
    assert [p.message for p in summary.problems] == ["单位的报告年度不一致：2022 年度 1 个；2023 年度 3 个；请只汇总同一年度的报告"]
    assert "这些单位不是：" in sum_units(sorted(folder.glob("*.yaml")), "某某县人民政府", 2023).problems[0].message


def test_mixed_formats_are_refused(units):
    folder, _ = units
    summary = sum_units([*sorted(folder.glob("*.yaml")), FIXTURES / "full-2020.yaml"], "某某县人民政府")
    assert not summary.ok
    assert any("单位的年报格式不一致" in p.message for p in summary.problems)


def test_a_unit_that_breaks_a_rule_is_named(units):
    folder, datas = units
    broken = copy.deepcopy(datas[1])
    broken["applications"]["received"]["natural"] += 1
    (folder / "u1.yaml").write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    summary = sum_units(sorted(folder.glob("*.yaml")), "某某县人民政府", 2023)
    assert not summary.ok
    assert all(p.path == str(folder / "u1.yaml") for p in summary.problems)
    assert summary.problems[0].message.startswith("“乙镇人民政府”的数据有错误，合计也会错：错误 A1 ")


def test_a_unit_twice_and_an_unreadable_unit(units):
    folder, datas = units
    (folder / "copy.yaml").write_text(yaml.safe_dump(datas[0], allow_unicode=True), encoding="utf-8")
    (folder / "bad.yaml").write_text("year: 2023\nagency: [\n", encoding="utf-8")
    messages = [p.message for p in sum_units(sorted(folder.glob("*.yaml")), "某某县人民政府").problems]
    assert messages[0].startswith("数据文件无法使用（1 处错误），第一处：错误 D1 第 ")
    assert any(m.startswith("“甲镇人民政府”出现两次") for m in messages)


def test_sum_command(run, tmp_path, units):
    folder, _ = units
    (tmp_path / "roster.txt").write_text("# 名单\n甲镇人民政府\n乙镇人民政府\n丙街道办事处\n", encoding="utf-8")
    result = run("sum", folder, "--agency", "某某县人民政府", "--year", "2023", "--roster", "roster.txt")
    assert result.exit_code == 0 and result.stdout == "county-2023.yaml\n"
    assert run("county-2023.yaml", "-o", "county.docx").exit_code == 0
    again = run("sum", folder, "--agency", "某某县人民政府")
    assert again.exit_code == 1 and "已存在" in again.stderr


def test_sum_command_refusal(run, units):
    folder, datas = units
    broken = copy.deepcopy(datas[2])
    broken["reviews"]["reconsideration"]["total"] = 99
    (folder / "u2.yaml").write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    result = run("sum", folder, "--agency", "某某县人民政府")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "错误：1 个单位的数据有问题，无法汇总，未生成文件。"
    assert lines[1].startswith(f"错误 U1 {folder / 'u2.yaml'}：“丙街道办事处”的数据有错误，合计也会错：错误 B1 ")


def test_a_second_run_does_not_count_its_own_output(run, units):
    folder, _ = units
    assert run("sum", folder, "--agency", "某某县人民政府", "-o", folder / "county.yaml").exit_code == 0
    again = run("sum", folder, "--agency", "某某县人民政府", "-o", folder / "county.yaml", "--force")
    assert again.exit_code == 0
    assert f"警告 U2 {folder / 'county.yaml'} 是 make-report sum 生成的汇总文件，不是单位的数据，未计入" in again.stderr
    assert "已汇总 3 个单位" in again.stderr


def test_a_gbk_roster_and_a_close_name(units, tmp_path):
    from xxgk_report.county import read_roster
    folder, _ = units
    roster = tmp_path / "roster.txt"
    roster.write_bytes("甲镇人民政府\n乙镇人民政府\n丙街道办事处\n".encode("gb18030"))
    assert read_roster(roster) == ["甲镇人民政府", "乙镇人民政府", "丙街道办事处"]
    summary = sum_units(sorted(folder.glob("*.yaml")), "某某县人民政府", 2023, ["甲镇人民政府", "乙镇人民政府", "丙街道办"])
    assert any("（名单中的“丙街道办”？）" in p.message for p in summary.problems)


def test_2019_amounts_that_cannot_be_added_are_named(tmp_path):
    base = read_yaml(FIXTURES / "full-2020.yaml")
    paths = []
    for i, amount in enumerate(("251000元", "12.5万元")):
        data = copy.deepcopy(base)
        data["agency"] = f"第{i}乡人民政府"
        data["proactive"]["procurement"]["amount"] = amount
        paths.append(tmp_path / f"u{i}.yaml")
        paths[-1].write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    summary = sum_units(paths, "某某县人民政府")
    assert summary.ok
    assert [p.message for p in summary.problems] == [
        "procurement：各单位的金额无法自动相加（写法或单位不同），请手工填写 采购总金额：第0乡人民政府 251000元、第1乡人民政府 12.5万元"]
    same = copy.deepcopy(base)
    same["agency"] = "第2乡人民政府"
    paths[1].write_text(yaml.safe_dump(same, allow_unicode=True), encoding="utf-8")
    assert yaml.safe_load(sum_units(paths, "某某县人民政府").text)["proactive"]["procurement"]["amount"] == "502000元"


def test_only_summaries_or_no_agency_are_refused_with_a_message(run, units):
    folder, _ = units
    assert run("sum", folder, "--agency", "某某县人民政府", "-o", "county.yaml").exit_code == 0
    result = run("sum", "county.yaml", "--agency", "某某县人民政府", "-o", "again.yaml")
    assert result.exit_code == 1 and "Traceback" not in result.stderr and "没有单位的数据文件" in result.stderr
    result = run("sum", folder, "--agency", " ", "-o", "x.yaml")
    assert result.exit_code == 1 and "缺少汇总报告的机关全称" in result.stderr
