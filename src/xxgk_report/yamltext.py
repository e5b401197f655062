"""Text written into the YAML data files that `init`, `sum` and `extract` make: a comment stays
one comment line, a value loads back to exactly itself, whatever either holds (a line break,
U+2028, U+0085, a control character, `#`, `: `, quotes): nothing written here can become a key.

    scalar("某镇: 人民政府")   → '"某镇: 人民政府"'
    comment("第一行\\n template: x.docx") → '第一行\\\\n template: x.docx'  (one line)
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml

#: what ends a line for YAML (PyYAML: \r, \n, NEL, LS, PS), and what it refuses in a file
_BREAKS_AND_UNPRINTABLE = re.compile("[\r\n\x85\u2028\u2029]|" + yaml.reader.Reader.NON_PRINTABLE.pattern)


def comment(text: str) -> str:
    """`text` made safe for the inside of a `#` comment line: line breaks and characters YAML
    refuses are written as escapes (\\n, \\u2028), so the comment cannot end early."""
    def escaped(match: re.Match) -> str:
        ch = match.group()
        return {"\n": "\\n", "\r": "\\r"}.get(ch, f"\\u{ord(ch):04x}")
    return _BREAKS_AND_UNPRINTABLE.sub(escaped, text)


def needs_escapes(text: str) -> bool:
    """Whether `text` holds a line break or a character YAML refuses: it is then written
    double-quoted, with escapes, on one line."""
    return bool(_BREAKS_AND_UNPRINTABLE.search(text))


def scalar(value: Any) -> str:
    """A scalar as YAML text (plain when it reads back as itself, else quoted with escapes),
    for a `key: value` or `- value` line: it loads back to exactly `value`."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return yaml.safe_dump(value, default_flow_style=True).removesuffix("\n...\n")
    text = str(value)
    style = '"' if needs_escapes(text) else None  # escapes, on one line
    dumped = yaml.safe_dump([text], default_flow_style=True, default_style=style, allow_unicode=True,
                            width=2**31)
    return dumped.strip()[1:-1]


class _Dumper(yaml.SafeDumper):
    """Amounts stay as printed (Decimal("12.50") → 12.50); table rows on one line each; text
    on one line, with escapes where it needs them (as `scalar`)."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar(  # 12 → 12, 12.50 → 12.50
    "tag:yaml.org,2002:int" if value.as_tuple().exponent >= 0 else "tag:yaml.org,2002:float", format(value, "f")))
_Dumper.add_representer(dict, lambda dumper, value: dumper.represent_mapping(
    "tag:yaml.org,2002:map", value, flow_style=bool(value) and all(
        isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in value.values())))
_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style='"' if needs_escapes(value) else None))
_Dumper.add_representer(list, lambda dumper, value: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", value, flow_style=not value))


def dump(data: Any) -> str:
    """A data mapping as YAML text, keys in their order, that loads back to exactly `data`."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000)
