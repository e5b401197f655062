"""Reading a data file: YAML (PyYAML's safe loader, stricter) or JSON, into plain Python data.

Numbers are read as they are written, so that one rule holds for the data file and its JSON
Schema: an integer is decimal digits (`010`, `0x1F`, `1:30`, `1_000` stay text); a number with
a fraction is a `Decimal` keeping its digits (12.50 stays 12.50) when written plainly, and is
kept as written (`NumberText`, for the model to refuse) in any other notation (`1e3`, `.5`,
`.inf`); an integer too long to be a count is a `HugeNumber`.

Bounds: the file is read by `files.read_bounded` (a FIFO or a device is refused, at most
`MAX_DATA_FILE` bytes), and a YAML file whose aliases would expand beyond `MAX_EXPANDED`
(nodes plus characters) or refer to themselves is refused before it is built. Control
characters that YAML forbids are read (and later removed by the model with a T2 warning
naming the field) instead of failing the whole file. Any file that cannot be read raises
`DataError` with the line number where there is one; never a traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from .errors import DataError, Problem
from .files import MAX_DATA_FILE, InputError, read_bounded

SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
#: published reports, read through extract wherever a data file is expected (a .txt only when
#: named: in a folder it is more often a roster or a note than a report)
REPORT_SUFFIXES = (".docx", ".doc", ".wps", ".pdf", ".html", ".htm", ".mht", ".mhtml", ".txt")
#: what the tool reads, as a message names it
READABLE = ".yaml、.json、.xlsx 填报表，或已公布的报告（.docx、.doc、.wps、.pdf，网页 .html、.mht，文字 .txt）"
#: spreadsheets that are not a fill-in workbook, and what to do with them
_OTHER_SHEETS = {".xls": "旧版 Excel 工作簿（.xls）", ".et": "WPS 表格文件（.et）", ".xlsm": "含宏的工作簿（.xlsm）",
                 ".ods": "OpenDocument 表格（.ods）", ".csv": "CSV 文件"}
#: nodes plus characters a YAML file may expand to through its aliases (`&a`, `*a`)
MAX_EXPANDED = 2 * MAX_DATA_FILE
#: integers longer than this are kept as `HugeNumber` (Python refuses 4300 digits and more)
MAX_DIGITS = 100


class NumberText(str):
    """A number written in a notation the data file does not take (`1e3`, `.5`, `.inf`):
    kept as written, for the model to name in its message."""


class FormulaText(str):
    """A formula found in a workbook's input cell (「=SUM(D7:I7)」): never taken as its value."""


class CellError(FormulaText):
    """An error value a workbook's cell shows (#N/A, #REF!): never taken for a blank or 0."""


@dataclass(frozen=True)
class HugeNumber:
    """An integer with more digits than any count can have."""

    digits: int


class LocatedData(dict):
    """A data mapping read from a workbook, with where each value came from and what the
    reader noticed on the way (blank cells), for the model's messages."""

    def __init__(self, data: dict, locations: dict[str, str], notes: list[tuple[tuple, str, str]],
                 read_back: bool = False) -> None:
        super().__init__(data)
        #: read from a published report by extract (its coverage is worth saying)
        self.read_back = read_back
        #: format_path of a key path → its cell: {"applications.received.natural": "表三!D7"}
        self.locations = locations
        #: findings of the reader: (key path, message, rule)
        self.notes = notes


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it
    """PyYAML's safe loader, reading numbers as written (see the module), dates checked, and
    duplicate keys refused."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """The tag of a node, as PyYAML's resolver says; a plain scalar's from `_RESOLVED`
        once seen (a data file's keys and counts repeat: natural, 0, 1…)."""
        if kind is yaml.ScalarNode and implicit[0] and not self.yaml_path_resolvers:
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_RESOLVED) < _RESOLVED_SIZE and len(value) <= 32:
                    _RESOLVED[value] = tag
            return tag
        return super().resolve(kind, value, implicit)


