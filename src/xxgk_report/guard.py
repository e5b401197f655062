"""What a template package may not carry, checked wherever a template is used: by the renderer
before it compiles one (so no path around `make-report template check` exists) and by the
check itself, with the same rules and messages.

    problems, trees = package_problems(parts)    # parts: {name: bytes} of the .docx

- M1: every part has a plain name (no `..`, no absolute path), every XML part (by its name or
  its content type, whatever the case of its letters) parses strictly, without a DOCTYPE;
  a part that holds tags is at most `MAX_TEMPLATED_PART`;
- M9: no relationship points outside the package (a remote attached template, which is how
  macros are loaded into a document when it is opened; linked images and links, which tell a
  server who opened the report);
- M10: only the fields a report uses (page numbers, dates, references…), none nested in
  another field's instruction (how DDE is hidden); no macros, ActiveX controls, embedded
  objects or imported chunks (altChunk);
- M2: tags stand in the text only, each opening and closing in one paragraph and short (an
  unclosed `{{ agency ` would swallow the text up to the next tag; a `{#` in an attribute the
  headings after it), and a part holds at most `syntax.MAX_BRACES` `{` (docxtpl's tag
  joining is quadratic in them, cubic in a tag's length).

`rendered_problems` checks a part after rendering, for fields a template made from text.
"""

from __future__ import annotations

import re
from typing import Optional

from lxml import etree

from .errors import Problem
from .ooxml import field_instructions, paragraph_texts
from .package import UnsafeXML, content_types, parse_xml, relationships
from .rules import RULES
from .syntax import MAX_BRACES

#: the parts that may hold tags: the body, headers, footers and footnotes
TEMPLATED_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
#: the largest part holding tags (the default template's body is 90 KB)
MAX_TEMPLATED_PART = 4 * 1024 * 1024
#: the longest tag, in characters of text, and in bytes of XML between its braces
MAX_TAG_TEXT = 300
MAX_TAG_SPAN = 4000
#: the fields a report may hold; any other field may read or run something outside it
#: (DDE, DDEAUTO, INCLUDETEXT, INCLUDEPICTURE, LINK, IMPORT, DATABASE, MACROBUTTON…)
SAFE_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "CREATEDATE", "SAVEDATE",
                         "PRINTDATE", "TITLE", "SUBJECT", "AUTHOR", "KEYWORDS", "COMMENTS", "NUMWORDS", "NUMCHARS",
                         "REF", "PAGEREF", "NOTEREF", "SEQ", "STYLEREF", "TOC", "TC", "SYMBOL", "EQ", "ADVANCE"})
_INTERNAL_LINK = re.compile(r'HYPERLINK\s+\\l\s+"[^"]*"\s*', flags=re.IGNORECASE)
#: what may run code or pull content in when a document is opened: by content type or relationship
_CODE = re.compile(r"vbaProject|vbaData|activeX|macroEnabled|oleObject|/package$|aFChunk|ms-office\.vba",
                   flags=re.IGNORECASE)
_TAGS = ("{{", "{%", "{#", "}}", "%}", "#}")
_TAG = re.compile(r"{{|{%|{#")
_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _problem(rule: str, where: str, message: str) -> Problem:
    return RULES[rule].problem(where, (), message)


def _bad_name(name: str) -> bool:
    segments = name.split("/")
    return name.startswith("/") or "\\" in name or any(s in ("", ".", "..") for s in segments) \
        or any(ord(ch) < 32 for ch in name)


def package_problems(parts: dict[str, bytes]) -> tuple[list[Problem], dict[str, object]]:
    """What is wrong with a template's parts, and the parsed XML parts (by name)."""
    problems: list[Problem] = []
    types = content_types(parts.get("[Content_Types].xml"))
    trees: dict[str, object] = {}
    for name in sorted(parts):
        kind = types(name)
        if _bad_name(name):
            problems.append(_problem("M1", repr(name), "部分的名称不合法（含有 ..、绝对路径或反斜杠）；这不是 Word 保存的文件"))
        if _CODE.search(name) or _CODE.search(kind):
            problems.append(_problem("M10", name, "模板中有宏、ActiveX 控件或嵌入的对象；报告中不能有可以运行的代码，"
                                     "请删除后另存为 .docx"))
        if name.lower().endswith((".xml", ".rels")) or kind.endswith("xml"):
            tree, problem = _parsed(name, parts[name])
            if tree is not None:
                trees[name] = tree
            problems += [problem] if problem else []
    for name, tree in trees.items():
        problems += _relationship_problems(name, tree) if name.lower().endswith(".rels") else fields_problems(name, tree)
        if TEMPLATED_PARTS.fullmatch(name):
            problems += _tag_problems(name, tree, parts[name])
    return problems, trees


