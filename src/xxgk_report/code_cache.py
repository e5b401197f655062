"""The machine's cache of compiled template code, so that a new `make-report` process
neither patches nor compiles a template it has compiled before.

An entry is the marshalled code object Jinja compiled from one part of a template, named
by a hash of the part's bytes and of everything that shapes the code (this package's, Jinja's
and docxtpl's versions, the sandbox's code version, Python's bytecode format), and led by the
SHA-256 of its own bytes: a missing, stale, damaged or unreadable entry is simply compiled again
(and rewritten).

The cache holds code that is run: whoever can write it can run code as the user, outside the
template sandbox. So it is private: the folder is created 0700, and it is used only when it
is owned by the current user and nobody else may write it (POSIX; on Windows the folder is
under the user's own profile); each entry is read only when owned by the current user and
writable by nobody else, through a file descriptor opened without following a symbolic link.
A folder that fails these tests is not used (templates are then compiled in each process).

The folder is `$XXGK_REPORT_CACHE`, else `$XDG_CACHE_HOME/xxgk-report`, else
`~/.cache/xxgk-report`; `XXGK_REPORT_CACHE=off` turns the cache off.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import stat
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
    stat_ = os.stat(found.origin)
    return f"{found.origin}:{stat_.st_size}:{stat_.st_mtime_ns}"


_SALT = "\0".join((__version__, _stamp("jinja2"), _stamp("docxtpl"), importlib.util.MAGIC_NUMBER.hex())).encode()


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (always true where there are no uids)."""
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _usable_folder() -> Optional[Path]:
    """The cache folder, created private if missing; None when it is off or not private."""
    where = folder()
    if where is None:
        return None
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(where)
    except OSError:
        return None
    return where if stat.S_ISDIR(info.st_mode) and _private(info) else None


def _name(blob: bytes, salt: str) -> str:
    return hashlib.sha256(_SALT + salt.encode() + b"\0" + blob).hexdigest() + ".code"


def load(blob: bytes, salt: str = "") -> Optional[CodeType]:
    """The compiled code of a template part, if the cache has it (and it is private)."""
    where = _usable_folder()
    if where is None:
        return None
    try:
        fd = os.open(where / _name(blob, salt), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or not _private(info):
            return None
        stored = handle.read()
    digest, payload = stored[:32], stored[32:]
    if hashlib.sha256(payload).digest() != digest:  # damaged or partly written: compile again
        return None
    try:
        code = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def store(blob: bytes, code: CodeType, salt: str = "") -> None:
    """Keep the compiled code of a template part (silently not, when it cannot be written)."""
    where = _usable_folder()
    if where is None:
        return
    try:
        fd, temp = tempfile.mkstemp(dir=where, suffix=".tmp")  # created 0600
    except OSError:
        return
    try:
        payload = marshal.dumps(code)
        with os.fdopen(fd, "wb") as handle:
            handle.write(hashlib.sha256(payload).digest() + payload)
        os.replace(temp, where / _name(blob, salt))
    except OSError:
        Path(temp).unlink(missing_ok=True)
