"""Rendering a validated `Report` into .docx bytes with docxtpl, safely and reproducibly.

docxtpl runs inside a `jinja2.sandbox.SandboxedEnvironment` with autoescape and
`StrictUndefined`. Two of docxtpl's steps are replaced: its recovering XML parse of the
rendered body (which hides broken XML) by a strict one, and its rewriting of `\\n`, `\\t`,
`\\a`, `\\f` and `{_{` in the output (data text never reaches it: the model joins lines
and removes control characters).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import jinja2
from docx.shared import Length, Pt
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment
from lxml import etree

from . import spec
from .errors import Problem, TemplateError, count_errors
from .model import Paragraph, Report
from .ooxml import deterministic_zip, element, paragraph_properties, run, run_properties

#: The filters a template may use: the others take sizes ({{ x|center(10**9) }}), mark text
#: as safe (unescaped XML), or are of no use in a report.
ALLOWED_FILTERS = frozenset({
    "abs", "attr", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join",
    "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse",
    "round", "select", "selectattr", "sort", "string", "striptags", "sum", "title", "trim", "truncate",
    "unique", "upper", "wordcount",
})
#: The most characters or items a `*` may make ({{ agency * 10**9 }} would exhaust memory).
MAX_REPEAT = 10_000


class _ReportEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox templates run in. Beyond Jinja's (no internals, no unsafe calls, and
    immutable: a template cannot change the data it prints):

    - `a.b` reads the data's key `b` before any attribute of the mapping, so that
      `{{ proactive.procurement.items }}` is the 2019 data key `items`, not `dict.items`;
    - no globals (`range`, `lipsum`, `cycler`, …): a loop can only go over the data;
    - only the filters of `ALLOWED_FILTERS`; no `**`; `*` may not build huge text or lists.
    """

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.clear()
        self.filters = {name: f for name, f in self.filters.items() if name in ALLOWED_FILTERS}

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise jinja2.exceptions.SecurityError("模板中不允许乘方运算（**）")
        sizes = [len(x) for x in (left, right) if isinstance(x, (str, list, tuple))]
        counts = [x for x in (left, right) if isinstance(x, int) and not isinstance(x, bool)]
        if sizes and counts and sizes[0] * counts[0] > MAX_REPEAT:
            raise jinja2.exceptions.SecurityError(f"模板中的重复（*）会产生超过 {MAX_REPEAT} 个字符或项")
        return super().call_binop(context, operator, left, right)


class _NoFilesLoader(jinja2.BaseLoader):
    """A template may not {% include %}, {% import %} or {% extends %} anything."""

    def get_source(self, environment, template):
        raise jinja2.exceptions.SecurityError(f"模板不能引用其他文件（{template}）")


def jinja_environment() -> SandboxedEnvironment:
    """The sandboxed, autoescaping, strict environment every template is rendered in."""
    return _ReportEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, loader=_NoFilesLoader())


class _StrictTemplate(DocxTemplate):
    """docxtpl with a strict XML parse of its output and no rewriting of rendered text."""

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        try:
            return jinja_env.from_string(src_xml).render(context)
        except jinja2.TemplateError as exc:
            raise TemplateError(_template_error_message(exc)) from None

    def fix_tables(self, xml):
        try:
            return etree.fromstring(xml)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(f"模板渲染后的 XML 不合法（{exc}）；请检查模板") from None

    def render_properties(self, context, jinja_env=None) -> None:
        """Document properties are set from the data, never evaluated as templates."""


def _template_error_message(exc: jinja2.TemplateError) -> str:
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板试图访问不安全的内容，已拒绝（{exc}）"
    if isinstance(exc, jinja2.UndefinedError):
        return f"模板引用了数据中不存在的字段（{exc}）"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板标签语法错误（第 {exc.lineno} 处附近：{exc.message}）"
    return f"模板渲染失败（{exc}）"


# ---------------------------------------------------------------------------
# Context


def format_number(value: Any) -> str:
    """Print a count or an amount in full: 12 → "12", Decimal("12.50") → "12.50"."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def format_date(date: Optional[dt.date]) -> str:
    """成文日期 in full without leading zeros: 2023-01-16 → 「2023年1月16日」."""
    return f"{date.year}年{date.month}月{date.day}日" if date else ""


#: Characters of 2号 type in one line of the 156 mm 版心.
TITLE_LINE_WIDTH = 20


def _width(text: str) -> float:
    """Printed width in full-width characters (ASCII letters and digits count half)."""
    return sum(0.5 if ch.isascii() else 1 for ch in text)


def title_lines(title: str, agency: str) -> list[str]:
    """Break a long title after the agency's name, so that no word is split across lines
    (「某某镇人民政府」 / 「2022年政府信息公开工作年度报告」)."""
    rest = title[len(agency):]
    if _width(title) <= TITLE_LINE_WIDTH or not title.startswith(agency) or not agency or not rest:
        return [title]
    return [agency, rest]


def _numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _numbers(item) for key, item in value.items()}
    return format_number(value)


def _paragraphs(paragraphs: tuple[Paragraph, ...]) -> list[dict[str, str]]:
    return [{"kind": p.kind, "heading": p.heading, "text": p.text} for p in paragraphs]


#: A paragraph of narrative, as templates see it.
PARAGRAPH_FIELDS = ("kind", "heading", "text")


@functools.lru_cache(maxsize=None)
def context_schema(fmt: spec.FormatSpec) -> dict[str, Any]:
    """The shape of `report_context` for a format: a mapping's keys map to the shape of their
    values; a list to a one-item list holding the shape of its items; text to None.
    `template_check` reads it to tell a template's fields from its typos (do not change it:
    it is cached)."""
    paragraphs = [dict.fromkeys(PARAGRAPH_FIELDS)]
    schema: dict[str, Any] = {"year": None, "agency": None, "title": None, "date": None, "title_lines": [None]}
    for key, _ in spec.NARRATIVE_FIELDS:
        if len(key) == 1:
            schema[key[0]] = paragraphs
    tables: dict[str, Any] = {key: {"text": paragraphs} for key, _ in spec.SECTIONS[1:4]}
    for table in fmt.tables():
        for cell in table.value_cells():
            node = tables
            for key in cell.field[:-1]:
                node = node.setdefault(key, {})
            node[cell.field[-1]] = None
    return {**schema, **tables}


def report_context(report: Report) -> dict[str, Any]:
    """The template context: the data's own key names, numbers as printed, paragraphs numbered."""
    context: dict[str, Any] = {
        "year": str(report.year),
        "agency": report.agency,
        "title": report.title,
        "title_lines": title_lines(report.title, report.agency),
        "date": format_date(report.date),
    }
    tables = {"proactive": report.proactive, "applications": report.applications, "reviews": report.reviews}
    for key, table in tables.items():
        context[key] = {**_numbers(table), "text": _paragraphs(report.narrative[f"{key}.text"])}
    for key, _ in spec.NARRATIVE_FIELDS:
        if len(key) == 1:
            context[key[0]] = _paragraphs(report.narrative[key[0]])
    return context


