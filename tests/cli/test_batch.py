"""`make-report build FILES_OR_DIRS… -o OUT_DIR [--jobs N]`: many reports, one command."""

from __future__ import annotations

import copy
import io

import pytest

from xxgk_report import cli

from ..conftest import FIXTURES, FULL, read_yaml


@pytest.fixture
def units(tmp_path, write_data):
    """A folder of unit files: two good, one with a warning (in a sub-folder), one bad."""
    folder = tmp_path / "units"
    (folder / "towns").mkdir(parents=True)
    base = read_yaml(FIXTURES / "checks-2023.yaml")
    for name, agency in (("a.yaml", "甲镇人民政府"), ("b.yaml", "乙镇人民政府")):
        data = copy.deepcopy(base)
        data["agency"] = agency
        data["title"] = f"{agency}2023年政府信息公开工作年度报告"
        (folder / name).write_text(write_data(data, name).read_text(encoding="utf-8"), encoding="utf-8")
    warned = copy.deepcopy(base)
    warned.update(agency="丙街道办事处", date="2024-03-01")  # Y1: after 31 January
    (folder / "towns" / "c.yaml").write_text(write_data(warned, "c.yaml").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    (folder / "towns" / "d.yaml").write_text("year: 2023\nagency: 丁镇人民政府\nreviews: {litigation: {upheld: -1}}\n",
                                              encoding="utf-8")
    return folder


def test_a_folder_builds_every_file_and_ends_with_a_results_table(run, tmp_path, units):
    result = run("build", units, "-o", "reports", "--jobs", "2")
    assert result.exit_code == 1  # one file failed
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["文件", "机关", "结果", "输出"]
    rows = [line.split() for line in lines[1:-1]]
    assert rows == [
        [str(units / "a.yaml"), "甲镇人民政府", "正常", "reports/a.docx"],
        [str(units / "b.yaml"), "乙镇人民政府", "正常", "reports/b.docx"],
        [str(units / "towns" / "c.yaml"), "丙街道办事处", "1", "处警告", "reports/towns/c.docx"],
        [str(units / "towns" / "d.yaml"), "丁镇人民政府", "1", "处错误", "—"],
    ]
    assert lines[-1] == "共 4 个：正常 2，有警告 1，有错误 1。"
    assert sorted(str(p.relative_to(tmp_path / "reports")) for p in (tmp_path / "reports").rglob("*.docx")) == [
        "a.docx", "b.docx", "towns/c.docx"]
    assert f"{units / 'towns' / 'd.yaml'}：\n错误 V1 reviews.litigation.upheld" in result.stderr


def test_batch_output_is_the_single_file_output(run, tmp_path, units):
    assert run("build", units / "a.yaml", units / "b.yaml", "-o", "many", "--jobs", "2").exit_code == 0
    assert run(units / "a.yaml", "-o", "one.docx").exit_code == 0
    assert (tmp_path / "many" / "a.docx").read_bytes() == (tmp_path / "one.docx").read_bytes()


def test_one_job_and_two_jobs_write_the_same_files(run, tmp_path, units):
    run("build", units, "-o", "j1", "--jobs", "1")
    run("build", units, "-o", "j2", "--jobs", "2")
    for path in (tmp_path / "j1").rglob("*.docx"):
        assert path.read_bytes() == (tmp_path / "j2" / path.relative_to(tmp_path / "j1")).read_bytes()


def test_files_of_both_formats_and_a_variant_in_one_batch(run, tmp_path):
    result = run("build", FULL, FIXTURES / "full-2020.yaml", "-o", "mixed")
    assert result.exit_code == 0
    assert (tmp_path / "mixed" / "full-2023.docx").is_file() and (tmp_path / "mixed" / "full-2020.docx").is_file()
    result = run("build", FULL, FIXTURES / "full-2020.yaml", "-o", "lh", "--template", "letterhead")
    assert result.exit_code == 1  # the 2019 report cannot use a 2021 template
    assert "错误：模板 letterhead 是 2021 格式的模板，数据是 2019 格式" in result.stderr


def test_progress_bar_only_on_a_terminal(run, units, monkeypatch):
    assert "生成报告" not in run("build", units, "-o", "quiet").stderr  # not a terminal
    terminal = io.StringIO()
    terminal.isatty = lambda: True
    monkeypatch.setattr(cli.build, "_progress_stream", lambda: terminal)
    run("build", units, "-o", "loud", "--jobs", "1")
    assert "生成报告" in terminal.getvalue() and "4/4" in terminal.getvalue()


def test_previous_needs_a_single_file(run, units):
    result = run("build", units, "--previous", FULL)
    assert result.exit_code == 2 and "--previous 只能用于单个数据文件" in result.stderr


def test_a_folder_without_data_files(run, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("build", tmp_path / "empty")
    assert result.exit_code == 2 and "没有找到数据文件" in result.stderr


def test_same_names_in_two_folders_are_not_overwritten(run, tmp_path, units):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.yaml").write_text((units / "b.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("build", units / "a.yaml", tmp_path / "other" / "a.yaml", "-o", "out")
    assert result.exit_code == 0
    outputs = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.docx"))
    assert outputs == ["other/a.docx", "units/a.docx"]


def test_an_unexpected_failure_in_one_file_does_not_stop_the_others(run, units):
    (units / "odd.yaml").write_text("year: 2023\nagency: 某镇\nformat: []\n", encoding="utf-8")
    result = run("build", units, "-o", "out", "--jobs", "2")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "共 5 个：正常 2，有警告 1，有错误 2。" in result.stdout


def test_the_editors_schema_file_is_not_a_data_file(run, units):
    (units / "xxgk-report.schema.json").write_text(run("schema").stdout, encoding="utf-8")
    assert "共 4 个" in run("build", units, "-o", "out").stdout