#: the tag of each plain scalar seen (a plain scalar's tag depends on its text alone), at most
#: `_RESOLVED_SIZE` short ones
_RESOLVED: dict[str, str] = {}
_RESOLVED_SIZE = 4096


def _node_error(node: yaml.Node, message: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, message, node.start_mark)


_PLAIN_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
_PLAIN_INT = re.compile(r"[-+]?[0-9]+")


def _number(text: str) -> Any:
    """A number as written: int, Decimal, or the text itself (NumberText, HugeNumber)."""
    digits = text.lstrip("+-")
    if _PLAIN_INT.fullmatch(text) and (len(digits) == 1 or digits[0] != "0"):
        return HugeNumber(len(digits)) if len(digits) > MAX_DIGITS else int(text)
    if _PLAIN_DECIMAL.fullmatch(text) and len(text) <= MAX_DIGITS:
        return Decimal(text)
    return NumberText(text)


def _construct_number(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """YAML 1.1 ints and floats, read as written: 010 (octal), 0x1F, 1:30, 1_000, 1e3 are
    kept as text, so that they are reported rather than read as 8, 31, 90, 1000, 1000."""
    return _number(loader.construct_scalar(node))


def _construct_date(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        raise _node_error(node, f"日期 “{node.value}” 不存在") from None


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_number)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)


def _json_object(pairs: list[tuple[str, Any]]) -> dict:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"键 “{key}” 重复出现")
        result[key] = value
    return result


def _unreadable(source: str, message: str) -> DataError:
    return DataError(source, [Problem("", (), message)])


def read_data(path: Path) -> Any:
    """Return the parsed content of a .yaml/.yml/.json file (numbers as written)."""
    source, suffix = str(path), path.suffix.lower()
    if suffix in _OTHER_SHEETS:
        raise _unreadable(source, f"这是{_OTHER_SHEETS[suffix]}，不能直接读取；请在 Excel 或 WPS 中“另存为” Excel 工作簿"
                                  f"（.xlsx），或用 make-report init -o 文件.xlsx 生成填报表")
    if suffix in REPORT_SUFFIXES:
        from .extract import read_report  # noqa: PLC0415 (a published report: read back)
        return read_report(path)
    if suffix not in SUFFIXES:
        raise _unreadable(source, f"不支持的文件类型 “{path.suffix}”，应为 {READABLE}")
    if suffix == ".xlsx":
        from .workbook.read import read_workbook  # noqa: PLC0415 (openpyxl only for a workbook)
        return read_workbook(path)
    try:
        text = read_bounded(path, MAX_DATA_FILE, "数据文件").decode("utf-8-sig")
    except InputError as exc:
        raise _unreadable(source, str(exc)) from None
    except UnicodeDecodeError as exc:
        raise _unreadable(source, f"文件不是 UTF-8 编码（第 {exc.start} 字节）；请另存为 UTF-8") from None
    if path.suffix.lower() == ".json":
        return _read_json(text, source)
    return _read_yaml(text, source)


def load_readers(paths: Iterable[Path]) -> None:
    """Import the readers these files need (a workbook's, a published report's), as a batch
    does before its workers start: they inherit them instead of each importing them."""
    suffixes = {Path(path).suffix.lower() for path in paths}
    if ".xlsx" in suffixes:
        import python_calamine  # noqa: F401, PLC0415

        from .workbook.read import read_workbook  # noqa: F401, PLC0415
    if suffixes & set(REPORT_SUFFIXES):
        from .extract import read_report  # noqa: F401, PLC0415


def _read_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, parse_float=_number, parse_int=_number, parse_constant=NumberText,
                          object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        raise _unreadable(source, f"第 {exc.lineno} 行第 {exc.colno} 列：JSON 语法错误（{exc.msg}）") from None
    except RecursionError:
        raise _unreadable(source, "JSON 内容嵌套层数过多，无法读取") from None
    except ValueError as exc:
        raise _unreadable(source, f"JSON 内容无法读取（{exc}）") from None


