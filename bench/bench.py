"""Benchmark: the speed targets of the project, measured beside naive baselines in one run.

    python bench/bench.py [--units 300] [--runs 10] [--repeat 30]

1. Single run: median wall time of `make-report DATA -o …` (the compiled-template cache
   warm, as after the first run on a machine; the cold first run is shown too) against
   `python -c "import docxtpl, yaml, click"`. Target: ratio ≤ 1.5.
2. Batch: `make-report build UNITS/ -o OUT/ --jobs 2` over generated unit files (valid,
   varied numbers), in reports per second including start-up. Target: ≥ 300 reports/s.
   Beside it, the naive docxtpl loop over the same files on one core and on two (load the
   template, render, save, per report).
3. In process: one report (read, validate, check, render, write) against the naive loop.
4. Workbooks: the same batch as fill-in workbooks (.xlsx), `build --jobs 2`, beside the
   YAML batch. Target: ≥ 100 workbooks/s. In process, reading one filled workbook into a
   Report (python-calamine) beside reading the same data from YAML, and beside openpyxl
   loading the same workbook read-only and walking its cells (when openpyxl is installed).
5. Published reports: `extract` of the example printed to PDF by LibreOffice (when it is
   installed), in process, whole (read, tables, sections, data): target ≤ 0.5 s; beside it
   pdfplumber alone opening the PDF and extracting every page's text (the floor of any
   reading with it) and `pdftotext -layout` (poppler, when installed); and `extract` of the
   same report as .docx and as a web page.
6. The county's review: `make-report audit UNITS/ --roster … -o review.xlsx --jobs 2` over
   the same units in mixed formats (Word 40 %, workbooks 40 %, web pages 10 %, YAML 10 %),
   beside `build` of the same units as YAML. Target: 300 units in ≤ 15 s.

Prints the numbers and the two ratios against their targets. No assertion: this measures,
tests test.
"""

from __future__ import annotations

import argparse
import copy
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml
from docxtpl import DocxTemplate

from xxgk_report import api, spec
from xxgk_report.model import load_report
from xxgk_report.context import report_context
from xxgk_report.variants import template_path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "example-2022.yaml"
SINGLE_TARGET = 1.5
BATCH_TARGET = 300.0
WORKBOOK_TARGET = 100.0
PDF_TARGET = 0.5
AUDIT_TARGET = 15.0


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command() -> list[str]:
    script = shutil.which("make-report", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "xxgk_report"]


