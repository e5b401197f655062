"""The template check: is a .docx a template this tool can fill, for which format?

    info = inspect_template(path)      # TemplateInfo(format, problems)

It reads the template as docxtpl will (docxtpl's own `patch_xml` joins tags that Word split
across runs, drops `w:proofErr`, straightens curly quotes), parses the tags with the same
sandboxed Jinja environment the renderer uses, and compares with the spec:

- M1 every XML part is well-formed, without a DOCTYPE (see `guard`);
- M2 the tags open and close in one paragraph, parse, and stay within the sandbox's size
  limits;
- M3 every field a tag names exists in the data model (with a "did you mean");
- M4 every table value and every narrative section is printed;
- M5 the six section headings are there;
- M6 the three tables have the official grid, spans and labels;
- M7 nothing reaches outside the sandbox (`__class__`, `{% include %}`, `{% import %}`);
- M8 the fields all belong to one format (2021 or 2019);
- M9, M10 no external relationships, no fields that reach outside, no macros (`guard`);
- M11 a sample report renders within the sandbox's bounds (`sandbox`).

Rendering runs it first (the result is cached per file), so a broken template is refused
with its problems listed rather than producing a broken report.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional

import jinja2
from docxtpl import DocxTemplate
from jinja2 import nodes

from . import spec
from .errors import Problem, TemplateError
from .files import InputError, read_zip
from .guard import TEMPLATED_PARTS, package_problems
from .ooxml import table_cells, xml_text
from .context import PARAGRAPH_FIELDS, context_schema
from .rules import RULES
from .sandbox import jinja_environment, syntax_refusals, tree_refusals

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
#: at most this many table differences are listed per table
MAX_TABLE_PROBLEMS = 12


@dataclass(frozen=True)
class TemplateInfo:
    path: Path
    #: the official format the template's fields belong to (None: cannot tell)
    format: Optional[int]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


def _problem(rule: str, where: str, message: str, labels: tuple[str, ...] = ()) -> Problem:
    return RULES[rule].problem(where, labels, message)


def inspect_template(path: Path, fmt: Optional[int] = None) -> TemplateInfo:
    """Check the template at `path` (for format `fmt`, or the one its fields belong to)."""
    stat = path.stat()
    return _inspect(str(path), stat.st_size, stat.st_mtime_ns, fmt)


@functools.lru_cache(maxsize=64)
def _inspect(path: str, size: int, mtime: int, fmt: Optional[int]) -> TemplateInfo:
    del size, mtime  # part of the cache key only
    try:
        parts = read_zip(Path(path), "模板")
    except InputError as exc:
        return TemplateInfo(Path(path), fmt, (_problem("M1", Path(path).name, str(exc)),))
    problems, trees = package_problems(parts)
    if "word/document.xml" not in parts:
        problems.append(_problem("M1", "word/document.xml", "缺少文档正文部分；这不是 Word 文档"))
    elif "[Content_Types].xml" in trees:
        problems += _document_type(trees["[Content_Types].xml"])
    if any(p.rule == "M1" for p in problems):
        return TemplateInfo(Path(path), fmt, tuple(problems))
    unreadable = {p.path for p in problems if p.rule == "M2"}  # docxtpl would be slow or wrong on them
    refs, tag_problems = _read_tags({n: b for n, b in parts.items() if n not in unreadable})
    problems += tag_problems
    found, mixed = (fmt, False) if fmt else _format_of(refs.paths)
    if mixed:
        problems.append(_problem("M8", "模板标签", f"{spec.TOP_LEVEL_LABELS['proactive']}的字段既有 2021 格式的，又有 2019 格式的；"
                                 "一个模板只能用于一种格式"))
    fmt_spec = spec.FORMATS[found or spec.FORMAT_2021]
    if not any(p.rule == "M2" for p in problems):  # with a tag unreadable, the fields are unknown
        problems += refs.unknown_fields(context_schema(fmt_spec))
        problems += _missing_fields(refs, fmt_spec)
    problems += _missing_headings(trees["word/document.xml"])
    problems += _table_problems(trees["word/document.xml"], fmt_spec)
    if not any(p.is_error for p in problems):
        problems += _trial_render(Path(path), fmt_spec)
    return TemplateInfo(Path(path), found, tuple(problems))


def _read_tags(parts: dict[str, bytes]) -> tuple["_References", list[Problem]]:
    """The fields the templated parts' tags name, and what the sandbox refuses in them."""
    refs, problems = _References(), []
    env = jinja_environment()
    for name in sorted(parts):
        if not TEMPLATED_PARTS.fullmatch(name):
            continue
        source = DocxTemplate.patch_xml(None, xml_text(parts[name]))
        refused = syntax_refusals(env, source)
        if refused:
            problems += [_problem("M2", name, reason) for reason in refused]
            continue
        try:
            tree = env.parse(source)
            refs.walk(tree)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(_problem("M2", name, _syntax_message(env, source, exc)))
            continue
        except RecursionError:
            problems.append(_problem("M2", name, "标签嵌套过深，无法解析"))
            continue
        problems += [_problem("M7", name, reason) for reason in tree_refusals(tree)]
    problems += [_problem("M7", "模板标签", message) for message in dict.fromkeys(refs.unsafe)]
    problems += [_problem("M7", "模板标签", f"不允许过滤器 |{name}（可用：{'、'.join(sorted(env.filters))}）")
                 for name in sorted(refs.filters - set(env.filters))]
    return refs, problems


