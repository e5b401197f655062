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
from importlib import resources
from pathlib import Path

from .errors import OutputError

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


def to_pdf(documents: list[Path]) -> list[Path]:
    """Write <name>.pdf beside each .docx, in one LibreOffice run; return the PDF paths."""
    if not documents:
        return []
    command = soffice()
    with tempfile.TemporaryDirectory(prefix="xxgk-pdf-") as tmp:
        work = Path(tmp)
        inputs = []
        for i, document in enumerate(documents):  # unique names: two folders may hold a.docx each
            link = work / f"{i:05d}.docx"
            shutil.copyfile(document, link)
            inputs.append(str(link))
        # HOME stays: fonts a user installed without root live in ~/.local/share/fonts
        env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf()))
        args = [command, "--headless", "--norestore", "--nolockcheck",
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--convert-to", "pdf", "--outdir", str(work / "pdf"), *inputs]
        try:
            done = subprocess.run(args, env=env, capture_output=True, text=True,
                                  timeout=120 + 5 * len(documents))
        except subprocess.TimeoutExpired:
            raise OutputError("LibreOffice 转换 PDF 超时") from None
        except OSError as exc:
            raise OutputError(f"无法运行 LibreOffice（{exc}）；{INSTALL_HINT}") from None
        results = []
        missing = []
        for i, document in enumerate(documents):
            made = work / "pdf" / f"{i:05d}.pdf"
            target = document.with_suffix(".pdf")
            if made.is_file():
                shutil.move(str(made), target)
                results.append(target)
            else:
                missing.append(str(document))
        if missing:
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
            raise OutputError(f"LibreOffice 没有生成这些文件的 PDF：{'、'.join(missing)}（{detail[0]}）")
    return results
