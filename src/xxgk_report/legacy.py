"""Word 97–2003 (.doc) and WPS (.wps) reports: read as what they really are. A .docx renamed
.doc is a .docx; a web page saved as .doc (what many sites offer for download) is a web page;
a real binary document is converted to .docx by LibreOffice, when it is installed, within a
time limit and in a private profile, from a copy: the original is never touched.

    kind, blob = word_file(Path("2023年报.doc"))   # ("docx" | "html", bytes)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import DataError
from .files import MAX_DOCUMENT_FILE, InputError, read_bounded
from .pool import run_program, unlimited
from .rules import RULES

#: the longest a conversion may take (a report converts in 2–5 s)
TIMEOUT = 120.0
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
INSTALL_HINT = ("读取 .doc、.wps 文件需要 LibreOffice：Debian/Ubuntu 上运行 sudo apt-get install libreoffice-writer-nogui；"
                "Windows 上安装 LibreOffice 并把其 program 文件夹加入 PATH。也可以在 Word 或 WPS 中把它另存为 .docx 后再读取")


def _refused(path: Path, message: str) -> DataError:
    return DataError(str(path), [RULES["D1"].problem("", (), message)])


def word_file(path: Path) -> tuple[str, bytes]:
    """What a .doc/.wps file holds, as ("docx", the .docx bytes) or ("html", the page's bytes);
    DataError when it is neither a Word document nor convertible here."""
    try:
        blob = read_bounded(path, MAX_DOCUMENT_FILE, "Word 文档")
    except InputError as exc:
        raise _refused(path, str(exc)) from None
    if blob.startswith(b"PK"):
        return "docx", blob
    head = blob[:2048].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html", b"<?xml")) or b"<html" in head or b"mime-version" in head:
        return "html", blob
    if not (blob.startswith(_OLE) or blob.startswith(b"{\\rtf")):
        raise _refused(path, f"{path.name} 不是 Word 或 WPS 文档（无法识别其格式）")
    return "docx", _converted(path, blob)


def _converted(path: Path, blob: bytes) -> bytes:
    """The .docx LibreOffice makes of a binary Word/WPS document."""
    command = shutil.which("soffice") or shutil.which("libreoffice")
    if command is None:
        raise _refused(path, INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="xxgk-doc-") as tmp:
        work = Path(tmp)
        source = work / f"report{path.suffix.lower() or '.doc'}"
        source.write_bytes(blob)
        args = [command, "--headless", "--norestore", "--nolockcheck",
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(source)]
        try:
            run_program(args, TIMEOUT, env=dict(os.environ, HOME=str(work)),
                        preexec_fn=unlimited if os.name == "posix" else None)
        except subprocess.TimeoutExpired:
            raise _refused(path, f"LibreOffice 转换 {path.name} 超过 {TIMEOUT:g} 秒，已停止（文件可能已损坏）") from None
        except OSError as exc:
            raise _refused(path, f"无法运行 LibreOffice（{exc.strerror or exc}）；{INSTALL_HINT}") from None
        made = work / "out" / "report.docx"
        if not made.is_file():
            raise _refused(path, f"LibreOffice 无法转换 {path.name}（文件可能已损坏或设置了密码）；"
                                 "请在 Word 或 WPS 中打开后另存为 .docx")
        return made.read_bytes()
