"""What `extract`, `init` and `sum` write into YAML: comments stay comments, values load back to
exactly themselves, and no text can become a key (a `template:` of an attacker's choosing)."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from decimal import Decimal

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from xxgk_report import api
from xxgk_report.county import sum_units
from xxgk_report.extract import data_file_text, extract
from xxgk_report.model import load_report
from xxgk_report.reader import read_data
from xxgk_report.yamltext import comment, scalar

from .conftest import EXAMPLE, FIXTURES, read_yaml

HOSTILE = "三\n# x\ntemplate: /tmp/evil.docx\r\n  year: 1999\u2028agency: 坏\u2029\x85\x80\x07'\"#: {a: [b]}"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_one_value_and_one_comment(text):
    loaded = yaml.safe_load(f"k: {scalar(text)}  # {comment(text)}\nz: 1\n")
    assert loaded == {"k": text, "z": 1}


def _with_cell_text(blob: bytes, old: str, new: str) -> bytes:
    """The .docx with the first table cell showing `old` set to show `new` (newlines kept)."""
    source = zipfile.ZipFile(io.BytesIO(blob))
    root = etree.fromstring(source.read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    cell = next(t for t in root.iter(f"{w}t") if t.text == old)
    cell.text = new
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, etree.tostring(root) if name == "word/document.xml" else source.read(name))
    return out.getvalue()


def test_an_extracted_hostile_report_loads_to_exactly_the_data_shown(tmp_path):
    data = read_yaml(FIXTURES / "full-2023.yaml")
    data["problems"] = [HOSTILE.replace("\x80", "").replace("\x07", "").replace("\x85", "")]
    blob = _with_cell_text(api.render_report(data), "35", HOSTILE.replace("\x07", ""))  # 行政许可's cell
    path = tmp_path / "年报\ntemplate: x.docx"
    path.write_bytes(blob)
    result = extract(path)
    text = data_file_text(result, path)
    written = tmp_path / "extracted.yaml"
    written.write_text(text, encoding="utf-8")
    loaded = read_data(written)
    assert loaded == result.data
    assert "template" not in loaded and loaded["year"] == 2023
    # the cell was not a number: read as 0, with a warning that quotes it
    assert any("不是数字" in p.message and "template: /tmp/evil.docx" in p.message for p in result.problems)
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) == 3 + (1 + len(result.unread) if result.unread else 0) + len(result.problems)


def test_init_from_last_years_hostile_text_writes_a_file_its_own_check_accepts(run, tmp_path):
    last = read_yaml(EXAMPLE)
    last["agency"] = "某某镇\u2028人民政府"
    last["problems"] = [HOSTILE, {"title": "整改\x85情况", "text": "一是\u2029二是\x9f。"}]
    (tmp_path / "2022.json").write_text(json.dumps(last, ensure_ascii=False, default=str), encoding="utf-8")
    assert run("init", "--from", "2022.json", "-o", "2023.yaml").exit_code == 0
    written = (tmp_path / "2023.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(written)
    assert loaded["agency"] == "某某镇人民政府" and "template" not in loaded  # U+2028 is a line break: joined
    result = run("check", "2023.yaml")
    assert result.exit_code == 0, result.stdout
    assert load_report(tmp_path / "2023.yaml").agency == "某某镇人民政府"


def _unit(tmp_path, name: str, agency: str, **tables):
    data = copy.deepcopy(read_yaml(FIXTURES / "checks-2023.yaml"))
    data["agency"] = agency
    data.update(tables)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def test_sum_with_hostile_unit_names_writes_a_file_that_loads_and_checks(tmp_path):
    units = [_unit(tmp_path, "a.json", "甲镇\u2028人民政府\n# x\ntemplate: evil.docx"),
             _unit(tmp_path, "b.json", "乙镇\x85人民政府")]
    summary = sum_units(units, "某县人民政府", 2023)
    assert summary.ok, summary.problems
    loaded = yaml.safe_load(summary.text)
    assert "template" not in loaded and loaded["agency"] == "某县人民政府"
    target = tmp_path / "county.yaml"
    target.write_text(summary.text, encoding="utf-8")
    assert not [p for p in api.check(target) if p.is_error]


def test_sum_compares_names_after_normalising(tmp_path):
    units = [_unit(tmp_path, "a.json", "某某县（开发区）管委会"),
             _unit(tmp_path, "b.json", "某某县\u200b(开发区)管委会 ")]
    summary = sum_units(units, "某县人民政府", 2023)
    assert not summary.ok
    assert [p.message for p in summary.problems if p.is_error] == [
        f"“某某县(开发区)管委会”出现两次（{units[0]}、{units[1]}）（“某某县（开发区）管委会”与“某某县(开发区)管委会”"
        f"只有空格、括号或看不见的字符不同），会重复计算"]


def test_sum_matches_roster_names_after_normalising(tmp_path):
    units = [_unit(tmp_path, "a.json", "某某县（开发区）管委会")]
    summary = sum_units(units, "某县人民政府", 2023, roster=["某某县(开发区)管委会"])
    assert summary.ok and not summary.problems


def test_sum_of_2019_amounts_is_exact_beyond_28_digits(tmp_path):
    base = read_yaml(FIXTURES / "full-2020.yaml")
    paths = []
    for i, amount in enumerate(["1234567890123456789012345678901.25元", "0.000000000000000000000000000001元"]):
        data = copy.deepcopy(base)
        data["agency"] = f"第{i}乡人民政府"
        data["proactive"]["procurement"]["amount"] = amount
        path = tmp_path / f"u{i}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
        paths.append(path)
    summary = sum_units(paths, "某县人民政府", 2020)
    assert summary.ok, summary.problems
    amount = yaml.safe_load(summary.text)["proactive"]["procurement"]["amount"]
    assert amount == "1234567890123456789012345678901.250000000000000000000000000001元"


def test_sum_of_fees_is_exact(tmp_path):
    paths = [_unit(tmp_path, f"u{i}.json", f"第{i}镇人民政府", proactive={"fees": "9999999999999.999999999999"})
             for i in range(3)]
    summary = sum_units(paths, "某县人民政府", 2023)
    assert yaml.safe_load(summary.text)["proactive"]["fees"] == Decimal("29999999999999.999999999997") or \
        "29999999999999.999999999997" in summary.text
