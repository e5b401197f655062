"""The `make-report` command's entry point: Ctrl-C at any moment, even while the program is
still starting (importing its libraries), ends it quietly, in Chinese, with exit 130."""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from .cli import main
        main(prog_name="make-report")
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        sys.exit(130)
