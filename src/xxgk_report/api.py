"""The library's public API: what the CLI calls, and what another program can call too.

    from xxgk_report import api
    report = api.load_report("2022.yaml")          # validate (raises DataError)
    blob = api.render_report(report)               # .docx bytes
    path, report = api.build_report_file("2022.yaml")   # → out/2022.docx
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional, Union

from .errors import OutputError
from .model import Report, build_report, load_report
from .render import DEFAULT_TEMPLATE, render_docx, template_path

__all__ = ["Report", "load_report", "render_report", "build_report_file", "default_output", "write_atomic"]

DEFAULT_OUTPUT_DIR = Path("out")


def _as_report(data: Union[Report, Mapping[str, Any], str, os.PathLike]) -> Report:
    if isinstance(data, Report):
        return data
    if isinstance(data, Mapping):
        return build_report(dict(data))
    return load_report(data)


def render_report(data: Union[Report, Mapping[str, Any], str, os.PathLike],
                  template: Optional[str] = None) -> bytes:
    """Return the .docx bytes of a report.

    `data` is a `Report`, a mapping shaped like a data file, or the path of one.
    `template` is a variant name or a .docx path; it overrides the data's `template:`.
    A relative path in the data is resolved against the data file's folder.
    """
    report = _as_report(data)
    if template is not None:
        path = template_path(template)
    else:
        base = report.source.parent if report.source else None
        path = template_path(report.template or DEFAULT_TEMPLATE, base)
    return render_docx(report, path)


def default_output(data_path: Union[str, os.PathLike]) -> Path:
    """Where a report goes when no output is named: out/<data file stem>.docx."""
    return DEFAULT_OUTPUT_DIR / (Path(data_path).stem + ".docx")


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
                      template: Optional[str] = None) -> tuple[Path, Report]:
    """Validate a data file, render it and write the .docx; return (output path, report)."""
    report = load_report(data_path)
    blob = render_report(report, template)
    target = Path(output) if output is not None else default_output(data_path)
    write_atomic(target, blob)
    return target, report