#: characters YAML does not allow in a file (PyYAML's own list): control characters pasted
#: from Word or Excel. They are read as private-use characters, then given back.
_NOT_IN_YAML = yaml.reader.Reader.NON_PRINTABLE
_STAND_IN = 0xF0000


def _read_yaml(text: str, source: str) -> Any:
    found = set(_NOT_IN_YAML.findall(text))
    stand_ins = {_STAND_IN + ord(ch): ord(ch) for ch in found} if not re.search("[\U000F0000-\U000FFFFF]", text) \
        else {}
    if stand_ins:
        text = _NOT_IN_YAML.sub(lambda m: chr(_STAND_IN + ord(m.group())), text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and "*" in text:  # without an alias nothing expands beyond the text
            _check_expansion(node, source)
        data = _construct(loader, node, {} if "*" in text else None) if node is not None else None
    except yaml.YAMLError as exc:
        raise _unreadable(source, _yaml_error_message(exc)) from None
    except RecursionError:
        raise _unreadable(source, "YAML 内容嵌套层数过多，无法读取") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _unreadable(source, f"YAML 内容无法读取（{exc}）") from None
    finally:
        loader.dispose()
    return _given_back(data, stand_ins) if stand_ins else data


_TAG = "tag:yaml.org,2002:"
_STR, _NUMBER_TAGS = _TAG + "str", (_TAG + "int", _TAG + "float")
_MERGE = (_TAG + "merge", _TAG + "value")  # the keys PyYAML's flatten_mapping rewrites
_BOOLEANS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}


def _construct(loader: _Loader, node: yaml.Node, made: Optional[dict[int, Any]]) -> Any:
    """The Python value of a composed node, as the loader's constructors would make it (faster:
    the data file's own kinds of node directly; any other tag through the loader). With
    aliases in the file, a node they repeat is made once: `made` holds what was made, by node
    (None: the file has no alias, no node is reached twice)."""
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag in _NUMBER_TAGS:
        return _number(node.value)
    if made is not None and id(node) in made:
        return made[id(node)]
    if tag == _TAG + "map" and isinstance(node, yaml.MappingNode):
        value: Any = _mapping(loader, node, made)
    elif tag == _TAG + "seq" and isinstance(node, yaml.SequenceNode):
        value = []
        if made is not None:
            made[id(node)] = value
        value.extend(_construct(loader, child, made) for child in node.value)
    elif tag == _TAG + "null":
        value = None
    elif tag == _TAG + "bool" and node.value.lower() in _BOOLEANS:
        value = _BOOLEANS[node.value.lower()]
    elif tag == _TAG + "bool":
        raise _node_error(node, f"“{node.value}”不是 true 或 false")
    else:  # dates, !!set, !!binary…, and tags no safe loader knows (an error)
        value = loader.construct_object(node, deep=True)
    if made is not None:
        made[id(node)] = value
    return value


def _mapping(loader: _Loader, node: yaml.MappingNode, made: Optional[dict[int, Any]]) -> dict:
    mapping: dict[Any, Any] = {}
    if made is not None:
        made[id(node)] = mapping
        loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor) need an alias
    elif any(key_node.tag in _MERGE for key_node, _ in node.value):
        loader.flatten_mapping(node)  # <<: {…} written in place; a key “=”
    for key_node, value_node in node.value:
        key = _construct(loader, key_node, made)
        try:
            duplicate = key in mapping
        except TypeError:
            raise _node_error(key_node, "键不能是列表或映射") from None
        if duplicate:
            line = next(k.start_mark.line + 1 for k, _ in node.value if _construct(loader, k, made) == key)
            raise _node_error(key_node, f"键 “{key}” 重复出现（第 {line} 行已有）")
        mapping[key] = _construct(loader, value_node, made)
    return mapping


