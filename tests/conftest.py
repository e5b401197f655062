from __future__ import annotations

import contextlib
import copy
import signal
import zipfile
from pathlib import Path
from typing import Callable

import pytest
import yaml
from click.testing import CliRunner

from xxgk_report import api
from xxgk_report.variants import template_path
from xxgk_report.cli import main

from . import docx_reader as dr

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "data"
EXAMPLE = ROOT / "data" / "example-2022.yaml"
FULL = FIXTURES / "full-2023.yaml"


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def full_data() -> dict:
    return read_yaml(FULL)


@pytest.fixture
def full(full_data) -> dict:
    """A fresh, mutable copy of the non-zero fixture."""
    return copy.deepcopy(full_data)


@pytest.fixture(scope="session")
def full_docx() -> bytes:
    return api.render_report(FULL)


@pytest.fixture(scope="session")
def example_docx() -> bytes:
    return api.render_report(EXAMPLE)


@pytest.fixture
def write_data(tmp_path):
    """Write a data file (a dict as YAML, or raw text) and return its path."""
    def write(content, name: str = "report.yaml") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path
    return write


@pytest.fixture(autouse=True, scope="session")
def _private_code_cache(tmp_path_factory):
    """Tests never touch the user's cache of compiled templates."""
    import os
    os.environ["XXGK_REPORT_CACHE"] = str(tmp_path_factory.mktemp("code-cache"))


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run `make-report ARGS…` in a fresh working folder; return click's result."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], prog_name="make-report", catch_exceptions=False)
    return invoke


class Hung(Exception):
    """A block ran past its time: on the code before a fix, a test fails instead of hanging."""


@contextlib.contextmanager
def within(seconds: int):
    """Fail (rather than hang the test run) when the block takes longer than `seconds`
    (POSIX, main thread; elsewhere the block just runs)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def stop(*_):
        raise Hung(f"took more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def package(tmp_path) -> Callable[..., Path]:
    """A copy of the default template with parts changed: {name: f(text) or bytes or None}."""
    def make(changes: dict, name: str = "hostile.docx") -> Path:
        parts = dr.parts(template_path("default").read_bytes())
        for part, change in changes.items():
            if callable(change):
                parts[part] = change(parts.get(part, b"").decode("utf-8")).encode("utf-8")
            elif change is None:
                parts.pop(part, None)
            else:
                parts[part] = change
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, blob in parts.items():
                archive.writestr(part, blob)
        return path
    return make
