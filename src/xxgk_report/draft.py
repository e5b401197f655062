"""Drafts: a report that may have errors, marked so that it never circulates as final.

    blob = as_draft(blob, findings)    # 「草稿」 in every page header, the findings before the title

The marking is made after the template is rendered, so it works with any template.
"""

from __future__ import annotations

import io
import re

from .errors import Problem, count_errors
from .ooxml import element, paragraph_properties, run, run_properties
from .outputs import fingerprint
from .package import BODY_PART, CORE_PART, deterministic_zip, parse_xml, xml_bytes

DRAFT_MARK = "草稿"
DRAFT_COLOR = "C00000"


def draft_header(mark: str):
    """The header paragraph of every page of a draft: `mark` in red 黑体 三号, centred."""
    return element("w:p", children=[
        paragraph_properties(jc="center"),
        run(mark, rpr=run_properties("黑体", 32, bold=True, color=DRAFT_COLOR)),
    ])


#: what XML cannot hold: a finding may quote it (an unknown key of a data file), shown escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def draft_notice(lines: list[str]) -> list:
    """Paragraphs that open a draft, red 小四 (the first bold), then a page break."""
    paragraphs = [
        element("w:p", children=[
            paragraph_properties(first_line_chars=0),
            run(_xml_safe(line), rpr=run_properties("仿宋_GB2312", 24, color=DRAFT_COLOR, bold=(i == 0))),
        ])
        for i, line in enumerate(lines)
    ]
    page_break = element("w:r", children=[element("w:br", {"w:type": "page"})])
    paragraphs.append(element("w:p", children=[page_break]))
    return paragraphs


def _replace_children(root, children) -> None:
    """Make `children` the only children of `root` (a header's w:hdr)."""
    for child in list(root):
        root.remove(child)
    for child in children:
        root.append(child)


def draft_summary(findings: list[Problem]) -> str:
    """The first line of a draft: how many errors and warnings it has."""
    errors = count_errors(findings)
    return (f"{DRAFT_MARK}：本稿有 {errors} 处错误、{len(findings) - errors} 处警告，"
            f"改正后才能定稿印发。" if findings else f"{DRAFT_MARK}：未经审核定稿，不得印发。")


def mark_draft(document, findings: list[Problem]) -> None:
    """Make `document` (python-docx) a draft: 「草稿」 in the header of every page, and the
    findings listed before the title, so that a draft never circulates silent about its errors."""
    for section in document.sections:
        headers = [section.header, section.even_page_header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        for header in headers:
            header.is_linked_to_previous = False
            _replace_children(header._element, [draft_header(DRAFT_MARK)])
    first = document.element.body[0]
    for p in draft_notice([draft_summary(findings)] + [str(f) for f in findings]):
        first.addprevious(p)


def as_draft(blob: bytes, findings: list[Problem]) -> bytes:
    """The .docx `blob` made a draft listing `findings` (python-docx adds the header parts)."""
    import docx  # python-docx, imported for drafts only
    document = docx.Document(io.BytesIO(blob))
    mark_draft(document, findings)
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), _restamp)


def _restamp(parts: dict[str, bytes]) -> None:
    """The draft's properties say the fingerprint of its own body (see `outputs.fingerprint`)."""
    if CORE_PART not in parts:
        return
    core = parse_xml(parts[CORE_PART])
    for identifier in core.iter(_IDENTIFIER):
        identifier.text = fingerprint(parts[BODY_PART])
    parts[CORE_PART] = xml_bytes(core)


_IDENTIFIER = "{http://purl.org/dc/elements/1.1/}identifier"