def _given_back(value: Any, stand_ins: dict[int, int]) -> Any:
    """`value` with the stand-ins of control characters turned back into them."""
    if isinstance(value, str):
        return value.translate(stand_ins)
    if isinstance(value, dict):
        return {_given_back(k, stand_ins): _given_back(v, stand_ins) for k, v in value.items()}
    if isinstance(value, list):
        return [_given_back(v, stand_ins) for v in value]
    return value


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a document whose aliases expand beyond MAX_EXPANDED, or refer to themselves
    (an alias is the same node object again: count each node once per path through it)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, done = stack.pop()
        if done:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in _children(node)) + (
                len(node.value) if isinstance(node.value, str) else 0)
            if sizes[id(node)] > MAX_EXPANDED:
                raise _unreadable(source, f"YAML 的锚点和别名（& 与 *）展开后超过 {MAX_EXPANDED // 2**20} MB，"
                                  f"未读取；数据文件中不需要别名")
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            raise _unreadable(source, f"第 {node.start_mark.line + 1} 行：YAML 的别名引用了包含它自己的内容，无法读取")
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


#: PyYAML's words for what went wrong, and what to say instead
_PROBLEMS = (
    (r"could not determine a constructor for the tag '([^']*)'", "不支持标签 {0}（数据文件中不需要写 YAML 标签）"),
    (r"exceeded maximum nesting depth", "嵌套层数过多"),
    (r"found character '\\t' that cannot start any token", "不能用 Tab 缩进，请改用空格"),
    (r"found character (?:'.*' )?that cannot start any token", "这里有一个不能开始一项内容的字符（Tab、@ 或 ` 等）；"
                                                            "文字中有这些字符时请加引号"),
    (r"mapping values are not allowed (here|in this context)", "这里不能写“键: 值”（缩进不对，或文字中的“: ”要加引号）"),
    (r"block sequence entries are not allowed", "这里不能写列表项“- ”（缩进不对？）"),
    (r"could not find expected ':'", "缺少冒号“:”"),
    (r"found undefined alias", "引用了没有定义的锚点（*名称）"),
    (r"found unexpected end of stream", "文件意外结束（引号或括号没有闭合？）"),
    (r"found unknown escape character", "双引号中有无效的转义（\\ 后面的字符）"),
    (r"did not find expected key", "缩进不一致，或缺少键"),
    (r"expected <block end>, but found", "缩进不一致"),
    (r"did not find expected (node content|'-' indicator)", "缩进不一致，或列表项缺少“- ”"),
    (r"found unexpected ':'", "多了一个冒号“:”（文字中的“:”请加引号）"),
    (r"expected a (mapping|sequence) node, but found", "标签与内容不符（如 !!map 用在了列表上）"),
    (r"found unhashable key", "键不能是列表或映射"),
    (r"expected a single document in the stream", "一个文件只能有一份数据（多了 ---）"),
    (r"while scanning an? (alias|anchor)", "锚点或别名（& 或 *）的写法不对"),
    (r"found a tab character", "不能用 Tab 缩进，请改用空格"),
    (r"found unexpected document indicator|found incompatible YAML document", "文件中多了 --- 或 %YAML"),
    (r"found duplicate anchor", "锚点（&名称）重复"),
    (r"found .* that cannot start any token|did not find|could not find|found unexpected|expected",
     "写法不对（常见原因：缩进不一致、冒号后缺空格、引号或括号没有闭合）"),
)


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if problem.isascii():  # PyYAML's own words (ours are Chinese already)
        found = next(((m, said) for pattern, said in _PROBLEMS for m in [re.search(pattern, problem)] if m), None)
        problem = found[1].format(*found[0].groups()) if found else \
            "写法不对（常见原因：缩进不一致、冒号后缺空格、引号或括号没有闭合）"
    if mark is None:
        return f"YAML 语法错误（{problem}）"
    return f"第 {mark.line + 1} 行第 {mark.column + 1} 列：YAML 语法错误（{problem}）"
