"""The checks of a validated report: 勾稽关系 (errors) and plausibility (warnings).

    findings = check_report(report)                       # one report
    findings = check_report(report, previous=last_year)   # with the cross-year rules

Every finding is a `Problem` from a rule of `rules.RULES`: its id, the key path, the
official labels of the cells involved, the numbers on each side and what to change.
The rules are those of official-format.md §5; README lists them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Callable, Iterator, Optional

from . import spec
from .claims import check_all_upheld, check_narrative_numbers
from .errors import Problem
from .findings import finding as _finding
from .findings import label as _label
from .findings import narrative_texts, normalize, section_text
from .formatting import format_date, format_number
from .model import Kind, Report
from .rules import RULES
from .values import with_totals

Check = Callable[[Report], Iterator[Problem]]


def check_report(report: Report, previous: Optional[Report] = None) -> list[Problem]:
    """Run every check on `report` (and the cross-year ones against `previous`);
    return the findings, errors first, each group in rule order."""
    findings = list(report.warnings)
    for check in CHECKS:
        findings.extend(check(report))
    if previous is not None:
        findings.extend(check_previous(report, previous))
    order = {rule_id: i for i, rule_id in enumerate(RULES)}
    return sorted(findings, key=lambda p: (not p.is_error, order[p.rule]))


# ---------------------------------------------------------------------------
# A report read back with cells it could not read


def unread_aware(report: Report, run: Callable[[Report], list[Problem]]) -> list[Problem]:
    """The findings of `run` that do not depend on the report's unread cells, and one X1
    warning naming those cells and the rules that could not be checked over them.

    Whether a finding depends on them is found by running the checks again with every unread
    cell set to a number no report has (a different one per cell): a finding that changes, or
    appears only then, is about them, and is neither reported nor taken as passed."""
    findings = run(report)
    if not report.unread:
        return findings
    probe = {key: 7_000_000 + 1_009 * i for i, key in enumerate(report.unread)
             if report.spec.field(key).kind in (spec.COUNT, spec.SIGNED)}
    other = run(replace(report, values=with_totals({**report.values, **probe}, report.spec)))
    shown = {(p.rule, p.path, p.message) for p in other}
    kept = [p for p in findings if (p.rule, p.path, p.message) in shown]
    skipped = {p.rule for p in findings if p not in kept} | {
        p.rule for p in other if (p.rule, p.path, p.message) not in {(q.rule, q.path, q.message) for q in findings}}
    total = len(report.spec.fields)
    cells = "、".join(f"{key}「{_label(report, tuple(key.split('.')))}」" for key in report.unread[:20])
    more = f" 等 {len(report.unread)} 格" if len(report.unread) > 20 else ""
    rules = f"；涉及它们的核对（{'、'.join(sorted(skipped))}）未进行" if skipped else ""
    kept.append(RULES["X1"].problem("unread", (), f"已核对 {total - len(report.unread)}/{total} 格：{cells}{more}"
                                    f"未读出，不当作 0 核对{rules}；请对照原报告填写后从 unread 中删去",
                                    {"unread": len(report.unread), "checked": total - len(report.unread)}))
    return kept


# ---------------------------------------------------------------------------
# 勾稽关系: the arithmetic the tables imply (errors)

_APPS = "applications"
#: The four rows of rule A1 and their names in messages: 「一、本年新收」, 「（七）总计」…
_ROW_NAMES = {
    row.path[0]: row.labels[-1].removesuffix("政府信息公开申请数量")
    for row in spec.APPLICATION_ROWS_2021
    if row.path in (("received",), ("carried_over",), (spec.TOTAL_KEY,), ("carried_forward",))
}


def check_balance(report: Report) -> Iterator[Problem]:
    """A1: for each column of 三, 一 + 二 = （七）总计 + 四."""
    for column in spec.APPLICANT_COLUMNS:
        key = column.key
        v = {row: report.values[f"{_APPS}.{row}.{key}"] for row in _ROW_NAMES}
        left = v["received"] + v["carried_over"]
        right = v[spec.TOTAL_KEY] + v["carried_forward"]
        if left == right:
            continue
        rows = tuple(_ROW_NAMES)
        labels = tuple(_label(report, (_APPS, row, key)) for row in rows)
        message = (f"{_ROW_NAMES['received']} {v['received']} + {_ROW_NAMES['carried_over']} {v['carried_over']}"
                   f" = {left}，不等于 {_ROW_NAMES[spec.TOTAL_KEY]} {v[spec.TOTAL_KEY]}"
                   f" + {_ROW_NAMES['carried_forward']} {v['carried_forward']} = {right}（相差 {abs(left - right)}）；"
                   f"请核对“{' / '.join(column.labels)}”一列：本年新收和上年结转的申请，"
                   f"应当全部计入本年度办理结果或结转下年度")
        path = f"{_APPS}.{{{','.join(rows)}}}.{key}"
        yield RULES["A1"].problem(path, labels, message, {**v, "left": left, "right": right})


def check_given_totals(report: Report) -> Iterator[Problem]:
    """A2, A3, B1: a total written in the data must equal the computed one."""
    for key, given in report.given_totals.items():
        field, computed = report.spec.field(key), report.values[key]
        if field.table == "reviews":
            rule = "B1"
        elif field.path[1] == spec.TOTAL_KEY:
            rule = "A2"
        else:
            rule = "A3"
        how = f"{spec.RESULTS_LABEL}各项之和" if rule == "A2" else " + ".join(
            f"{report.spec.field(part).column_labels[-1]} {report.values[part]}" for part in field.total_of)
        if given != computed:
            yield _finding(report, rule, field.path, f"数据中写的总计为 {given}，但 {how} = {computed}；"
                           f"请改为 {computed}，或删去这个总计（总计会自动计算：数据文件中删去 total，"
                           f"填报表中清空这一格）",
                           {"given": given, "computed": computed})


# ---------------------------------------------------------------------------
# Plausibility of the tables (warnings)

_TOWNSHIP = re.compile(r"(乡|镇|苏木)(人民)?(政府)?$|街道(办事处)?$")
_COUNTY = re.compile(r"(县|区|旗)(人民)?政府$")
_CITY_OR_PROVINCE = re.compile(r"(市|州|盟|地区|省|自治区)(人民)?政府$")
_NATIONAL = re.compile(r"^(国家|中国|中华人民共和国|国务院)")
_PLACE = re.compile(r"省|自治区|市|州|盟|县|区|旗")


def agency_kind(agency: str) -> str:
    """What the agency's name says it is: "township" (乡/镇/街道), "county" (县/区 government),
    "city" (市/州/省 government), "department" (a local department or office) or "other"."""
    name = re.sub(r"\s", "", agency)
    name = re.sub(r"(政府)办公(厅|室)$", r"\1", name)  # a government's office reports for its government
    if _TOWNSHIP.search(name):
        return "township"
    if _COUNTY.search(name):
        return "county"
    if _CITY_OR_PROVINCE.search(name):
        return "city"
    if not _NATIONAL.match(name) and _PLACE.search(name):
        return "department"
    return "other"


_KIND_NAMES = {"township": "乡镇（街道）", "county": "县（区）政府", "department": "政府部门"}


def check_rules_maker(report: Report) -> Iterator[Problem]:
    """P1: only 国务院部门, 省级 and 设区的市级 governments make 规章."""
    kind = agency_kind(report.agency)
    row = report.spec.row(("proactive", "rules"))
    rules = {field.path[-1]: report.values[field.key] for field in row.fields}
    if kind not in _KIND_NAMES or not any(rules.values()):
        return
    fmt = report.spec
    numbers = "、".join(f"{field.column_label} {report.values[field.key]}" for field in row.fields)
    yield _finding(report, "P1", ("proactive", "rules"),
                   f"“{report.agency}”是{_KIND_NAMES[kind]}，无权制定规章，但规章一行填了 {numbers}；"
                   f"规章只能由国务院部门、省级人民政府和设区的市级人民政府制定，"
                   f"本机关制发的文件请填在“{fmt.proactive_field('normative_documents')[1]}”一行，"
                   f"规章一行填 0", dict(rules))


#: A fee at or above this many 万元, written as a whole number, looks like 元.
FEE_LOOKS_LIKE_YUAN = 10000


def check_fee_unit(report: Report) -> Iterator[Problem]:
    """P2: 行政事业性收费 is in 万元; a whole number ≥ 10000 looks like 元."""
    fee = report.values.get("proactive.fees")
    if not isinstance(fee, Decimal):  # 2019: 项目数量, not an amount
        return
    if fee >= FEE_LOOKS_LIKE_YUAN and fee == fee.to_integral_value():
        in_wan = (fee / 10000).normalize()
        yield _finding(report, "P2", ("proactive", "fees"),
                       f"本年收费金额为 {format_number(fee)}，单位是万元，即 {format_number(fee)} 万元（{format_number(in_wan)} 亿元）；"
                       f"如果是按元填写的，请换算成万元（{format_number(fee)} 元 = {format_number(fee / 10000)} 万元）",
                       {"fees": fee})


# ---------------------------------------------------------------------------
# Dates, years and the format cited (warnings)


def check_date(report: Report) -> Iterator[Problem]:
    """Y1: the 成文日期 falls between 1 January and the deadline of the next year:
    31 January, or 31 March for a 县级以上人民政府's report (条例 第四十九、五十条)."""
    if report.date is None:
        return
    start = dt.date(report.year + 1, 1, 1)
    government = agency_kind(report.agency) in ("county", "city")
    deadline = dt.date(report.year + 1, 3, 31) if government else dt.date(report.year + 1, 1, 31)
    values = {"date": report.date.isoformat(), "earliest": start.isoformat(), "latest": deadline.isoformat()}
    if report.date < start:
        yield _finding(report, "Y1", ("date",), f"成文日期 {format_date(report.date)} 早于统计期结束"
                       f"（{report.year}年12月31日）；年度报告应在 {format_date(start)} 以后成文", values)
    elif report.date > deadline:
        who = "县级以上人民政府的年度报告" if government else "年度报告"
        yield _finding(report, "Y1", ("date",), f"成文日期 {format_date(report.date)} 晚于 {format_date(deadline)}；"
                       f"{who}应在 {format_date(deadline)} 前公布，请核对日期", values)


