"""PDF copies of reports, through LibreOffice (`soffice --headless --convert-to pdf`).

LibreOffice runs with a private profile (so a LibreOffice the user has open does not get in
the way) and with `fonts.conf`, shipped in this package, as its fontconfig file: the GB/T 9704
fonts (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312, 黑体, 宋体) are looked for under their other
names, then replaced by installed CJK fonts, never by a Latin font. All files go through one
`soffice` call.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

from lxml import etree

from .errors import OutputError, os_reason
from .ooxml import left_align_justified
from .outputs import Staged
from .package import BODY_PART, STYLES_PART, UnsafeXML, deterministic_zip, parse_xml, xml_bytes
from .pool import run_program

INSTALL_HINT = ("需要 LibreOffice 才能生成 PDF：Debian/Ubuntu 上运行 "
                "sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-gkai00mp；"
                "Windows 上安装 LibreOffice（https://www.libreoffice.org/），并把其 program 文件夹加入 PATH")


def soffice() -> str:
    """The LibreOffice command, or OutputError saying what to install."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise OutputError(INSTALL_HINT)


def fonts_conf() -> Path:
    return Path(str(resources.files("xxgk_report").joinpath("fonts.conf")))


def convert(pairs: list[tuple[Path, Path]]) -> dict[int, str]:
    """Convert each (.docx, .pdf target) pair in one LibreOffice run, moving each PDF onto its
    target; return why, by the pair's index, for the pairs that got no PDF (their targets are
    left untouched). OutputError when LibreOffice cannot run at all."""
    if not pairs:
        return {}
    command = soffice()
    with tempfile.TemporaryDirectory(prefix="xxgk-pdf-") as tmp:
        work = Path(tmp)
        inputs = []
        for i, (document, _) in enumerate(pairs):  # unique names: two folders may hold a.docx each
            link = work / f"{i:05d}.docx"
            print_copy(document, link)
            inputs.append(str(link))
        # HOME stays: fonts a user installed without root live in ~/.local/share/fonts
        env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf()))
        args = [command, "--headless", "--norestore", "--nolockcheck",
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--convert-to", "pdf", "--outdir", str(work / "pdf"), *inputs]
        try:
            done = run_program(args, 120 + 5 * len(pairs), env=env, text=True)
        except subprocess.TimeoutExpired:
            return {i: "LibreOffice 转换 PDF 超时" for i in range(len(pairs))}
        except OSError as exc:
            raise OutputError(f"无法运行 LibreOffice（{exc}）；{INSTALL_HINT}") from None
        detail = ((done.stderr or done.stdout).strip().splitlines()[-1:] or ["LibreOffice 没有生成 PDF"])[0]
        failed = {}
        for i, (_, target) in enumerate(pairs):
            made = work / "pdf" / f"{i:05d}.pdf"
            if not made.is_file():
                failed[i] = detail
                continue
            try:
                with Staged() as out:  # onto the target whole, or not at all (a full disk)
                    shutil.copyfile(made, out.reserve(target))
                    out.commit()
            except (OSError, OutputError) as exc:
                failed[i] = str(exc) if isinstance(exc, OutputError) else f"无法写入 {target}：{os_reason(exc)}"
    return failed


def print_copy(document: Path, copy: Path) -> None:
    """Write to `copy` the .docx LibreOffice prints: `document` with its justified paragraphs
    left-aligned. LibreOffice (7.4 here) drops a 「，」「、」「；」 it hangs past the end of a
    justified line of Chinese (「监督，完善」 printed 「监督完善」: 6–10 marks in 60 dense paragraphs);
    left-aligned it prints it hung in the margin, as Word does. Lines of Chinese only are full
    lines of 28 characters as before; a line with digits or Latin letters may end up to about
    two characters short. The .docx itself stays justified. A document it cannot parse is copied."""
    def edit(parts: dict[str, bytes]) -> None:
        for name in (BODY_PART, STYLES_PART):
            root = parse_xml(parts[name]) if name in parts else None
            if root is not None and left_align_justified(root):
                parts[name] = xml_bytes(root)
    try:
        blob = deterministic_zip(document.read_bytes(), edit)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, UnsafeXML):
        shutil.copyfile(document, copy)
        return
    copy.write_bytes(blob)


def pdfs_beside(documents: list[Path]) -> tuple[list[Path], list[str]]:
    """A PDF beside each .docx (one LibreOffice run): the PDFs written, and for each that could
    not be, a message; a stale PDF it could not refresh is removed, and the message says so."""
    pairs = [(document, document.with_suffix(".pdf")) for document in documents]
    failed = convert(pairs)
    messages = []
    for i, reason in sorted(failed.items()):
        target = pairs[i][1]
        removed = ""
        if target.exists():
            target.unlink(missing_ok=True)
            removed = f"；已删除以前生成的 {target}，以免与新的 .docx 不一致"
        messages.append(f"{pairs[i][0]} 没有生成 PDF（{reason}）{removed}")
    return [target for i, (_, target) in enumerate(pairs) if i not in failed], messages
