"""The data fields a template's tags name, and what they may not do: a walk of the parsed
templates (`jinja2.visitor.NodeVisitor`), with the names the template defines itself
({% set %}, loop variables, macro arguments) in scopes.

    refs = References()
    refs.visit(env.parse(source))
    refs.paths, refs.loops, refs.unsafe, refs.filters
    refs.unknown_fields(context_schema(fmt))    # M3: fields the data does not have
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Union

from jinja2 import nodes
from jinja2.visitor import NodeVisitor

from . import spec
from .context import PARAGRAPH_FIELDS, context_schema
from .errors import Problem
from .rules import RULES


class _Defined:
    """A name the template defines itself (a {% set %}, a macro argument): not a field."""


@dataclass(frozen=True)
class _Item:
    """A loop variable: an item of the list at `path` (from the context's root)."""

    path: tuple[str, ...]


Binding = Union[_Defined, _Item]
DEFINED = _Defined()


def _names(target: nodes.Node) -> list[str]:
    """The names an assignment target binds: `p`, or `a, b`."""
    if isinstance(target, nodes.Name):
        return [target.name]
    return [n.name for n in target.find_all(nodes.Name)]


def _chain(node: nodes.Node) -> Optional[tuple[str, list[str]]]:
    """`a.b["c"]` → ("a", ["b", "c"]); None when not a plain chain of names."""
    keys: list[str] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            keys.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, (str, int)):
            keys.append(str(node.arg.value))
        else:
            return None
        node = node.node
    if not isinstance(node, nodes.Name):
        return None
    return node.name, keys[::-1]


