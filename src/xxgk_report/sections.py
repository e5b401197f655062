"""Finding a published report's parts: its six sections, wherever and in whatever order they
stand, under the headings reports really print; its title, however it is broken; and the page
around it (a site's navigation and footer) dropped.

    blocks = normalized(read_blocks(path))      # markdown marks gone, run-together text split
    sections = split_sections(blocks)           # {"head": […], "overview": […], …}
    title, preamble, dropped = find_title(sections["head"])

A heading is its number (一、… 六、, or 1. … 6.) and the words that name the section, allowing
the variants reports use (「五、存在的主要问题及整改措施」, 「三、收到和处理政府信息公开申请
情况」 without 政府); a section is found once, in any order, and one that is not found costs
that section only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from .blocks import Para, Table

_NUMERALS = "一二三四五六"
#: the words after a section's number that say which one it is (any one of them, in order)
_HEADING_WORDS = {
    "overview": r"总体情况|总体概况|基本情况|概述",
    "proactive": r"主动公开(政府)?信息(的)?情况|主动公开(政府信息)?情况|主动公开",
    "applications": r"收到和处理(政府信息公开)?申请(的)?情况|依申请公开(政府信息)?(的)?情况|依申请公开|政府信息公开申请",
    "reviews": r"因?(政府信息公开)?(工作)?(被申请)?(行政复议[、和及与]?(提起)?(行政)?诉讼(的)?情况|行政复议|行政诉讼)",
    "problems": r"(政府信息公开(工作)?)?存在的(主要)?问题|主要问题",
    "other_matters": r"其他需要报告的事项|其他需要报告|其他事项",
}
_HEADING = {
    key: re.compile(rf"(?:{_NUMERALS[i]}\s*[、.．，]|{i + 1}\s*[、.．](?!\d))\s*(?:{words})")
    for i, (key, words) in enumerate(_HEADING_WORDS.items())
}
#: where a heading may start inside a run-together text: at its start, or after a space
_BEFORE = re.compile(r"(?:^|(?<=\s))")
#: the most characters a heading runs on after its words (「…及改进情况」)
_HEADING_TAIL = 30
_MARKDOWN = re.compile(r"^\s*(?:#{1,6}\s+|>\s+(?=\S))|\*\*(?=\S)|(?<=\S)\*\*")


def _heading_at(text: str, pos: int = 0) -> tuple[str, int] | None:
    """(section, end) of a heading at `pos`: its words, and the rest of it up to the next
    space or the end of the text when that is near."""
    for key, pattern in _HEADING.items():
        found = pattern.match(text, pos)
        if found:
            space = re.compile(r"\s").search(text, found.end())
            end = space.start() if space else len(text)
            return key, end if end - found.end() <= _HEADING_TAIL else found.end()
    return None


def normalized(blocks: list[Any]) -> list[Any]:
    """The blocks with markdown's marks removed (`## 一、总体情况`, `**…**`), and a paragraph
    that runs sections together (a crawler's one-line page, 「一、总体情况 2023年…」) split
    into its headings and the text between them."""
    out: list[Any] = []
    for block in blocks:
        if not isinstance(block, Para):
            out.append(block)
            continue
        text = _MARKDOWN.sub("", block.text) if block.line else block.text  # a text file's markdown
        pieces = _split_at_headings(text)
        if block.line and len(text) > _RUN_ON:
            pieces = [part for piece in pieces for part in _paragraphs_of(piece)]
        if len(pieces) == 1 and pieces[0] == block.text:
            out.append(block)
            continue
        out += [replace(block, text=piece, lead=block.lead if i == 0 else "") for i, piece in enumerate(pieces)]
    return out


#: a line of text longer than this that holds spaces is paragraphs run together (a crawler's)
_RUN_ON = 200
_PARAGRAPH_BREAK = re.compile(r"(?<=[。！？；!?;])\s+|\s+(?=[（(][一二三四五六七八九十]{1,3}[）)])")
_HEADING_THEN_TEXT = re.compile(r"^([（(][一二三四五六七八九十]{1,3}[）)][^\s。：:]{1,24})\s+(\S.*)$", re.DOTALL)


def _paragraphs_of(text: str) -> list[str]:
    """A run-together text cut into its paragraphs: after a sentence's end followed by a space,
    before a numbered heading （一）, after a heading that a space ends; a table's text (with
    its numbers) is left whole."""
    if len(re.findall(r"(?<!\S)\d+(?!\S)", text)) >= 6:
        return [text]
    pieces = []
    for piece in (p.strip() for p in _PARAGRAPH_BREAK.split(text)):
        found = _HEADING_THEN_TEXT.match(piece)
        pieces += [found.group(1), found.group(2)] if found else [piece]
    return [piece for piece in pieces if piece]


def _split_at_headings(text: str) -> list[str]:
    """A text cut before and after each section heading in it."""
    cuts = set()
    for pattern in _HEADING.values():
        for found in pattern.finditer(text):
            if _BEFORE.match(text, found.start()) and (found.start() == 0 or text[found.start() - 1].isspace()):
                heading = _heading_at(text, found.start())
                if heading:
                    cuts.update((found.start(), heading[1]))
    if not cuts:
        return [text]  # as it is: a line's leading space says it starts a paragraph
    edges = [0] + sorted(cuts) + [len(text)]
    pieces = [text[a:b].strip() for a, b in zip(edges, edges[1:])]
    return [piece for piece in pieces if piece] or [text]


def heading_of(text: str) -> str:
    """The section whose heading the line `text` is ("" when it is not one)."""
    plain = unicodedata.normalize("NFKC", text).strip()
    if not plain or len(plain) > 80:
        return ""
    found = _heading_at(plain)
    return found[0] if found and found[1] >= len(plain) else ""


def split_sections(blocks: list[Any]) -> dict[str, list[Any]]:
    """The blocks of each section by its key, and "head" for what comes before the first;
    a section whose heading appears again later keeps its first place (a table of contents
    aside, reports do not repeat headings)."""
    sections: dict[str, list[Any]] = {"head": []}
    current = "head"
    for block in blocks:
        if isinstance(block, Para):
            found = heading_of(block.text)
            if found and found not in sections:
                current = found
                sections[current] = []
                continue
        sections[current].append(block)
    return sections


# ---------------------------------------------------------------------------
# The title, and the page around the report

#: lines of a web page around the article: the breadcrumb, publishing data, sharing, the footer
PAGE_FURNITURE = re.compile(r"当前位置|首页>|首页›|发布(时间|日期|机构)|来源[:：]|浏览(次数|量)|点击(数|量|次数|率)|阅读(次数|量)|"
                            r"字号[:：]|【?(打印|关闭|收藏)|打印本页|关闭窗口|分享到|扫一扫|相关(链接|文章|阅读|附件)|"
                            r"版权所有|Copyright|ICP备|网站标识码|网站地图|联系我们|主办单位|承办单位|技术支持|"
                            r"公网安备|政府网站找错|无障碍|适老化|上一篇|下一篇|返回顶部|责任编辑", re.IGNORECASE)
_TITLE = re.compile(r"(?:\d{4}|[一二〇零○]{4})\s*年(?:度)?(?:[^。，,；;\d]{0,30}?政府信息公开)?\s*(?:工作)?\s*(?:年度)?\s*"
                    r"(?:报告|年报)")
_TITLE_END = re.compile(r"(年度)?(报告|年报)$")


def furniture(text: str) -> bool:
    """Whether a line is a web page's furniture (navigation, publishing data, footer)."""
    return bool(PAGE_FURNITURE.search(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))))