def _texts(report: Report) -> Iterator[tuple[tuple, str]]:
    """(key path, normalized text) of the title and of every narrative paragraph, in order."""
    yield ("title",), normalize(report.title)
    yield from narrative_texts(report)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")
#: A later year that is a target or a plan, not a statement: 「到2025年」, 「2026年前」,
#: 「2035年远景目标」, 「（2024—2026年）」.
_TARGET_YEAR = re.compile(r"(?<![截\d])(?:到|至)((?:19|20)\d\d)年|((?:19|20)\d\d)年(?:前|底前|以前|远景|目标)"
                          r"|(?:19|20)\d\d年?[—–\-~～至到]((?:19|20)\d\d)年")


def _later_years(text: str, latest: int) -> list[int]:
    targets = {int(y) for groups in _TARGET_YEAR.findall(text) for y in groups if y}
    return sorted({int(y) for y in _YEAR.findall(text) if int(y) > latest and int(y) not in targets})


def check_years(report: Report) -> Iterator[Problem]:
    """Y2: no year later than the report year + 1; Y3: the title's year is the report year."""
    title_years = _YEAR.findall(normalize(report.title))
    if title_years and int(title_years[0]) != report.year:
        yield _finding(report, "Y3", ("title",), f"标题中的年份是 {title_years[0]} 年，报告年度是 {report.year} 年；"
                       f"是否沿用了其他年度的报告？请改正标题或 year",
                       {"title_year": int(title_years[0]), "year": report.year})
    latest = report.year + 1
    for path, text in _texts(report):
        later = _later_years(text, latest)
        if later:
            shown = "、".join(f"{y}年" for y in later)
            yield _finding(report, "Y2", path, f"出现了 {shown}，晚于报告年度的次年（{latest}年）；"
                           f"是否沿用了其他年度的材料，或年份写错了？",
                           {"years": later, "year": report.year})


