"""The library's public API: what the CLI calls, and what another program can call too.

    from xxgk_report import api
    findings = api.check("2022.yaml", previous="2021.yaml")   # list of Problem
    blob = api.render_report("2022.yaml")                     # .docx bytes (DataError on errors)
    path, findings = api.build_report_file("2022.yaml")       # → out/2022.docx

Every render runs the checks first: errors stop it (`DataError`, nothing written) unless
`draft=True`, which renders anyway and marks every page 「草稿」 with the findings listed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional, Union

from .checks import check_report
from .errors import (
    DataError,
    OutputError,
    Problem,
    ReportError,
    TemplateError,
    count_errors,
)
from .model import Report, build_report, load_report
from .render import load_template, render_docx
from .rules import RULES
from .variants import DEFAULT_FOR_FORMAT, is_path, shipped, template_path

__all__ = ["Problem", "Report", "build_report_file", "check", "default_output", "load_report",
           "render_checked", "render_report", "resolve_output", "template_for", "warm_up", "write_atomic",
           "write_report"]

DEFAULT_OUTPUT_DIR = Path("out")

Data = Union[Report, Mapping[str, Any], str, os.PathLike]


def _as_report(data: Data) -> Report:
    if isinstance(data, Report):
        return data
    if isinstance(data, Mapping):
        return build_report(dict(data))
    return load_report(data)


def _source(report: Report) -> str:
    return str(report.source) if report.source else ""


def _checks(report: Report, previous: Optional[Data]) -> list[Problem]:
    """The checks of `report`; when last year's data cannot be used, a C4 warning instead
    of the cross-year checks (a 2020 report in the 2019 format, a typo in the file)."""
    if previous is None:
        return check_report(report)
    try:
        last = _as_report(previous)
    except DataError as exc:
        errors = [p for p in exc.problems if p.is_error]
        where = exc.source or "（数据）"
        finding = RULES["C4"].problem("", (), f"上年数据文件 {where} 有 {len(errors)} 处错误，跨年核对未进行；"
                                      f"第一处：{errors[0]}", {"previous_errors": len(errors)})
        return check_report(report) + [finding]
    return check_report(report, last)


def check(data: Data, previous: Optional[Data] = None) -> list[Problem]:
    """Every finding about a report: errors first, then warnings.

    `data` (and `previous`, last year's report for the cross-year rules) is a `Report`, a
    mapping shaped like a data file, or the path of one. A data file that cannot be read
    or validated gives its own errors; a `previous` one that cannot gives a C4 warning.
    """
    try:
        report = _as_report(data)
    except DataError as exc:
        return sorted(exc.problems, key=lambda p: not p.is_error)
    return _checks(report, previous)


def template_for(report: Report, template: Optional[str] = None) -> Path:
    """The template a report is rendered with, checked: `template` (a variant name or a
    .docx path), else the data's `template:` (a path relative to the data file), else the
    default variant of the report's format. Raises `TemplateError` listing the template's
    problems, or naming a template made for the other format."""
    if template is not None:
        name, path = template, template_path(template)
    elif report.template is not None:
        name = report.template
        path = template_path(name, report.source.parent if report.source else None)
    else:
        name = DEFAULT_FOR_FORMAT[report.format]
        path = template_path(name)
    shown = str(path) if is_path(name) else name
    variant = shipped(path)
    if variant is not None and variant.format is not None:  # checked by the tests, trusted
        fmt, errors, problems = variant.format, (), ()
    else:
        from .template_check import (
            inspect_template,  # docxtpl and Jinja's parser: custom templates only
        )
        info = inspect_template(path)
        fmt, errors, problems = info.format, info.errors, info.problems
    if fmt is not None and fmt != report.format:
        raise TemplateError(f"模板 {shown} 是 {fmt} 格式的模板，数据是 {report.format} 格式"
                            f"（{report.year} 年度）；请换用 {report.format} 格式的模板，"
                            f"如 --template {DEFAULT_FOR_FORMAT[report.format]}")
    if errors:
        raise TemplateError(f"模板 {shown} 有 {len(errors)} 处问题，未生成报告"
                            f"（make-report template check 可单独检查模板）。", problems)
    return path


def render_checked(report: Report, template: Optional[str] = None, *, previous: Optional[Data] = None,
                   draft: bool = False) -> tuple[bytes, list[Problem]]:
    """Check `report`, then render it: (the .docx bytes, every finding). An error raises
    `DataError` listing every finding, unless `draft` is true."""
    findings = _checks(report, previous)
    if count_errors(findings) and not draft:
        raise DataError(_source(report), findings)
    return render_docx(report, template_for(report, template), findings if draft else None), findings


def render_report(data: Data, template: Optional[str] = None, *, previous: Optional[Data] = None,
                  draft: bool = False) -> bytes:
    """Return the .docx bytes of a report.

    `data` is a `Report`, a mapping shaped like a data file, or the path of one.
    `template` is a variant name or a .docx path; it overrides the data's `template:`
    (a relative path in the data is resolved against the data file's folder).
    The checks run first: an error raises `DataError` listing every finding, unless
    `draft` is true. `previous` is last year's data, for the cross-year checks.
    """
    return render_checked(_as_report(data), template, previous=previous, draft=draft)[0]


def warm_up(template: Optional[str] = None) -> None:
    """Compile the templates a batch will use before its workers start (they inherit them)."""
    names = [template] if template else list(DEFAULT_FOR_FORMAT.values())
    for name in names:
        try:
            load_template(template_path(name))
        except ReportError:
            pass  # each report will say what is wrong with it


def default_output(data_path: Union[str, os.PathLike]) -> Path:
    """Where a report goes when no output is named: out/<data file stem>.docx."""
    return DEFAULT_OUTPUT_DIR / (Path(data_path).stem + ".docx")


def resolve_output(data_path: Union[str, os.PathLike], output: Optional[Union[str, os.PathLike]] = None) -> Path:
    """The .docx a data file is written to: `output`; inside it when it is a folder (or has
    no suffix: `-o 报告`); out/<stem>.docx when not given."""
    if output is None:
        return default_output(data_path)
    target = Path(output)
    if target.is_dir() or not target.suffix:
        return target / default_output(data_path).name
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, blob: bytes) -> None:
    """Write `blob` to `path` through a temporary file and a rename: never a partial file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"无法写入 {path}：{exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual mode
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"无法写入 {path}：{exc.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def build_report_file(data_path: Union[str, os.PathLike], output: Optional[Union[str, os.PathLike]] = None,
                      template: Optional[str] = None, *, previous: Optional[Data] = None,
                      draft: bool = False, html: bool = False, html_fragment: bool = False
                      ) -> tuple[Path, list[Problem]]:
    """Validate and check a data file, render it and write the .docx (and, if asked, the web
    page <name>.html and the fragment <name>.fragment.html beside it); return (output path,
    findings: the warnings, and in a draft the errors too)."""
    report = load_report(data_path)
    target = resolve_output(data_path, output)
    _, findings = write_report(report, target, template, previous=previous, draft=draft, html=html,
                               html_fragment=html_fragment)
    return target, findings


def write_report(report: Report, target: Path, template: Optional[str] = None, *, previous: Optional[Data] = None,
                 draft: bool = False, html: bool = False, html_fragment: bool = False
                 ) -> tuple[list[Path], list[Problem]]:
    """Check and write `report` to `target` (.docx), and the web pages asked for; return the
    paths written and the findings. Nothing is written when the checks find an error (unless
    `draft`)."""
    blob, findings = render_checked(report, template, previous=previous, draft=draft)
    pages = []
    if html or html_fragment:
        from .webpage import render_html
        notice = findings if draft else None
        if html:
            pages.append((target.with_suffix(".html"), render_html(report, draft=notice)))
        if html_fragment:
            pages.append((target.with_suffix(".fragment.html"), render_html(report, fragment=True, draft=notice)))
    write_atomic(target, blob)
    for path, text in pages:
        write_atomic(path, text.encode("utf-8"))
    return [target] + [path for path, _ in pages], findings
