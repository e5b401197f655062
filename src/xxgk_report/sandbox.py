"""The sandbox a template runs in, with bounds: a template may come from another agency, and
nothing it says may read a file, change the data, or run without end.

    env = jinja_environment()
    code = syntax.compile_template(env, source, "word/document.xml")   # TemplateRefused on bad syntax
    text = render(env.template_class.from_code(env, code, env.make_globals(None)), context)

Beyond Jinja's immutable sandbox (no internals, no unsafe calls, no changing the data):

- the language a template may use is cut down before compiling (`syntax.py`);
- at run time, every loop iteration and macro call ticks a budget of `MAX_TICKS` steps and
  `MAX_SECONDS` seconds; the text a render writes is at most `MAX_OUTPUT` characters; every
  value a template builds (`~`, `+`, `*`, `%`, `format`, `join`, `replace`, `ljust`…) at most
  `MAX_VALUE` characters, checked before it is built; integers at most `MAX_INT_BITS` bits;
- no globals (`range`, `lipsum`, `cycler`…); only the filters of `ALLOWED_FILTERS`; only a
  few methods of text (`strip`, `split`, `replace`…), mappings (`get`, `items`…) and lists;
- only text and numbers are printed: `{{ x|attr('format') }}` or a list is refused, so the
  output never holds a memory address.

Any failure is a `TemplateError` with a Chinese message, never a traceback.
"""

from __future__ import annotations

import contextvars
import re
import string
import time
from decimal import Decimal
from typing import Any, Optional

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, optimizeconst
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import TemplateError

#: bumped whenever the code this module generates changes (part of the code cache's key)
CODE_VERSION = "sandbox-3"

MAX_TICKS = 200_000
MAX_SECONDS = 10.0
MAX_OUTPUT = 64_000_000
MAX_VALUE = 4_000_000
#: the most items a list a template builds may hold (sorting a bigger one takes seconds)
MAX_ITEMS = 100_000
MAX_INT_BITS = 4096
#: format widths and precisions ({:>N}, %Nd) a template may ask for
MAX_WIDTH = 1000
#: The most characters or items a `*` may make ({{ agency * 10**9 }} would exhaust memory).
MAX_REPEAT = 10_000

#: The filters a template may use: the others take sizes ({{ x|center(10**9) }}), mark text
#: as safe (unescaped XML), reach attributes by name (`attr`), or are of no use in a report.
ALLOWED_FILTERS = frozenset({
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join",
    "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse",
    "round", "select", "selectattr", "sort", "string", "striptags", "sum", "title", "trim", "truncate",
    "unique", "upper", "wordcount",
})
#: filters whose first argument is text: a list or a mapping given to them is refused
_TEXT_FILTERS = frozenset({"capitalize", "e", "escape", "lower", "replace", "string", "striptags", "title",
                           "trim", "truncate", "upper", "wordcount"})
_METHODS = {
    str: frozenset({"strip", "lstrip", "rstrip", "upper", "lower", "title", "capitalize", "casefold", "swapcase",
                    "startswith", "endswith", "split", "rsplit", "splitlines", "find", "rfind", "index", "rindex",
                    "count", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "islower",
                    "isupper", "partition", "rpartition", "removeprefix", "removesuffix", "replace", "join",
                    "format", "zfill", "ljust", "rjust", "center", "unescape", "striptags"}),
    dict: frozenset({"get", "items", "keys", "values"}),
    list: frozenset({"index", "count"}),
    tuple: frozenset({"index", "count"}),
}
_SCALARS = (str, int, float, Decimal, type(None))


# ---------------------------------------------------------------------------
# The budget of one render


