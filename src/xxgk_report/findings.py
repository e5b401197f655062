"""What every check writes its findings with: a finding of a rule at a key path, labelled
with the official labels; the narrative's text as the checks match it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

from .errors import Problem
from .model import Report, field_label, format_path
from .rules import RULES


def label(report: Report, path: tuple) -> str:
    """The official label of a key path of `report`'s format."""
    return field_label(path, report.format)


def finding(report: Report, rule: str, path: tuple, message: str, values: Optional[dict] = None,
            labels: Optional[tuple[str, ...]] = None) -> Problem:
    """A finding of `rule` about the value or text at `path` (labelled from the spec unless
    `labels` are given)."""
    if labels is None:
        found = label(report, path)
        labels = (found,) if found else ()
    return RULES[rule].problem(format_path(path), labels, message, values)


def normalize(text: str) -> str:
    """Text as matched by the checks: NFKC (full-width digits and punctuation folded) and
    no whitespace (published text puts spaces around numbers: 「17 件」)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def narrative_texts(report: Report) -> list[tuple[tuple, str]]:
    """(key path, normalized text) of every narrative paragraph, its heading included;
    normalized once per report, however many checks read it."""
    global _last
    if _last[0] is not report:
        texts = [(p.path, normalize(p.heading + p.text)) for paragraphs in report.narrative.values()
                 for p in paragraphs]
        _last = (report, texts)
    return _last[1]


#: the last report whose texts were normalized, and its texts (a report is checked by one
#: check after another: each reads them)
_last: tuple = (None, [])


def section_text(report: Report, key: str) -> str:
    """The whole text of a narrative section ("problems", "proactive.text"…)."""
    return "".join(p.heading + p.text for p in report.narrative[key])
