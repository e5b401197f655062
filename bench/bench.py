"""Benchmark: time per report, beside a naive docxtpl baseline measured in the same run.

    python bench/bench.py [--repeat 30] [--runs 10] [DATA]

1. In process: median of `load_report` + `render_report` + write (ours) against a naive
   docxtpl loop — load the template, render the same context, save — with docxtpl's defaults.
2. Whole command: median wall time of `make-report DATA -o …` in a new process against a
   new process that imports docxtpl, PyYAML and click and does the naive render.

Prints medians and ratios (ours / naive). No assertion: this measures, tests test.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate

from xxgk_report import api
from xxgk_report.model import load_report
from xxgk_report.render import report_context
from xxgk_report.variants import template_path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / "data" / "example-2022.yaml"

NAIVE_SCRIPT = """
import sys, yaml, click
from docxtpl import DocxTemplate
ctx = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
t = DocxTemplate(sys.argv[2])
t.render(eval(sys.argv[3]))
t.save(sys.argv[4])
"""


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ours(data: Path, out: Path) -> None:
    report = load_report(data)
    api.write_atomic(out, api.render_report(report))


def naive(template: Path, context: dict, out: Path) -> None:
    doc = DocxTemplate(str(template))
    doc.render(context)
    buffer = io.BytesIO()
    doc.save(buffer)
    out.write_bytes(buffer.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=30, help="in-process repetitions")
    parser.add_argument("--runs", type=int, default=10, help="whole-command repetitions")
    args = parser.parse_args()
    template = template_path("default")
    context = report_context(load_report(args.data))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.docx"
        ours(args.data, out)  # warm up imports and caches for both
        naive(template, context, out)
        t_ours = median_seconds(lambda: ours(args.data, out), args.repeat)
        t_naive = median_seconds(lambda: naive(template, context, out), args.repeat)
        command = [sys.executable, "-m", "xxgk_report", str(args.data), "-o", str(out)]
        baseline = [sys.executable, "-c", NAIVE_SCRIPT, str(args.data), str(template), repr(context), str(out)]
        run = lambda cmd: subprocess.run(cmd, check=True, capture_output=True)  # noqa: E731
        c_ours = median_seconds(lambda: run(command), args.runs)
        c_naive = median_seconds(lambda: run(baseline), args.runs)
    print(f"data: {args.data}")
    print(f"per report, in process  ours {t_ours * 1000:7.1f} ms   naive docxtpl {t_naive * 1000:7.1f} ms"
          f"   ratio {t_ours / t_naive:.2f}   ({1 / t_ours:.1f} reports/s)")
    print(f"whole command           ours {c_ours * 1000:7.1f} ms   naive docxtpl {c_naive * 1000:7.1f} ms"
          f"   ratio {c_ours / c_naive:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
