"""What `make-report` writes: never over one of its inputs, never two outputs on one path, and a
failed run leaves every output as it was (or removes what it could not refresh, and says so)."""

from __future__ import annotations

import copy
import json
import os
import stat
import time
from pathlib import Path

import pytest
import yaml

from xxgk_report import api, batch, outputs, pdf

from ..conftest import EXAMPLE, FIXTURES, read_yaml


def _unit(folder: Path, name: str, agency: str = "甲镇人民政府") -> Path:
    data = copy.deepcopy(read_yaml(FIXTURES / "checks-2023.yaml"))
    data["agency"] = agency
    data["title"] = f"{agency}2023年政府信息公开工作年度报告"
    path = folder / name
    text = json.dumps(data, ensure_ascii=False, default=str) if name.endswith(".json") else \
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


# --- item 1: an output that is an input, or not a .docx -----------------------------------------


@pytest.mark.parametrize("output", ["a.yaml", "other.json", "x.html", "x.pdf", "A.YAML"])
def test_build_refuses_an_output_that_is_not_a_docx_and_touches_nothing(run, tmp_path, output):
    source = _unit(tmp_path, "a.yaml")
    other = _unit(tmp_path, "other.json")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = run(source, "-o", output, "--html", "--html-fragment")
    assert result.exit_code == 1
    assert f"错误：输出文件 {output} 应以 .docx 结尾" in result.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before and other.exists()


def test_build_refuses_writing_over_its_template_or_through_a_link_to_its_data(run, tmp_path):
    source = _unit(tmp_path, "a.yaml")
    template = tmp_path / "模板.docx"
    template.write_bytes((Path(__file__).parents[2] / "templates" / "report.docx").read_bytes())
    result = run(source, "-o", template, "--template", template)
    assert result.exit_code == 1 and f"输出文件 {template} 就是模板 {template}，不能覆盖" in result.stderr
    link = tmp_path / "link.docx"
    link.symlink_to(source)
    result = run(source, "-o", link)
    assert result.exit_code == 1 and "就是数据文件" in result.stderr
    assert source.read_text(encoding="utf-8").startswith("year: 2023")


def test_init_sum_and_extract_never_write_over_their_inputs_even_with_force(run, tmp_path):
    last = _unit(tmp_path, "2022.yaml")
    result = run("init", "--from", last, "-o", last, "--force")
    assert result.exit_code == 1 and "就是上年数据文件" in result.stderr
    unit = _unit(tmp_path, "u.yaml", "乙镇人民政府")
    result = run("sum", unit, "--agency", "某县人民政府", "-o", unit, "--force")
    assert result.exit_code == 1 and "就是单位数据文件" in result.stderr
    assert run(EXAMPLE, "-o", tmp_path / "r.docx").exit_code == 0
    result = run("extract", tmp_path / "r.docx", "-o", tmp_path / "r.docx", "--force")
    assert result.exit_code == 1 and "应以 .yaml 或 .yml 结尾" in result.stderr
    (tmp_path / "r.yaml").symlink_to(tmp_path / "r.docx")
    result = run("extract", tmp_path / "r.docx", "-o", tmp_path / "r.yaml", "--force")
    assert result.exit_code == 1 and "就是读回的报告" in result.stderr
    assert (tmp_path / "r.docx").read_bytes()[:2] == b"PK"


# --- item 2: two inputs, one output -------------------------------------------------------------


