"""`make-report init` and `make-report schema`: a new data file to fill, and its JSON Schema."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from xxgk_report import api, spec
from xxgk_report.datafile import new_data_file
from xxgk_report.schema import json_schema
from xxgk_report.errors import DataError
from xxgk_report.model import build_report, load_report
from xxgk_report.variants import template_path

from . import docx_reader as dr
from .conftest import EXAMPLE, FIXTURES, FULL, read_yaml
from .tables import assert_tables_match

FULL_2019 = FIXTURES / "full-2020.yaml"


def keys_of(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (key,)
            yield from keys_of(value, prefix + (key,))


def every_table_key(fmt: spec.FormatSpec) -> set[tuple]:
    """Every key path of the 二、三、四 tables a data file can write (totals aside)."""
    keys = set()
    for table in fmt.tables():
        for cell in table.value_cells():
            path = cell.field if cell.field[-1] != spec.TOTAL_KEY else cell.field[:-1]
            if path[:2] != ("applications", spec.TOTAL_KEY):
                keys |= {path[:i] for i in range(2, len(path) + 1)}
    return keys


@pytest.mark.parametrize("year", [2023, 2020])
def test_init_writes_every_key_with_its_label_and_renders_as_is(write_data, year):
    text = new_data_file(year, "某某县某某镇人民政府")
    data = yaml.safe_load(text)
    fmt = spec.FORMATS[2021 if year >= 2021 else 2019]
    assert data["format"] == fmt.year
    assert every_table_key(fmt) <= set(keys_of(data))
    for key, label in spec.TOP_LEVEL_LABELS.items():  # every top-level key is written with its label
        if key == "unread":  # written by extract only: the cells a report read back could not give
            continue
        assert any(line.lstrip("# ").startswith(f"{key}:") and label in line for line in text.splitlines()), key
    for table in fmt.tables():  # every table row carries its official label in a comment
        for cell in table.cells:
            if cell.text and not cell.header and cell.text not in ("信息内容",) and cell.col < 3:
                assert cell.text in text or cell.text == spec.RESULTS_LABEL, cell.text
    assert [t for t, _ in spec.OVERVIEW_TOPICS] == [b["title"] for b in data["overview"]]
    assert "信息处理费" in data["other_matters"][0]
    path = write_data(text, "new.yaml")
    report = load_report(path)
    assert {w.rule for w in report.warnings} == {"T1"}  # the empty paragraphs to fill
    blob = api.render_report(path)
    assert_tables_match(blob, data, fmt)


def test_init_from_last_year_carries_what_carries_over(write_data):
    last = read_yaml(FULL)
    text = new_data_file(2024, previous=load_report(FULL))
    data = yaml.safe_load(text)
    assert data["agency"] == last["agency"] and data["year"] == 2024
    carried = {k: last["applications"]["carried_forward"].get(k, 0) for k in spec.APPLICANT_KEYS}
    assert data["applications"]["carried_over"] == carried
    assert data["applications"]["carried_forward"] == carried  # kept in balance until the year's work is in
    assert data["applications"]["received"] == dict.fromkeys(spec.APPLICANT_KEYS, 0)
    assert data["proactive"]["rules"] == {"issued": 0, "repealed": 0, "in_force": last["proactive"]["rules"]["in_force"]}
    assert data["proactive"]["normative_documents"]["in_force"] == last["proactive"]["normative_documents"]["in_force"]
    assert "# 上年（2023年度）报告的 五，供撰写整改情况时对照（不会印出）：" in text
    for block in last["problems"]:  # each block of last year's 五, commented, in the order written
        shown = block if isinstance(block, str) else block["title"]
        assert any(line.startswith("  # - ") and shown in line for line in text.splitlines()), shown
    path = write_data(text, "2024.yaml")
    assert api.check(path, previous=FULL) == [p for p in api.check(path, previous=FULL) if not p.is_error]
    assert not [p for p in api.check(path, previous=FULL) if p.rule in ("C1", "C2")]  # the carried numbers agree
    api.render_report(path)


def test_init_from_a_2019_format_year(write_data):
    text = new_data_file(2021, previous=load_report(FULL_2019))
    data = yaml.safe_load(text)
    assert data["applications"]["carried_over"]["natural"] == 2
    assert data["proactive"]["normative_documents"]["in_force"] == 0
    assert "上年为 2019 格式，没有现行有效件数，请填写" in text
    assert not [p for p in api.check(write_data(text), previous=FULL_2019) if p.rule == "C1"]


@pytest.mark.parametrize("agency", ["某局: 办公室", "#1 号楼管理处", "“某某”中心", "- 某镇"])
def test_init_quotes_what_yaml_would_misread(agency):
    assert yaml.safe_load(new_data_file(2023, agency))["agency"] == agency


# --- CLI ----------------------------------------------------------------------


def test_init_command_and_the_acceptance_round_trip(run, tmp_path):
    result = run("init", "--year", "2023", "--from", EXAMPLE, "-o", "2023.yaml")
    assert result.exit_code == 0 and result.stdout == "2023.yaml\n"
    assert run("2023.yaml", "-o", "2023.docx").exit_code == 0
    paragraphs = [p.text for p in dr.paragraphs((tmp_path / "2023.docx").read_bytes())]
    assert paragraphs[:1] == ["遂宁市安居区某某镇人民政府2023年政府信息公开工作年度报告"]


def test_init_never_overwrites_without_force(run, tmp_path):
    (tmp_path / "2023.yaml").write_text("mine", encoding="utf-8")
    result = run("init", "--year", "2023", "--agency", "某镇人民政府")
    assert result.exit_code == 1
    assert result.stderr == "错误：文件 2023.yaml 已存在，未覆盖；要覆盖请加 --force\n"
    assert (tmp_path / "2023.yaml").read_text(encoding="utf-8") == "mine"
    assert run("init", "--year", "2023", "--agency", "某镇人民政府", "--force").exit_code == 0
    assert yaml.safe_load((tmp_path / "2023.yaml").read_text(encoding="utf-8"))["agency"] == "某镇人民政府"


def test_init_needs_a_year_and_an_agency(run):
    assert "请用 --year 给出报告年度" in run("init", "--agency", "某镇").stderr
    assert "请用 --agency 给出机关全称" in run("init", "--year", "2023").stderr


def test_init_from_defaults_to_the_next_year(run, tmp_path):
    assert run("init", "--from", FULL).stdout == "2024.yaml\n"
    assert yaml.safe_load((tmp_path / "2024.yaml").read_text(encoding="utf-8"))["year"] == 2024


# --- JSON Schema ----------------------------------------------------------------


@pytest.fixture(scope="module")
def validator():
    schema = json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def as_json(data):
    """What an editor validates: YAML dates and decimals as JSON sees them (strings, numbers)."""
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize("source", [EXAMPLE, FULL, FULL_2019, FIXTURES / "checks-2023.yaml"])
def test_schema_accepts_the_data_files(validator, source):
    assert list(validator.iter_errors(as_json(read_yaml(source)))) == []


def test_schema_accepts_what_init_writes(validator):
    for year in (2023, 2020):
        assert list(validator.iter_errors(as_json(yaml.safe_load(new_data_file(year, "某镇"))))) == []


@pytest.mark.parametrize("change", [
    lambda d: d.update(reviw={}),  # unknown key
    lambda d: d["applications"]["received"].update(natural=-1),
    lambda d: d["applications"]["received"].update(natural="3"),
    lambda d: d["proactive"].update(procurement={"items": 1}),  # 2019 key in a 2021 year
    lambda d: d["overview"].append({"title": "x", "txt": "y"}),
    lambda d: d.pop("agency"),
])
def test_schema_rejects_what_the_model_rejects(validator, change):
    data = copy.deepcopy(read_yaml(FULL))
    change(data)
    assert list(validator.iter_errors(as_json(data)))
    with pytest.raises(DataError):
        build_report(data)


def test_schema_for_2019_tables(validator):
    data = copy.deepcopy(read_yaml(FULL_2019))
    data["proactive"]["licensing"]["change"] = -5  # may be negative in 2019
    assert list(validator.iter_errors(as_json(data))) == []
    data["format"] = 2021  # the 2021 tables now: 2019 keys are unknown
    assert list(validator.iter_errors(as_json(data)))


def test_schema_command_prints_it(run):
    result = run("schema")
    assert result.exit_code == 0 and json.loads(result.stdout) == json_schema()
    assert json_schema()["properties"]["year"]["description"] == "报告年度"


def test_schema_accepts_what_the_model_reads_as_empty(validator):
    data = {"year": 2023, "agency": "某镇", "problems": None, "overview": [None, "一段。"],
            "applications": {"text": None, "withheld": None, "received": None}, "proactive": None}
    build_report(data)
    assert list(validator.iter_errors(data)) == []
    for bad in ({"date": "2023-13-45"}, {"applications": {"received": {"natural": 10**12}}}):
        assert list(validator.iter_errors({"year": 2023, "agency": "某镇", **bad}))


def test_init_moves_a_relative_template_path_to_the_new_folder(run, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "mine.docx").write_bytes(template_path("default").read_bytes())
    (tmp_path / "a" / "2022.yaml").write_text("year: 2022\nagency: 某镇人民政府\ntemplate: mine.docx\n",
                                              encoding="utf-8")
    assert run("init", "--from", "a/2022.yaml", "-o", "b/2023.yaml").exit_code == 0
    assert yaml.safe_load((tmp_path / "b" / "2023.yaml").read_text(encoding="utf-8"))["template"] == "../a/mine.docx"
    assert run("b/2023.yaml", "-o", "r.docx").exit_code == 0


def test_init_drops_the_2019_variant_for_a_2021_year():
    data = copy.deepcopy(read_yaml(FULL_2019))
    data["template"] = "format-2019"
    assert "template" not in yaml.safe_load(new_data_file(2021, previous=build_report(data)))


def test_init_from_a_2019_year_carries_the_item_counts():
    data = yaml.safe_load(new_data_file(2021 - 1, previous=load_report(FULL_2019)))
    last = read_yaml(FULL_2019)["proactive"]["licensing"]
    assert data["proactive"]["licensing"]["previous_items"] == last["previous_items"] + last["change"]


def test_agency_on_the_command_line_is_one_line(run):
    result = run("init", "--year", "2023", "--agency", "某镇\n人民政府")
    assert result.exit_code == 2 and "--agency 含有换行或无法识别的字符" in result.stderr
