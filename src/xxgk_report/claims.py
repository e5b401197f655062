"""Numbers the narrative states, against the tables (rules N1–N9, warnings).

    findings = [*check_narrative_numbers(report), *check_all_upheld(report)]

Each claim is a pattern (「收到政府信息公开申请17件」, 「没有收到政府信息公开申请」) and the table
numbers it may mean; a clause dated in another year, or a change or part of a number, is
not compared. Linear in the text: each claim costs O(log n) (`_Sentences`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from typing import Callable, Iterator, Optional

from . import spec
from .errors import Problem
from .findings import finding, label, narrative_texts
from .model import Report

_APPS = "applications"


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
        digits = text.replace(",", "")
        return int(digits) if len(digits) <= 15 else None  # no count has more digits
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


#: One side of a comparison: the table's number, how it is named, the cells it adds up.
Side = tuple[int, str, tuple[tuple[str, ...], ...]]


def _apps_total(report: Report, *rows: str) -> Side:
    cells = tuple((_APPS, row, spec.TOTAL_KEY) for row in rows)
    name = " + ".join(label(report, c) for c in cells)
    return sum(report.values[".".join(c)] for c in cells), name, cells


def _reviews_total(report: Report, *groups: str) -> Side:
    cells = tuple(("reviews", g, spec.TOTAL_KEY) for g in groups)
    name = " + ".join(label(report, c) for c in cells)
    return sum(report.values[".".join(c)] for c in cells), name, cells


def _proactive(report: Report, row: str, column: str) -> list[Side]:
    """A cell of 二 (2021 format: 规章 and 行政规范性文件's 制发, 废止, 现行有效)."""
    key = f"proactive.{row}.{column}"
    if key not in report.values:
        return []  # the 2019 format counts them otherwise
    return [(report.values[key], label(report, tuple(key.split("."))), (tuple(key.split(".")),))]


#: 二's documents and what the text does with them: 「制发行政规范性文件3件」「现行有效规范性文件393件」
_DOCUMENTS = {"rules": r"规章", "normative_documents": r"(?:行政)?规范性文件"}
_DOING = {"issued": r"(?:制发|印发|出台|发布|制定)", "repealed": r"(?:废止|宣布失效|清理废止)",
          "in_force": r"现行有效"}
_FILL_DOCS = r"(?:了|的|共|计|为|有|本年|全年|本年度|新|等)*"


def _document_claims() -> tuple:
    claims = []
    for row, document in _DOCUMENTS.items():
        for column, doing in _DOING.items():
            sides = (lambda r, m, row=row, column=column: _proactive(r, row, column))
            claims.append(_claim("N9", doing + _FILL_DOCS + document + _FILL_DOCS + _NUMBER + "件", sides))
            claims.append(_claim("N9", document + _FILL_DOCS + doing + _FILL_DOCS + _NUMBER + "件", sides))
    return tuple(claims)


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
_CLAIMS += _document_claims()
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


def check_narrative_numbers(report: Report) -> Iterator[Problem]:
    """N1–N7: a number the narrative states agrees with the table."""
    seen = set()
    for path, text in narrative_texts(report):
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
                if stated is None or not sides or any(value == stated for value, _, _ in sides):
                    continue
                seen.add((rule, path, m.group(0)))
                value, name, cells = sides[0]
                also = "".join(f"，{n} 为 {v}" for v, n, _ in sides[1:] if v != value)
                labels = (label(report, path),) + tuple(label(report, c) for c in cells)
                yield finding(report, rule, path, f"正文写“{m.group(0)}”，但表格中 {name} 为 {value}{also}；"
                               f"请核对正文或表格，使两者一致", {"text": stated, "table": value}, labels)


_ALL_UPHELD = re.compile(r"(?:均|全部|都|皆)(?:已|获|被|予以|得到|获得|为)*维持")


def check_all_upheld(report: Report) -> Iterator[Problem]:
    """N8: 「均获维持」 while some case was 纠正, 其他结果 or still 尚未审结."""
    others = {(g.key, key): report.values[f"reviews.{g.key}.{key}"] for g in spec.REVIEW_GROUPS
              for key in spec.REVIEW_KEYS if key != "upheld" and report.values[f"reviews.{g.key}.{key}"]}
    if not others:
        return
    shown = "、".join(f"{label(report, ('reviews',) + cell)} {n} 件" for cell, n in others.items())
    for path, text in narrative_texts(report):
        m = _ALL_UPHELD.search(text)
        if m:
            labels = (label(report, path),) + tuple(label(report, ("reviews",) + cell) for cell in others)
            yield finding(report, "N8", path, f"正文写“{m.group(0)}”，但表格四中有 {shown}；请改正正文的说法",
                           {".".join(cell): n for cell, n in others.items()}, labels)
