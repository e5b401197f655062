"""`make-report audit`: a generated county (units in every format, planted defects of each
kind, a roster with missing and extra names, last year's folder with a broken chain), each
defect found at its unit and place, nothing on the clean units; the review workbook read
back cell by cell."""

from __future__ import annotations

import copy
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import yaml

from xxgk_report import api
from xxgk_report.audit import MISSING, PASSED, RETURNED, UNREADABLE
from xxgk_report.dataout import converted_bytes
from xxgk_report.model import build_report
from xxgk_report.webpage import render_html
from xxgk_report.workbook.review import FINDINGS, GAPS, SUMMARY

from .conftest import FULL
from .test_extract_published import soffice_convert

COUNTY = "某某县"
ROSTER = ["甲镇人民政府", "乙镇人民政府", "丙街道办事处", "丁镇人民政府", "教育局", "财政局", "卫生健康局",
          "民政局", "水利局", "交通运输局", "戊镇人民政府", "己镇人民政府", "崩溃局"]


def unit(name: str, n: int, year: int = 2023) -> dict:
    """A clean unit: the full fixture under its own name, with its own numbers and text."""
    data = copy.deepcopy(yaml.safe_load(FULL.read_text(encoding="utf-8")))
    data.pop("title")
    data.update(agency=COUNTY + name, year=year, date=f"{year + 1}-01-{10 + n % 15:02d}")
    data["proactive"]["rules"] = {"issued": 0, "repealed": 0, "in_force": 0}  # no 规章 below a city
    data["proactive"]["licensing"] = 100 + n
    data["problems"] = [f"{n}号单位的问题：信息发布的及时性还需提高，第{n}项改进措施正在落实，下一年度将继续完善相关制度。",
                        {"title": "加强培训", "text": f"每季度开展一次培训，全年计划{n + 2}次。"}]
    return data


def last_year(data: dict) -> dict:
    """Last year's report of a clean unit: its chain holds (结转, 现行有效) and its text differs."""
    previous = copy.deepcopy(data)
    previous.update(year=data["year"] - 1, date=f"{data['year']}-01-15")
    previous["proactive"]["normative_documents"]["in_force"] = 7  # 7 + 4 − 5 = 6 this year
    for key in ("overview", "problems"):
        previous[key] = [f"上一年度的{key}：去年的正文与今年不同，这里写的是去年的情况和去年的措施，共有若干项内容。"]
    return previous