def find_title(head: list[Any]) -> tuple[list[Para], list[Para], list[Para]]:
    """(the title's lines, the preamble, the furniture dropped) of a report's head. The title
    is the line that names a year's report (「…2024年政府信息公开工作年度报告」, 「…年报」),
    with the short lines above it that its name was broken over, or the lines that together
    make one when it is broken in two (「…政府信息公开」 / 「工作年度报告」)."""
    paras = [b for b in head if isinstance(b, Para) and b.text.strip()]
    dropped = [p for p in paras if furniture(p.text) and len(p.text) < 200]
    paras = _title_apart([p for p in paras if p not in dropped])
    squeezed = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", p.text)) for p in paras]
    for i in range(len(paras)):
        for span in (1, 2, 3):
            joined = "".join(squeezed[i:i + span])
            if i + span > len(paras) or len(joined) > 80 or joined.endswith("。"):
                break
            if span > 1 and any(len(part) > 40 or part[-1] in "。.;；:：,，" for part in squeezed[i:i + span]):
                break  # a title broken over lines is short lines, none of them a sentence
            found = _TITLE.search(joined)
            if found and span > 1 and not (found.start() < len(squeezed[i]) and
                                           found.end() > len(joined) - len(squeezed[i + span - 1])):
                continue  # the title is not broken across these lines: one of them holds it whole
            if found and _TITLE_END.search(joined):
                end = i + span
                start = i - 1 if i and span == 1 and _broken_name(squeezed[i - 1], joined) else i
                rest = [p for p, s in zip(paras[end:], squeezed[end:]) if s != joined]  # printed twice
                return paras[start:end], rest, dropped
    return [], paras, dropped


_TITLE_AT_START = re.compile(r"^\s*([^\s，。,；;《》]{2,60}?(?:\d{4}|[一二〇零○]{4})\s*年(?:度)?\s*政府信息公开\s*(?:工作)?\s*"
                             r"(?:年度)?\s*(?:报告|年报))\s+(\S.*)$", re.DOTALL)


def _title_apart(paras: list[Para]) -> list[Para]:
    """The paragraphs, the first one split after its title when it runs on into the text (a
    crawler's one-line page: 「某局2023年度政府信息公开工作年度报告 本报告依据……」)."""
    if not paras:
        return paras
    found = _TITLE_AT_START.match(paras[0].text)
    if not found:
        return paras
    return [replace(paras[0], text=found.group(1)), replace(paras[0], text=found.group(2))] + paras[1:]


def _broken_name(above: str, line: str) -> bool:
    """Whether `above` is the agency's name over a title line that starts with the year."""
    return bool(re.match(r"\d{4}年", line)) and len(above) <= 30 and not above.endswith(("。", "：", ":"))


def is_table_like(block: Any) -> bool:
    return isinstance(block, Table)