def write_units(folder: Path, count: int) -> None:
    """`count` valid unit files (2022, 2021 format) with varied, balanced numbers."""
    base = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    rng = random.Random(2022)
    for i in range(count):
        data = copy.deepcopy(base)
        data["agency"] = f"某某县第{i + 1}单位"
        apps = data["applications"]
        for row in spec.FORMAT_2021_SPEC.result_rows:
            target = apps[row.path[0]] if len(row.path) == 1 else apps[row.path[0]][row.path[1]]
            for key in target:
                target[key] = rng.randint(0, 3)
        for key in apps["received"]:
            results = sum((apps[r.path[0]] if len(r.path) == 1 else apps[r.path[0]][r.path[1]])[key]
                          for r in spec.FORMAT_2021_SPEC.result_rows)
            apps["carried_forward"][key] = rng.randint(0, 2)
            apps["carried_over"][key] = rng.randint(0, min(2, results + apps["carried_forward"][key]))
            apps["received"][key] = results + apps["carried_forward"][key] - apps["carried_over"][key]
        data["overview"][1]["paragraphs"] = ["本年度依申请公开工作情况见表格。"]
        (folder / f"unit{i + 1:03d}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def write_workbooks(units: Path, folder: Path) -> None:
    """The unit files as fill-in workbooks (what `convert` writes)."""
    from xxgk_report.dataout import converted_bytes
    folder.mkdir()
    for source in sorted(units.glob("*.yaml")):
        target = folder / f"{source.stem}.xlsx"
        target.write_bytes(converted_bytes(load_report(source), target))


def openpyxl_walk(path: Path) -> None:
    """The baseline reader: openpyxl, read-only, every cell of every sheet."""
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            pass
    book.close()


def workbook_figures(tmp: Path, units: Path, env: dict, runs: int, repeat: int) -> str:
    """Section 4: workbooks in a batch and in process, beside YAML."""
    run = lambda cmd: subprocess.run(cmd, check=True, capture_output=True, env=env)  # noqa: E731
    books = tmp / "workbooks"
    write_workbooks(units, books)
    n = len(list(books.glob("*.xlsx")))
    t_yaml = median_seconds(lambda: run(command() + ["build", str(units), "-o", str(tmp / "o1"), "--jobs", "2"]),
                            max(3, runs // 3))
    t_books = median_seconds(lambda: run(command() + ["build", str(books), "-o", str(tmp / "o2"), "--jobs", "2"]),
                             max(3, runs // 3))
    one = sorted(books.glob("*.xlsx"))[0]
    t_read = median_seconds(lambda: load_report(one), repeat)
    t_read_yaml = median_seconds(lambda: load_report(units / f"{one.stem}.yaml"), repeat)
    try:
        t_openpyxl = f"   openpyxl read-only walk {median_seconds(lambda: openpyxl_walk(one), repeat) * 1000:5.1f} ms"
    except ImportError:
        t_openpyxl = ""
    rate = n / t_books
    return (f"workbooks       make-report --jobs 2 {t_books:5.2f} s = {rate:6.1f} workbooks/s"
            f"   (target ≥ {WORKBOOK_TARGET:.0f}: {'met' if rate >= WORKBOOK_TARGET else 'NOT met'})"
            f"   the same as YAML: {n / t_yaml:6.1f} reports/s\n"
            f"                read one workbook {t_read * 1000:5.1f} ms   the same YAML {t_read_yaml * 1000:5.1f} ms"
            + t_openpyxl)


def pdfplumber_text(path: Path) -> None:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def published_figures(tmp: Path, repeat: int) -> str:
    """Section 5: extract of a PDF, a .docx and a web page of the example."""
    from xxgk_report.extract import extract
    from xxgk_report.pdf import convert
    from xxgk_report.webpage import render_html
    document, page, pdf = tmp / "pub.docx", tmp / "pub.html", tmp / "pub.pdf"
    document.write_bytes(api.render_report(EXAMPLE))
    page.write_text(render_html(load_report(EXAMPLE)), encoding="utf-8")
    t_docx = median_seconds(lambda: extract(document), repeat)
    t_html = median_seconds(lambda: extract(page), repeat)
    others = f"   extract .docx {t_docx * 1000:5.1f} ms   web page {t_html * 1000:5.1f} ms"
    if shutil.which("soffice") is None or convert([(document, pdf)]):
        return "published       (LibreOffice is not installed: no PDF to read)" + others
    runs = max(5, repeat // 3)
    t_pdf = median_seconds(lambda: extract(pdf), runs)
    t_plumber = median_seconds(lambda: pdfplumber_text(pdf), runs)
    poppler = (f"   pdftotext -layout {median_seconds(lambda: subprocess.run(['pdftotext', '-layout', str(pdf), '-'], check=True, capture_output=True), runs) * 1000:5.1f} ms"  # noqa: E501
               if shutil.which("pdftotext") else "")
    return (f"published       extract a PDF {t_pdf * 1000:5.1f} ms (target ≤ {PDF_TARGET * 1000:.0f}: "
            f"{'met' if t_pdf <= PDF_TARGET else 'NOT met'})   pdfplumber text alone {t_plumber * 1000:5.1f} ms{poppler}\n"
            "               " + others)


def write_mixed(units: Path, folder: Path) -> int:
    """The unit files as a county receives them: Word, workbooks, web pages and YAML; a roster."""
    from xxgk_report.dataout import converted_bytes
    from xxgk_report.webpage import render_html
    folder.mkdir()
    names = []
    for i, source in enumerate(sorted(units.glob("*.yaml"))):
        report = load_report(source)
        names.append(report.agency)
        kind = (".docx", ".xlsx", ".docx", ".xlsx", ".html", ".docx", ".xlsx", ".yaml", ".docx", ".xlsx")[i % 10]
        target = folder / f"{source.stem}{kind}"
        if kind == ".docx":
            target.write_bytes(api.render_report(report))
        elif kind == ".xlsx":
            target.write_bytes(converted_bytes(report, target))
        elif kind == ".html":
            target.write_text(render_html(report), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
    (folder.parent / "roster.txt").write_text("\n".join(names), encoding="utf-8")
    return len(names)


def audit_figures(tmp: Path, units: Path, env: dict, runs: int, t_build: float) -> str:
    """Section 6: the county's review of the units in mixed formats."""
    mixed = tmp / "mixed"
    n = write_mixed(units, mixed)
    run = lambda cmd: subprocess.run(cmd, capture_output=True, env=env)  # noqa: E731 (exit 1: not every unit passes)
    t_audit = median_seconds(lambda: run(command() + ["audit", str(mixed), "--roster", str(tmp / "roster.txt"), "-o",
                                                      str(tmp / "review.xlsx"), "--jobs", "2", "--force"]),
                             max(3, runs // 3))
    return (f"county review   make-report audit of {n} mixed units --jobs 2 {t_audit:5.2f} s"
            f"   (target ≤ {AUDIT_TARGET:.0f} s: {'met' if t_audit <= AUDIT_TARGET else 'NOT met'})"
            f"   build of the same {n} as YAML: {t_build:5.2f} s")


def naive_one(args: tuple[str, str, str]) -> None:
    data, template, out = args
    context = report_context(load_report(data))
    doc = DocxTemplate(template)
    doc.render(context)
    buffer = io.BytesIO()
    doc.save(buffer)
    Path(out).write_bytes(buffer.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300, help="unit files in the batch")
    parser.add_argument("--runs", type=int, default=10, help="repetitions of each command")
    parser.add_argument("--repeat", type=int, default=30, help="in-process repetitions")
    args = parser.parse_args()
    run = lambda cmd, **kw: subprocess.run(cmd, check=True, capture_output=True, **kw)  # noqa: E731
    template = str(template_path("default"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "r.docx"
        env = dict(os.environ, XXGK_REPORT_CACHE=str(tmp / "cache"))
        # as on a user's machine, Python keeps the bytecode of the modules it has compiled (the
        # installed libraries of the baseline have theirs from pip; this editable checkout needs
        # the first run to write its own): a sandbox's PYTHONDONTWRITEBYTECODE would count the
        # compiling of this package's source in every run
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cold = [time.perf_counter(), run(command() + [str(EXAMPLE), "-o", str(out)], env=env), time.perf_counter()]
        t_cold = cold[2] - cold[0]
        t_single = median_seconds(lambda: run(command() + [str(EXAMPLE), "-o", str(out)], env=env), args.runs)
        t_import = median_seconds(lambda: run([sys.executable, "-c", "import docxtpl, yaml, click"], env=env), args.runs)

        units = tmp / "units"
        units.mkdir()
        write_units(units, args.units)
        batch = command() + ["build", str(units), "-o", str(tmp / "out"), "--jobs", "2"]
        t_batch = median_seconds(lambda: run(batch, env=env), max(3, args.runs // 3))
        files = sorted(units.glob("*.yaml"))
        tasks = [(str(f), template, str(tmp / "naive" / (f.stem + ".docx"))) for f in files]
        (tmp / "naive").mkdir()
        start = time.perf_counter()
        for task in tasks:
            naive_one(task)
        t_naive1 = time.perf_counter() - start
        start = time.perf_counter()
        with ProcessPoolExecutor(2) as pool:
            list(pool.map(naive_one, tasks, chunksize=8))
        t_naive2 = time.perf_counter() - start

        report = load_report(EXAMPLE)
        t_ours = median_seconds(lambda: api.write_atomic(out, api.render_report(report)), args.repeat)
        t_naive = median_seconds(lambda: naive_one((str(EXAMPLE), template, str(out))), max(5, args.repeat // 3))
        workbooks = workbook_figures(tmp, units, env, args.runs, args.repeat)
        published = published_figures(tmp, args.repeat)
        county = audit_figures(tmp, units, env, args.runs, t_batch)

    n = len(files)
    single, rate = t_single / t_import, n / t_batch
    print(f"single run      make-report {t_single * 1000:6.1f} ms (first run on a machine: {t_cold * 1000:.0f} ms)"
          f"   import docxtpl, yaml, click {t_import * 1000:6.1f} ms   ratio {single:.2f}"
          f"   (target ≤ {SINGLE_TARGET}: {'met' if single <= SINGLE_TARGET else 'NOT met'})")
    print(f"batch of {n}    make-report --jobs 2 {t_batch:5.2f} s = {rate:6.1f} reports/s"
          f"   (target ≥ {BATCH_TARGET:.0f}: {'met' if rate >= BATCH_TARGET else 'NOT met'})"
          f"   naive docxtpl: {n / t_naive1:5.1f}/s on 1 core, {n / t_naive2:5.1f}/s on 2"
          f" ({rate / (n / t_naive2):.1f} times as many)")
    print(f"in process      one report {t_ours * 1000:6.1f} ms   naive docxtpl {t_naive * 1000:6.1f} ms"
          f"   ratio {t_ours / t_naive:.2f}")
    print(workbooks)
    print(published)
    print(county)
    return 0


if __name__ == "__main__":
    sys.exit(main())