def sample_data(fmt: spec.FormatSpec) -> dict[str, Any]:
    """A report of format `fmt` that exercises every part of a template: each narrative section
    with a paragraph, a titled block and a run-in heading; a date; a long agency name."""
    blocks = ["段落。", {"title": "标题", "paragraphs": ["段落。"]}, {"title": "段首标题", "text": "正文。"}]
    year = 2022 if fmt.year == spec.FORMAT_2021 else 2020
    data: dict[str, Any] = {"year": year, "agency": "某某省某某市某某县某某镇人民政府", "format": fmt.year,
                            "date": f"{year + 1}-01-20"}
    for key, _ in spec.NARRATIVE_FIELDS:
        target = data.setdefault(key[0], {}) if len(key) == 2 else data
        target[key[-1]] = blocks
    return data


def _trial_render(path: Path, fmt: spec.FormatSpec) -> list[Problem]:
    """M11: the template renders a sample report within the sandbox's bounds."""
    from .model import build_report
    from .render import render_docx
    try:
        render_docx(build_report(sample_data(fmt)), path)
    except TemplateError as exc:
        return [_problem("M11", "模板标签", f"用示例数据试生成失败：{exc}")] + list(exc.problems)
    return []


def _document_type(types) -> list[Problem]:
    """A Word template (.dotx) or a macro document (.docm) is not a .docx, and is refused."""
    for override in types.findall(f"{_CT}Override"):
        if override.get("PartName") == "/word/document.xml":
            kind = override.get("ContentType", "")
            if kind == _DOCUMENT_TYPE:
                return []
            what = "Word 模板文件（.dotx）" if "template" in kind else (
                "启用宏的文档（.docm）" if "macroEnabled" in kind else f"“{kind}”类型的文件")
            return [_problem("M1", "[Content_Types].xml", f"这是{what}，不是 .docx 文档；"
                             f"请在 Word 或 WPS 中“另存为” Word 文档（.docx）")]
    return []


def _syntax_message(env: jinja2.Environment, source: str, exc: jinja2.TemplateSyntaxError) -> str:
    """Name the tag that does not parse, if one does not parse on its own."""
    for tag in re.findall(r"{{.*?}}", source, flags=re.DOTALL):
        try:
            env.parse(tag)
        except jinja2.TemplateSyntaxError as own:
            return f"标签 {_shown(tag)} 无法解析（{own.message}）"
    if re.search(r"{{(?:(?!}}).)*$|{%(?:(?!%}).)*$", source, flags=re.DOTALL):
        return f"有未闭合的标签（缺少 }}}} 或 %}}）：{exc.message}"
    return f"标签结构有误（{exc.message}）；请检查 {{% if %}}/{{% for %}} 是否都有对应的 endif/endfor"


def _shown(tag: str) -> str:
    text = re.sub(r"<[^>]+>", "", tag)
    return text if len(text) <= 60 else text[:57] + "…"


# ---------------------------------------------------------------------------
# Fields the tags name


_ANY = object()  # a name the template defines itself (a {% set %}, a macro argument)


