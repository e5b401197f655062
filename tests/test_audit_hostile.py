"""`make-report audit` on careless and hostile inputs (what an attack on it found): file names
from unit names, outputs over inputs, duplicates, the wrong folders, files it cannot read."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
import yaml

from xxgk_report import api
from xxgk_report.dataout import converted_bytes
from xxgk_report.model import build_report
from xxgk_report.errors import ReportError

from .test_audit import COUNTY, unit


def folder_of(root: Path, units: dict[str, dict]) -> Path:
    folder = root / "各单位"
    folder.mkdir(exist_ok=True)
    for name, data in units.items():
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def test_notice_files_stay_in_their_folder_whatever_the_unit_calls_itself(run, tmp_path):
    names = ["../../逃逸局", "/tmp/绝对局", "某某县/甲/局", 'C:\\x\\局:*?"<>|', "某某县\u202e局fdp.exe", "很长" * 150 + "局"]
    units = {f"u{i}.yaml": {**unit("甲镇人民政府", i), "agency": name} for i, name in enumerate(names)}
    for data in units.values():  # a finding each (N1), so that each gets a notice
        data["overview"].append("全年收到政府信息公开申请3件。")
    folder_of(tmp_path, units)
    result = run("audit", "各单位", "--notices", "意见")
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    written = sorted(p for p in (tmp_path / "意见").rglob("*") if p.is_file())
    assert len(written) == len(names) and all(p.parent == tmp_path / "意见" for p in written)
    assert all(len(p.name.encode()) <= 200 and "\u202e" not in p.name for p in written)
    assert not (tmp_path.parent / "逃逸局-退回意见.txt").exists()


def test_the_review_never_replaces_a_units_file_even_with_force(run, tmp_path):
    folder = folder_of(tmp_path, {})
    workbook = folder / "甲镇.xlsx"
    workbook.write_bytes(converted_bytes(build_report(unit("甲镇人民政府", 0)), workbook))
    before = workbook.read_bytes()
    result = run("audit", "各单位", "-o", "各单位/甲镇.xlsx", "--force")
    assert result.exit_code == 1 and "错误：输出文件 各单位/甲镇.xlsx 就是单位的文件" in result.output, result.output
    (tmp_path / "名单.xlsx").write_bytes(before)
    refused = run("audit", "各单位", "--roster", "名单.xlsx", "-o", "名单.xlsx", "--force")
    assert refused.exit_code == 1 and not (tmp_path / "审核.xlsx").exists()
    assert workbook.read_bytes() == before == (tmp_path / "名单.xlsx").read_bytes()


def test_outputs_are_checked_before_anything_is_read(run, tmp_path):
    folder_of(tmp_path, {"甲镇.yaml": unit("甲镇人民政府", 0)})
    (tmp_path / "审核.xlsx").write_bytes(b"earlier")
    exists = run("audit", "各单位")
    assert exists.exit_code == 1 and "文件 审核.xlsx 已存在，未覆盖；要覆盖请加 --force" in exists.output
    assert "共 " not in exists.output  # refused before the review ran
    wrong = run("audit", "各单位", "-o", "审核.csv")
    assert wrong.exit_code == 1 and "审核表（.xlsx 工作簿）" in wrong.output
    (tmp_path / "意见.txt").write_text("x", encoding="utf-8")
    assert "是一个文件，不是文件夹" in run("audit", "各单位", "-o", "b.xlsx", "--notices", "意见.txt").output


def test_each_file_and_roster_name_counts_once(run, tmp_path):
    folder_of(tmp_path, {"甲镇.yaml": unit("甲镇人民政府", 0)})
    (tmp_path / "名单.txt").write_text(f"{COUNTY}甲镇人民政府\n{COUNTY} 甲镇人民政府\n", encoding="utf-8")
    result = run("audit", "各单位", "各单位/甲镇.yaml", "./各单位/甲镇.yaml", "各单位", "--roster", "名单.txt")
    assert "共 1 个单位：通过 1，退回 0，缺报 0，无法读取 0。" in result.output
    assert "提示：单位名单中“某某县 甲镇人民政府”出现了不止一次，只算一个单位" in result.output


def test_earlier_reviews_last_year_and_links_out_are_not_units(run, tmp_path):
    folder = folder_of(tmp_path, {"甲镇.yaml": unit("甲镇人民政府", 0)})
    assert run("audit", "各单位", "-o", "各单位/第一次审核.xlsx").exit_code == 0
    (folder / "上年").mkdir()
    (folder / "上年" / "甲镇.yaml").write_text(yaml.safe_dump({**unit("甲镇人民政府", 0), "year": 2022},
                                                              allow_unicode=True), encoding="utf-8")
    outside = tmp_path / "外面.yaml"
    outside.write_text(yaml.safe_dump(unit("乙镇人民政府", 1), allow_unicode=True), encoding="utf-8")
    os.symlink(outside, folder / "链接.yaml")
    (folder / "教育局.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    result = run("audit", "各单位", "--previous", "各单位/上年", "-o", "第二次.xlsx")
    assert "共 1 个单位：通过 1，退回 0，缺报 0，无法读取 0。" in result.output, result.output
    skipped = {r[2]: r[3] for r in openpyxl.load_workbook(tmp_path / "第二次.xlsx")["缺报"].iter_rows(min_row=2, values_only=True)}
    assert skipped == {"各单位/第一次审核.xlsx": "审核表（make-report audit 写出），不是单位的文件",
                       "各单位/链接.yaml": "链接到文件夹以外的文件，未读取",
                       "各单位/教育局.xls": "旧版 Excel 工作簿，请另存为 .xlsx 填报表"}
    assert "提示：另有 3 个文件未读取（见审核表「缺报」）" in result.output


def test_nothing_to_review_and_the_wrong_folders_are_refused(run, tmp_path):
    (tmp_path / "空").mkdir()
    empty = run("audit", "空")
    assert empty.exit_code == 1 and "错误：没有找到任何报告或数据文件" in empty.output and not (tmp_path / "审核.xlsx").exists()
    folder_of(tmp_path, {"甲镇.yaml": unit("甲镇人民政府", 0)})
    (tmp_path / "名单.txt").write_text("# 名单\n\n", encoding="utf-8")
    assert "错误：单位名单为空" in run("audit", "各单位", "--roster", "名单.txt").output
    same = run("audit", "各单位", "--previous", "各单位")
    assert same.exit_code == 1 and "错误：--previous 各单位 就是本年的文件夹" in same.output


def test_old_notices_are_replaced_only_when_asked(run, tmp_path):
    folder = folder_of(tmp_path, {"甲镇.yaml": unit("甲镇人民政府", 0), "乙镇.yaml": {**unit("乙镇人民政府", 1), "year": 2022}})
    assert run("audit", "各单位", "--notices", "意见", "--year", "2023").exit_code == 1
    assert sorted(p.name for p in (tmp_path / "意见").iterdir()) == ["某某县乙镇人民政府-退回意见.txt"]
    (folder / "乙镇.yaml").unlink()
    again = run("audit", "各单位", "--notices", "意见", "-o", "二.xlsx")
    assert again.exit_code == 1 and "已有 1 份退回意见" in again.output
    assert run("audit", "各单位", "--notices", "意见", "-o", "二.xlsx", "--force").exit_code == 0
    assert list((tmp_path / "意见").iterdir()) == []  # 乙镇's old notice is gone with its file
    (tmp_path / "意见" / "别的.docx").write_bytes(b"x")
    assert "中已有其他文件（如 别的.docx）" in run("audit", "各单位", "--notices", "意见", "-o", "三.xlsx").output


def test_the_year_under_review_on_a_tie_is_the_latest_or_the_one_given(tmp_path):
    folder_of(tmp_path, {"a.yaml": unit("甲镇人民政府", 0, year=2022), "z.yaml": unit("乙镇人民政府", 1)})
    assert api.audit([tmp_path / "各单位"]).year == 2023
    given = api.audit([tmp_path / "各单位"], year=2022)
    assert given.year == 2022 and [u.conclusion for u in given.units] == ["通过", "退回"]
    with pytest.raises(ReportError):
        api.audit([tmp_path / "各单位"], previous=tmp_path / "各单位")


def test_a_unit_with_warnings_only_is_asked_to_check_not_sent_back(run, tmp_path):
    data = unit("甲镇人民政府", 0)
    data["overview"].append("全年收到政府信息公开申请3件。")
    folder_of(tmp_path, {"甲镇.yaml": data})
    assert run("audit", "各单位", "--notices", "意见").exit_code == 0
    text = (tmp_path / "意见" / "某某县甲镇人民政府-退回意见.txt").read_text(encoding="utf-8")
    assert "审核通过，但有以下情况请核实；确需修改的，修改后重新报送。" in text and "（规则 N1）" in text


def test_a_workbook_that_cannot_be_opened_is_unreadable_not_sent_back(tmp_path):
    folder = folder_of(tmp_path, {"甲镇.yaml": unit("甲镇人民政府", 0)})
    (folder / "乙镇.xlsx").write_bytes(b"PK\x03\x04 cut short")
    review = api.audit([folder])
    broken = next(u for u in review.units if u.source and u.source.name == "乙镇.xlsx")
    assert broken.conclusion == "无法读取" and broken.read.reason.endswith("乙镇.xlsx 不是 .xlsx 文件（无法按 zip 压缩包打开）")
