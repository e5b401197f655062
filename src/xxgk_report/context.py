"""What a template sees: the report as a context of plain text (numbers as printed), and
the shape of that context for a format, which the template check reads.

    context = report_context(report)   # {"year": "2022", "proactive": {"rules": {"issued": "1", …}, …}, …}
    schema = context_schema(fmt)       # the same keys, each value None (text) or [item shape]

Both are loops over the spec's value fields and narrative sections.
"""

from __future__ import annotations

import functools
from typing import Any

from . import spec
from .formatting import format_date, format_number, title_lines
from .model import Paragraph, Report

#: A paragraph of narrative, as templates see it.
PARAGRAPH_FIELDS = ("kind", "heading", "text")


def _paragraphs(paragraphs: tuple[Paragraph, ...]) -> list[dict[str, str]]:
    return [{"kind": p.kind.value, "heading": p.heading, "text": p.text} for p in paragraphs]


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
    tables = spec.nest({field.key: None for field in fmt.fields})
    for key, _ in spec.SECTIONS[1:4]:
        tables[key] = {"text": paragraphs, **tables[key]}
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
    tables = spec.nest({key: format_number(value) for key, value in report.values.items()})
    for key, table in tables.items():
        context[key] = {**table, "text": _paragraphs(report.narrative[f"{key}.text"])}
    for key, _ in spec.NARRATIVE_FIELDS:
        if len(key) == 1:
            context[key[0]] = _paragraphs(report.narrative[key[0]])
    return context
