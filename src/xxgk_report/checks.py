"""The checks of a validated report: 勾稽关系 (errors) and plausibility (warnings).

    findings = check_report(report)                       # one report
    findings = check_report(report, previous=last_year)   # with the cross-year rules

Every finding is a `Problem` from a rule of `rules.RULES`: its id, the key path, the
official labels of the cells involved, the numbers on each side and what to change.
The rules are those of official-format.md §5; README lists them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any, Callable, Iterator, Optional

from . import spec
from .errors import Problem
from .model import Report, field_label, format_path
from .rules import RULES

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


def _label(report: Report, path: tuple) -> str:
    return field_label(path, report.format)


def _finding(report: Report, rule: str, path: tuple, message: str, values: Optional[dict] = None,
             labels: Optional[tuple[str, ...]] = None) -> Problem:
    if labels is None:
        label = _label(report, path)
        labels = (label,) if label else ()
    return RULES[rule].problem(format_path(path), labels, message, values)


def _n(value: Any) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


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
    apps = report.applications
    for column in spec.APPLICANT_COLUMNS:
        key = column.key
        v = {row: apps[row][key] for row in _ROW_NAMES}
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
    for path, given in report.given_totals.items():
        if path[0] == "reviews":
            row = report.reviews[path[1]]
            parts = " + ".join(f"{label} {row[key]}" for key, label in spec.REVIEW_RESULTS if key != spec.TOTAL_KEY)
            rule, computed, how = "B1", row[spec.TOTAL_KEY], parts
        elif path[1] == spec.TOTAL_KEY:
            computed = report.applications[spec.TOTAL_KEY][path[2]]
            rule, how = "A2", f"{spec.RESULTS_LABEL}各项之和"
        else:
            row = _lookup(report.applications, path[1:-1])
            parts = " + ".join(f"{c.labels[-1]} {row[c.key]}" for c in spec.APPLICANT_COLUMNS if c.key != spec.TOTAL_KEY)
            rule, computed, how = "A3", row[spec.TOTAL_KEY], parts
        if given != computed:
            yield _finding(report, rule, path, f"数据中写的总计为 {given}，但 {how} = {computed}；"
                           f"请改为 {computed}，或删去这个 total（总计会自动计算）",
                           {"given": given, "computed": computed})


def _lookup(table: dict, keys: tuple) -> Any:
    for key in keys:
        table = table[key]
    return table


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
    rules = report.proactive["rules"]
    if kind not in _KIND_NAMES or not any(rules.values()):
        return
    fmt = spec.FORMATS[report.format]
    block, _ = fmt.proactive_field("rules")
    numbers = "、".join(f"{field.label} {rules[field.key]}" for field in block.fields)
    yield _finding(report, "P1", ("proactive", "rules"),
                   f"“{report.agency}”是{_KIND_NAMES[kind]}，无权制定规章，但规章一行填了 {numbers}；"
                   f"规章只能由国务院部门、省级人民政府和设区的市级人民政府制定，"
                   f"本机关制发的文件请填在“{fmt.proactive_field('normative_documents')[1]}”一行，"
                   f"规章一行填 0", dict(rules))


#: A fee at or above this many 万元, written as a whole number, looks like 元.
FEE_LOOKS_LIKE_YUAN = 10000


def check_fee_unit(report: Report) -> Iterator[Problem]:
    """P2: 行政事业性收费 is in 万元; a whole number ≥ 10000 looks like 元."""
    fee = report.proactive["fees"]
    if not isinstance(fee, Decimal):  # 2019: 项目数量, not an amount
        return
    if fee >= FEE_LOOKS_LIKE_YUAN and fee == fee.to_integral_value():
        in_wan = (fee / 10000).normalize()
        yield _finding(report, "P2", ("proactive", "fees"),
                       f"本年收费金额为 {_n(fee)}，单位是万元，即 {_n(fee)} 万元（{_n(in_wan)} 亿元）；"
                       f"如果是按元填写的，请换算成万元（{_n(fee)} 元 = {_n(fee / 10000)} 万元）",
                       {"fees": fee})


# ---------------------------------------------------------------------------
# Dates, years and the format cited (warnings)


def _chinese_date(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


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
        yield _finding(report, "Y1", ("date",), f"成文日期 {_chinese_date(report.date)} 早于统计期结束"
                       f"（{report.year}年12月31日）；年度报告应在 {_chinese_date(start)} 以后成文", values)
    elif report.date > deadline:
        who = "县级以上人民政府的年度报告" if government else "年度报告"
        yield _finding(report, "Y1", ("date",), f"成文日期 {_chinese_date(report.date)} 晚于 {_chinese_date(deadline)}；"
                       f"{who}应在 {_chinese_date(deadline)} 前公布，请核对日期", values)


def normalize(text: str) -> str:
    """Text as matched by the checks: NFKC (full-width digits and punctuation folded) and
    no whitespace (published text puts spaces around numbers: 「17 件」)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _texts(report: Report) -> Iterator[tuple[tuple, str]]:
    """(key path, text) of the title and of every narrative paragraph, in document order."""
    yield ("title",), report.title
    for paragraphs in report.narrative.values():
        for p in paragraphs:
            yield p.path, p.heading + p.text


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
        later = _later_years(normalize(text), latest)
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
        if _NOTICE_2019.search(normalize(text)):
            yield _finding(report, "F1", path, f"引用了 {spec.NOTICE_2019}（2019 年版格式，只适用于 2019、2020 年度报告）；"
                           f"{report.year} 年度报告应按 {spec.NOTICE_2021} 的格式编制，请改正引用")


