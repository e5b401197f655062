"""What a template may say, checked before it is compiled: the language is cut down to what a
report needs, so that parsing, compiling and running it stay bounded.

- at most `MAX_TAGS` tags of at most `MAX_TAG_TOKENS` tokens each, nested at most
  `MAX_NESTING` deep (2,000 `{{` or 400 nested `(` crash Jinja's parser; 32,000 tags take it
  a minute);
- no list, tuple or dict literal holding anything but constants (so no structure can be
  built that grows by aliasing); no loop filters (`{% for … if … %}`);
- `{% include %}`, `{% import %}`, `{% extends %}` are refused by the sandbox's loader.

    code = compile_template(env, source, name)   # TemplateRefused / TemplateError, never a traceback
"""

from __future__ import annotations

import types

import jinja2
from jinja2 import nodes

from .errors import TemplateError
from .sandbox import error_message

MAX_TAGS = 2000
MAX_TAG_TOKENS = 120
MAX_NESTING = 16
#: `{` characters a part may hold before docxtpl's `patch_xml` (quadratic) ever sees it
MAX_BRACES = 6000


class TemplateRefused(TemplateError):
    """A template uses what the sandbox does not take; `reasons` says what, in Chinese."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("模板不能使用：" + "；".join(reasons))


def syntax_refusals(env: jinja2.Environment, source: str) -> list[str]:
    """Why `source` (a part's text after docxtpl's patch) is refused before parsing: too many
    tags, too long a tag, nesting too deep. Linear in its length."""
    tags = depth = tokens = 0
    deepest = longest = 0
    first = False  # the next name is a block's keyword
    try:
        for _, kind, value in env.lex(source):
            if kind in ("variable_begin", "block_begin"):
                tags, tokens, first = tags + 1, 0, kind == "block_begin"
                continue
            tokens += kind != "whitespace"
            longest = max(longest, tokens)
            if kind == "operator" and value in ("(", "[", "{"):
                depth += 1
            elif kind == "operator" and value in (")", "]", "}"):
                depth -= 1
            elif kind == "name" and first:
                depth += (value in _BLOCKS) - (value.startswith("end") and value[3:] in _BLOCKS)
            first = first and kind == "whitespace"
            deepest = max(deepest, depth)
    except jinja2.TemplateSyntaxError:
        return []  # said by the parser, with its message
    reasons = []
    if tags > MAX_TAGS:
        reasons.append(f"标签有 {tags} 个，超过 {MAX_TAGS} 个")
    if longest > MAX_TAG_TOKENS:
        reasons.append(f"有一个标签长达 {longest} 个记号，超过 {MAX_TAG_TOKENS} 个")
    if deepest > MAX_NESTING:
        reasons.append(f"括号或 {{% if %}}/{{% for %}} 嵌套 {deepest} 层，超过 {MAX_NESTING} 层")
    return reasons


_BLOCKS = frozenset({"for", "if", "macro", "call", "filter", "with", "block", "autoescape"})


def tree_refusals(tree: nodes.Template) -> list[str]:
    """Why a parsed template is refused: literals holding more than constants, loop filters."""
    reasons = []
    for node in tree.find_all((nodes.List, nodes.Tuple, nodes.Dict)):
        if isinstance(node, nodes.Tuple) and node.ctx == "store":
            continue
        items = [i for pair in node.items for i in (pair.key, pair.value)] if isinstance(node, nodes.Dict) else node.items
        if not all(isinstance(i, nodes.Const) for i in items):
            reasons.append("列表、元组或映射中只能写常量（如 ['heading', 'runin']），不能写字段或嵌套")
            break
    if any(loop.test is not None for loop in tree.find_all(nodes.For)):
        reasons.append("不允许带条件的循环（{% for … if … %}）；请在循环内用 {% if %}")
    return reasons


def compile_template(env: jinja2.Environment, source: str, name: str) -> types.CodeType:
    """The compiled code of `source`, or TemplateRefused / TemplateError with the reasons."""
    reasons = syntax_refusals(env, source)
    if reasons:
        raise TemplateRefused(reasons)
    try:
        tree = env.parse(source, name=name, filename=name)
        reasons = tree_refusals(tree)
        if reasons:
            raise TemplateRefused(reasons)
        return env.compile(tree, name=name, filename=name)
    except jinja2.TemplateError as exc:
        raise TemplateError(error_message(exc)) from None
    except RecursionError:
        raise TemplateError("模板标签嵌套过深，无法解析") from None