class _References:
    """Walks parsed templates, collecting the data fields their tags name."""

    def __init__(self) -> None:
        #: every field path named, as a tuple of keys from the context root
        self.paths: set[tuple[str, ...]] = set()
        #: paths looped over with {% for %}
        self.loops: set[tuple[str, ...]] = set()
        #: (path as written, path resolved from the root or None) for later checking
        self.named: list[tuple[str, Optional[tuple[str, ...]], tuple[str, ...]]] = []
        self.unsafe: list[str] = []
        #: names of the filters used
        self.filters: set[str] = set()

    def walk(self, node: nodes.Node, scope: Optional[dict[str, Any]] = None) -> None:
        """Walk `node`; `scope` maps the names the template defines (shared by siblings, so
        that a {% set %} is known after it; a {% for %} or macro body gets its own copy)."""
        scope = {} if scope is None else scope
        if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            kind = type(node).__name__.lower().replace("fromimport", "from … import")
            self.unsafe.append(f"不允许 {{% {kind} %}}：模板不能读取其他文件")
            return
        if isinstance(node, nodes.For):
            self.walk(node.iter, scope)
            target = self._resolve(node.iter, scope)
            inner = dict(scope, loop=_ANY)
            for name in _names(node.target):
                inner[name] = ("item", target) if target is not None else _ANY
            if target is not None:
                self.loops.add(target)
            for child in node.body + node.else_ + ([node.test] if node.test else []):
                self.walk(child, inner)
            return
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):
            for name in _names(node.target):
                scope[name] = _ANY
        if isinstance(node, nodes.With):
            for value in node.values:
                self.walk(value, scope)
            inner = dict(scope, **{name: _ANY for target in node.targets for name in _names(target)})
            for child in node.body:
                self.walk(child, inner)
            return
        if isinstance(node, (nodes.Macro, nodes.CallBlock)):
            if isinstance(node, nodes.Macro):
                scope[node.name] = _ANY
            else:
                self.walk(node.call, scope)
            inner = dict(scope, **{a.name: _ANY for a in node.args}, varargs=_ANY, kwargs=_ANY, caller=_ANY)
            for child in node.body:
                self.walk(child, inner)
            return
        if isinstance(node, nodes.Pow):
            self.unsafe.append("不允许乘方运算（**）")
        if isinstance(node, nodes.Filter):
            self.filters.add(node.name)
        if isinstance(node, (nodes.Getattr, nodes.Getitem, nodes.Name)) and self._chain(node) is not None:
            self._resolve(node, scope)
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                self.walk(node.arg, scope)
            return
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            self.unsafe.append(f"不允许访问内部属性 .{node.attr}")
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and str(node.arg.value).startswith("_"):
            self.unsafe.append(f"不允许访问内部属性 [{node.arg.value!r}]")
        for child in node.iter_child_nodes():
            self.walk(child, scope)

    @staticmethod
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

    def _resolve(self, node: nodes.Node, scope: dict[str, Any]) -> Optional[tuple[str, ...]]:
        """Record the field a chain names; return its path from the context root (None if
        it starts from a name the template defines)."""
        chain = self._chain(node)
        if chain is None:
            return None
        root, keys = chain
        unsafe = [k for k in [root, *keys] if k.startswith("_")]
        if unsafe:
            self.unsafe.append(f"不允许访问内部属性 {unsafe[0]}")
            return None
        written = (root, *keys)
        bound = scope.get(root)
        if bound is _ANY:
            return None
        if isinstance(bound, tuple) and bound[0] == "item":  # a loop variable: an item of a list
            self.named.append((".".join(written), None, (*bound[1], "[]", *keys)))
            return (*bound[1], "[]", *keys)
        self.named.append((".".join(written), written, written))
        self.paths.add(written)
        return written

    def unknown_fields(self, schema: dict[str, Any]) -> list[Problem]:
        known = sorted(_flatten(schema))
        problems, seen = [], set()
        for written, _, full in self.named:
            bad = _first_unknown(schema, full)
            if bad is None or written in seen:
                continue
            seen.add(written)
            problems.append(_problem("M3", "模板标签", _unknown_message(written, full, bad, known, schema)))
        return problems


def _names(target: nodes.Node) -> list[str]:
    """The names an assignment target binds: `p`, or `a, b`."""
    if isinstance(target, nodes.Name):
        return [target.name]
    return [n.name for n in target.find_all(nodes.Name)]


