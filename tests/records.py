"""What the tool makes from every fixture, as a user sees it: the records that a refactoring
must reproduce byte for byte (tests/test_records.py; `python tools/record_outputs.py` writes
them anew, from the code as it is then).

Each record is a function of a fresh, empty working folder; it runs the command line there
with relative paths, so that nothing in the output depends on where it ran.
"""

from __future__ import annotations

import copy
import os
import shutil
import zipfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

import yaml
from click.testing import CliRunner

from xxgk_report.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data"
RECORDS = FIXTURES / "records"
SOURCES = {
    "example": ROOT / "data" / "example-2022.yaml",
    "full-2023": FIXTURES / "full-2023.yaml",
    "full-2020": FIXTURES / "full-2020.yaml",
    "checks-2022": FIXTURES / "checks-2022.yaml",
    "checks-2023": FIXTURES / "checks-2023.yaml",
}
#: inputs that `check` faults (errors): checked, refused by build, drafted
FAULTY = {
    "faulty-2023": RECORDS / "inputs" / "faulty-2023.yaml",
    "invalid-2023": RECORDS / "inputs" / "invalid-2023.yaml",
}


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _run(folder: Path, *args: str) -> bytes:
    """`make-report ARGS` in `folder`: its exit code, stdout and stderr, as one record."""
    with _inside(folder):
        result = CliRunner().invoke(main, list(args), prog_name="make-report", catch_exceptions=False)
    return f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}".encode("utf-8")


def _copy(folder: Path, name: str) -> str:
    shutil.copyfile({**SOURCES, **FAULTY}[name], folder / f"{name}.yaml")
    return f"{name}.yaml"


def _built(folder: Path, name: str, *options: str, suffix: str = ".docx") -> bytes:
    _run(folder, _copy(folder, name), "-o", "r.docx", *options)
    return (folder / f"r{suffix}").read_bytes()


def _unit(agency: str, factor: int) -> dict:
    """A valid unit: the checks fixture with its numbers scaled (as tests/test_county.py)."""
    data = yaml.safe_load((FIXTURES / "checks-2023.yaml").read_text(encoding="utf-8"))
    data["agency"] = agency

    def scale(node):
        if isinstance(node, dict):
            return {k: scale(v) for k, v in node.items()}
        if isinstance(node, (int, Decimal, float)) and not isinstance(node, bool):
            return node * factor
        return node
    for key in ("proactive", "applications", "reviews"):
        data[key] = scale(copy.deepcopy(data[key]))
    return data


def _sum(folder: Path) -> bytes:
    (folder / "units").mkdir()
    for i, (agency, factor) in enumerate((("甲镇人民政府", 1), ("乙镇人民政府", 2), ("丙街道办事处", 5))):
        (folder / "units" / f"u{i}.yaml").write_text(yaml.safe_dump(_unit(agency, factor), allow_unicode=True),
                                                    encoding="utf-8")
    (folder / "名单.txt").write_text("甲镇人民政府\n乙镇人民政府\n丁镇人民政府\n", encoding="utf-8")
    printed = _run(folder, "sum", "units", "--agency", "某某县人民政府", "--roster", "名单.txt", "-o", "county.yaml")
    return printed + b"--- county.yaml\n" + (folder / "county.yaml").read_bytes()


def _extract(folder: Path, name: str, kind: str) -> bytes:
    source = _copy(folder, name)
    if kind == "txt":
        shutil.copyfile(FIXTURES / "seed-2022-town-report.txt", folder / "r.txt")
    else:
        _run(folder, source, "-o", "r.docx", *(["--html", "--html-fragment"] if kind != "docx" else []))
    printed = _run(folder, "extract", f"r.{kind}", "-o", "back.yaml")
    return printed + b"--- back.yaml\n" + (folder / "back.yaml").read_bytes()


def _init(folder: Path, *args: str) -> bytes:
    for name in SOURCES:
        _copy(folder, name)
    printed = _run(folder, "init", *args, "-o", "new.yaml")
    return printed + b"--- new.yaml\n" + (folder / "new.yaml").read_bytes()


def _records() -> dict[str, Callable[[Path], bytes]]:
    records: dict[str, Callable[[Path], bytes]] = {}
    for name in SOURCES:
        records[f"docx/{name}.docx"] = lambda f, n=name: _built(f, n)
        records[f"html/{name}.html"] = lambda f, n=name: _built(f, n, "--html", suffix=".html")
        records[f"html/{name}.fragment.html"] = lambda f, n=name: _built(f, n, "--html-fragment",
                                                                         suffix=".fragment.html")
        records[f"check/{name}.txt"] = lambda f, n=name: _run(f, "check", _copy(f, n), "--format", "json")
        records[f"build/{name}.txt"] = lambda f, n=name: _run(f, _copy(f, n), "-o", "r.docx")
    for name in FAULTY:
        records[f"check/{name}.txt"] = lambda f, n=name: _run(f, "check", _copy(f, n))
        records[f"check/{name}.json.txt"] = lambda f, n=name: _run(f, "check", _copy(f, n), "--format", "json")
        records[f"build/{name}.txt"] = lambda f, n=name: _run(f, _copy(f, n), "-o", "r.docx")
    records["docx/faulty-2023.draft.docx"] = lambda f: _built(f, "faulty-2023", "--draft")
    records["html/faulty-2023.draft.html"] = lambda f: _built(f, "faulty-2023", "--draft", "--html", suffix=".html")
    records["docx/full-2023.letterhead.docx"] = lambda f: _built(f, "full-2023", "--template", "letterhead")
    records["docx/checks-2023.draft.docx"] = lambda f: _built(f, "checks-2023", "--draft", "--previous",
                                                              _copy(f, "full-2023"))
    records["check/checks-2023.previous.txt"] = lambda f: _run(f, "check", _copy(f, "checks-2023"), "--previous",
                                                               _copy(f, "checks-2022"))
    records["check/checks-2023.text.txt"] = lambda f: _run(f, "check", _copy(f, "checks-2023"), "--previous",
                                                           _copy(f, "full-2023"))
    records["schema.json"] = lambda f: _run(f, "schema")
    records["init/plain.txt"] = lambda f: _init(f, "--year", "2023", "--agency", "某某县某某镇人民政府")
    records["init/plain-2020.txt"] = lambda f: _init(f, "--year", "2020", "--agency", "某某县某某乡人民政府")
    for name in ("example", "full-2023", "full-2020"):
        records[f"init/from-{name}.txt"] = lambda f, n=name: _init(f, "--from", f"{n}.yaml")
    for name, kinds in (("example", ("docx", "html", "fragment.html", "txt")), ("full-2023", ("docx", "html")),
                        ("full-2020", ("docx", "html"))):
        for kind in kinds:
            records[f"extract/{name}.{kind}.txt"] = lambda f, n=name, k=kind: _extract(f, n, k)
    records["sum/county.txt"] = _sum
    return records


RECORD_MAKERS = _records()


def docx_entries(blob: bytes) -> list[tuple[str, bytes]]:
    """A .docx as its entries, in order: what must not change even where zlib compresses
    differently."""
    import io
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