# ---------------------------------------------------------------------------
# The sections (warnings)

_NOTHING = {"", "无", "暂无", "没有", "无问题", "暂无问题", "无相关问题", "无明显问题", "不存在", "略", "无此项", "无此情况"}
_PUNCTUATION = re.compile(r"[\W_]+")
_THIS_YEAR = re.compile(r"^(?:本年度|本年|今年|全年)")


def _section_text(report: Report, key: str) -> str:
    return "".join(p.heading + p.text for p in report.narrative[key])


def check_sections(report: Report) -> Iterator[Problem]:
    """S1: 五 is there and not just 「无」; S2: 六 mentions 信息处理费 (2021 on);
    S3: 一 covers its five topics."""
    problems = _PUNCTUATION.sub("", normalize(_section_text(report, "problems")))
    if _THIS_YEAR.sub("", problems) in _NOTHING:
        written = "缺失" if not problems else f"只写了“{problems}”"
        yield _finding(report, "S1", ("problems",), f"{written}；应写明本年度政府信息公开工作存在的主要问题和改进措施"
                       f"（通常还有上年度问题的整改情况）")
    if report.year >= spec.FIRST_YEAR_2021_FORMAT and "信息处理费" not in normalize(_section_text(report, "other_matters")):
        yield _finding(report, "S2", ("other_matters",), "没有提到信息处理费；2021 年度起，六应说明按《政府信息公开信息处理费"
                       "管理办法》收取信息处理费的情况，没有收取的写“本年度未收取信息处理费。”")
    yield from _check_topics(report)


def _check_topics(report: Report) -> Iterator[Problem]:
    paragraphs = report.narrative["overview"]
    headings = [normalize(p.heading) for p in paragraphs if p.kind != "body"]
    where = headings or [normalize(p.text) for p in paragraphs]
    missing = [topic for topic, words in spec.OVERVIEW_TOPICS
               if not any(word in text for word in words for text in where)]
    if missing:
        all_topics = "、".join(topic for topic, _ in spec.OVERVIEW_TOPICS)
        yield _finding(report, "S3", ("overview",), f"缺少{'、'.join(missing)}方面的内容；总体情况应分述{all_topics}"
                       f"五个方面（每个方面一个小标题：- title: … text: …）", {"missing": missing})


# ---------------------------------------------------------------------------
# Numbers stated in the narrative against the tables (warnings)

#: Words that may stand between a keyword and its number: 「受理（政府信息公开）申请（共）17件」.
#: A closed list on purpose: 「收到自然人申请5件」 or 「予以公开政策文件12件」 is not the table's total.
#: 「共计」 is 「共」 and 「计」: one way to read each run of words keeps the backtracking linear
#: (with 「共计」 as a word too, a run of n of them had 2ⁿ readings to try).
_FILL = r"(?:合计|总计|累计|共|计|为|了|有|的|各类|政府信息公开|政府信息|信息公开|依申请公开|依)*"


def _fill_around(words: str) -> str:
    """`_FILL`, then maybe `words` and `_FILL` again: the same text as 「_FILL(?:words)?_FILL」,
    which tried every split of a long run of fill words in two (quadratic)."""
    return _FILL + f"(?:(?:{words}){_FILL})?"


