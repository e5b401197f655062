"""`make-report [build] DATA… [-o OUT]`: one report, or a batch with its results table."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import click

from .. import api
from ..errors import ReportError
from ..reader import READABLE
from .base import EPILOG, counts, main, previous_option, print_problems, reporting_errors, say, visible


@main.command(epilog=EPILOG)
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", type=click.Path(),
              help="输出文件，默认 out/<数据文件名>.docx；多个文件或文件夹时为输出文件夹（默认 out/）。"
                   "Output .docx, or the output folder for several files or folders.")
@click.option("--template", metavar="NAME|PATH",
              help="模板名称或 .docx 路径，优先于数据中的 template。Template variant or .docx path.")
@previous_option
@click.option("--draft", is_flag=True,
              help="有错误也生成，每页页眉标「草稿」，文前列出全部问题。"
                   "Render despite errors, as a draft marked 「草稿」 on every page.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="多个文件时并行的进程数，默认为 CPU 核数。Parallel workers for several files (default: all cores).")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True, metavar="SECONDS",
              help="批量生成时每个文件的处理时限（秒），超时的文件记为失败。"
                   "Time limit per file of a batch, in seconds.")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF。Also write a PDF (needs LibreOffice).")
@click.option("--html", is_flag=True, help="同时生成网页 <名称>.html。Also write a web page.")
@click.option("--html-fragment", is_flag=True,
              help="同时生成可粘贴到网站编辑器的网页片段 <名称>.fragment.html。Also write an HTML fragment for a CMS.")
@reporting_errors
def build(data: tuple[str, ...], output: str | None, template: str | None, previous: str | None, draft: bool,
          jobs: int | None, timeout: float, pdf: bool, html: bool, html_fragment: bool) -> None:
    """检查数据并生成报告。Check DATA (.yaml/.json/.xlsx, or a published report) and render it into a .docx report.

    先做与 `make-report check` 相同的检查：有错误则不生成（除非 --draft），警告照常打印。
    给出多个文件或文件夹时批量生成（文件夹中的数据文件逐个查找），显示进度，最后列出每个文件的结果；
    一个文件出错不影响其他文件，有文件出错时退出码为 1。
    """
    if pdf:
        from ..pdf import soffice
        soffice()  # before any work: say at once when LibreOffice is missing
    if len(data) == 1 and not Path(data[0]).is_dir():
        report = api.load_report(data[0])
        target = api.resolve_output(data[0], output)
        if report.coverage:
            say(f"{data[0]}：从报告{report.coverage}", err=True)
        written, findings = api.write_report(report, target, template, previous=previous, draft=draft,
                                             html=html, html_fragment=html_fragment, pdf=pdf)
        if draft:
            say(f"草稿：数据文件 {data[0]} 有 {counts(findings)}，已生成草稿（每页页眉标有「草稿」）。", err=True)
        print_problems(findings)
        for path in written:
            say(path)
        return
    if previous:
        raise click.UsageError("--previous 只能用于单个数据文件。--previous needs a single data file.")
    _build_batch(data, Path(output) if output else api.DEFAULT_OUTPUT_DIR, template, draft, jobs,
                 pdf=pdf, html=html, html_fragment=html_fragment, timeout=timeout)


def _build_batch(data: tuple[str, ...], out_dir: Path, template: str | None, draft: bool, jobs: int | None,
                 pdf: bool = False, html: bool = False, html_fragment: bool = False, timeout: float = 300) -> None:
    from .. import batch
    extras = tuple(suffix for asked, suffix in ((html, ".html"), (html_fragment, ".fragment.html"), (pdf, ".pdf"))
                   if asked)
    if any(Path(d).is_dir() and Path(d).resolve() == out_dir.resolve() for d in data):
        raise ReportError(f"输出文件夹 {out_dir} 就是输入的文件夹：生成的报告会在下次被当作单位的报告读入；"
                          "请用 -o 另选一个文件夹（可以是它里面的子文件夹，如 -o 报告/）")
    pairs = batch.find_data_files(data, out_dir, extras)
    if not pairs:
        raise click.UsageError(f"没有找到数据文件或报告（{READABLE}）。No data files found.")
    options = {"html": html, "html_fragment": html_fragment, "timeout": timeout}
    terminal = _progress_stream()
    try:
        if terminal is not None:
            with click.progressbar(length=len(pairs), label="生成报告", file=terminal, show_pos=True) as bar:
                results = batch.build_many(pairs, template, draft, jobs, on_done=lambda _: bar.update(1), **options)
        else:
            results = batch.build_many(pairs, template, draft, jobs, **options)
    except batch.Interrupted as stopped:
        _report_interrupted(stopped)
    _print_results(results)
    pdf_failures = []
    if pdf:
        from ..pdf import pdfs_beside
        made, pdf_failures = pdfs_beside([r.output for r in results if r.output is not None])
        click.echo(f"PDF：{len(made)} 个（LibreOffice）" + (f"，{len(pdf_failures)} 个没有生成。" if pdf_failures else "。"))
    failed = [r for r in results if r.status == batch.ERRORS]
    for result in failed:
        click.echo("", err=True)
        say(f"{result.source}：", err=True)
        if result.message:
            say(f"错误：{result.message}", err=True)
        print_problems([p for p in result.problems if p.is_error])
    for message in pdf_failures:
        say(f"错误：{message}", err=True)
    if failed or pdf_failures:
        sys.exit(1)


def _report_interrupted(stopped) -> None:
    """Ctrl-C during a batch: say what was finished and which files were written; exit 130."""
    finished = stopped.finished
    click.echo(f"已中断：已完成 {len(finished)} 个文件，未完成 {stopped.total - len(finished)} 个。", err=True)
    for result in finished:
        for path in ([result.output] if result.output else []) + list(result.extras):
            say(f"已生成：{path}", err=True)
    sys.exit(130)


def _progress_stream():
    """Where a progress bar goes: stderr when it is a terminal, else nowhere (logs, pipes)."""
    return sys.stderr if sys.stderr.isatty() else None


def _columns(text: str) -> int:
    """Terminal columns `text` takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns."""
    return text + " " * max(0, width - _columns(text))


def _print_results(results) -> None:
    from ..batch import ERRORS, OK, WARNINGS
    rows = [("文件", "机关", "结果", "输出")] + [
        (str(r.source), r.agency or "—", r.summary,
         (str(r.output) + (f"（另有 {len(r.extras)} 个网页）" if r.extras else "")) if r.output else "—")
        for r in results]
    rows = [tuple(visible(text) for text in row) for row in rows]
    widths = [max(_columns(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(_cell(text, width) for text, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
    counts = {status: sum(1 for r in results if r.status == status) for status in (OK, WARNINGS, ERRORS)}
    click.echo(f"共 {len(results)} 个：正常 {counts[OK]}，有警告 {counts[WARNINGS]}，有错误 {counts[ERRORS]}。")


