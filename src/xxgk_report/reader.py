"""Reading a data file: YAML (PyYAML's safe loader, stricter) or JSON, into plain Python data.

Floats are read as `Decimal`, so that an amount keeps the digits it was written with
(12.50 stays 12.50). Any file that cannot be read raises `DataError` with the line number
where there is one; never a traceback.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, Problem

SUFFIXES = (".yaml", ".yml", ".json")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it
    """PyYAML's safe loader, reading floats as Decimal, integers only in decimal, dates
    checked, and duplicate keys refused."""


def _node_error(node: yaml.Node, message: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, message, node.start_mark)


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:  # .inf, .nan spelt the YAML way
        return loader.construct_yaml_float(node)


_DECIMAL_INT = re.compile(r"[-+]?[0-9][0-9_]*")


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """Integers in decimal only: YAML 1.1's 010 (octal), 0x1F and 1:30 stay text, so that
    they are reported rather than read as 8, 31 and 90."""
    text = loader.construct_scalar(node)
    if not _DECIMAL_INT.fullmatch(text) or (len(text.lstrip("+-")) > 1 and text.lstrip("+-")[0] == "0"):
        return text
    return int(text.replace("_", ""))


def _construct_date(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        raise _node_error(node, f"日期 “{node.value}” 不存在") from None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor)
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
        except TypeError:
            raise _node_error(key_node, "键不能是列表或映射") from None
        if duplicate:
            raise _node_error(key_node, f"键 “{key}” 重复出现（第 {seen[key].start_mark.line + 1} 行已有）")
        seen[key] = key_node
    return loader.construct_mapping(node)


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _json_object(pairs: list[tuple[str, Any]]) -> dict:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"键 “{key}” 重复出现")
        result[key] = value
    return result


def read_data(path: Path) -> Any:
    """Return the parsed content of a .yaml/.yml/.json file (floats as Decimal)."""
    source = str(path)
    if path.suffix.lower() not in SUFFIXES:
        raise DataError(source, [Problem("", (), f"不支持的文件类型 “{path.suffix}”，应为 .yaml、.yml 或 .json")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(source, [Problem("", (), f"文件不是 UTF-8 编码（第 {exc.start} 字节）；请另存为 UTF-8")]) from None
    except OSError as exc:
        raise DataError(source, [Problem("", (), f"无法读取文件：{exc.strerror}")]) from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text, parse_float=Decimal, object_pairs_hook=_json_object)
        except json.JSONDecodeError as exc:
            raise DataError(source, [Problem("", (), f"第 {exc.lineno} 行第 {exc.colno} 列：JSON 语法错误（{exc.msg}）")]) from None
        except (ValueError, RecursionError) as exc:
            raise DataError(source, [Problem("", (), f"JSON 内容无法读取（{exc}）")]) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        raise DataError(source, [Problem("", (), _yaml_error_message(exc))]) from None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise DataError(source, [Problem("", (), f"YAML 内容无法读取（{type(exc).__name__}: {exc}）")]) from None


def _yaml_error_message(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"YAML 语法错误（{problem}）"
    return f"第 {mark.line + 1} 行第 {mark.column + 1} 列：YAML 语法错误（{problem}）"