def test_a_yaml_and_a_json_of_one_unit_get_distinct_outputs(run, tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    _unit(folder, "某镇.yaml", "某镇人民政府")
    _unit(folder, "某镇.json", "某镇人民政府（JSON）")
    result = run("build", folder, "-o", "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["某镇.json.docx", "某镇.yaml.docx"]
    assert [line.split()[-1] for line in result.stdout.splitlines()[1:-1]] == ["out/某镇.json.docx", "out/某镇.yaml.docx"]


def test_names_that_differ_only_in_case_get_distinct_outputs(tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    _unit(folder, "Town.yaml")
    _unit(folder, "town.yaml", "乙镇人民政府")
    pairs = batch.find_data_files([folder], tmp_path / "out")
    assert sorted(target.name for _, target in pairs) == ["Town.yaml.docx", "town.yaml（2）.docx"]


def test_outputs_beside_the_docx_that_would_collide_are_refused_before_anything_is_written(run, tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    a, b = _unit(folder, "a.yaml"), _unit(folder, "a.fragment.yaml", "乙镇人民政府")
    result = run("build", folder, "-o", "out", "--html", "--html-fragment")
    assert result.exit_code == 1
    assert f"错误：{b} 和 {a} 都会写到 out/a.fragment.html，一个会覆盖另一个" in result.stderr
    assert not (tmp_path / "out").exists()


# --- item 3: a failed run leaves the outputs as they were ---------------------------------------


@pytest.fixture
def failing_soffice(tmp_path, monkeypatch):
    """A LibreOffice that runs and makes no PDF (a broken install, a full disk)."""
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pdf, "soffice", lambda: str(script))


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for LibreOffice")
def test_a_failed_pdf_leaves_the_docx_the_page_and_the_pdf_as_they_were(run, tmp_path, failing_soffice):
    source = _unit(tmp_path, "a.yaml")
    old = {name: f"old {name}".encode() for name in ("a.html", "a.pdf")}
    old["a.docx"] = api.render_report(EXAMPLE)  # an earlier report of ours (another's would not be replaced)
    for name, blob in old.items():
        (tmp_path / name).write_bytes(blob)
    result = run(source, "-o", "a.docx", "--html", "--pdf")
    assert result.exit_code == 1
    assert "错误：没有生成 PDF（Error: source file could not be loaded）；未写入任何文件，原有的文件保持不变" in result.stderr
    assert {name: (tmp_path / name).read_bytes() for name in old} == old
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_page_that_cannot_be_written_leaves_the_docx_as_it_was(run, tmp_path, monkeypatch):
    source = _unit(tmp_path, "a.yaml")
    earlier = api.render_report(EXAMPLE)  # an earlier report of ours
    (tmp_path / "a.docx").write_bytes(earlier)
    real = outputs.Staged.add

    def full_disk(self, target, blob):
        if target.suffix == ".html":
            raise outputs.OutputError(f"无法写入 {target}：No space left on device（磁盘已满？）")
        return real(self, target, blob)
    monkeypatch.setattr(outputs.Staged, "add", full_disk)
    result = run(source, "-o", "a.docx", "--html")
    assert result.exit_code == 1 and "磁盘已满" in result.stderr
    assert (tmp_path / "a.docx").read_bytes() == earlier and not (tmp_path / "a.html").exists()


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for LibreOffice")
def test_a_batch_removes_the_pdfs_it_could_not_refresh_and_says_so(run, tmp_path, failing_soffice):
    folder = tmp_path / "units"
    folder.mkdir()
    _unit(folder, "a.yaml")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.pdf").write_bytes(b"last year's")
    result = run("build", folder, "-o", "out", "--pdf")
    assert result.exit_code == 1
    assert (tmp_path / "out" / "a.docx").exists() and not (tmp_path / "out" / "a.pdf").exists()
    assert ("没有生成 PDF（Error: source file could not be loaded）；已删除以前生成的 out/a.pdf，以免与新的 .docx 不一致"
            in result.stderr)


# --- item 9 (rest): a batch of one job has the time limit too ------------------------------------


def test_one_job_batches_have_the_time_limit_too(run, tmp_path, monkeypatch):
    folder = tmp_path / "units"
    folder.mkdir()
    _unit(folder, "a.yaml")
    _unit(folder, "b.yaml", "乙镇人民政府")
    real, parent = batch._build_one, os.getpid()

    def slow(source, *args):
        if source.name == "a.yaml" and os.getpid() != parent:
            time.sleep(60)
        return real(source, *args)
    monkeypatch.setattr(batch, "_build_one", slow)
    began = time.monotonic()
    result = run("build", folder, "-o", "out", "--jobs", "1", "--timeout", "2")
    assert time.monotonic() - began < 30 and result.exit_code == 1
    assert "处理超时（超过 2 秒）" in result.stderr and (tmp_path / "out" / "b.docx").exists()


# --- items 12, 15: whatever the data holds, output is printed whole, escapes made visible --------


def test_lone_surrogates_and_terminal_escapes_are_shown_not_sent(run, tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    (folder / "a.json").write_text('{"year": 2023, "agency": "\\u7532\\u9547\\u202e\\u4eba", "\\ud800\\u001b[2J": 1,'
                                   ' "problems": ["\\ud800"]}', encoding="utf-8")
    result = run("check", folder / "a.json")
    assert result.exit_code == 1
    assert "未知的键 “\\ud800\\x1b[2J”" in result.stdout and "\x1b" not in result.stdout
    json_result = run("check", folder / "a.json", "--format", "json")
    assert json.loads(json_result.stdout)[0]["path"] == "\ud800\x1b[2J"
    batch_result = run("build", folder, "-o", "out")
    assert batch_result.exit_code == 1 and batch_result.stdout.splitlines()[-1].startswith("共 1 个")
    assert "甲镇\\u202e人" in batch_result.stdout and "\u202e" not in batch_result.stdout


def test_control_characters_in_a_yaml_key_are_named_and_shown(run, tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("year: 2023\nagency: 甲镇\n\x1b[31mreviews: {}\n", encoding="utf-8")
    result = run("check", path)
    assert result.exit_code == 1
    assert "错误 D1 \\x1b[31mreviews：未知的键 “\\x1b[31mreviews”；是否应为 “reviews”？" in result.stdout


# --- item 18: check knows the build would fail on the template ----------------------------------


def test_check_names_a_template_that_does_not_exist(run, tmp_path):
    data = read_yaml(FIXTURES / "checks-2023.yaml")
    data["template"] = "模板/没有这个.docx"
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("check", path)
    assert result.exit_code == 1
    assert f"错误 D1 template「模板」：找不到模板文件 {tmp_path / '模板' / '没有这个.docx'}" in result.stdout
    data["template"] = "format-2019"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "模板 format-2019 是 2019 格式的模板" in run("check", path).stdout