class Budget:
    """What the rendering of one document (all its parts) may spend."""

    def __init__(self) -> None:
        self.ticks = 0
        self.output = 0
        self.writes = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def tick(self) -> None:
        self.ticks += 1
        if self.ticks > MAX_TICKS:
            raise jinja2.exceptions.SecurityError(f"模板的循环或宏调用超过 {MAX_TICKS} 次（无限循环或递归？）")
        if self.ticks % 64 == 0:
            self.clock()

    def clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise jinja2.exceptions.SecurityError(f"模板运行超过 {MAX_SECONDS:g} 秒，已停止")

    def check(self) -> None:
        """After a piece of output (`environment.counted`, which counts it): the size so far,
        and the clock every 64 pieces or after a big one."""
        if self.output > MAX_OUTPUT:
            raise jinja2.exceptions.SecurityError(f"模板生成的内容超过 {MAX_OUTPUT // 1_000_000} 百万字符，已停止")
        self.clock()


_ACTIVE: contextvars.ContextVar[Optional[Budget]] = contextvars.ContextVar("xxgk_budget", default=None)


def _clock() -> None:
    budget = _ACTIVE.get()
    if budget is not None:
        budget.clock()


def _too_big(size: int) -> None:
    if size > MAX_VALUE:
        raise jinja2.exceptions.SecurityError(f"模板生成的文字超过 {MAX_VALUE} 个字符，已停止")
    _clock()


def _too_many(size: int) -> None:
    if size > MAX_ITEMS:
        raise jinja2.exceptions.SecurityError(f"模板生成的列表超过 {MAX_ITEMS} 项，已停止")
    _clock()


def _check_size(value: Any) -> None:
    """A value a template built: text at most MAX_VALUE characters, a list MAX_ITEMS items."""
    if isinstance(value, str):
        _too_big(len(value))
    elif isinstance(value, (list, tuple, dict)):
        _too_many(len(value))
    else:
        _clock()


# ---------------------------------------------------------------------------
# The environment


class _TickingGenerator(CodeGenerator):
    """Jinja's code generator, with a tick of the budget at the start of every frame (each
    loop iteration, each macro call, each block), `~` through `environment.joined`, and every
    piece of output counted, whether it is written out or kept ({% set %}…{% endset %}, a
    macro's text, a {% filter %} block)."""

    def enter_frame(self, frame) -> None:
        super().enter_frame(frame)
        self.writeline("environment.tick()")

    def _output_const_repr(self, group) -> str:
        return f"environment.counted({super()._output_const_repr(group)})"

    def _output_child_pre(self, node, frame, finalize) -> None:
        self.write("environment.counted(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.joined((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("), context.eval_ctx.autoescape)")


class _ReportEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox templates run in; see the module's docstring."""

    code_generator_class = _TickingGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_printable, **options)
        self.globals.clear()
        self.filters = {name: _guarded(name, f) for name, f in self.filters.items() if name in ALLOWED_FILTERS}

    @staticmethod
    def tick() -> None:
        budget = _ACTIVE.get()
        if budget is not None:
            budget.tick()

    @staticmethod
    def counted(text: str) -> str:
        budget = _ACTIVE.get()
        if budget is not None:  # inlined: this runs for every piece of output
            budget.output += len(text)
            budget.writes += 1
            if budget.output > MAX_OUTPUT or len(text) > 4096 or not budget.writes % 64:
                budget.check()
        return text

    @staticmethod
    def joined(values: tuple, autoescape: bool) -> str:
        for value in values:
            if not isinstance(value, _SCALARS) and not isinstance(value, jinja2.Undefined):
                raise jinja2.exceptions.SecurityError(f"模板用 ~ 连接了不是文字的值（{_kind(value)}）")
        _too_big(sum(len(str(v)) for v in values if not isinstance(v, jinja2.Undefined)))
        return markup_join(values) if autoescape else str_join(values)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]  # data keys first: proactive.procurement.items is data, not dict.items
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        for kind, names in _METHODS.items():
            if isinstance(obj, kind) and callable(value):
                return attr in names
        return True

    def wrap_str_format(self, value: Any):
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        _check_format(value.__self__)

        def checked(*args: Any, **kwargs: Any) -> str:
            values = list(args) + list(kwargs.values())
            _only_scalars(values, "格式化")
            fields = sum(1 for _, name, _, _ in string.Formatter().parse(value.__self__) if name is not None)
            _too_big(len(value.__self__) + fields * max((len(str(v)) for v in values), default=0))
            return wrapper(*args, **kwargs)
        return checked

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        _check_call(__obj, args)
        result = super().call(__context, __obj, *args, **kwargs)
        _check_size(result)
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise jinja2.exceptions.SecurityError("模板中不允许乘方运算（**）")
        _check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        _check_size(result)
        return result