#: 「_FILL(?:申请|依申请公开)_FILL」, with the first 「依申请公开」 as the middle word when it is one:
#: the same text, but a run of 「依申请公开」 is not tried once per word (quadratic).
_FILL_REQUEST_FILL = f"(?:{_FILL}申请|{_FILL.replace('依申请公开|', '')}依申请公开){_FILL}"
#: A count: digits (「3,119」, full-width digits are folded by NFKC) or a Chinese numeral (「两」).
_NUMBER = r"(?<![\d,.])(?P<n>\d{1,3}(?:,\d{3})+(?!\d)|\d{1,12}(?!\d)|[零一二两三四五六七八九十]{1,3})"
_CASE = r"(?:件|起|宗|例)"
#: The end of a clause: what a 「没有……」 statement must reach, so that 「未出现依申请公开超期答复」
#: is not read as 「没有依申请公开」.
_END = r"(?:的?(?:情况|事项|案件|现象))?(?=[。;,、:!?)]|$)"
_NONE = r"(?:没有发生|未发生|未出现|未收到|未接到|未受理|没有|未有|无)(?:收到|接到|受理|发生|出现)?"
_CAUSED = r"(?:因政府信息公开(?:工作|申请)?(?:引起|引发|产生)的)?(?:政府信息公开)?"
_BOTH = r"(?:、|和|及|与|或)"
_NOT_AFTER_RECONSIDERATION = "".join(f"(?<!行政复议{c})" for c in "、和及与或")

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _count_of(text: str) -> Optional[int]:
    """「3,119」 → 3119, 「两」 → 2, 「十二」 → 12, 「二十」 → 20; None if not a number."""
    if text[0].isdigit():
        return int(text.replace(",", ""))
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _cell(report: Report, *path: str) -> int:
    return _lookup({"applications": report.applications, "reviews": report.reviews}, path)


#: One side of a comparison: the table's number, how it is named, the cells it adds up.
Side = tuple[int, str, tuple[tuple[str, ...], ...]]


def _apps_total(report: Report, *rows: str) -> Side:
    cells = tuple((_APPS, row, spec.TOTAL_KEY) for row in rows)
    name = " + ".join(_label(report, c) for c in cells)
    return sum(_cell(report, *c) for c in cells), name, cells


def _reviews_total(report: Report, *groups: str) -> Side:
    cells = tuple(("reviews", g, spec.TOTAL_KEY) for g in groups)
    name = " + ".join(_label(report, c) for c in cells)
    return sum(_cell(report, *c) for c in cells), name, cells


_GROUPS = tuple(g.key for g in spec.REVIEW_GROUPS)
_LITIGATION = _GROUPS[1:]


def _claim(rule: str, pattern: str, sides: Callable[[Report, re.Match], list[Side]]):
    return rule, re.compile(pattern), sides