def _flatten(schema: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            yield prefix + key
            yield from _flatten(value, prefix + key + ".")
    elif isinstance(schema, list):
        yield from _flatten(schema[0], prefix)


def _first_unknown(schema: Any, path: tuple[str, ...]) -> Optional[int]:
    """Index of the first key of `path` the schema does not have, or None."""
    node = schema
    for i, key in enumerate(path):
        if key == "[]":
            if not isinstance(node, list):
                return i
            node = node[0]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit():
            node = node[0]
        else:
            return i
    return None


def _unknown_message(written: str, full: tuple[str, ...], bad: int, known: list[str],
                     schema: dict[str, Any]) -> str:
    shown_path = ".".join(k for k in full if k != "[]")
    if "[]" in full:  # a field of a loop item: a paragraph has kind, heading, text
        fields = "、".join(PARAGRAPH_FIELDS)
        return f"字段 {written} 不存在：循环中的每一段只有 {fields}"
    parent = _lookup_schema(schema, full[:bad])
    if isinstance(parent, list):
        name = ".".join(full[:bad])
        return f"{name} 是段落列表，没有 “{full[bad]}”；请在循环中使用：{{%p for p in {name} %}} … {{%p endfor %}}"
    close = difflib.get_close_matches(shown_path, known, n=1, cutoff=0.6)
    hint = f"；是否应为 {close[0]}？" if close else ""
    if bad == 0:
        return f"字段 {written} 不存在（数据中没有 “{full[0]}”）{hint}"
    return f"字段 {written} 不存在（“{'.'.join(full[:bad])}” 下没有 “{full[bad]}”）{hint}"


def _lookup_schema(schema: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        schema = schema[0] if isinstance(schema, list) else schema[key]
    return schema


def _format_of(paths: set[tuple[str, ...]]) -> tuple[Optional[int], bool]:
    """The format whose 二 fields the template names, and whether it names fields that only
    the other format has too. A field neither has (a typo) decides nothing."""
    fields = {p for p in paths if p[0] == "proactive" and len(p) > 1 and p[1] != "text"}
    only = {year: {p for p in fields if _first_unknown(context_schema(fmt), p) is None
                   and any(_first_unknown(context_schema(other), p) is not None
                           for y, other in spec.FORMATS.items() if y != year)}
            for year, fmt in spec.FORMATS.items()}
    found = [year for year, own in only.items() if own]
    return (found[0] if len(found) == 1 else None), len(found) > 1


# ---------------------------------------------------------------------------
# What every template must print


def _missing_fields(refs: _References, fmt: spec.FormatSpec) -> list[Problem]:
    problems = []
    labels = spec.table_field_labels(fmt)
    for table in fmt.tables():
        for cell in table.value_cells():
            if cell.field not in refs.paths:
                problems.append(_problem("M4", ".".join(cell.field), f"缺少标签 {{{{ {'.'.join(cell.field)} }}}}，"
                                         f"这一格的数字不会印出", (labels[cell.field],)))
    for key, label in spec.NARRATIVE_FIELDS:
        if key not in refs.loops and key not in refs.paths:
            problems.append(_problem("M4", ".".join(key), f"没有印出这部分正文（应有 {{%p for p in {'.'.join(key)} %}}"
                                     f" … {{%p endfor %}}）", (label,)))
    if ("title",) not in refs.paths and ("title_lines",) not in refs.paths and ("title_lines",) not in refs.loops:
        problems.append(_problem("M4", "title", "没有印出标题（应有 {{ title }} 或 {%p for line in title_lines %}）",
                                 (spec.TOP_LEVEL_LABELS["title"],)))
    return problems


def _normal(text: str) -> str:
    """Text as compared with the official labels: verbatim but for whitespace."""
    return re.sub(r"\s+", "", text)


def _paragraph_texts(root) -> set[str]:
    return {_normal("".join(t.text or "" for t in p.iter(f"{W}t"))) for p in root.iter(f"{W}p")}


def _missing_headings(document) -> list[Problem]:
    texts = _paragraph_texts(document)
    return [_problem("M5", key, f"缺少标题「{heading}」（应单独成段，与官方格式一字不差）", (heading,))
            for key, heading in spec.SECTIONS if _normal(heading) not in texts]


# ---------------------------------------------------------------------------
# The official tables


@dataclass(frozen=True)
class _Rect:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str

    def shown(self) -> str:
        size = "" if (self.rowspan, self.colspan) == (1, 1) else f"（跨 {self.rowspan} 行 {self.colspan} 列）"
        return f"「{self.text}」{size}" if self.text else f"空单元格{size}"


def read_table(tbl) -> tuple[int, list[_Rect]]:
    """The grid width and the cells of a w:tbl as rectangles, their text compared verbatim
    but for whitespace. Word splits a grid column when a border is dragged in one row only:
    a boundary no cell starts or ends at is not a column of the table."""
    grid, cells = table_cells(tbl)
    edges = sorted({0, grid} | {c.col for c in cells} | {c.col + c.colspan for c in cells})
    index = {edge: i for i, edge in enumerate(edges)}
    return len(edges) - 1, [_Rect(c.row, index[c.col], c.rowspan, index[c.col + c.colspan] - index[c.col],
                                  _normal("".join(t.text or "" for t in c.element.iter(f"{W}t"))))
                            for c in cells]


def _expected(cell: spec.Cell) -> _Rect:
    text = "{{" + ".".join(cell.field) + "}}" if cell.field else _normal(cell.text or "")
    return _Rect(cell.row, cell.col, cell.rowspan, cell.colspan, text)


def _table_problems(document, fmt: spec.FormatSpec) -> list[Problem]:
    found = [read_table(t) for t in document.iter(f"{W}tbl")]
    problems = []
    for table, (_, heading) in zip(fmt.tables(), spec.SECTIONS[1:4], strict=True):
        first = _normal(table.cells[0].text or "")
        match = next((f for f in found if f[1] and f[1][0].text == first), None)
        where = "表格" + heading.split("、")[0]  # 表格二, 表格三, 表格四
        if match is None:
            problems.append(_problem("M6", where, f"找不到这张表（第一格应为「{table.cells[0].text}」）", (heading,)))
            continue
        problems += _compare_table(table, match, where, heading)
    return problems


def _compare_table(table: spec.TableSpec, found: tuple[int, list[_Rect]], where: str,
                   heading: str) -> list[Problem]:
    grid, rects = found
    problems = []
    if grid != table.n_cols:
        problems.append(f"应有 {table.n_cols} 列，模板中有 {grid} 列")
    want = [[_expected(c) for c in table.cells if c.row == r] for r in range(table.n_rows)]
    n_found = max((r.row + r.rowspan for r in rects), default=0)
    have = [[c for c in rects if c.row == r] for r in range(n_found)]

    def key(row: list[_Rect]) -> tuple:
        return tuple((c.col, c.rowspan, c.colspan, c.text) for c in row)

    matcher = difflib.SequenceMatcher(None, [key(r) for r in want], [key(r) for r in have], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for i, j in zip(range(i1, i1 + pairs), range(j1, j1 + pairs), strict=True):
            problems += _compare_row(want[i], have[j], i)
        for i in range(i1 + pairs, i2):
            problems.append(f"缺少第 {i + 1} 行（{_row_text(want[i])}）；是否删掉了一行？")
        for j in range(j1 + pairs, j2):
            problems.append(f"多出第 {j + 1} 行（{_row_text(have[j])}）")
    shown = problems[:MAX_TABLE_PROBLEMS]
    if len(problems) > len(shown):
        shown.append(f"另有 {len(problems) - len(shown)} 处不同")
    return [_problem("M6", where, message, (heading,)) for message in shown]


def _row_text(row: list[_Rect]) -> str:
    texts = [c.text for c in row if c.text and not c.text.startswith("{{")]
    return "、".join(f"「{t}」" for t in texts[:3]) or "、".join(c.text for c in row[:2]) or "空行"


def _compare_row(want: list[_Rect], have: list[_Rect], i: int) -> list[str]:
    problems = []
    by_col = {c.col: c for c in have}
    for cell in want:
        got = by_col.pop(cell.col, None)
        where = f"第 {i + 1} 行第 {cell.col + 1} 列"
        if got is None:
            problems.append(f"{where}：应为{cell.shown()}，模板中这一格被合并掉了")
        elif (got.rowspan, got.colspan) != (cell.rowspan, cell.colspan):
            problems.append(f"{where}：应为{cell.shown()}，模板中为{got.shown()}（合并单元格被改动？）")
        elif got.text != cell.text:
            problems.append(f"{where}：应为{cell.shown()}，模板中为{got.shown()}")
    for got in by_col.values():
        extra = got.shown() if got.text else "一个空单元格"
        problems.append(f"第 {i + 1} 行第 {got.col + 1} 列：多出{extra}（合并单元格被拆开？）")
    return problems