def _kind(value: Any) -> str:
    if callable(value):
        return "函数或方法"
    return {dict: "映射", list: "列表", tuple: "列表"}.get(type(value), type(value).__name__)


def _only_scalars(values: Any, what: str) -> None:
    for value in values:
        if not isinstance(value, _SCALARS) and not isinstance(value, jinja2.Undefined):
            raise jinja2.exceptions.SecurityError(f"{what}只能用于文字和数字，不能用于{_kind(value)}")


def _printable(value: Any) -> Any:
    """What `{{ }}` may print: text and numbers (never a list, a mapping or a method, whose
    text would be Python's, with memory addresses)."""
    if isinstance(value, _SCALARS) or isinstance(value, jinja2.Undefined):
        return value
    raise jinja2.exceptions.SecurityError(f"模板印出的不是文字或数字（{_kind(value)}）")


def _guarded(name: str, function):
    """A filter that refuses a list or mapping where it takes text, and checks sizes first."""
    skip = 1 if hasattr(function, "jinja_pass_arg") else 0  # the context Jinja passes first

    def guarded(*args: Any, **kwargs: Any) -> Any:
        value, rest = args[skip], list(args[skip + 1:])
        if name in _TEXT_FILTERS and not isinstance(value, _SCALARS) and not isinstance(value, jinja2.Undefined):
            raise jinja2.exceptions.SecurityError(f"过滤器 |{name} 只能用于文字，不能用于{_kind(value)}")
        if name == "join" and not isinstance(value, (str, jinja2.Undefined)):
            value = list(value)
            separator = str(rest[0] if rest else kwargs.get("d", ""))
            _too_big(sum(len(str(item)) + len(separator) for item in value))
        if name == "replace" and len(rest) >= 2:
            _check_replace(str(rest[0]), str(rest[1]), text=str(value))
        if name == "sum":  # adding lists is quadratic, adding text is not allowed: numbers only
            _only_scalars(value, "过滤器 |sum ")
        result = function(*args[:skip], value, *rest, **kwargs)
        _check_size(result)
        return result
    if skip:
        guarded.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    return guarded


def _check_replace(old: str = "", new: str = "", *, text: str) -> None:
    growth = (len(text) + 1) * len(new) if old == "" else text.count(old) * max(0, len(new) - len(old))
    _too_big(len(text) + growth)


def _check_call(function: Any, args: tuple) -> None:
    owner, name = getattr(function, "__self__", None), getattr(function, "__name__", "")
    if not isinstance(owner, str):
        return
    if name == "replace" and len(args) >= 2:
        _check_replace(str(args[0]), str(args[1]), text=owner)
    elif name == "join" and args:
        _too_big(sum(len(str(i)) + len(owner) for i in args[0]) if isinstance(args[0], (list, tuple, str)) else 0)
    elif name in ("zfill", "ljust", "rjust", "center") and args and isinstance(args[0], int):
        _too_big(args[0])


