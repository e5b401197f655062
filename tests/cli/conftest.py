from __future__ import annotations

import pytest
from click.testing import CliRunner

from xxgk_report.cli import main


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run `make-report ARGS…` in a fresh working folder; return click's result."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], prog_name="make-report", catch_exceptions=False)
    return invoke