_ISSUER, _YEAR_2019, _NUMBER_2019 = re.fullmatch(r"(\D+)〔(\d{4})〕(\d+号)", spec.NOTICE_2019).groups()
#: 国办公开办函〔2019〕60号, with whatever brackets a writer used: 〔〕 [] () 【】 or none
_NOTICE_2019 = re.compile(f"{_ISSUER}[〔\\[(【]?{_YEAR_2019}[〕\\])】]?{_NUMBER_2019}")


def check_cited_format(report: Report) -> Iterator[Problem]:
    """F1: a 2021-format report does not cite the 2019 notice as its format."""
    if report.format < spec.FORMAT_2021:
        return
    for path, text in _texts(report):
        if _NOTICE_2019.search(text):
            yield _finding(report, "F1", path, f"引用了 {spec.NOTICE_2019}（2019 年版格式，只适用于 2019、2020 年度报告）；"
                           f"{report.year} 年度报告应按 {spec.NOTICE_2021} 的格式编制，请改正引用")


# ---------------------------------------------------------------------------
# The sections (warnings)

_NOTHING = {"", "无", "暂无", "没有", "无问题", "暂无问题", "无相关问题", "无明显问题", "不存在", "略", "无此项", "无此情况"}
_PUNCTUATION = re.compile(r"[\W_]+")
_THIS_YEAR = re.compile(r"^(?:本年度|本年|今年|全年)")