class References(NodeVisitor):
    """Walks parsed templates, collecting the data fields their tags name."""

    def __init__(self) -> None:
        #: every field path named, as a tuple of keys from the context root
        self.paths: set[tuple[str, ...]] = set()
        #: paths looped over with {% for %}
        self.loops: set[tuple[str, ...]] = set()
        #: (path as written, path from the root, "[]" for a list's item) for later checking
        self.named: list[tuple[str, tuple[str, ...]]] = []
        self.unsafe: list[str] = []
        #: names of the filters used
        self.filters: set[str] = set()
        #: the names defined, innermost scope last (a {% for %} or macro body has its own)
        self.scopes: list[dict[str, Binding]] = [{}]

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> None:
        for child in node.iter_child_nodes():
            self.visit(child)

    def _bound(self, name: str) -> Optional[Binding]:
        return next((scope[name] for scope in reversed(self.scopes) if name in scope), None)

    def _inside(self, bindings: dict[str, Binding], body: list[nodes.Node]) -> None:
        self.scopes.append(bindings)
        for child in body:
            self.visit(child)
        self.scopes.pop()

    def _refused(self, node: nodes.Node) -> None:
        kind = type(node).__name__.lower().replace("fromimport", "from … import")
        self.unsafe.append(f"不允许 {{% {kind} %}}：模板不能读取其他文件")

    visit_Include = visit_Import = visit_FromImport = visit_Extends = _refused

    def visit_For(self, node: nodes.For) -> None:
        self.visit(node.iter)
        target = self._resolve(node.iter)
        if target is not None:
            self.loops.add(target)
        item: Binding = _Item(target) if target is not None else DEFINED
        bindings: dict[str, Binding] = {"loop": DEFINED, **{name: item for name in _names(node.target)}}
        self._inside(bindings, node.body + node.else_ + ([node.test] if node.test else []))

    def visit_Assign(self, node: Union[nodes.Assign, nodes.AssignBlock]) -> None:
        for name in _names(node.target):
            self.scopes[-1][name] = DEFINED
        self.generic_visit(node)

    visit_AssignBlock = visit_Assign

    def visit_With(self, node: nodes.With) -> None:
        for value in node.values:
            self.visit(value)
        self._inside({name: DEFINED for target in node.targets for name in _names(target)}, node.body)

    def visit_Macro(self, node: Union[nodes.Macro, nodes.CallBlock]) -> None:
        if isinstance(node, nodes.Macro):
            self.scopes[-1][node.name] = DEFINED
        else:
            self.visit(node.call)
        names = [a.name for a in node.args] + ["varargs", "kwargs", "caller"]
        self._inside(dict.fromkeys(names, DEFINED), node.body)

    visit_CallBlock = visit_Macro

    def visit_Pow(self, node: nodes.Pow) -> None:
        self.unsafe.append("不允许乘方运算（**）")
        self.generic_visit(node)

    def visit_Filter(self, node: nodes.Filter) -> None:
        self.filters.add(node.name)
        self.generic_visit(node)

    def visit_Name(self, node: nodes.Node) -> None:
        if _chain(node) is None:
            self._internal(node)
            return self.generic_visit(node)
        self._resolve(node)
        if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
            self.visit(node.arg)

    visit_Getattr = visit_Getitem = visit_Name

    def _internal(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            self.unsafe.append(f"不允许访问内部属性 .{node.attr}")
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and str(node.arg.value).startswith("_"):
            self.unsafe.append(f"不允许访问内部属性 [{node.arg.value!r}]")

    def _resolve(self, node: nodes.Node) -> Optional[tuple[str, ...]]:
        """Record the field a chain names; return its path from the context root (None if
        it starts from a name the template defines)."""
        chain = _chain(node)
        if chain is None:
            return None
        root, keys = chain
        unsafe = [k for k in [root, *keys] if k.startswith("_")]
        if unsafe:
            self.unsafe.append(f"不允许访问内部属性 {unsafe[0]}")
            return None
        written, bound = (root, *keys), self._bound(root)
        if bound is DEFINED:
            return None
        if isinstance(bound, _Item):  # a loop variable: an item of a list
            full = (*bound.path, "[]", *keys)
            self.named.append((".".join(written), full))
            return full
        self.named.append((".".join(written), written))
        self.paths.add(written)
        return written

    def unknown_fields(self, schema: dict[str, Any]) -> list[Problem]:
        """M3: the fields named that the data does not have, each once, with a suggestion."""
        known = sorted(_flatten(schema))
        problems, seen = [], set()
        for written, full in self.named:
            _, bad = walk(schema, full)
            if bad is None or written in seen:
                continue
            seen.add(written)
            problems.append(RULES["M3"].problem("模板标签", (), _unknown_message(written, full, bad, known, schema)))
        return problems


def _flatten(schema: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            yield prefix + key
            yield from _flatten(value, prefix + key + ".")
    elif isinstance(schema, list):
        yield from _flatten(schema[0], prefix)


def walk(schema: Any, path: tuple[str, ...]) -> tuple[Any, Optional[int]]:
    """Follow `path` through a context schema ("[]" or a number: an item of a list): the node
    reached, and the index of the first key the schema does not have (None: all found)."""
    node = schema
    for i, key in enumerate(path):
        if isinstance(node, list) and (key == "[]" or key.isdigit()):
            node = node[0]
        elif key != "[]" and isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return node, i
    return node, None


def _unknown_message(written: str, full: tuple[str, ...], bad: int, known: list[str],
                     schema: dict[str, Any]) -> str:
    shown_path = ".".join(k for k in full if k != "[]")
    if "[]" in full:  # a field of a loop item: a paragraph has kind, heading, text
        fields = "、".join(PARAGRAPH_FIELDS)
        return f"字段 {written} 不存在：循环中的每一段只有 {fields}"
    parent, _ = walk(schema, full[:bad])
    if isinstance(parent, list):
        name = ".".join(full[:bad])
        return f"{name} 是段落列表，没有 “{full[bad]}”；请在循环中使用：{{%p for p in {name} %}} … {{%p endfor %}}"
    close = difflib.get_close_matches(shown_path, known, n=1, cutoff=0.6)
    hint = f"；是否应为 {close[0]}？" if close else ""
    if bad == 0:
        return f"字段 {written} 不存在（数据中没有 “{full[0]}”）{hint}"
    return f"字段 {written} 不存在（“{'.'.join(full[:bad])}” 下没有 “{full[bad]}”）{hint}"


def format_of(paths: set[tuple[str, ...]]) -> tuple[Optional[int], bool]:
    """The format whose 二 fields the template names, and whether it names fields that only
    the other format has too. A field neither has (a typo) decides nothing."""
    fields = {p for p in paths if p[0] == "proactive" and len(p) > 1 and p[1] != "text"}
    only = {year: {p for p in fields if walk(context_schema(fmt), p)[1] is None
                   and any(walk(context_schema(other), p)[1] is not None
                           for y, other in spec.FORMATS.items() if y != year)}
            for year, fmt in spec.FORMATS.items()}
    found = [year for year, own in only.items() if own]
    return (found[0] if len(found) == 1 else None), len(found) > 1