def write(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif path.suffix == ".json":
        path.write_text(json.dumps(content, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def make_county(root: Path) -> dict[str, dict]:
    """Units in every format with planted defects; returns each unit's data by file name."""
    units, previous = root / "各单位", root / "上年"
    data = {name: unit(name, n) for n, name in enumerate(ROSTER)}
    files = {
        "甲镇.yaml": data["甲镇人民政府"],                               # clean
        "丙街道.html": data["丙街道办事处"],                               # clean, a web page
        "丁镇.docx": data["丁镇人民政府"],                                 # clean, Word
        "教育局.xlsx": data["教育局"],                                     # clean, a fill-in workbook
    }
    broken = copy.deepcopy(data["乙镇人民政府"])
    broken["applications"]["received"]["natural"] += 5                   # A1: 一+二 ≠ 三（七）+四
    files["乙镇.json"] = broken
    contradicts = copy.deepcopy(data["财政局"])
    contradicts["overview"].append("全年收到政府信息公开申请3件。")        # N1: the table says 620
    files["财政局.docx"] = contradicts
    copied = copy.deepcopy(data["卫生健康局"])
    copied["problems"][0] = data["甲镇人民政府"]["problems"][0]            # R4: 甲镇's passage
    files["卫生健康局.yaml"] = copied
    same_tables = copy.deepcopy(data["丁镇人民政府"])
    same_tables.update(agency=data["民政局"]["agency"], problems=data["民政局"]["problems"])  # R5: 丁镇's tables
    files["民政局.html"] = same_tables
    files["水利局.yaml"] = unit("水利局", 8, year=2022)                   # R6: last year's report sent
    files["交通局.yaml"] = {**data["交通运输局"], "agency": COUNTY + "交通局"}  # R2: not the roster's name
    files["己镇.yaml"] = data["己镇人民政府"]                             # R3: two files of one unit
    files["己镇-修改稿.yaml"] = data["己镇人民政府"]
    files["崩溃局.yaml"] = data["崩溃局"]                                 # its reader crashes (see the test)
    for name, content in files.items():
        report = build_report(copy.deepcopy(content))
        blob = (api.render_report(report) if name.endswith(".docx")
                else render_html(report).encode("utf-8") if name.endswith(".html")
                else converted_bytes(report, Path(name)) if name.endswith(".xlsx") else content)
        write(units / name, blob)
    write(units / "坏文件.pdf", b"%PDF-1.4\n\x00not a pdf at all")          # R7: 无法读取
    for name in ("甲镇人民政府", "丙街道办事处", "丁镇人民政府", "教育局", "民政局"):
        write(previous / f"{name}.yaml", last_year(data[name]))
    write(previous / "卫生健康局.yaml", "year: 2022\nagency: 某某县卫生健康局\nproactive: [\n")  # C4: unreadable
    chain = last_year(data["财政局"])
    chain["applications"]["carried_forward"]["natural"] = 9               # C1: 本年结转 6 ≠ 上年 9
    write(previous / "财政局.yaml", chain)
    (root / "名单.txt").write_text("\n".join(COUNTY + name for name in ROSTER), encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = tmp_path_factory.mktemp("county")
    make_county(root)
    return root


@pytest.fixture(scope="module")
def review(county):
    import xxgk_report.audit as audit_module
    real = audit_module.load_report

    def crashing(path, *args, **kwargs):  # a reader that crashes on one file, in its worker
        if Path(path).name == "崩溃局.yaml":
            import os
            os._exit(3)
        return real(path, *args, **kwargs)
    audit_module.load_report = crashing
    try:
        names = [COUNTY + name for name in ROSTER]
        return api.audit([county / "各单位"], names, county / "上年", jobs=2)
    finally:
        audit_module.load_report = real


def by_name(review) -> dict:
    found = {}
    for u in review.units:
        found.setdefault(u.name, []).append(u)
    return found


def rules_of(u) -> list[str]:
    return sorted(p.rule for p in u.findings)


def test_every_unit_is_accounted_for(review):
    units = by_name(review)
    conclusions = {name: [u.conclusion for u in found] for name, found in units.items()}
    assert conclusions == {
        "某某县甲镇人民政府": [PASSED], "某某县乙镇人民政府": [RETURNED], "某某县丙街道办事处": [PASSED],
        "某某县丁镇人民政府": [PASSED], "某某县教育局": [PASSED], "某某县财政局": [PASSED],
        "某某县卫生健康局": [PASSED], "某某县民政局": [PASSED], "某某县水利局": [RETURNED],
        "某某县交通运输局": [MISSING], "某某县戊镇人民政府": [MISSING], "某某县己镇人民政府": [RETURNED, RETURNED],
        "某某县崩溃局": [UNREADABLE], "某某县交通局": [PASSED], "坏文件.pdf": [UNREADABLE],
    }
    assert not review.passed and review.year == 2023


def test_clean_units_have_no_finding(review):
    units = by_name(review)
    planted = {"甲镇人民政府": "R4", "丁镇人民政府": "R5"}  # the other side of a copy: found, and nothing else
    for name in ("甲镇人民政府", "丙街道办事处", "丁镇人民政府", "教育局"):
        findings = units[COUNTY + name][0].findings
        assert [str(p) for p in findings if p.rule != planted.get(name)] == [], name


def test_each_planted_defect_is_found_at_its_unit_and_place(review):
    units = {name: found[0] for name, found in by_name(review).items()}
    a1 = [p for p in units["某某县乙镇人民政府"].findings if p.rule == "A1"]
    assert len(a1) == 2 and a1[0].labels[0] == "一、本年新收政府信息公开申请数量 / 自然人"
    assert dict(a1[0].values)["left"] == dict(a1[0].values)["right"] + 5
    n1 = [p for p in units["某某县财政局"].findings if p.rule == "N1"]
    assert len(n1) == 1 and n1[0].values == {"text": 3, "table": 620}
    c1 = [p for p in units["某某县财政局"].findings if p.rule == "C1"]
    assert len(c1) == 1 and "自然人" in " ".join(c1[0].labels)
    r8 = [p.message for p in units["某某县卫生健康局"].findings if p.rule == "R8"]  # its last year cannot be read
    assert r8 == ["上年文件夹中没有“某某县卫生健康局”的报告，跨年核对（C1—C4、S4）未进行；上年文件夹中另有无法读取的文件：卫生健康局.yaml"]
    for name, other in (("某某县卫生健康局", "某某县甲镇人民政府"), ("某某县甲镇人民政府", "某某县卫生健康局")):
        r4 = [p for p in units[name].findings if p.rule == "R4"]
        assert len(r4) == 1 and r4[0].path == "problems" and f"“{other}”的「五、存在的主要问题及改进情况」" in r4[0].message
        assert "信息发布的及时性还需提高" in r4[0].message
    for name, other in (("某某县民政局", "某某县丁镇人民政府"), ("某某县丁镇人民政府", "某某县民政局")):
        assert [p.message for p in units[name].findings if p.rule == "R5"] == [
            f"三张表格的全部数字与 “{other}” 完全相同；是否照抄了其他单位的表格？"]
    assert [p.rule for p in units["某某县水利局"].findings if p.is_error] == ["R6"]
    assert "（2023 年度、2021 格式）不同" in next(p.message for p in units["某某县水利局"].findings if p.rule == "R6")
    r2 = next(p for p in units["某某县交通局"].findings if p.rule == "R2")
    assert r2.message == "“某某县交通局”不在单位名单中（名单中的“某某县交通运输局”？）；请核对机关名称或名单"
    assert [rules_of(u) for u in by_name(review)["某某县己镇人民政府"]] == [["R3", "R8"], ["R3", "R8"]]
    assert units["某某县戊镇人民政府"].findings[0].message == "名单中的“某某县戊镇人民政府”没有交来报告或数据文件"


def test_an_agency_with_several_files_last_year(tmp_path, monkeypatch):
    """Of an agency's files in last year's folder: its report as YAML and as Word (they
    agree) is one report; two whose tables differ are none, and R8 names them; a file of
    the year before that is preferred to an older one. Each of last year's files is read once."""
    import xxgk_report.model as model
    read, real = [], model.read_data
    log = tmp_path / "读取.txt"

    def logged(path, *args, **kwargs):  # in the workers: they append to one file
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{Path(path).name}\n")
        return real(path, *args, **kwargs)
    monkeypatch.setattr(model, "read_data", logged)
    units, previous = tmp_path / "各单位", tmp_path / "上年"
    data = {name: unit(name, n) for n, name in enumerate(("甲镇人民政府", "乙镇人民政府", "丙镇人民政府"))}
    for name, content in data.items():
        write(units / f"{name}.yaml", content)
    chain = last_year(data["甲镇人民政府"])
    chain["proactive"]["normative_documents"]["in_force"] = 8             # C2 against either copy
    write(previous / "甲镇.yaml", chain)
    write(previous / "甲镇.docx", api.render_report(build_report(copy.deepcopy(chain))))
    write(previous / "乙镇.yaml", last_year(data["乙镇人民政府"]))
    other = last_year(data["乙镇人民政府"])
    other["proactive"]["licensing"] += 1
    write(previous / "乙镇-初稿.yaml", other)
    older = last_year(data["丙镇人民政府"])
    older.update(year=2021, date="2022-01-15")
    write(previous / "丙镇（2021年）.yaml", older)                        # C3 if it were used (it sorts last)
    chain = last_year(data["丙镇人民政府"])
    chain["proactive"]["normative_documents"]["in_force"] = 8
    write(previous / "丙镇.yaml", chain)
    data["丁镇人民政府"] = unit("丁镇人民政府", 3)                 # none of 2022: one of 2021, one of this year
    write(units / "丁镇人民政府.yaml", data["丁镇人民政府"])
    for year in (2021, 2023):
        earlier = last_year(data["丁镇人民政府"])
        earlier.update(year=year, date=f"{year + 1}-01-15")
        earlier["proactive"]["licensing"] += year
        write(previous / f"丁镇{year}.yaml", earlier)
    data["戊镇人民政府"] = unit("戊镇人民政府", 4)                               # last year's cannot be read
    write(units / "戊镇人民政府.yaml", data["戊镇人民政府"])
    broken = last_year(data["戊镇人民政府"])
    broken["applications"]["received"]["natural"] = -5
    write(previous / "戊镇.yaml", broken)
    older = last_year(data["戊镇人民政府"])
    older.update(year=2021, date="2022-01-15")
    write(previous / "戊镇2021.yaml", older)
    review = api.audit([units], previous=previous, jobs=2)
    found = {u.name: u.read.findings for u in review.units}
    c3 = found[COUNTY + "丁镇人民政府"]  # the latest year before this one: 2021, not 2023
    assert [p.rule for p in c3] == ["C3"] and c3[0].message.startswith("上年数据文件的报告年度是 2021 年")
    c4 = [p for p in found[COUNTY + "戊镇人民政府"] if p.rule == "C4"]
    assert [p.rule for p in found[COUNTY + "戊镇人民政府"]] == ["C4"] and "戊镇.yaml" in c4[0].message
    assert [p.rule for p in found[COUNTY + "甲镇人民政府"]] == ["C2"]
    assert [p.rule for p in found[COUNTY + "丙镇人民政府"]] == ["C2"]
    assert [str(p.message) for p in found[COUNTY + "乙镇人民政府"]] == [
        "上年文件夹中有 2 份“某某县乙镇人民政府”的报告（乙镇-初稿.yaml、乙镇.yaml），表格数字不同，"
        "不知道以哪一份为准，跨年核对（C1—C4、S4）未进行；请只保留正确的一份"]
    lines = log.read_text(encoding="utf-8").splitlines()
    assert sorted(name for name in lines if not name.endswith("人民政府.yaml")) == \
        sorted(["丙镇（2021年）.yaml", "丙镇.yaml", "乙镇-初稿.yaml", "乙镇.yaml", "甲镇.docx", "甲镇.yaml", "丁镇2023.yaml",
                "丁镇2021.yaml", "戊镇2021.yaml", "戊镇.yaml", "戊镇.yaml"])  # the file with errors: again, for its C4


def test_a_file_that_cannot_be_read_or_crashes_its_reader_never_stops_the_audit(review):
    units = {name: found[0] for name, found in by_name(review).items()}
    broken = units["坏文件.pdf"]
    assert broken.read.reason.startswith("PDF 已损坏或使用了不支持的写法，无法读取") and rules_of(broken)[0] == "R7"
    crashed = units["某某县崩溃局"]  # named from its file, read again here as a YAML file is
    assert crashed.read.reason == "读取这个文件的进程意外退出（内存超过上限或文件损坏）"
    assert crashed.conclusion == UNREADABLE


def sheet_rows(path: Path, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(path)
    return [tuple(c.value for c in row) for row in book[name].iter_rows()]


def test_the_review_workbook_cell_by_cell(run, county):
    result = run("audit", county / "各单位", "--roster", county / "名单.txt", "--previous", county / "上年",
                 "-o", "审核.xlsx", "--notices", "退回意见", "--jobs", "2")
    assert result.exit_code == 1
    out = Path("审核.xlsx")
    assert result.output.splitlines()[-2] == "共 16 个单位：通过 9，退回 4，缺报 2，无法读取 1。"
    review = api.audit([county / "各单位"], [COUNTY + n for n in ROSTER], county / "上年", jobs=1)
    summary = sheet_rows(out, "汇总")
    assert summary[0] == SUMMARY and len(summary) == 1 + len(review.units)
    for row, u in zip(summary[1:], review.units):
        assert tuple("" if v is None else v for v in row[1:7]) == (
            u.name, str(u.source or ""), u.read.coverage if u.read else "", u.errors, u.warnings, u.conclusion)
    findings = sheet_rows(out, "问题清单")
    assert findings[0] == FINDINGS
    expected = [(u.name, p.rule, p.severity, p.message) for u in review.units for p in u.findings]
    assert [(r[1], r[2], r[3], r[5]) for r in findings[1:]] == expected
    a1 = next(r for r in findings if r[2] == "A1")
    assert a1[4].startswith("一、本年新收政府信息公开申请数量 / 自然人") and int(a1[6]) == int(a1[7]) + 5
    gaps = sheet_rows(out, "缺报")
    assert gaps[0] == GAPS and {(r[0], r[1]) for r in gaps[1:]} >= {
        ("缺报", "某某县交通运输局"), ("缺报", "某某县戊镇人民政府"), ("名单外", "某某县交通局")}
    rules = {r[0] for r in sheet_rows(out, "说明")[1:]}
    assert {"A1", "N1", "C1", "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"} <= rules
    book = openpyxl.load_workbook(out)
    assert book["汇总"].freeze_panes == "A2" and book["汇总"].auto_filter.ref.startswith("A1:H")
    notice = (Path("退回意见") / "某某县乙镇人民政府-退回意见.txt").read_text(encoding="utf-8")
    assert "有以下问题需要改正" in notice and "（规则 A1）" in notice and "乙镇.json" in notice
    assert not (Path("退回意见") / "某某县丙街道办事处-退回意见.txt").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_review_workbook_opens_in_libreoffice(run, county, tmp_path):
    run("audit", county / "各单位", "--roster", county / "名单.txt", "-o", "审核.xlsx")
    made = soffice_convert(tmp_path / "审核.xlsx", "pdf", tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(made), "-"], capture_output=True, text=True, check=True).stdout
    assert "结论" in text and "某某县乙镇人民政府" in text and "退回" in text and "缺报" in text


@pytest.mark.skipif(sys.platform != "linux", reason="signals to a child process")
def test_ctrl_c_stops_the_review_cleanly_and_writes_nothing(tmp_path):
    units = tmp_path / "各单位"
    units.mkdir()
    for name in ("a.yaml", "慢.yaml"):
        (units / name).write_text(FULL.read_text(encoding="utf-8"), encoding="utf-8")
    script = ("import sys, time\nimport xxgk_report.audit as audit\nreal = audit._read_one\n"
              "def slow(task):\n    if task[0].name.startswith('慢'):\n        time.sleep(60)\n    return real(task)\n"
              "audit._read_one = slow\nfrom xxgk_report.entry import run\n"
              "sys.argv = ['make-report', 'audit', '各单位', '-o', 'r.xlsx', '--jobs', '1', '--notices', 'n']\nrun()\n")
    child = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    time.sleep(6)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert err.strip().endswith("没有写出审核表和退回意见。") and "已中断：已审核 " in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["各单位"]
