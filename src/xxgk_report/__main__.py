"""`python -m xxgk_report` runs the `make-report` command."""

from .cli import main

main(prog_name="make-report")
