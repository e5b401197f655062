"""The machine's cache of compiled templates: used when sound, rebuilt when not."""

from __future__ import annotations

from xxgk_report import api, code_cache, render

from .conftest import FULL


def _fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("XXGK_REPORT_CACHE", str(tmp_path / "cache"))
    render._load_template.cache_clear()


def test_a_damaged_entry_is_compiled_again_and_repaired(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    good = api.render_report(FULL)
    entries = sorted((tmp_path / "cache").glob("*.code"))
    assert entries
    for entry in entries:  # flip one byte in the middle of every entry
        blob = bytearray(entry.read_bytes())
        blob[len(blob) // 2] ^= 0x01
        entry.write_bytes(bytes(blob))
    render._load_template.cache_clear()
    assert api.render_report(FULL) == good
    render._load_template.cache_clear()
    assert all(code_cache.load(b) is not None for b in [render.load_template(api.template_for(
        api.load_report(FULL))).parts["word/document.xml"]])


def test_cache_off_and_unwritable_give_the_same_bytes(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    good = api.render_report(FULL)
    monkeypatch.setenv("XXGK_REPORT_CACHE", "off")
    render._load_template.cache_clear()
    assert code_cache.folder() is None and api.render_report(FULL) == good
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XXGK_REPORT_CACHE", str(tmp_path / "file"))
    render._load_template.cache_clear()
    assert api.render_report(FULL) == good