# ---------------------------------------------------------------------------
# Rendering


#: python-docx refuses document properties longer than this.
CORE_PROPERTY_LIMIT = 255


def _set_properties(document, report: Report) -> None:
    """Document properties from the data, so that the same data gives the same bytes."""
    props = document.core_properties
    props.title = report.title[:CORE_PROPERTY_LIMIT]
    props.subject = spec.REPORT_NAME
    props.author = props.last_modified_by = report.agency[:CORE_PROPERTY_LIMIT]
    props.keywords = f"政府信息公开;{report.year}"
    props.comments = props.category = ""
    props.language = "zh-CN"
    stamp = report.date or dt.date(report.year + 1, 1, 1)
    props.created = props.modified = dt.datetime(stamp.year, stamp.month, stamp.day)
    props.revision = 1


#: the style of a 发文机关标志 (templates/letterhead.docx; keep it in a custom template too)
LETTERHEAD_STYLE = "Letterhead"


def fit_letterhead(document) -> None:
    """Shrink a 发文机关标志 that would not fit on one line of the 版心 (a long agency name
    at 小初 is wider than 156 mm): its type size becomes the largest that fits."""
    section = document.sections[0]
    width_pt = Length(section.page_width - section.left_margin - section.right_margin).pt
    for p in document.paragraphs:
        if p.style is None or p.style.style_id != LETTERHEAD_STYLE or not p.text.strip():
            continue
        size = max((r.font.size for r in p.runs if r.font.size), default=None) or p.style.font.size
        fit = Pt(int(width_pt * 2 / _width(p.text.strip())) / 2)
        if size is None or fit < size:
            for r in p.runs:
                r.font.size = fit


DRAFT_MARK = "草稿"
_DRAFT_COLOR = "C00000"


def _draft_header():
    """The header of every page of a draft: 「草稿」 in red 黑体 三号, centred."""
    return element("w:p", children=[
        paragraph_properties(jc="center"),
        run(DRAFT_MARK, rpr=run_properties("黑体", 32, bold=True, color=_DRAFT_COLOR)),
    ])


def _draft_notice(findings: list[Problem]) -> list:
    """Paragraphs that open a draft: what is wrong with it, then a page break."""
    errors = count_errors(findings)
    summary = (f"{DRAFT_MARK}：本稿有 {errors} 处错误、{len(findings) - errors} 处警告，"
               f"改正后才能定稿印发。" if findings else f"{DRAFT_MARK}：未经审核定稿，不得印发。")
    lines = [summary] + [str(f) for f in findings]
    paragraphs = [
        element("w:p", children=[
            paragraph_properties(first_line_chars=0),
            run(line, rpr=run_properties("仿宋_GB2312", 24, color=_DRAFT_COLOR, bold=(i == 0))),
        ])
        for i, line in enumerate(lines)
    ]
    page_break = element("w:r", children=[element("w:br", {"w:type": "page"})])
    paragraphs.append(element("w:p", children=[page_break]))
    return paragraphs


def mark_draft(document, findings: list[Problem]) -> None:
    """Make `document` a draft: 「草稿」 in the header of every page, and the findings
    listed before the title, so that a draft never circulates silent about its errors."""
    for section in document.sections:
        headers = [section.header, section.even_page_header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        for header in headers:
            header.is_linked_to_previous = False
            root = header._element
            for child in list(root):
                root.remove(child)
            root.append(_draft_header())
    first = document.element.body[0]
    for p in _draft_notice(findings):
        first.addprevious(p)


def render_docx(report: Report, template: Path, draft: Optional[list[Problem]] = None) -> bytes:
    """Return the .docx bytes of `report` rendered with the template file `template`;
    with `draft` (the findings of the checks), a draft that lists them."""
    try:
        doc = _StrictTemplate(str(template))
        doc.render(report_context(report), jinja_environment())
    except TemplateError:
        raise
    except Exception as exc:  # a damaged .docx: zip, XML or package errors
        raise TemplateError(f"无法读取模板 {template}（{type(exc).__name__}: {exc}）") from None
    _set_properties(doc.docx, report)
    fit_letterhead(doc.docx)
    if draft is not None:
        mark_draft(doc.docx, draft)
    out = io.BytesIO()
    doc.save(out)
    return deterministic_zip(out.getvalue())
