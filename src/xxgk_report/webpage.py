"""The report as a web page for the 政府信息公开专栏: the same title, headings, paragraphs
and the three official tables as real `<table>`s, their `rowspan`/`colspan` read from the
spec like the .docx's merges.

    render_html(report)                  # a standalone page: CSS for screen and print inside
    render_html(report, fragment=True)   # the body alone, for a CMS editor

No script, no external resource; every text is escaped. Tables carry `border="1"` too, so a
CMS editor that strips `<style>` still shows their rules.
"""

from __future__ import annotations

from html import escape
from typing import Optional

from . import spec
from .errors import Problem
from .draft import draft_summary
from .formatting import format_date, format_number, title_lines
from .model import Kind, Paragraph, Report

CSS = """
.xxgk-report { max-width: 46em; margin: 2em auto; padding: 0 1em; color: #000; line-height: 1.8;
  font-family: "仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", serif; font-size: 16pt; }
.xxgk-report h1 { text-align: center; font-weight: normal; font-size: 22pt; line-height: 1.5; margin: 1em 0;
  font-family: "方正小标宋简体", "宋体", "SimSun", "Noto Serif CJK SC", serif; }
.xxgk-report h2 { font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em;
  font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; }
.xxgk-report h3 { font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em;
  font-family: "楷体_GB2312", "楷体", "KaiTi", "AR PL KaitiM GB", serif; }
.xxgk-report p { margin: 0; text-indent: 2em; text-align: justify; }
.xxgk-report .runin { font-family: "楷体_GB2312", "楷体", "KaiTi", "AR PL KaitiM GB", serif; }
.xxgk-report .signoff { text-align: right; padding-right: 2em; text-indent: 0; }
.xxgk-report .signoff:first-of-type { margin-top: 1.8em; }
.xxgk-report table { width: 100%; border-collapse: collapse; margin: 0.5em 0 1em; font-size: 10.5pt; line-height: 1.4; }
.xxgk-report th, .xxgk-report td { border: 1px solid #000; padding: 0.2em 0.3em; text-align: center;
  vertical-align: middle; font-weight: normal; }
.xxgk-report .narrow { width: 1.2em; }
.xxgk-report .draft { color: #c00000; border: 2px solid #c00000; padding: 0.5em; margin-bottom: 1em; }
.xxgk-report .draft p { text-indent: 0; font-size: 12pt; }
@media print {
  @page { size: A4; margin: 37mm 26mm 35mm 28mm; }
  .xxgk-report { max-width: none; margin: 0; padding: 0; }
  .xxgk-report thead { display: table-header-group; }
  .xxgk-report tr { page-break-inside: avoid; }
  .xxgk-report h2, .xxgk-report h3 { page-break-after: avoid; }
}
""".strip()


def _paragraphs(paragraphs: tuple[Paragraph, ...]) -> list[str]:
    out = []
    for p in paragraphs:
        if p.kind == Kind.HEADING:
            out.append(f"<h3>{escape(p.heading)}</h3>")
        elif p.kind == Kind.RUNIN:
            out.append(f'<p><span class="runin">{escape(p.heading)}</span>{escape(p.text)}</p>')
        else:
            out.append(f"<p>{escape(p.text)}</p>")
    return out


def _table(report: Report, table: spec.TableSpec) -> list[str]:
    rows: list[list[str]] = [[] for _ in range(table.n_rows)]
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        spans = "".join(f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if n > 1)
        if cell.field is not None:
            rows[cell.row].append(f"<td{spans}>{escape(format_number(report.values['.'.join(cell.field)]))}</td>")
        else:
            narrow = ' class="narrow"' if cell.rowspan > 8 and cell.colspan == 1 else ""
            rows[cell.row].append(f"<th{spans}{narrow}>{escape(cell.text or '')}</th>")
    head = table.header_rows
    out = [f'<table class="xxgk-table xxgk-{table.key}" border="1" cellspacing="0" cellpadding="4">']
    if head:
        out += ["<thead>", *(f"<tr>{''.join(r)}</tr>" for r in rows[:head]), "</thead>"]
    out += ["<tbody>", *(f"<tr>{''.join(r)}</tr>" for r in rows[head:]), "</tbody>", "</table>"]
    return out


def render_html(report: Report, fragment: bool = False, draft: Optional[list[Problem]] = None) -> str:
    """The report as HTML: the body alone (`fragment`) or a standalone page; a `draft`
    opens with 「草稿」 and its findings, like the .docx."""
    tables = {t.key: t for t in spec.FORMATS[report.format].tables()}
    title = "<br>".join(escape(line) for line in title_lines(report.title, report.agency))
    body = ['<article class="xxgk-report">']
    if draft is not None:
        body += ['<div class="draft">', f"<p><strong>{escape(draft_summary(draft))}</strong></p>",
                 *(f"<p>{escape(str(finding))}</p>" for finding in draft), "</div>"]
    body += [f"<h1>{title}</h1>", *_paragraphs(report.narrative["preamble"])]
    for key, heading in spec.SECTIONS:
        body.append(f"<h2>{escape(heading)}</h2>")
        if key in tables:
            body += _paragraphs(report.narrative[f"{key}.text"])
            body += _table(report, tables[key])
        else:
            body += _paragraphs(report.narrative[key])
    if report.date:
        body += [f'<p class="signoff">{escape(report.agency)}</p>',
                 f'<p class="signoff">{escape(format_date(report.date))}</p>']
    body.append("</article>")
    if fragment:
        return "\n".join(body) + "\n"
    head = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(report.title)}</title>", f"<style>\n{CSS}\n</style>", "</head>", "<body>"]
    return "\n".join(head + body + ["</body>", "</html>"]) + "\n"