def _parsed(name: str, blob: bytes) -> tuple[object, Optional[Problem]]:
    try:
        return parse_xml(blob), None
    except UnsafeXML:
        return None, _problem("M1", name, "XML 中有 DOCTYPE 声明（可定义实体、引用外部文件）；Word 文档不需要它，"
                              "请用 Word 或 WPS 重新保存，或换回原模板")
    except etree.XMLSyntaxError as exc:
        return None, _problem("M1", name, f"XML 不合法（第 {exc.lineno} 行第 {exc.position[1]} 列：{exc.msg}）；"
                              f"请用 Word 或 WPS 重新保存，或换回原模板")


def _relationship_problems(name: str, rels) -> list[Problem]:
    problems = []
    for kind, target, external in relationships(rels):
        if external or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|\\\\|//", target):
            problems.append(_problem("M9", name, f"引用了模板以外的文件或网址 {target!r}（远程模板、链接的图片或超链接）；"
                                     f"请删除，或把图片嵌入文档"))
        elif _CODE.search(kind):
            problems.append(_problem("M10", name, f"引用了宏、控件、嵌入的对象或导入的内容（{kind.rsplit('/', 1)[-1]}）；"
                                     f"报告中不能有，请删除"))
    return problems


def fields_problems(name: str, tree) -> list[Problem]:
    """M10 for the fields of one XML part that are not of the kinds a report uses."""
    problems = []
    for instruction, nested in field_instructions(tree):
        words = instruction.split()
        kind = words[0].upper().lstrip("\\") if words else ""
        shown = " ".join(words)[:60]
        if nested:
            problems.append(_problem("M10", name, f"域代码 “{shown}” 中嵌套了另一个域（可用来拼出 DDE、INCLUDETEXT 等"
                                     f"危险的域）；请在 Word 中选中它按 Ctrl+Shift+F9 转为文字，或删除"))
        elif kind not in SAFE_FIELDS and not _INTERNAL_LINK.fullmatch(instruction.strip()):
            problems.append(_problem("M10", name, f"有域代码 “{shown}”：{kind or '空'} 域可能在打开或更新时读取外部文件、"
                                     f"网址或运行程序；请在 Word 中选中它按 Ctrl+Shift+F9 转为文字，或删除"))
    return problems


def _tag_problems(name: str, tree, blob: bytes) -> list[Problem]:
    if len(blob) > MAX_TEMPLATED_PART:
        return [_problem("M1", name, f"有 {len(blob) // 2**20} MB，超过 {MAX_TEMPLATED_PART // 2**20} MB；模板的正文不会这么大")]
    braces = blob.count(b"{")
    if braces > MAX_BRACES:
        return [_problem("M2", name, f"有 {braces} 个“{{”，超过 {MAX_BRACES} 个；模板中不会有这么多标签")]
    texts = paragraph_texts(tree)
    joined = "".join(texts)
    outside = [tag for tag in _TAGS if blob.count(tag.encode()) > joined.count(tag)]
    if outside:
        return [_problem("M2", name, f"“{outside[0]}”写在了正文文字以外（属性、注释或域代码中）；标签只能写在正文文字中")]
    problems = [_problem("M2", name, message) for message in filter(None, map(_paragraph_tags, texts))]
    long_span = _longest_span(blob)
    if long_span > MAX_TAG_SPAN:
        problems.append(_problem("M2", name, f"有一个标签从开始到结束跨越 {long_span} 字节的内容，超过 {MAX_TAG_SPAN}；"
                                 f"请检查是否缺少结束符"))
    return problems


def _paragraph_tags(text: str) -> str:
    """What is wrong with the tags of one paragraph's text, or ""."""
    position = 0
    while True:
        opened = _TAG.search(text, position)
        if opened is None:
            return ""
        closer = text.find(_CLOSE[opened.group()], opened.end())
        following = _TAG.search(text, opened.end())
        if closer < 0 or (following is not None and following.start() < closer):
            end = following.start() if following is not None and (closer < 0 or following.start() < closer) else len(text)
            shown = text[opened.start():end][:40].rstrip()
            return f"标签 “{shown}” 没有闭合（缺少 {_CLOSE[opened.group()]}）；一个标签必须在同一段中开始和结束"
        if closer + 2 - opened.start() > MAX_TAG_TEXT:
            return f"标签 “{text[opened.start():opened.start() + 40]}…” 长达 {closer + 2 - opened.start()} 个字符，超过 {MAX_TAG_TEXT} 个"
        position = closer + 2


def _longest_span(blob: bytes) -> int:
    """The most bytes between an opening brace pair and its closing one, in the raw XML."""
    longest, position = 0, 0
    while True:
        opened = re.compile(rb"{{|{%|{#").search(blob, position)
        if opened is None:
            return longest
        closer = blob.find(_CLOSE[opened.group().decode()].encode(), opened.end())
        if closer < 0:
            return max(longest, len(blob) - opened.start())
        longest = max(longest, closer - opened.start())
        position = closer + 2


def rendered_problems(name: str, tree) -> list[Problem]:
    """What a rendered part may not hold, whatever its template's text: fields not allowed."""
    return fields_problems(name, tree)
