"""What a template package may not carry, checked wherever a template is used: by the renderer
before it compiles one (so no path around `make-report template check` exists) and by the
check itself, with the same rules and messages.

    problems, trees = package_problems(parts)    # parts: {name: bytes} of the .docx

- M1: every XML part parses strictly, without a DOCTYPE (entities, external DTDs);
- M9: no relationship points outside the package (a remote attached template, which is how
  macros are loaded into a document when it is opened; linked images and links, which tell a
  server who opened the report);
- M10: no field that reads or runs something outside the document (`DDE`, `DDEAUTO`,
  `INCLUDETEXT`, `INCLUDEPICTURE`, `LINK`…), no macros or ActiveX controls;
- M2: every tag opens and closes in one paragraph (an unclosed `{{ agency ` would swallow the
  text up to the next tag), and a part holds at most `sandbox.MAX_BRACES` `{` (docxtpl's
  tag joining is quadratic in them).

`rendered_problems` checks a part after rendering, for fields a template made from text.
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import Problem
from .ooxml import field_instructions, paragraph_texts
from .package import UnsafeXML, external_targets, parse_xml
from .rules import RULES
from .sandbox import MAX_BRACES

#: the parts that may hold tags: the body, headers, footers and footnotes
TEMPLATED_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")
#: fields that read or run something outside the document when it is opened or updated
DANGEROUS_FIELDS = frozenset({"DDE", "DDEAUTO", "INCLUDETEXT", "INCLUDEPICTURE", "INCLUDE", "IMPORT", "LINK",
                              "DATABASE", "HYPERLINK"})
#: parts that hold code: macros, ActiveX controls
_CODE_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/.*)$", flags=re.IGNORECASE)
_TAG = re.compile(r"{{|{%|{#")
_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _problem(rule: str, where: str, message: str) -> Problem:
    return RULES[rule].problem(where, (), message)


def package_problems(parts: dict[str, bytes]) -> tuple[list[Problem], dict[str, object]]:
    """What is wrong with a template's parts, and the parsed XML parts (by name)."""
    problems: list[Problem] = []
    trees: dict[str, object] = {}
    for name in sorted(parts):
        if _CODE_PARTS.search(name):
            problems.append(_problem("M10", name, "模板中有宏或 ActiveX 控件；报告中不能有可以运行的代码，请删除后另存为 .docx"))
        if not name.endswith((".xml", ".rels")):
            continue
        try:
            trees[name] = parse_xml(parts[name])
        except UnsafeXML:
            problems.append(_problem("M1", name, "XML 中有 DOCTYPE 声明（可定义实体、引用外部文件）；Word 文档不需要它，"
                                     "请用 Word 或 WPS 重新保存，或换回原模板"))
        except etree.XMLSyntaxError as exc:
            problems.append(_problem("M1", name, f"XML 不合法（第 {exc.lineno} 行第 {exc.position[1]} 列：{exc.msg}）；"
                                     f"请用 Word 或 WPS 重新保存，或换回原模板"))
    for name, tree in trees.items():
        if name.endswith(".rels"):
            problems += [_problem("M9", name, f"引用了模板以外的文件或网址 {target!r}（远程模板、链接的图片或超链接）；"
                                  f"请删除，或把图片嵌入文档") for target in external_targets(tree)]
        else:
            problems += fields_problems(name, tree)
        if TEMPLATED_PARTS.fullmatch(name):
            problems += _tag_problems(name, tree, parts[name])
    return problems, trees


def fields_problems(name: str, tree) -> list[Problem]:
    """M10 for the fields of one XML part that read or run something outside the document."""
    problems = []
    for instruction in field_instructions(tree):
        words = instruction.split()
        kind = words[0].upper() if words else ""
        if kind == "HYPERLINK" and "\\l" in words[1:2]:
            continue  # a link to a bookmark of the document itself
        if kind in DANGEROUS_FIELDS:
            shown = " ".join(words)[:60]
            problems.append(_problem("M10", name, f"有域代码 “{shown}”：{kind} 域会在打开或更新时读取外部文件、网址或运行程序；"
                                     f"请在 Word 中选中它按 Ctrl+Shift+F9 转为文字，或删除"))
    return problems


def _tag_problems(name: str, tree, blob: bytes) -> list[Problem]:
    braces = blob.count(b"{")
    if braces > MAX_BRACES:
        return [_problem("M2", name, f"有 {braces} 个“{{”，超过 {MAX_BRACES} 个；模板中不会有这么多标签")]
    problems = []
    for text in paragraph_texts(tree):
        unclosed = _unclosed_tag(text)
        if unclosed:
            problems.append(_problem("M2", name, f"标签 “{unclosed}” 没有闭合（缺少 {_CLOSE[unclosed[:2]]}）；"
                                     f"一个标签必须在同一段中开始和结束"))
    return problems


def _unclosed_tag(text: str) -> str:
    """The first tag of a paragraph's text that does not close before the next one opens."""
    position = 0
    while True:
        opened = _TAG.search(text, position)
        if opened is None:
            return ""
        closer = text.find(_CLOSE[opened.group()], opened.end())
        following = _TAG.search(text, opened.end())
        if closer < 0 or (following is not None and following.start() < closer):
            end = following.start() if following is not None and (closer < 0 or following.start() < closer) else len(text)
            return text[opened.start():end][:40].rstrip()
        position = closer + 2


def rendered_problems(name: str, tree) -> list[Problem]:
    """What a rendered part may not hold, whatever its template's text: dangerous fields."""
    return fields_problems(name, tree)
