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

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import jinja2
from docxtpl import DocxTemplate

from . import spec
from .context import context_schema
from .errors import Problem, TemplateError
from .files import InputError, read_zip
from .guard import TEMPLATED_PARTS, package_problems
from .ooxml import paragraph_texts
from .package import xml_text
from .rules import RULES
from .sandbox import jinja_environment
from .syntax import syntax_refusals, tree_refusals
from .template_refs import References, format_of
from .template_tables import normal, table_problems
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


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
        return _inspect_file(path, fmt)
    except (TemplateError, InputError):
        raise
    except Exception as exc:  # noqa: BLE001 (a file from elsewhere may be odd in ways not foreseen)
        return TemplateInfo(Path(path), fmt, (_problem("M1", Path(path).name, f"模板无法读取（{type(exc).__name__}）；"
                                                       f"请用 Word 或 WPS 重新保存"),))


def _inspect_file(path: str, fmt: Optional[int]) -> TemplateInfo:
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
    found, mixed = (fmt, False) if fmt else format_of(refs.paths)
    if mixed:
        problems.append(_problem("M8", "模板标签", f"{spec.TOP_LEVEL_LABELS['proactive']}的字段既有 2021 格式的，又有 2019 格式的；"
                                 "一个模板只能用于一种格式"))
    fmt_spec = spec.FORMATS[found or spec.FORMAT_2021]
    if not any(p.rule == "M2" for p in problems):  # with a tag unreadable, the fields are unknown
        problems += refs.unknown_fields(context_schema(fmt_spec))
        problems += _missing_fields(refs, fmt_spec)
    problems += _missing_headings(trees["word/document.xml"])
    problems += table_problems(trees["word/document.xml"], fmt_spec)
    if not any(p.is_error for p in problems):
        problems += _trial_render(Path(path), fmt_spec)
    return TemplateInfo(Path(path), found, tuple(problems))


def _read_tags(parts: dict[str, bytes]) -> tuple["References", list[Problem]]:
    """The fields the templated parts' tags name, and what the sandbox refuses in them."""
    refs, problems = References(), []
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
            refs.visit(tree)
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
# What every template must print


def _missing_fields(refs: References, fmt: spec.FormatSpec) -> list[Problem]:
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


def _paragraph_texts(root) -> set[str]:
    return {normal(text) for text in paragraph_texts(root)}


def _missing_headings(document) -> list[Problem]:
    texts = _paragraph_texts(document)
    return [_problem("M5", key, f"缺少标题「{heading}」（应单独成段，与官方格式一字不差）", (heading,))
            for key, heading in spec.SECTIONS if normal(heading) not in texts]


