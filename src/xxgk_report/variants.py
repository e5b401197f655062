"""Template variants: the .docx files in `templates/`, found by name or by path.

A variant's name is its file name without `.docx` (`templates/report.docx` is `default`);
its one-line description is the file's own document property 「备注」 (dc:description) and
its format the property 「类别」 ("2021" or "2019"), written by tools/build_templates.py.
This module only reads zip entries: it is cheap enough for every start of the command.
"""

from __future__ import annotations

import functools
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional

from lxml import etree

from .errors import TemplateError
from .package import UnsafeXML, parse_xml

DEFAULT = "default"
#: the variant a report gets when neither its data nor the command names one, by format
DEFAULT_FOR_FORMAT = {2021: DEFAULT, 2019: "format-2019"}
#: the file of the default variant (the project's guide fixes its name)
_DEFAULT_FILE = "report.docx"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"


@dataclass(frozen=True)
class Variant:
    name: str
    path: Path
    description: str
    #: the official format the variant is made for
    format: Optional[int]


def _folder() -> Path:
    return Path(str(resources.files("xxgk_report.templates")))


def _name(path: Path) -> str:
    return DEFAULT if path.name == _DEFAULT_FILE else path.stem


def _properties(path: Path) -> tuple[str, Optional[int]]:
    """A template's one-line description and format, from its document properties."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = parse_xml(archive.read("docProps/core.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, UnsafeXML):
        return "", None
    description, category = core.find(f"{_DC}description"), core.find(f"{_CP}category")
    text = " ".join((description.text or "").split()) if description is not None else ""
    year = (category.text or "").strip() if category is not None else ""
    return text, int(year) if year.isdigit() else None


@functools.lru_cache(maxsize=None)
def _paths() -> tuple[Path, ...]:
    """The shipped templates (installed with the package: they do not change while it runs)."""
    return tuple(sorted(_folder().glob("*.docx"), key=lambda p: (p.name != _DEFAULT_FILE, p.name)))


@functools.lru_cache(maxsize=None)
def variants() -> tuple[Variant, ...]:
    """The shipped variants, default first, then by name."""
    return tuple(Variant(_name(p), p, *_properties(p)) for p in _paths())


def shipped(path: Path) -> Optional[Variant]:
    """The shipped variant at `path`, or None for any other file."""
    return next((variant for variant in variants() if variant.path == path), None)


def is_path(name: str) -> bool:
    """True when `name` is a .docx path rather than a variant name."""
    return name.lower().endswith(".docx") or "/" in name or "\\" in name


def template_path(name: str, base: Optional[Path] = None) -> Path:
    """The .docx of a template given by variant name or by path (relative to `base`)."""
    if is_path(name):
        path = Path(name).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        if not path.is_file():
            raise TemplateError(f"找不到模板文件 {path}")
        return path
    for path in _paths():
        if _name(path) == name:
            return path
    known = "、".join(_name(p) for p in _paths())
    raise TemplateError(f"没有名为 “{name}” 的模板；可用的模板：{known}（make-report templates 列出说明），"
                        f"或给出 .docx 文件路径")
