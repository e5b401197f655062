"""Rendering a validated `Report` into .docx bytes from a docxtpl template, safely,
reproducibly and fast.

A template is compiled once (`load_template`): docxtpl's `patch_xml` joins the tags Word
split across runs, Jinja compiles each part that holds tags, and the compiled code is kept
in the machine's cache (`code_cache`), so a new process does neither again. Rendering a
report is then: fill each compiled part in the sandbox (`jinja_environment`), parse the
result strictly (broken XML is an error, never repaired), fit the 发文机关标志, write
docProps/core.xml from the data, and zip the parts with fixed times. What docxtpl's
`render` would add on top is not needed here: its recovering parse (which hides broken XML),
its rewriting of `\\n`, `\\t`, `\\a`, `\\f` and `{_{` in the output (data text never
holds them: the model joins lines and removes control characters), and document
properties read as templates.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import jinja2
from lxml import etree

from . import code_cache, spec
from .errors import Problem, TemplateError, count_errors
from .files import InputError, read_zip
from .guard import TEMPLATED_PARTS, package_problems, rendered_problems
from .model import Paragraph, Report
from .ooxml import (
    UnsafeXML,
    deterministic_zip,
    element,
    paragraph_properties,
    parse_xml,
    run,
    run_properties,
    set_run_size,
    xml_text,
    zip_parts,
)
from .sandbox import CODE_VERSION, compile_template, jinja_environment
from .sandbox import render as render_part

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


DRAFT_MARK = "草稿"
_DRAFT_COLOR = "C00000"


def _draft_header():
    """The header of every page of a draft: 「草稿」 in red 黑体 三号, centred."""
    return element("w:p", children=[
        paragraph_properties(jc="center"),
        run(DRAFT_MARK, rpr=run_properties("黑体", 32, bold=True, color=_DRAFT_COLOR)),
    ])


def draft_summary(findings: list[Problem]) -> str:
    """The first line of a draft: how many errors and warnings it has."""
    errors = count_errors(findings)
    return (f"{DRAFT_MARK}：本稿有 {errors} 处错误、{len(findings) - errors} 处警告，"
            f"改正后才能定稿印发。" if findings else f"{DRAFT_MARK}：未经审核定稿，不得印发。")


def _draft_notice(findings: list[Problem]) -> list:
    """Paragraphs that open a draft: what is wrong with it, then a page break."""
    lines = [draft_summary(findings)] + [str(f) for f in findings]
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


# ---------------------------------------------------------------------------
# Compiling a template: once per process, and once per machine through the cache

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class CompiledTemplate:
    """A template ready to fill: its package's entries, and the compiled Jinja template of
    every part that holds tags. Made once per template file per process (`load_template`)."""

    path: Path
    parts: dict[str, bytes]
    templates: dict[str, jinja2.Template]
    #: type size (half-points) of the 发文机关标志 style, if the template has one
    letterhead_size: Optional[int]
    #: whether the body names that style at all (most templates do not: nothing to fit)
    letterhead: bool = False


def load_template(path: Path) -> CompiledTemplate:
    """The compiled template of a .docx file (cached while the file is unchanged)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateError(f"无法读取模板 {path}（{exc.strerror}）") from None
    return _load_template(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _load_template(path: str, size: int, mtime: int) -> CompiledTemplate:
    del size, mtime  # part of the cache key only
    try:
        parts = read_zip(Path(path), "模板")
    except InputError as exc:
        raise TemplateError(str(exc)) from None
    problems, _ = package_problems(parts)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise TemplateError(f"模板 {path} 有 {len(errors)} 处问题，不能使用"
                            f"（make-report template check 可单独检查模板）。", tuple(errors))
    env = jinja_environment()
    templates = {name: _compile(env, name, blob) for name, blob in parts.items()
                 if TEMPLATED_PARTS.fullmatch(name) and b"{" in blob}
    return CompiledTemplate(Path(path), parts, templates, _style_size(parts.get("word/styles.xml"), LETTERHEAD_STYLE),
                            LETTERHEAD_STYLE.encode() in parts.get("word/document.xml", b""))


def _compile(env: jinja2.Environment, name: str, blob: bytes) -> jinja2.Template:
    """The Jinja template of one part: docxtpl's `patch_xml` (joins the tags Word split
    across runs), then the sandbox's checks and Jinja's compiler; all skipped when the
    cache has the code (it only ever holds code that passed them)."""
    code = code_cache.load(blob, CODE_VERSION)
    if code is None:
        # docxtpl is imported only for a template this machine has not compiled yet
        from docxtpl import DocxTemplate
        code = compile_template(env, DocxTemplate.patch_xml(None, xml_text(blob)), name)
        code_cache.store(blob, code, CODE_VERSION)
    return env.template_class.from_code(env, code, env.make_globals(None))


def _style_size(styles: Optional[bytes], style_id: str) -> Optional[int]:
    if styles is None:
        return None
    root = parse_xml(styles)
    for style in root.iter(f"{_W}style"):
        if style.get(f"{_W}styleId") == style_id:
            size = style.find(f"{_W}rPr/{_W}sz")
            return int(size.get(f"{_W}val")) if size is not None else None
    return None


# ---------------------------------------------------------------------------
# Rendering


def core_properties(report: Report) -> bytes:
    """docProps/core.xml from the data, so that the same data gives the same bytes."""
    stamp = report.date or dt.date(report.year + 1, 1, 1)
    when = f"{stamp.isoformat()}T00:00:00Z"
    values = [
        ("dc:title", report.title), ("dc:subject", spec.REPORT_NAME), ("dc:creator", report.agency),
        ("cp:keywords", f"政府信息公开;{report.year}"), ("dc:description", ""),
        ("cp:lastModifiedBy", report.agency), ("cp:revision", "1"), ("dcterms:created", when),
        ("dcterms:modified", when), ("cp:category", ""), ("dc:language", "zh-CN"),
    ]
    root = etree.Element(f"{{{_CORE_NS['cp']}}}coreProperties", nsmap=_CORE_NS)
    for tag, text in values:
        prefix, local = tag.split(":")
        node = etree.SubElement(root, f"{{{_CORE_NS[prefix]}}}{local}")
        node.text = text
        if prefix == "dcterms":
            node.set(f"{{{_CORE_NS['xsi']}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}

#: the style of a 发文机关标志 (templates/letterhead.docx; keep it in a custom template too)
LETTERHEAD_STYLE = "Letterhead"


def fit_letterhead(document, style_size: Optional[int]) -> None:
    """Shrink a 发文机关标志 that would not fit on one line of the 版心 (a long agency name
    at 小初 is wider than 156 mm): its type size becomes the largest that fits."""
    sect = document.find(f"{_W}body/{_W}sectPr")
    size_node, margins = sect.find(f"{_W}pgSz"), sect.find(f"{_W}pgMar")
    width_twips = int(size_node.get(f"{_W}w")) - int(margins.get(f"{_W}left")) - int(margins.get(f"{_W}right"))
    for p in document.iter(f"{_W}p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{_W}t")).strip()
        if style is None or style.get(f"{_W}val") != LETTERHEAD_STYLE or not text:
            continue
        runs = p.findall(f"{_W}r")
        sizes = [int(s.get(f"{_W}val")) for s in (r.find(f"{_W}rPr/{_W}sz") for r in runs) if s is not None]
        size = max(sizes) if sizes else style_size
        fit = int(width_twips / 10 / _width(text))  # half-points: twips / 20 pt × 2
        if size is None or fit < size:
            for r in runs:
                set_run_size(r, fit)


def render_docx(report: Report, template: Path, draft: Optional[list[Problem]] = None) -> bytes:
    """Return the .docx bytes of `report` rendered with the template file `template`;
    with `draft` (the findings of the checks), a draft that lists them."""
    compiled = load_template(template)
    context = report_context(report)
    parts = dict(compiled.parts)
    for name, part_template in compiled.templates.items():
        xml = render_part(part_template, context)
        try:
            tree = parse_xml(xml.encode("utf-8"))
        except (etree.XMLSyntaxError, UnsafeXML) as exc:
            raise TemplateError(f"模板渲染后的 {name} 不是合法的 XML（{exc}）；请检查模板") from None
        problems = rendered_problems(name, tree)
        if problems:
            raise TemplateError(f"模板 {template} 生成的 {name} 有不允许的内容。", tuple(problems))
        if name == "word/document.xml" and compiled.letterhead:
            fit_letterhead(tree, compiled.letterhead_size)
        parts[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
    if "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = core_properties(report)
    blob = zip_parts(parts)
    return _as_draft(blob, draft) if draft is not None else blob


def _as_draft(blob: bytes, findings: list[Problem]) -> bytes:
    import docx  # python-docx, for the header parts a draft adds
    document = docx.Document(io.BytesIO(blob))
    mark_draft(document, findings)
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue())
