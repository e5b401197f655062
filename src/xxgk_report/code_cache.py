"""The machine's cache of compiled template code, so that a new `make-report` process
neither patches nor compiles a template it has compiled before.

An entry is the marshalled code object Jinja compiled from one part of a template, named
by a hash of the part's bytes and of everything that shapes the code (this package's, Jinja's
and docxtpl's versions, Python's bytecode format), and led by the SHA-256 of its own bytes:
a missing, stale, damaged or unreadable entry is simply compiled again (and rewritten); a
cache folder that cannot be written is not used. The folder is
`$XXGK_REPORT_CACHE`, else `$XDG_CACHE_HOME/xxgk-report`, else `~/.cache/xxgk-report`;
`XXGK_REPORT_CACHE=off` turns the cache off.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import tempfile
from pathlib import Path
from types import CodeType
from typing import Optional

from . import __version__


def folder() -> Optional[Path]:
    """Where entries are kept, or None when the cache is off."""
    configured = os.environ.get("XXGK_REPORT_CACHE")
    if configured is not None:
        return None if configured.strip().lower() in ("", "0", "off", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "xxgk-report"


def _stamp(package: str) -> str:
    """Which installed copy of a package this is (its file, size and time), found without
    importing it: docxtpl is only imported to compile a template the cache lacks."""
    found = importlib.util.find_spec(package)
    if found is None or found.origin is None:
        return "?"
    stat = os.stat(found.origin)
    return f"{found.origin}:{stat.st_size}:{stat.st_mtime_ns}"


_SALT = "\0".join((__version__, _stamp("jinja2"), _stamp("docxtpl"), importlib.util.MAGIC_NUMBER.hex())).encode()


def _entry(blob: bytes) -> Optional[Path]:
    where = folder()
    return where / (hashlib.sha256(_SALT + blob).hexdigest() + ".code") if where else None


def load(blob: bytes) -> Optional[CodeType]:
    """The compiled code of a template part, if the cache has it."""
    path = _entry(blob)
    if path is None:
        return None
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    digest, payload = stored[:32], stored[32:]
    if hashlib.sha256(payload).digest() != digest:  # damaged or partly written: compile again
        return None
    try:
        code = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def store(blob: bytes, code: CodeType) -> None:
    """Keep the compiled code of a template part (silently not, when it cannot be written)."""
    path = _entry(blob)
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        payload = marshal.dumps(code)
        with os.fdopen(fd, "wb") as handle:
            handle.write(hashlib.sha256(payload).digest() + payload)
        os.replace(temp, path)
    except OSError:
        Path(temp).unlink(missing_ok=True)
