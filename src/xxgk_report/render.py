"""Rendering a validated `Report` into .docx bytes from a docxtpl template, safely,
reproducibly and fast.

A template is compiled once (`load_template`): docxtpl's `patch_xml` joins the tags Word
split across runs, Jinja compiles each part that holds tags, and the compiled code is kept
in the machine's cache (`code_cache`), so a new process does neither again. Rendering a
report is then: fill each compiled part in the sandbox (`sandbox.render`), parse the result
strictly (broken XML is an error, never repaired; the bytes parsed are the bytes written,
serialized again only when the 发文机关标志 had to be shrunk to fit), write docProps/core.xml
from the data, and zip the parts with fixed times: the template's unchanged parts first,
compressed once per template, then core.xml and the filled parts. What docxtpl's
`render` would add on top is not needed here: its recovering parse (which hides broken XML),
its rewriting of `\\n`, `\\t`, `\\a`, `\\f` and `{_{` in the output (data text never
holds them: the model joins lines and removes control characters), and document
properties read as templates.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import jinja2
from lxml import etree

from . import code_cache, spec
from .context import report_context
from .outputs import REPORT_MARK, fingerprint
from .draft import as_draft
from .errors import Problem, TemplateError, os_reason
from .files import InputError, read_zip
from .formatting import text_width
from .guard import TEMPLATED_PARTS, package_problems, rendered_problems
from .model import Report
from .ooxml import fit_style_to_line, style_size
from .package import BODY_PART, CORE_PART, STYLES_PART, UnsafeXML, parse_xml, xml_bytes, xml_text, zip_parts
from .sandbox import CODE_VERSION, Budget, jinja_environment
from .sandbox import render as render_part
from .syntax import compile_template

#: the style of a 发文机关标志 (templates/letterhead.docx; keep it in a custom template too)
LETTERHEAD_STYLE = "Letterhead"

# ---------------------------------------------------------------------------
# Compiling a template: once per process, and once per machine through the cache


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
    #: the parts every report has as they are, zipped once: a report's package is these,
    #: then its docProps/core.xml and its filled parts (`zip_parts(…, after=fixed)`)
    fixed: bytes = b""


def load_template(path: Path) -> CompiledTemplate:
    """The compiled template of a .docx file (cached while the file is unchanged)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateError(f"无法读取模板 {path}（{os_reason(exc)}）") from None
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
    fixed = zip_parts({name: blob for name, blob in parts.items() if name not in templates and name != CORE_PART})
    return CompiledTemplate(Path(path), parts, templates, _letterhead_size(parts.get(STYLES_PART)),
                            LETTERHEAD_STYLE.encode() in parts.get(BODY_PART, b""), fixed)


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


def _letterhead_size(styles: Optional[bytes]) -> Optional[int]:
    return style_size(parse_xml(styles), LETTERHEAD_STYLE) if styles is not None else None


# ---------------------------------------------------------------------------
# Rendering


def core_properties(report: Report, body: bytes) -> bytes:
    """docProps/core.xml from the data (so that the same data gives the same bytes), with our
    mark and the fingerprint of the report's `body` (word/document.xml)."""
    stamp = report.date or dt.date(report.year + 1, 1, 1)
    when = f"{stamp.isoformat()}T00:00:00Z"
    values = [
        ("dc:title", report.title), ("dc:subject", spec.REPORT_NAME), ("dc:creator", report.agency),
        ("cp:keywords", f"政府信息公开;{report.year}"), ("dc:description", REPORT_MARK),
        ("cp:lastModifiedBy", report.agency), ("cp:revision", "1"), ("dcterms:created", when),
        ("dcterms:modified", when), ("cp:category", ""), ("dc:language", "zh-CN"),
        ("dc:identifier", fingerprint(body)),
    ]
    root = etree.Element(f"{{{_CORE_NS['cp']}}}coreProperties", nsmap=_CORE_NS)
    for tag, text in values:
        prefix, local = tag.split(":")
        node = etree.SubElement(root, f"{{{_CORE_NS[prefix]}}}{local}")
        node.text = text
        if prefix == "dcterms":
            node.set(f"{{{_CORE_NS['xsi']}}}type", "dcterms:W3CDTF")
    return xml_bytes(root)


_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}

def render_docx(report: Report, template: Path, draft: Optional[list[Problem]] = None) -> bytes:
    """Return the .docx bytes of `report` rendered with the template file `template`;
    with `draft` (the findings of the checks), a draft that lists them."""
    compiled = load_template(template)
    context = report_context(report)
    parts = {CORE_PART: b""} if CORE_PART in compiled.parts else {}  # written last, first in the package
    budget = Budget()  # one for the whole document, however many parts it has
    for name, part_template in compiled.templates.items():
        parts[name] = blob = render_part(part_template, context, budget).encode("utf-8")
        try:
            tree = parse_xml(blob)
        except (etree.XMLSyntaxError, UnsafeXML) as exc:
            raise TemplateError(f"模板渲染后的 {name} 不是合法的 XML（{exc}）；请检查模板") from None
        problems = rendered_problems(name, tree)
        if problems:
            raise TemplateError(f"模板 {template} 生成的 {name} 有不允许的内容。", tuple(problems))
        if name == BODY_PART and compiled.letterhead and \
                fit_style_to_line(tree, LETTERHEAD_STYLE, compiled.letterhead_size, text_width):
            parts[name] = xml_bytes(tree)
    if CORE_PART in parts:
        parts[CORE_PART] = core_properties(report, parts.get(BODY_PART) or compiled.parts.get(BODY_PART, b""))
    blob = zip_parts(parts, after=compiled.fixed)
    return as_draft(blob, draft) if draft is not None else blob
