"""The narrative of a report: a section's blocks flattened into numbered paragraphs, and the
one rule for every text a data file holds (lines joined, control characters removed).

    paragraphs = narrative(data, collector)   # {"preamble": (Paragraph, …), "overview": …, …}

A section is a list of blocks: a plain paragraph (text), a run-in heading (title + text:
「（一）提升质量水平。在严格执行……」) or a heading with paragraphs (title + paragraphs).
Headings are numbered （一）（二）… in the order they appear in their section.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from . import spec
from .formatting import chinese_number
from .messages import Collector, describe, mapping
from .reader import FormulaText


class Kind(str, enum.Enum):
    """What a paragraph of narrative is."""

    BODY = "body"
    HEADING = "heading"  # a heading paragraph 「（一）主动公开」, its paragraphs follow
    RUNIN = "runin"  # a run-in heading 「（一）提升质量水平。」 and the text after it


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of narrative: a body paragraph, a heading, or a run-in heading."""

    kind: Kind
    heading: str = ""  # numbered heading text, e.g. 「（一）主动公开」 or 「（一）提升质量水平。」
    text: str = ""
    #: key path of the text in the data file, e.g. ("overview", 1, "text")
    path: tuple = ()
    #: a heading's title as the data file writes it, without its number: 「提升质量水平」
    title: str = ""


#: Characters removed from text (with a T2 warning): those XML 1.0 forbids, the other control
#: characters (DEL, C1), and the invisible format characters (zero-width spaces, the marks
#: that reverse the direction of text), which nobody can see in a report but which change it.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                      "\u2066-\u206f\ufeff\ufffe\uffff\ud800-\udfff]")
#: A title that starts with its own list number: （一） 一、 1. 1、 （1） (1)
_LIST_NUMBER = re.compile(r"^\s*([(（]\s*[一二三四五六七八九十百\d]+\s*[)）]|[一二三四五六七八九十百]+\s*[、.．]|\d+\s*[、.．](?!\d))")
#: The longest text a field may hold, in characters: a paragraph of a real report is a few
#: thousand at most; a title or a name is one line.
MAX_PARAGRAPH = 20_000
MAX_LINE = 300
#: the most paragraphs a report may have (a real one has a hundred or two)
MAX_PARAGRAPHS = 5_000


#: Chinese characters and full-width punctuation, between which no space is ever printed.
_CJK = "\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


def _join_lines(text: str) -> str:
    """Join the lines of a wrapped string: no space between Chinese, one between words.

    YAML folds the line breaks of plain and `>` scalars into spaces before we see them, so a
    space between two Chinese characters is taken for such a fold and removed too."""
    breaks = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    lines = [line.strip() for line in breaks.split("\n")]
    joined = ""
    for line in (line for line in lines if line):
        if joined and joined[-1].isascii() and joined[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            joined += " "
        joined += line
    return _SPACE_BETWEEN_CJK.sub("", joined.replace("\t", " "))


def clean_text(value: Any, path: tuple, c: Collector, required: bool = False, limit: int = MAX_PARAGRAPH) -> str:
    """Return printable text: lines joined, control characters removed (with a warning)."""
    if value is not None and (not isinstance(value, str) or isinstance(value, FormulaText)):
        c.add(path, f"应为文字，实际为 {describe(value)}")
        return ""
    if value is not None and len(value) > limit:
        c.add(path, f"文字过长：{len(value)} 个字符，最多 {limit} 个；请检查是否粘贴了整篇文档或重复的内容")
        value = value[:limit]
    found = sorted(set(_CONTROL.findall(value or "")))
    if found:
        codes = "、".join(f"U+{ord(ch):04X}" for ch in found)
        c.add(path, f"已删除控制字符 {codes}（常见于从 Word/Excel 粘贴的文字）", "T2")
        value = _CONTROL.sub("", value)
    text = _join_lines(value or "")
    if required and not text:
        c.add(path, "不能为空")
    return text


def _title(value: Any, path: tuple, c: Collector) -> str:
    title = clean_text(value, path, c, required=True, limit=MAX_LINE)
    if _LIST_NUMBER.match(title):
        c.add(path, f"标题 “{title}” 不应自带序号：（一）（二）等序号由工具按顺序自动生成，请删去")
    return title


def _blocks(value: Any, path: tuple, c: Collector) -> tuple[Paragraph, ...]:
    """Flatten a section's blocks into paragraphs, numbering headings （一）（二）…"""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        c.add(path, f"应为段落列表，实际为{describe(value)}")
        return ()
    paragraphs: list[Paragraph] = []
    number = 0
    for i, item in enumerate(items):
        if isinstance(item, dict):
            number += 1
            paragraphs.extend(_titled_block(item, path + (i,), number, c))
        else:
            text = clean_text(item, path + (i,), c)
            if text:
                paragraphs.append(Paragraph(Kind.BODY, text=text, path=path + (i,)))
            elif item is None or isinstance(item, str):
                c.add(path + (i,), "段落为空，未输出", "T1")
    return tuple(paragraphs)


def _titled_block(block: dict, path: tuple, number: int, c: Collector) -> list[Paragraph]:
    mapping(block, path, tuple(spec.BLOCK_KEYS), c)
    title = _title(block.get("title"), path + ("title",), c)
    heading = f"（{chinese_number(number)}）{title}"
    if "text" in block and "paragraphs" in block:
        c.add(path, "标题块只能有 text（标题后接正文）或 paragraphs（标题下分段）之一")
    if "text" in block:
        text = clean_text(block["text"], path + ("text",), c)
        stop = "" if heading[-1] in "。？！：" else "。"
        return [Paragraph(Kind.RUNIN, heading=heading + stop, text=text, path=path, title=title)]
    result = [Paragraph(Kind.HEADING, heading=heading, path=path + ("title",), title=title)]
    paragraphs = block.get("paragraphs")
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    if paragraphs is not None and not isinstance(paragraphs, list):
        c.add(path + ("paragraphs",), f"应为段落列表，实际为{describe(paragraphs)}")
        return result
    for j, item in enumerate(paragraphs or []):
        text = clean_text(item, path + ("paragraphs", j), c)
        if text:
            result.append(Paragraph(Kind.BODY, text=text, path=path + ("paragraphs", j)))
        elif item is None or isinstance(item, str):
            c.add(path + ("paragraphs", j), "段落为空，未输出", "T1")
    return result


def narrative(data: dict, c: Collector) -> dict[str, tuple[Paragraph, ...]]:
    """Every narrative section of the data, as numbered paragraphs, by key path."""
    sections, count = {}, 0
    for key_path, _ in spec.NARRATIVE_FIELDS:
        value: Any = data
        for key in key_path:
            value = value.get(key) if isinstance(value, dict) else None
        paragraphs = _blocks(value, key_path, c) if count <= MAX_PARAGRAPHS else ()
        count += len(paragraphs)
        if count > MAX_PARAGRAPHS and paragraphs:
            c.add(key_path, f"正文段落过多：到这一部分已有 {count} 段，全文最多 {MAX_PARAGRAPHS} 段")
        sections[".".join(key_path)] = paragraphs
    return sections
