"""The `make-report` command: a thin layer over `xxgk_report.api`, one module per kind of
command, all registered on one group (`main`)."""

from . import build, data, review, templates  # noqa: F401 (each registers its commands)
from .base import main, visible

__all__ = ["main", "visible"]
