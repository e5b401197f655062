"""`python -m xxgk_report` runs the `make-report` command."""

from .entry import run

run()