#: (rule, what the text says, the table numbers it may mean: the first is the usual one).
#: A pattern without a number states 0 (「没有收到政府信息公开申请」).
_CLAIMS = (
    _claim("N1", r"(?P<kw>新收|收到|受理|接收|接到)" + _FILL_REQUEST_FILL + _NUMBER + "件",
           lambda r, m: [_apps_total(r, "received")] + (
               [] if m["kw"] == "新收" else [_apps_total(r, "received", "carried_over")])),
    _claim("N1", r"申请(?:总数|总量|数量)(?:为|是|共|达)?" + _NUMBER + "件",
           lambda r, m: [_apps_total(r, "received"), _apps_total(r, "received", "carried_over")]),
    _claim("N1", _NONE + r"(?:政府信息公开|政府信息|信息公开)?(?:依申请公开|公开申请)" + _END,
           lambda r, m: [_apps_total(r, "received")]),
    _claim("N2", r"上一?年度?结转" + _fill_around("申请") + _NUMBER + "件",
           lambda r, m: [_apps_total(r, "carried_over")]),
    _claim("N3", r"(?:(?<!不)予以公开|同意公开)(?P<part>(?:及|和|与|、|或)部分公开)?" + _FILL + _NUMBER + "件",
           lambda r, m: [_apps_total(r, "granted", "partially_granted") if m["part"] else _apps_total(r, "granted")]),
    _claim("N4", r"(?:办结|办理完毕|处理完毕)" + _fill_around("申请") + _NUMBER + "件",
           lambda r, m: [_apps_total(r, spec.TOTAL_KEY)]),
    _claim("N5", r"结转(?:至|到)?(?:下一?年度?|(?:19|20)\d\d年度?)(?:继续办理|办理)?" + _fill_around("申请")
           + _NUMBER + "件",
           lambda r, m: [_apps_total(r, "carried_forward")]),
    _claim("N5", _NUMBER + r"件(?:申请)?(?:结转|顺延|转入)(?:至|到)?(?:下一?年|(?:19|20)\d\d年)",
           lambda r, m: [_apps_total(r, "carried_forward")]),
    _claim("N6", r"行政复议" + _BOTH + r"行政诉讼" + _fill_around("案件") + _NUMBER + _CASE,
           lambda r, m: [_reviews_total(r, *_GROUPS)]),
    _claim("N6", r"行政复议(?!" + _BOTH + r"行政诉讼)" + _fill_around("案件|申请") + _NUMBER + _CASE,
           lambda r, m: [_reviews_total(r, "reconsideration")]),
    _claim("N6", _NONE + _CAUSED + r"行政复议(?:" + _BOTH + r"行政诉讼)?" + _END,
           lambda r, m: [_reviews_total(r, "reconsideration")]),
    _claim("N7", _NOT_AFTER_RECONSIDERATION + r"行政诉讼" + _fill_around("案件") + _NUMBER + _CASE,
           lambda r, m: [_reviews_total(r, *_LITIGATION)]),
    _claim("N7", _NONE + _CAUSED + r"(?:行政复议" + _BOTH + r")?行政诉讼" + _END,
           lambda r, m: [_reviews_total(r, *_LITIGATION)]),
)
#: Words that put a clause in another year, or make its number a part or a change.
_OTHER_YEAR_WORDS = re.compile(r"上一?年|去年|前年|同比|环比|较|比|增加|减少|增长|下降|上升|其中通过|通过|渠道|方式")
#: A year that dates the clause: 「2022年受理……」, not 「截至2024年1月20日」 or 「（2019年修订）」
_CLAUSE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年(?!\d|修|版|第)")


#: A clause year right before a claim, whatever follows it: 「2022年3件结转至下年」 (the
#: sentence read up to the claim ends with 「年」, so the lookahead of `_CLAUSE_YEAR` holds).
_YEAR_BEFORE = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
_THIS_YEAR_WORDS = re.compile(r"本年|今年|全年")


class _Words:
    """Every place a word of `words` (a flat 「a|b|c」 pattern of words that cannot overlap
    themselves) is found in a text, each word on its own so that words overlapping each other
    are all found, and whether one lies wholly within text[lo:hi] costs O(log n)."""

    def __init__(self, words: re.Pattern, text: str):
        spans = sorted(m.span() for word in words.pattern.split("|") for m in re.finditer(word, text))
        self.starts = [start for start, _ in spans]
        #: the first end of a word starting at or after each of `starts`
        self.first_end = list(itertools.accumulate([end for _, end in reversed(spans)], min))[::-1]

    def within(self, lo: int, hi: int) -> bool:
        i = bisect.bisect_left(self.starts, lo)
        return i < len(self.starts) and self.first_end[i] <= hi


def _last_before(marks: list[int], start: int) -> int:
    """The last of the sorted `marks` before `start`, or -1."""
    i = bisect.bisect_left(marks, start)
    return marks[i - 1] if i else -1


class _Sentences:
    """One paragraph's text, its sentence and clause marks, years and year words found once,
    so that each claim costs O(log n) (splitting all the text before each claim was
    quadratic in a paragraph of many claims)."""

    def __init__(self, text: str):
        self.sentence_marks = [m.start() for m in re.finditer(r"[。;!?]", text)]
        self.clause_marks = [m.start() for m in re.finditer(r"[。;!?,、]", text)]
        self.years = list(_CLAUSE_YEAR.finditer(text))
        self.year_ends = [m.end() for m in self.years]
        self.year_ending_at = {m.end(): m for m in _YEAR_BEFORE.finditer(text)}
        self.numbers = defaultdict(list)  # 「2022」 → where it is found, as str.rfind looks for it
        for m in re.finditer(r"(?=((?:19|20)\d\d))", text):
            self.numbers[m[1]].append(m.start())
        self.this_year_words = _Words(_THIS_YEAR_WORDS, text)
        self.other_year_words = _Words(_OTHER_YEAR_WORDS, text)

    def _last_year(self, sentence: int, start: int) -> Optional[re.Match]:
        """The last `_CLAUSE_YEAR` in text[sentence:start], as if the text ended at `start`."""
        m = self.year_ending_at.get(start)
        if m is None:
            i = bisect.bisect_right(self.year_ends, start) - 1
            m = self.years[i] if i >= 0 else None
        return m if m is not None and m.start() >= sentence else None

    def not_this_years_count(self, start: int, year: int) -> bool:
        """True when the clause before `start` makes the number another year's, a part or a
        change: 「2021年受理申请10件」, 「较上年……」, 「通过网络渠道受理申请4件」."""
        sentence = _last_before(self.sentence_marks, start) + 1
        last = self._last_year(sentence, start)
        if last is not None and int(last[1]) != year:
            # 本年 from the year's last mention on, 「2022年……（2022）……本年」, as str.rfind found it
            # (not found, as 「20２２年」 is not: -1, the last character)
            found = self.numbers.get(str(int(last[1])), [])
            i = bisect.bisect_right(found, start - 4) - 1
            since = found[i] if i >= 0 and found[i] >= sentence else start - 1
            if not self.this_year_words.within(since, start):
                return True
        return self.other_year_words.within(_last_before(self.clause_marks, start) + 1, start)