def check_sections(report: Report) -> Iterator[Problem]:
    """S1: 五 is there and not just 「无」; S2: 六 mentions 信息处理费 (2021 on);
    S3: 一 covers its five topics."""
    problems = _PUNCTUATION.sub("", normalize(section_text(report, "problems")))
    if _THIS_YEAR.sub("", problems) in _NOTHING:
        written = "缺失" if not problems else f"只写了“{problems}”"
        yield _finding(report, "S1", ("problems",), f"{written}；应写明本年度政府信息公开工作存在的主要问题和改进措施"
                       f"（通常还有上年度问题的整改情况）")
    if report.year >= spec.FIRST_YEAR_2021_FORMAT and not _FEES_SAID.search(normalize(section_text(report, "other_matters"))):
        yield _finding(report, "S2", ("other_matters",), "没有提到信息处理费；2021 年度起，六应说明按《政府信息公开信息处理费"
                       "管理办法》收取信息处理费的情况，没有收取的写“本年度未收取信息处理费。”")
    yield from _check_topics(report)


#: the ways 六 says how 信息处理费 went: 「未收取信息处理费」「信息公开处理费」「未发生收费情况」「不收取任何费用」
_FEES_SAID = re.compile(r"处理费|收费|收取[^。；]{0,8}费用|费用")


def _check_topics(report: Report) -> Iterator[Problem]:
    paragraphs = report.narrative["overview"]
    headings = [normalize(p.heading) for p in paragraphs if p.kind != Kind.BODY]
    where = headings or [normalize(p.text) for p in paragraphs]
    missing = [topic for topic, words in spec.OVERVIEW_TOPICS
               if not any(word in text for word in words for text in where)]
    if missing:
        all_topics = "、".join(topic for topic, _ in spec.OVERVIEW_TOPICS)
        yield _finding(report, "S3", ("overview",), f"缺少{'、'.join(missing)}方面的内容；总体情况应分述{all_topics}"
                       f"五个方面（每个方面一个小标题：- title: … text: …）", {"missing": missing})


# ---------------------------------------------------------------------------
# Against last year's report (warnings, with --previous)

