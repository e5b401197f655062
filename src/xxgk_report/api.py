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
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, Union

from .checks import check_report, unread_aware
from .errors import (
    DataError,
    OutputError,
    Problem,
    ReportError,
    TemplateError,
    count_errors,
)
from .model import Report, build_report, load_report
from .outputs import (Staged, refuse_overwriting, refuse_replacing, require_suffix,
                      write_atomic)
from .reader import load_readers
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


def load(data: Data) -> Report:
    """The `Report` of a data file, a workbook or a published report (or of a mapping shaped
    like a data file); `DataError` listing every problem when it cannot be one."""
    return _as_report(data)


def _source(report: Report) -> str:
    return str(report.source) if report.source else ""


def _checks(report: Report, previous: Optional[Data]) -> list[Problem]:
    """The checks of `report` (each finding of a workbook with the cell it is about; none
    about a cell a report read back could not give)."""
    findings = unread_aware(report, lambda r: _checks_of(r, previous))
    if not report.locations:
        return findings
    return [replace(p, cell=_cells(p.path, report.locations)) if not p.cell else p for p in findings]


def _cells(path: str, locations: Mapping[str, str]) -> str:
    """The workbook cells of a finding's path: one (表三!J8), or each of a path over several
    rows (applications.{received,…}.natural → 表三!D6、D7、D29、D30); "" when not all known."""
    if path in locations:
        return locations[path]
    found = re.fullmatch(r"([^{]*)\{([^}]*)\}(.*)", path)
    cells = [locations.get(found[1] + part + found[3]) for part in found[2].split(",")] if found else []
    if not cells or not all(cells):
        return ""
    sheet = cells[0].split("!")[0] + "!"
    return "、".join(cell.removeprefix(sheet) if i else cell for i, cell in enumerate(cells))


def _checks_of(report: Report, previous: Optional[Data]) -> list[Problem]:
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


def check(data: Data, previous: Optional[Data] = None, template: Optional[str] = None) -> list[Problem]:
    """Every finding about a report: errors first, then warnings.

    `data` (and `previous`, last year's report for the cross-year rules) is a `Report`, a
    mapping shaped like a data file, or the path of one. A data file that cannot be read
    or validated gives its own errors; a `previous` one that cannot gives a C4 warning.
    The template the report names (or `template`) is checked too: one that cannot be found
    or used is an error, as it would stop the build.
    """
    try:
        report = _as_report(data)
    except DataError as exc:
        return sorted(exc.problems, key=lambda p: not p.is_error)
    findings = _checks(report, previous) + _template_findings(report, template)
    return sorted(findings, key=lambda p: not p.is_error)


def _template_findings(report: Report, template: Optional[str]) -> list[Problem]:
    if template is None and report.template is None:
        return []  # the shipped default of the report's format
    try:
        template_for(report, template)
    except TemplateError as exc:
        return [RULES["D1"].problem("template", ("模板",), str(exc))] + list(exc.problems)
    return []


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
    if report.unread:
        cells = "、".join(report.unread[:10]) + (f" 等 {len(report.unread)} 格" if len(report.unread) > 10 else "")
        findings.insert(0, RULES["X2"].problem("unread", (), f"{cells}未读出，不能当作 0 印成正式报告；请对照原报告"
                                                              "填写后从 unread 中删去，或加 --draft 生成草稿"))
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


def warm_up(template: Optional[str] = None, sources: Sequence[Union[str, os.PathLike]] = ()) -> None:
    """Compile the templates a batch will use, and load the readers its files (`sources`)
    need, before its workers start (they inherit both)."""
    load_readers(Path(source) for source in sources)
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


def build_report_file(data_path: Union[str, os.PathLike], output: Optional[Union[str, os.PathLike]] = None,
                      template: Optional[str] = None, *, previous: Optional[Data] = None,
                      draft: bool = False, html: bool = False, html_fragment: bool = False, pdf: bool = False
                      ) -> tuple[Path, list[Problem]]:
    """Validate and check a data file, render it and write the .docx (and, if asked, the web
    page <name>.html, the fragment <name>.fragment.html and <name>.pdf beside it); return
    (output path, findings: the warnings, and in a draft the errors too)."""
    report = load_report(data_path)
    target = resolve_output(data_path, output)
    _, findings = write_report(report, target, template, previous=previous, draft=draft, html=html,
                               html_fragment=html_fragment, pdf=pdf)
    return target, findings


