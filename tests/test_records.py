"""Nothing a user sees changes: what every fixture makes now is what was recorded before the
data tree was declared once (tools/record_outputs.py), byte for byte."""

from __future__ import annotations

import zlib

import pytest

from .records import RECORD_MAKERS, RECORDS, docx_entries


@pytest.mark.parametrize("name", sorted(RECORD_MAKERS))
def test_output_is_the_recorded_output(tmp_path, monkeypatch, name):
    monkeypatch.setenv("XXGK_REPORT_CACHE", "off")
    made = RECORD_MAKERS[name](tmp_path)
    recorded = (RECORDS / name).read_bytes()
    if name.endswith(".docx"):
        assert docx_entries(made) == docx_entries(recorded)  # every part, in order, byte for byte
        if (RECORDS / "zlib.txt").read_text(encoding="ascii").strip() == zlib.ZLIB_RUNTIME_VERSION:
            assert made == recorded  # and the package itself, where zlib is the recording's
    else:
        assert made.decode("utf-8") == recorded.decode("utf-8")