#: Sections this similar to last year's are 雷同 (copied).
SIMILARITY_LIMIT = 0.8
#: Sections shorter than this (in characters) are not compared: 「本年度未收取信息处理费。」
#: is rightly the same every year.
SIMILARITY_MIN_LENGTH = 100


def check_previous(report: Report, previous: Report) -> Iterator[Problem]:
    """C1–C3 and S4: this year's report against last year's."""
    if previous.year != report.year - 1:
        yield _finding(report, "C3", ("year",), f"上年数据文件的报告年度是 {previous.year} 年，本报告是 {report.year} 年，"
                       f"应为 {report.year - 1} 年；跨年核对未进行，请给出 {report.year - 1} 年度的数据文件",
                       {"previous_year": previous.year, "year": report.year})
        return
    for column in spec.APPLICANT_COLUMNS:
        if column.key == spec.TOTAL_KEY:
            continue
        now = report.values[f"{_APPS}.carried_over.{column.key}"]
        then = previous.values[f"{_APPS}.carried_forward.{column.key}"]
        if now != then:
            path = (_APPS, "carried_over", column.key)
            before = f"{previous.year}年度报告 " + _label(report, (_APPS, "carried_forward", column.key))
            yield _finding(report, "C1", path, f"本年 {_ROW_NAMES['carried_over']} 为 {now}，但{before} 为 {then}；"
                           f"上年结转下年度的申请应在本年“上年结转”中列出，请核对",
                           {"carried_over": now, "previous_carried_forward": then},
                           (_label(report, path), before))
    in_force_rows = [] if previous.format != report.format else [
        row.path[1] for row in report.spec.rows("proactive") if f"proactive.{row.path[1]}.in_force" in report.values]
    for row_key in in_force_rows:  # 2021 only: 2019 counts 对外公开总数量, not 现行有效
        now, then = report.tables["proactive"][row_key], previous.tables["proactive"][row_key]
        expected = then["in_force"] + now["issued"] - now["repealed"]
        if now["in_force"] != expected:
            yield _finding(report, "C2", ("proactive", row_key, "in_force"),
                           f"现行有效件数为 {now['in_force']}，按上年现行有效 {then['in_force']} + 本年制发 "
                           f"{now['issued']} − 本年废止 {now['repealed']} 应为 {expected}；请核对这三个数",
                           {"in_force": now["in_force"], "previous_in_force": then["in_force"],
                            "issued": now["issued"], "repealed": now["repealed"], "expected": expected})
    for key, _ in spec.NARRATIVE_FIELDS:
        if key == ("preamble",):
            continue  # the legal basis and the contact are rightly the same every year
        name = ".".join(key)
        ratio = similarity(section_text(report, name), section_text(previous, name))
        if ratio is not None and ratio >= SIMILARITY_LIMIT:
            percent = int(ratio * 100)
            yield _finding(report, "S4", key, f"与{previous.year}年度报告的同一部分相似度为 {percent}%（雷同）；"
                           f"请按本年度的实际工作重写", {"similarity_percent": percent})


#: Texts are compared by their runs of this many characters (4-grams).
SHINGLE = 4


def similarity(text: str, other: str) -> Optional[float]:
    """How alike two texts are, 0–1: the share of their 4-character runs they have in common
    (Dice coefficient over multisets), numbers ignored, so that last year's text with this
    year's figures is 1.0. None when either is too short to tell. Linear time."""
    a, b = (re.sub(r"\d+", "#", normalize(t)) for t in (text, other))
    if min(len(a), len(b)) < SIMILARITY_MIN_LENGTH:
        return None
    runs_a, runs_b = (Counter(t[i:i + SHINGLE] for i in range(len(t) - SHINGLE + 1)) for t in (a, b))
    return 2 * sum((runs_a & runs_b).values()) / (sum(runs_a.values()) + sum(runs_b.values()))


#: The checks of one report, in the order of the rules.
CHECKS: tuple[Check, ...] = (
    check_balance, check_given_totals, check_narrative_numbers, check_all_upheld,
    check_rules_maker, check_fee_unit, check_date, check_years, check_cited_format, check_sections,
)