def output_paths(target: Path, html: bool = False, html_fragment: bool = False, pdf: bool = False) -> list[Path]:
    """Every file a report written to `target` (.docx) makes: the .docx first, then the web
    page, the fragment and the PDF beside it, as asked."""
    wanted = ((html, ".html"), (html_fragment, ".fragment.html"), (pdf, ".pdf"))
    return [target] + [target.with_suffix(suffix) for asked, suffix in wanted if asked]


def _inputs(report: Report, template: Optional[str], previous: Optional[Data]) -> list[tuple[Optional[Path], str]]:
    """The files a report is made from, with what each is (for the overwrite guard)."""
    inputs: list[tuple[Optional[Path], str]] = [(report.source, "数据文件")]
    if isinstance(previous, (str, os.PathLike)):
        inputs.append((Path(previous), "上年数据文件"))
    name = template if template is not None else report.template
    if name is not None and is_path(name):
        base = report.source.parent if template is None and report.source else None
        path = Path(name).expanduser()
        inputs.append((base / path if base is not None and not path.is_absolute() else path, "模板"))
    else:
        try:
            inputs.append((template_path(name or DEFAULT_FOR_FORMAT[report.format]), "模板"))
        except TemplateError:
            pass  # said when the report is rendered
    return inputs


def write_report(report: Report, target: Path, template: Optional[str] = None, *, previous: Optional[Data] = None,
                 draft: bool = False, html: bool = False, html_fragment: bool = False, pdf: bool = False
                 ) -> tuple[list[Path], list[Problem]]:
    """Check and write `report` to `target` (.docx), and the web pages and PDF asked for;
    return the paths written and the findings. All of them are written, or none: nothing is
    written when the checks find an error (unless `draft`), or when a page or the PDF cannot
    be made. An output that is one of the inputs is refused."""
    require_suffix(target, (".docx",), "（另要 PDF 或网页时加 --pdf、--html，它们写在 .docx 旁边）")
    paths = output_paths(target, html, html_fragment, pdf)
    refuse_overwriting(paths, _inputs(report, template, previous))
    refuse_replacing(paths)
    blob, findings = render_checked(report, template, previous=previous, draft=draft)
    with Staged() as out:
        out.add(target, blob)
        if html or html_fragment:
            from .webpage import render_html
            notice = findings if draft else None
            for path in paths[1:]:
                if path.name.endswith(".html"):
                    out.add(path, render_html(report, fragment=path.name.endswith(".fragment.html"),
                                              draft=notice).encode("utf-8"))
        if pdf:
            from .pdf import convert
            failed = convert([(out.staged[0][0], out.reserve(paths[-1]))])
            if failed:
                raise OutputError(f"没有生成 PDF（{failed[0]}）；未写入任何文件，原有的文件保持不变")
        return out.commit(), findings


def audit(folders: Sequence[Union[str, os.PathLike]], roster: Optional[Sequence[str]] = None,
          previous: Optional[Union[str, os.PathLike]] = None, jobs: Optional[int] = None,
          on_done: Optional[Callable[[Any], None]] = None, skip: Sequence[Union[str, os.PathLike]] = (),
          year: Optional[int] = None):
    """The county's review of every data file and published report under `folders`: an
    `audit.Review` whose `units` (one per roster name and per file) each carry their findings
    and a conclusion (通过 / 退回 / 缺报 / 无法读取). `previous` is last year's folder (the
    cross-year rules per unit), `skip` files not to read (the review workbook itself), `year`
    the report year under review (default: what most units have). `ReportError` when there
    is nothing to review, the roster is empty, or `previous` is one of `folders`."""
    from .audit import audit as review
    return review([Path(f) for f in folders], list(roster) if roster is not None else None,
                  Path(previous) if previous else None, max(1, jobs or os.cpu_count() or 1), on_done,
                  frozenset(Path(s).resolve() for s in skip), year)
