"""Reading other people's files with bounds: every reader of the package goes through here.

    blob = read_bounded(path, MAX_DATA_FILE, "数据文件")     # bytes, or InputError
    parts = read_zip(path, what="Word 文档")                 # {name: bytes}, or InputError

A FIFO, a device (`/dev/zero` named `x.yaml`) or a folder is refused before it is read (it is
opened without blocking and checked with fstat), a file larger than its limit is refused
after reading at most one byte more than the limit, and a zip (a .docx) is refused when it
declares more entries, or more unzipped bytes in all or in one entry, than its limits: the
sizes a zip declares bound what `zipfile` will return, so nothing larger is ever decompressed.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
import zlib
from pathlib import Path

from .errors import ReportError, os_reason

MB = 1024 * 1024
#: a data file (.yaml/.json): real ones are under 100 KB
MAX_DATA_FILE = 10 * MB
#: a report read back (.docx as a zip, .html, .txt) and a template (.docx)
MAX_DOCUMENT_FILE = 50 * MB
MAX_TEXT_FILE = 20 * MB
#: what a .docx may hold unzipped, in all and in one part
MAX_UNZIPPED = 50 * MB
MAX_PART = 20 * MB
MAX_ENTRIES = 2000
#: a roster of units (one name a line)
MAX_ROSTER_FILE = 2 * MB


class InputError(ReportError):
    """A file cannot be read within its bounds; the message says why, in Chinese."""


def _size_text(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{size} 字节"


def read_bounded(path: Path, limit: int, what: str = "文件") -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; InputError for a file
    that is not a regular file, cannot be opened, or is larger."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(f"无法读取{what} {path}（{os_reason(exc)}）") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            kind = "文件夹" if stat.S_ISDIR(mode) else "管道或设备文件"
            raise InputError(f"{what} {path} 是{kind}，不是普通文件，未读取")
        try:
            blob = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(f"无法读取{what} {path}（{os_reason(exc)}）") from None
    if len(blob) > limit:
        raise InputError(f"{what} {path} 超过 {_size_text(limit)}，未读取（这么大的文件不会是年度报告的{what}）")
    return blob


def read_zip(path: Path, what: str = "Word 文档", names=None) -> dict[str, bytes]:
    """The entries of the zip file `path` (a .docx), all or those `names` accepts (a callable
    on the entry name), within the bounds above; InputError otherwise."""
    return unzip(read_bounded(path, MAX_DOCUMENT_FILE, what), path, what, names)


def zip_part(path: Path, name: str, suffix: str) -> bytes:
    """One entry of the zip file `path` when `path` is a regular file ending in `suffix`, read
    within the bounds above; b"" when it is not there or cannot be read (for telling what a
    file is: a template, a report of ours, a review workbook)."""
    return zip_entries(path, (name,), suffix).get(name, b"")


def zip_entries(path: Path, names: tuple[str, ...], suffix: str) -> dict[str, bytes]:
    """The entries `names` of the zip file `path`, as `zip_part` reads one (those that are
    there; {} when the file is not a zip ending in `suffix` or cannot be read)."""
    if path.suffix.lower() != suffix or not path.is_file():
        return {}
    try:
        return read_zip(path, "文件", names=lambda entry: entry in names)
    except InputError:
        return {}


def unzip(blob: bytes, path: Path, what: str = "Word 文档", names=None, kind: str = ".docx") -> dict[str, bytes]:
    """The entries of a zip file read as `blob` (see `read_zip`); every entry inflates to
    exactly the size it declares, or InputError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(blob))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError(f"{what} {path} 不是 {kind} 文件（无法按 zip 压缩包打开）") from None
    with archive:
        infos = archive.infolist()
        wanted = [info for info in infos if names is None or names(info.filename)]
        _check_declared(path, what, infos, wanted)
        try:
            return {info.filename: archive.read(info) for info in wanted}
        except RuntimeError:  # zipfile's word for an encrypted entry
            raise InputError(f"{what} {path} 中有加密的部分，无法读取；请另存为不加密的文件") from None
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, zlib.error):
            raise InputError(f"{what} {path} 已损坏，无法读取") from None


def _check_declared(path: Path, what: str, infos: list, wanted: list) -> None:
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"{what} {path} 有 {len(infos)} 个部分，超过 {MAX_ENTRIES} 个，未读取")
    total = sum(info.file_size for info in wanted)
    largest = max((info.file_size for info in wanted), default=0)
    if total > MAX_UNZIPPED or largest > MAX_PART:
        raise InputError(f"{what} {path} 解压后有 {_size_text(total)}（单个部分最大 {_size_text(largest)}），"
                         f"超过 {_size_text(MAX_UNZIPPED)}（单个部分 {_size_text(MAX_PART)}）的上限；"
                         f"可能是“压缩炸弹”，未读取")
