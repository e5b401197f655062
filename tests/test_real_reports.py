"""The checks on three published reports (../shared/real-reports, public documents that
stay outside the repository): they find exactly the real defects and nothing else."""

from __future__ import annotations

import pytest

from xxgk_report import api
from xxgk_report.errors import DataError

from .conftest import ROOT

REAL = ROOT.parent / "shared" / "real-reports"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is not here")

HUAIAN_2024 = REAL / "05_huaian_szf_2024.yaml"
HONGZE_2024 = REAL / "06_hongze_2024.yaml"
HONGZE_2023 = REAL / "07_hongze_2023.yaml"


def test_huaian_2024_is_clean():
    # 3119 applications, 351 复议, a fee of 96171.6 万元 (decimals: not 元), a city's 规章,
    # and a narrative whose every number agrees with the tables.
    assert api.check(HUAIAN_2024) == []


def test_hongze_2024_narrative_contradicts_its_table():
    (finding,) = api.check(HONGZE_2024)
    assert (finding.rule, finding.severity, finding.path) == ("N1", "警告", "overview[2]")
    assert finding.values == {"text": 17, "table": 95}
    assert finding.message.startswith("正文写“受理政府信息公开申请17件”，但表格中 一、本年新收政府信息公开申请数量 / 总计 为 95；")


def test_hongze_2024_against_2023_adds_nothing():
    # 结转 0 → 上年结转 0; 规范性文件 5 + 3 − 0 = 8; the sections are rewritten enough.
    assert [f.rule for f in api.check(HONGZE_2024, previous=HONGZE_2023)] == ["N1"]


def test_hongze_2023_published_totals_printed_as_zero():
    findings = api.check(HONGZE_2023)
    assert [(f.rule, f.path, f.values["given"], f.values["computed"]) for f in findings] == [
        ("B1", "reviews.reconsideration.total", 0, 11),
        ("B1", "reviews.litigation_after_reconsideration.total", 0, 5),
    ]
    assert all(f.severity == "错误" for f in findings)


def test_hongze_2023_is_not_rendered_but_can_be_a_draft():
    with pytest.raises(DataError) as info:
        api.render_report(HONGZE_2023)
    assert [p.rule for p in info.value.problems] == ["B1", "B1"]
    assert api.render_report(HONGZE_2023, draft=True)[:2] == b"PK"
