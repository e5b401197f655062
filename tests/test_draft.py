"""`draft=True`: a report with errors is rendered, marked 「草稿」 on every page, its findings listed."""

from __future__ import annotations

import copy

import pytest
from openxml_audit import OpenXmlValidator

from xxgk_report import api
from xxgk_report.errors import DataError

from . import docx_reader as dr
from .conftest import FIXTURES, read_yaml

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@pytest.fixture
def wrong() -> dict:
    """The checks fixture with a B1 error (a wrong 复议 总计) and a Y3 warning (the title's year)."""
    data = copy.deepcopy(read_yaml(FIXTURES / "checks-2023.yaml"))
    data["reviews"]["reconsideration"]["total"] = 2
    data["title"] = "某某县某某镇人民政府2022年政府信息公开工作年度报告"
    return data


def headers(blob: bytes) -> dict[str, str]:
    """Header type → text, for every header the sections reference."""
    parts = dr.parts(blob)
    rels = dr.etree.fromstring(parts["word/_rels/document.xml.rels"], dr.STRICT)
    targets = {r.get("Id"): "word/" + r.get("Target") for r in rels}
    found = {}
    for sect in dr.xml(blob).iter(dr.w("sectPr")):
        for ref in sect.findall(dr.w("headerReference")):
            part = dr.etree.fromstring(parts[targets[ref.get(R + "id")]], dr.STRICT)
            found[ref.get(dr.w("type"))] = dr.text_of(part)
    return found


def test_errors_stop_the_render(wrong):
    with pytest.raises(DataError) as info:
        api.render_report(wrong)
    assert [p.rule for p in info.value.problems] == ["B1", "Y3"]


def test_draft_marks_every_page_and_lists_the_findings(wrong):
    blob = api.render_report(wrong, draft=True)
    assert headers(blob) == {"default": "草稿", "even": "草稿"}
    findings = api.check(wrong)
    paragraphs = dr.paragraphs(blob)
    notice = [p.text for p in paragraphs[: len(findings) + 1]]
    assert notice == ["草稿：本稿有 1 处错误、1 处警告，改正后才能定稿印发。"] + [str(f) for f in findings]
    assert notice[1].startswith("错误 B1 reviews.reconsideration.total「行政复议 / 总计」：数据中写的总计为 2，但")
    assert notice[2].startswith("警告 Y3 title「标题」：标题中的年份是 2022 年")
    body = dr.xml(blob).find(dr.w("body"))
    brk = body.findall(dr.w("p"))[len(findings) + 1].find(f"{dr.w('r')}/{dr.w('br')}")
    assert brk is not None and brk.get(dr.w("type")) == "page"


def test_draft_body_after_the_notice_is_the_report(wrong):
    draft = dr.paragraphs(api.render_report(wrong, draft=True))
    del wrong["reviews"]["reconsideration"]["total"]  # the same report without the error
    final = dr.paragraphs(api.render_report(wrong))
    start = len(draft) - len(final)
    assert start == 4  # summary, 2 findings, page break
    assert [p.text for p in draft[start:]] == [p.text for p in final]
    assert final[0].text == "某某县某某镇人民政府2022年政府信息公开工作年度报告"
    assert [p.style for p in draft[start:]] == [p.style for p in final]
    tables = dr.tables(api.render_report(wrong, draft=True))
    assert tables[1].at(3, 3).text == "5"  # 一、本年新收 / 自然人


def test_final_report_has_no_header_and_no_notice(wrong):
    del wrong["reviews"]["reconsideration"]["total"]
    del wrong["title"]
    blob = api.render_report(wrong)
    assert headers(blob) == {}
    assert not any("草稿" in p.text for p in dr.paragraphs(blob))


def test_draft_without_findings_still_says_draft():
    blob = api.render_report(FIXTURES / "checks-2023.yaml", draft=True)
    assert headers(blob) == {"default": "草稿", "even": "草稿"}
    assert dr.paragraphs(blob)[0].text == "草稿：未经审核定稿，不得印发。"


def test_draft_is_valid_and_deterministic(wrong, tmp_path):
    blob = api.render_report(wrong, draft=True)
    assert blob == api.render_report(wrong, draft=True)
    path = tmp_path / "draft.docx"
    path.write_bytes(blob)
    assert [str(e) for e in OpenXmlValidator().validate(path).errors] == []
    for name, content in dr.parts(blob).items():
        if name.endswith(".xml") or name.endswith(".rels"):
            dr.etree.fromstring(content, dr.STRICT)
