"""Writing what the user asked for without losing what they had.

    with Staged() as out:            # every file staged beside its target…
        out.add(target, blob)
        temp = out.reserve(pdf)      # …or reserved, for a program to write (LibreOffice)
        out.commit()                 # …then all renamed into place; on an error, none is

    refuse_overwriting(outputs, [(data_path, "数据文件"), (template, "模板")])

A failed run leaves every output as it was: nothing is renamed into place until everything is
made. No output may be one of the run's inputs (the same file by any name: a symbolic link,
another case of letters on a case-insensitive disk).
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from .errors import OutputError, os_reason
from .files import zip_entries, zip_part
from .package import BODY_PART, CORE_PART


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Staged:
    """Files written together: staged as hidden temporary files beside their targets, renamed
    into place by `commit`; discarded when the block ends without a commit."""

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []  # (temporary file, target)

    def __enter__(self) -> "Staged":
        return self

    def __exit__(self, *_exc) -> None:
        self.discard()

    def reserve(self, target: Path) -> Path:
        """A temporary file beside `target`, to be renamed onto it by `commit`."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as exc:
            raise OutputError(f"无法写入 {target}：{os_reason(exc)}") from None
        os.close(fd)
        self.staged.append((Path(temp), target))
        return Path(temp)

    def add(self, target: Path, blob: bytes) -> None:
        temp = self.reserve(target)
        try:
            temp.write_bytes(blob)
        except OSError as exc:
            raise OutputError(f"无法写入 {target}：{os_reason(exc)}") from None

    def commit(self) -> list[Path]:
        """Rename every staged file onto its target, all or none: the files there before are
        first moved aside, and put back if any rename fails. Return the targets."""
        mode = 0o666 & ~_umask()  # mkstemp creates 0600; give the usual mode
        moved: list[tuple[Path, Path]] = []  # (target, where its old file waits)
        done: list[Path] = []
        try:
            for temp, target in self.staged:
                if target.is_dir():
                    raise OutputError(f"无法写入 {target}：{os_reason(OSError(errno.EISDIR, ''))}")
                os.chmod(temp, mode)
                if target.exists():
                    aside = Path(f"{temp}.old")
                    os.replace(target, aside)
                    moved.append((target, aside))
            for temp, target in self.staged:
                os.replace(temp, target)
                done.append(target)
        except OSError as exc:
            self._restore(moved, done)
            raise OutputError(f"无法写入 {target}：{os_reason(exc)}") from None
        except OutputError:
            self._restore(moved, done)
            raise
        for _, aside in moved:
            aside.unlink(missing_ok=True)
        self.staged = []
        return done

    @staticmethod
    def _restore(moved: list[tuple[Path, Path]], done: list[Path]) -> None:
        """Undo a commit that failed half way: new files out, old files back."""
        for target in done:
            target.unlink(missing_ok=True)
        for target, aside in moved:
            os.replace(aside, target)

    def discard(self) -> None:
        for temp, _ in self.staged:
            temp.unlink(missing_ok=True)
        self.staged = []


def write_atomic(path: Path, blob: bytes) -> None:
    """Write `blob` to `path` through a temporary file and a rename: never a partial file."""
    with Staged() as out:
        out.add(path, blob)
        out.commit()


def _key(path: Path) -> str:
    """A path as the disk compares it: absolute, links resolved, case folded where the disk
    ignores case (Windows, macOS; folded everywhere, to be safe)."""
    return os.path.normcase(str(Path(path).expanduser().resolve())).casefold()


def _identity(path: Path) -> Optional[tuple[int, int]]:
    """The file a path names (device, inode), or None when there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if info.st_ino else None


def refuse_overwriting(outputs: Iterable[Path], inputs: Iterable[tuple[Optional[Path], str]]) -> None:
    """OutputError when an output is one of the inputs (given as (path, what it is)): the same
    file by any name (a link, another case of its letters). Linear in the number of paths."""
    by_key: dict[str, tuple[Path, str]] = {}
    by_identity: dict[tuple[int, int], tuple[Path, str]] = {}
    for given, what in inputs:
        if given is None:
            continue
        by_key.setdefault(_key(Path(given)), (Path(given), what))
        identity = _identity(Path(given))
        if identity is not None:
            by_identity.setdefault(identity, (Path(given), what))
    for output in outputs:
        found = by_key.get(_key(output)) or by_identity.get(_identity(output) or (-1, -1))
        if found is not None:
            raise OutputError(f"输出文件 {output} 就是{found[1]} {found[0]}，不能覆盖；请用 -o 另选输出文件")


def _has_tags(body: bytes) -> bool:
    return b"{{" in body or b"{%" in body


def is_template(path: Path) -> bool:
    """Whether `path` is a .docx with {{ }} or {% %} tags in it (a report never holds them)."""
    return _has_tags(zip_part(path, BODY_PART, ".docx"))  # an unreadable .docx is not a template either


#: what every report this tool writes says in its document properties (docProps/core.xml)
REPORT_MARK = "由 make-report 生成"


def fingerprint(body: bytes) -> str:
    """What a report of ours says of its body (word/document.xml) in its properties
    (dc:identifier): a report still as we wrote it is known as ours even when its text has
    {{ }} in it (a template's tags); one changed since is judged by what it holds."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def refuse_replacing(outputs: Iterable[Path]) -> None:
    """OutputError when an output .docx exists and is not a report this tool wrote: a
    template (a .docx with {{ }} or {% %} tags, such as another unit's, or a shipped one;
    unless it is a report of ours as we wrote it, whose text has them), a unit's published
    report in the same folder, a document someone typed. Only our own reports are replaced."""
    for output in outputs:
        if output.suffix.lower() != ".docx" or not output.exists():
            continue
        # both at once; the properties alone when the body cannot be read (a damaged report of ours)
        parts = zip_entries(output, (BODY_PART, CORE_PART), ".docx") or \
            {CORE_PART: zip_part(output, CORE_PART, ".docx")}
        core, body = parts.get(CORE_PART, b""), parts.get(BODY_PART, b"")
        ours = REPORT_MARK.encode("utf-8") in core
        if ours and fingerprint(body).encode("ascii") in core:
            continue  # ours, unchanged
        if _has_tags(body):
            raise OutputError(f"输出文件 {output} 是一个模板（其中有 {{{{ }}}} 标签），不能用报告覆盖它；请用 -o 另选输出文件")
        if not ours:
            raise OutputError(f"输出文件 {output} 已存在，但不是 make-report 生成的报告（可能是单位报送的报告或别人的文档），"
                              "未覆盖；请用 -o 另选输出文件，或先把它移走")


def require_suffix(path: Path, suffixes: tuple[str, ...], hint: str = "") -> None:
    """OutputError unless `path` ends in one of `suffixes` (compared without case)."""
    if path.suffix.lower() not in suffixes:
        raise OutputError(f"输出文件 {path} 应以 {' 或 '.join(suffixes)} 结尾{hint}")