def _narrative(report: Report) -> Iterator[tuple[tuple, str]]:
    for paragraphs in report.narrative.values():
        for p in paragraphs:
            yield p.path, normalize(p.heading + p.text)


def check_narrative_numbers(report: Report) -> Iterator[Problem]:
    """N1–N7: a number the narrative states agrees with the table."""
    seen = set()
    for path, text in _narrative(report):
        sentences = None  # indexed at the first claim: most paragraphs have none
        for rule, pattern, sides_of in _CLAIMS:
            for m in pattern.finditer(text):
                if (rule, path, m.group(0)) in seen:
                    continue
                sentences = sentences or _Sentences(text)
                if sentences.not_this_years_count(m.start(), report.year):
                    continue
                stated = _count_of(m["n"]) if "n" in pattern.groupindex else 0
                sides = sides_of(report, m)
                if stated is None or any(value == stated for value, _, _ in sides):
                    continue
                seen.add((rule, path, m.group(0)))
                value, name, cells = sides[0]
                also = "".join(f"，{n} 为 {v}" for v, n, _ in sides[1:] if v != value)
                labels = (_label(report, path),) + tuple(_label(report, c) for c in cells)
                yield _finding(report, rule, path, f"正文写“{m.group(0)}”，但表格中 {name} 为 {value}{also}；"
                               f"请核对正文或表格，使两者一致", {"text": stated, "table": value}, labels)


_ALL_UPHELD = re.compile(r"(?:均|全部|都|皆)(?:已|获|被|予以|得到|获得|为)*维持")


def check_all_upheld(report: Report) -> Iterator[Problem]:
    """N8: 「均获维持」 while some case was 纠正, 其他结果 or still 尚未审结."""
    others = {(g.key, key): report.reviews[g.key][key] for g in spec.REVIEW_GROUPS
              for key in spec.REVIEW_KEYS if key != "upheld" and report.reviews[g.key][key]}
    if not others:
        return
    shown = "、".join(f"{_label(report, ('reviews',) + cell)} {n} 件" for cell, n in others.items())
    for path, text in _narrative(report):
        m = _ALL_UPHELD.search(text)
        if m:
            labels = (_label(report, path),) + tuple(_label(report, ("reviews",) + cell) for cell in others)
            yield _finding(report, "N8", path, f"正文写“{m.group(0)}”，但表格四中有 {shown}；请改正正文的说法",
                           {".".join(cell): n for cell, n in others.items()}, labels)


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
        now = report.applications["carried_over"][column.key]
        then = previous.applications["carried_forward"][column.key]
        if now != then:
            path = (_APPS, "carried_over", column.key)
            before = f"{previous.year}年度报告 " + _label(report, (_APPS, "carried_forward", column.key))
            yield _finding(report, "C1", path, f"本年 {_ROW_NAMES['carried_over']} 为 {now}，但{before} 为 {then}；"
                           f"上年结转下年度的申请应在本年“上年结转”中列出，请核对",
                           {"carried_over": now, "previous_carried_forward": then},
                           (_label(report, path), before))
    in_force_rows = [] if previous.format != report.format else [
        key for key, _ in spec.FORMATS[report.format].proactive[0].rows if "in_force" in report.proactive[key]]
    for row_key in in_force_rows:  # 2021 only: 2019 counts 对外公开总数量, not 现行有效
        now, then = report.proactive[row_key], previous.proactive[row_key]
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
        ratio = similarity(_section_text(report, name), _section_text(previous, name))
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
