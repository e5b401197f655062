"""The README teaches by example: its commands and its data file work as shown."""

from __future__ import annotations

import re

import yaml
from click.testing import CliRunner

from xxgk_report import api, spec
from xxgk_report.cli import main
from xxgk_report.rules import RULES

from . import docx_reader as dr
from .conftest import ROOT
from .tables import assert_tables_match

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_readme_opens_with_the_two_setup_commands_and_ci_runs_them():
    first = _blocks("sh")[0].strip().splitlines()
    assert first == ["pip install -e . && make-report data/example-2022.yaml",
                     "pip install -e '.[test]' && pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert first[0] in ci and first[1] in ci


def test_readme_data_example_renders(write_data):
    path = write_data(_blocks("yaml")[0])
    report = api.load_report(path)
    assert report.warnings == ()
    proactive, applications, reviews = dr.tables(api.render_report(report))
    assert proactive.at(13, 1).text == "12.50"
    assert applications.at(3, 9).text == "4" and applications.at(26, 9).text == "3"
    assert reviews.at(3, 4).text == "1"


def test_every_command_is_documented():
    for name in main.commands:
        assert f"make-report {name}" in README


def test_readme_lists_every_rule_as_declared():
    rows = [line for line in README.splitlines() if re.match(r"\| [A-Z]\d+ \|", line)]
    assert rows == [f"| {r.id} | {r.severity} | {r.title} |" for r in RULES.values()]


def test_readme_check_example_is_what_check_prints(tmp_path):
    text = next(b for b in _blocks("text") if b.startswith("$ make-report check"))
    lines = text.strip().splitlines()
    data = dict(year=2023, agency="洪泽区人民政府", reviews={
        "reconsideration": {"upheld": 10, "corrected": 1, "total": 0},
        "litigation_after_reconsideration": {"upheld": 5, "total": 0}})
    path = tmp_path / "2023.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)], prog_name="make-report")
    errors = [line for line in result.stdout.splitlines() if line.startswith("错误")]
    assert errors == lines[1:3]


def test_readme_2019_example_renders_in_the_2019_layout(write_data):
    block = next(b for b in _blocks("yaml") if "year: 2020" in b)
    path = write_data(block)
    assert api.load_report(path).format == 2019
    assert_tables_match(api.render_report(path), yaml.safe_load(block), spec.FORMAT_2019_SPEC)