_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_format(text: str) -> None:
    """`'{:>N}'.format`: refuse nested fields and widths or precisions over MAX_WIDTH."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise jinja2.exceptions.SecurityError(f"格式字符串有误（{exc}）") from None
    for _, _, spec, _ in fields:
        if spec and ("{" in spec or any(int(n) > MAX_WIDTH for n in re.findall(r"\d+", spec))):
            raise jinja2.exceptions.SecurityError(f"格式“{spec}”的宽度或精度超过 {MAX_WIDTH}")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    numbers = [x for x in (left, right) if isinstance(x, int) and not isinstance(x, bool)]
    sizes = [len(x) for x in (left, right) if isinstance(x, (str, list, tuple))]
    if operator == "*" and len(numbers) == 2 and sum(n.bit_length() for n in numbers) > MAX_INT_BITS:
        raise jinja2.exceptions.SecurityError(f"模板中的乘法结果超过 {MAX_INT_BITS} 位")
    if operator == "*" and sizes and numbers and sizes[0] * numbers[0] > MAX_REPEAT:
        raise jinja2.exceptions.SecurityError(f"模板中的重复（*）会产生超过 {MAX_REPEAT} 个字符或项")
    if operator == "+" and len(sizes) == 2:
        (_too_big if isinstance(left, str) else _too_many)(sum(sizes))
    if operator == "%" and isinstance(left, str):
        arguments = right if isinstance(right, tuple) else tuple(right.values()) if isinstance(right, dict) else (right,)
        _only_scalars(arguments, "格式化")
        _too_big(len(left) + len(_PERCENT.findall(left)) * max((len(str(a)) for a in arguments), default=0))
        for width, precision in _PERCENT.findall(left):
            if "*" in (width, precision) or any(n and int(n) > MAX_WIDTH for n in (width, precision)):
                raise jinja2.exceptions.SecurityError(f"格式“{left[:20]}”的宽度或精度超过 {MAX_WIDTH}")


class _NoFilesLoader(jinja2.BaseLoader):
    """A template may not {% include %}, {% import %} or {% extends %} anything."""

    def get_source(self, environment, template):
        raise jinja2.exceptions.SecurityError(f"模板不能引用其他文件（{template}）")


def jinja_environment() -> jinja2.Environment:
    """The sandboxed, autoescaping, strict environment every template is rendered in."""
    return _ReportEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, loader=_NoFilesLoader())


def error_message(exc: BaseException) -> str:
    """A Chinese message for whatever a template's compiling or rendering raised."""
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板试图做不允许的事，已拒绝（{exc}）"
    if isinstance(exc, jinja2.UndefinedError):
        return f"模板引用了数据中不存在的字段（{exc}）"
    unknown = re.match(r"No (filter|test) named '([^']*)'", str(getattr(exc, "message", "")))
    if unknown:
        kind = "过滤器 |" if unknown.group(1) == "filter" else "测试 is "
        return f"不允许{kind}{unknown.group(2)}（可用的过滤器：{'、'.join(sorted(ALLOWED_FILTERS))}）"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板标签语法错误（第 {exc.lineno} 处附近：{exc.message}）"
    if isinstance(exc, jinja2.TemplateError):
        return f"模板渲染失败（{exc}）"
    if isinstance(exc, UnicodeError):
        return "模板生成了不能写进文档的字符（孤立的代理项，如 '%c' % 55296）"
    if isinstance(exc, RecursionError):
        return "模板的宏或循环递归过深，已停止"
    if isinstance(exc, MemoryError):
        return "模板用尽了内存，已停止"
    return f"模板渲染失败（{type(exc).__name__}: {exc}）；问题在模板的标签，不在数据"


def render(template: jinja2.Template, context: dict[str, Any], budget: Optional[Budget] = None) -> str:
    """The text `template` makes from `context`, within `budget` (a new one when not given:
    give one budget to all the parts of a document); TemplateError otherwise."""
    token = _ACTIVE.set(budget or Budget())
    try:
        text = "".join(template.generate(context))
        text.encode("utf-8")  # a lone surrogate ('%c' % 55296) cannot be written
        return text
    except Exception as exc:  # noqa: BLE001 (a template's failure, whatever it is, is the template's)
        raise TemplateError(error_message(exc)) from None
    finally:
        _ACTIVE.reset(token)
