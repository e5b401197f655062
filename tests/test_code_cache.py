"""The machine's cache of compiled templates: used when sound, rebuilt when not."""

from __future__ import annotations

import hashlib
import marshal
import os
import stat

import pytest

from xxgk_report import api, code_cache, render
from xxgk_report.sandbox import CODE_VERSION

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
    assert all(code_cache.load(b, CODE_VERSION) is not None for b in [render.load_template(api.template_for(
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


# --- the cache holds code that is run: it must be the user's own --------------------------------


def _plant(folder, blob: bytes, marker):
    """An entry for `blob` whose code writes `marker` when it is loaded as a template."""
    code = compile(f"open({str(marker)!r}, 'w').write('ran')", "evil", "exec")
    payload = marshal.dumps(code)
    entry = folder / code_cache._name(blob, CODE_VERSION)
    entry.write_bytes(hashlib.sha256(payload).digest() + payload)
    return entry


def _document_part():
    return render.load_template(api.template_for(api.load_report(FULL))).parts["word/document.xml"]


def test_the_cache_folder_is_created_private(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    api.render_report(FULL)
    assert stat.S_IMODE(os.stat(tmp_path / "cache").st_mode) == 0o700
    assert all(stat.S_IMODE(e.stat().st_mode) == 0o600 for e in (tmp_path / "cache").glob("*.code"))


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_folder_others_can_write_is_never_used(monkeypatch, tmp_path, mode):
    _fresh(monkeypatch, tmp_path)
    blob = _document_part()
    folder = tmp_path / "cache"
    folder.mkdir(exist_ok=True)
    os.chmod(folder, mode)
    marker = tmp_path / "ran"
    _plant(folder, blob, marker)
    render._load_template.cache_clear()
    assert code_cache.load(blob, CODE_VERSION) is None
    api.render_report(FULL)
    assert not marker.exists()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_entry_others_can_write_or_a_link_is_never_loaded(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    blob = _document_part()
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700, exist_ok=True)
    marker = tmp_path / "ran"
    entry = _plant(folder, blob, marker)
    os.chmod(entry, 0o666)
    assert code_cache.load(blob, CODE_VERSION) is None
    elsewhere = tmp_path / "elsewhere.code"
    os.rename(entry, elsewhere)
    os.chmod(elsewhere, 0o600)
    entry.symlink_to(elsewhere)
    assert code_cache.load(blob, CODE_VERSION) is None
    render._load_template.cache_clear()
    api.render_report(FULL)
    assert not marker.exists()


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give a folder away")
def test_a_folder_of_another_user_is_never_used(monkeypatch, tmp_path):
    _fresh(monkeypatch, tmp_path)
    blob = _document_part()
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700, exist_ok=True)
    _plant(folder, blob, tmp_path / "ran")
    os.chown(folder, 12345, 12345)
    assert code_cache.load(blob, CODE_VERSION) is None


def test_a_private_entry_is_what_the_cache_is_for(monkeypatch, tmp_path):
    """The other side: a sound, private entry is loaded (so the tests above test the guard)."""
    _fresh(monkeypatch, tmp_path)
    blob = _document_part()
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700, exist_ok=True)
    entry = _plant(folder, blob, tmp_path / "ran")
    os.chmod(entry, 0o600)
    assert code_cache.load(blob, CODE_VERSION) is not None
