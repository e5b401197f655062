"""A PDF report as blocks, with pdfplumber: the tables from the page's ruled cells, the text
in reading order around them, page headers, footers and 「— 3 —」 dropped.

    blocks = pdf_blocks(Path("2023年报.pdf"))   # [Para(…, line=True), Table(…), …]

A line of text is a `Para` with `line=True` (extract joins the lines of a paragraph again); a
line indented from the page's left margin starts a paragraph (GB/T 9704 indents each by two
characters), and says so by a leading space. A PDF with no text but images is a scan: refused
with a message that it needs OCR. The parsing runs in a worker process with a time limit and,
on Linux, a memory limit (`pool.bounded`): a PDF's streams can inflate without bound, and
pdfminer inflates a stream whole.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from .errors import DataError
from .files import MAX_DOCUMENT_FILE, InputError, read_bounded
from .rules import RULES

#: the most pages read (a report has 5–20), the time one PDF may take
MAX_PAGES = 300
TIMEOUT = 60.0

_PAGE_NUMBER = re.compile(r"^[-—–－―]?\s*\d{1,4}\s*[-—–－―]?$|^第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?$")
#: the top and bottom of a page where headers and footers are (a share of its height)
_MARGIN = 0.09
#: a space a PDF's layout put next to a Chinese character (justified text: 「共 120 条」)
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026"
_SPACED = re.compile(f"(?<=[{_CJK}]) +| +(?=[{_CJK}])")


def _unspaced(text: str) -> str:
    return _SPACED.sub("", text)


def unreadable(path: Path, message: str) -> DataError:
    return DataError(str(path), [RULES["D1"].problem("", (), message)])


def pdf_blocks(path: Path) -> list[Any]:
    """The blocks of the PDF at `path`; DataError when it is not one, is encrypted, damaged, a
    scan, or takes too long or too much memory to read."""
    from .blocks import Para, Table  # noqa: PLC0415 (blocks imports this module)
    try:
        blob = read_bounded(path, MAX_DOCUMENT_FILE, "PDF 文件")
    except InputError as exc:
        raise unreadable(path, str(exc)) from None
    if b"%PDF-" not in blob[:1024]:
        raise unreadable(path, "不是 PDF 文件（开头没有 %PDF-）；请确认文件类型")
    pages = _bounded(path, blob)
    if isinstance(pages, str):
        raise unreadable(path, pages)
    blocks: list[Any] = []
    for kind, content in _rows_rejoined(_without_chrome(pages)):
        blocks.append(Table(content) if kind == "table" else Para(content, line=True, placed=True))
    return blocks


_DIGITS = re.compile(r"\d{1,3}")


def _rows_rejoined(items: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A row a page broke in two put together again: when a table goes on from the page
    before and its first row (after the repeated header rows) holds only the last digits of
    numbers a narrow column wrapped (「17」 on one page, 「8」 on the next), those digits go
    back to the end of the numbers above them."""
    out: list[tuple[str, Any]] = []
    for kind, content in items:
        if kind == "table" and out and out[-1][0] == "table" and content:
            before = out[-1][1]
            rest = [row for row in content if row not in before[:3]]  # the header rows again
            first = rest[0] if rest else ()
            if _continues(before[-1], first):
                joined = tuple(a + b if b else a for a, b in zip(before[-1], first, strict=True))
                out[-1] = ("table", before[:-1] + (joined,))
                content = tuple(row for row in rest if row is not first)  # the repeated header too
                if not content:
                    continue
        out.append((kind, content))
    return out


def _continues(last: tuple[str, ...], first: tuple[str, ...]) -> bool:
    """Whether `first` holds nothing but digits ending numbers of `last`, cell for cell."""
    if not first or len(first) != len(last) or not any(first) or all(first):  # a full row is a row of its own
        return False
    return all(not b or (_DIGITS.fullmatch(b) and a[-1:].isdigit()) for a, b in zip(last, first))


def _bounded(path: Path, blob: bytes) -> Any:
    """`_parse(blob)` in a worker process within TIMEOUT and the workers' memory: the pages, or why not."""
    from .pool import Lost, bounded  # noqa: PLC0415
    import pdfplumber  # noqa: F401, PLC0415 (loaded before the worker is forked: not once per PDF)

    def lost(why: Lost) -> str:
        if why.timed_out:
            return f"读取 PDF 超过 {TIMEOUT:g} 秒，已停止（文件异常复杂或已损坏）"
        return "读取 PDF 时内存超过上限或进程意外退出（文件异常复杂或已损坏），已停止"
    return bounded(_parse_within_memory, blob, TIMEOUT, lost)


def _parse_within_memory(blob: bytes) -> Any:
    try:
        return _parse(blob)
    except MemoryError:
        return "读取 PDF 时内存超过上限（文件异常复杂或已损坏），已停止"


def _parse(blob: bytes) -> Any:
    """Every page as (height, [(top, x0, "line", text) | (top, x0, "table", rows)]), or a message."""
    import pdfplumber  # noqa: PLC0415 (only a PDF needs it)
    try:
        with pdfplumber.open(io.BytesIO(blob)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                return f"PDF 有 {len(pdf.pages)} 页，超过 {MAX_PAGES} 页，不像一份年度报告；未读取"
            pages = [_page(page) for page in pdf.pages]
            images = sum(len(page.images) for page in pdf.pages)
    except Exception as exc:  # noqa: BLE001 (pdfminer raises many kinds on a damaged file)
        return _why(exc)
    if not any(items for _, items in pages):
        return ("这是扫描的 PDF（只有图片，没有文字），需要先做文字识别（OCR），或找到报告的 Word 文档或网页"
                if images else "PDF 中没有文字，无法读取")
    return pages


def _why(exc: Exception) -> str:
    """What a PDF that could not be read has, from pdfminer's exception (pdfplumber wraps it)."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect  # noqa: PLC0415
    from pdfminer.psexceptions import PSEOF  # noqa: PLC0415
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__context__ or exc
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return "PDF 设置了打开密码（或加密方式不受支持），无法读取；请去掉密码后另存一份再读"
    if isinstance(cause, MemoryError):
        return "读取 PDF 时内存超过上限（文件异常复杂或已损坏），已停止"
    if isinstance(cause, PSEOF):
        return "PDF 不完整（文件在中途结束，可能没有下载完整），无法读取；请重新下载或另存"
    return "PDF 已损坏或使用了不支持的写法，无法读取；请用 PDF 阅读器打开后另存（或打印）为新的 PDF 再读"


def _inside(obj: dict, box: tuple) -> bool:
    return box[0] - 1 <= obj["x0"] and obj["x1"] <= box[2] + 1 and box[1] - 1 <= obj["top"] and obj["bottom"] <= box[3] + 1


def _page(page) -> tuple[float, list[tuple]]:
    """One page's lines and tables, top to bottom."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[tuple] = [(t.bbox[1], t.bbox[0], "table", _rows(t.extract())) for t in tables]
    outside = page.filter(lambda obj: "x0" not in obj or not any(_inside(obj, box) for box in boxes))
    for line in outside.extract_text_lines(strip=True):
        if line["text"]:
            items.append((line["top"], line["x0"], "line", _unspaced(line["text"])))
    return float(page.height), sorted(items, key=lambda item: (item[0], item[1]))


def _rows(table: list[list]) -> tuple[tuple[str, ...], ...]:
    """A table's rows: the text of each cell that starts in the row (merged ones are None)."""
    return tuple(tuple(_cell(cell) for cell in row if cell is not None) for row in table)


def _cell(text: str) -> str:
    """A cell's lines joined: no space between Chinese, nor inside a number a narrow column
    broke over two lines (「3880」/「0」 is 38800); one between words."""
    joined = ""
    for line in (part.strip() for part in text.split("\n")):
        number = joined[-1:].isdigit() and line[:1].isdigit()
        if joined and line and not number and joined[-1].isascii() and joined[-1].isalnum() \
                and line[0].isascii() and line[0].isalnum():
            joined += " "
        joined += line
    return _unspaced(joined)


def _without_chrome(pages: list[tuple[float, list[tuple]]]) -> list[tuple[str, Any]]:
    """The items of every page in order, without page numbers, and without the lines at the
    top or bottom of a page that recur on half the pages or more (running heads and feet); a
    line indented from the left margin (a paragraph's first line) starts with a space."""
    def shape(text: str) -> str:
        return re.sub(r"\d+", "#", unicodedata.normalize("NFKC", text).replace(" ", ""))
    edges = Counter(shape(text) for height, items in pages for top, _, kind, text in items
                    if kind == "line" and (top < height * _MARGIN or top > height * (1 - _MARGIN)))
    recurring = {text for text, n in edges.items() if len(pages) > 1 and n >= max(2, len(pages) / 2)}
    margin = _left_margin(pages)
    out: list[tuple[str, Any]] = []
    for height, items in pages:
        for top, x0, kind, content in items:
            if kind == "table":
                out.append((kind, content))
                continue
            plain = unicodedata.normalize("NFKC", content).strip()
            edge = top < height * _MARGIN or top > height * (1 - _MARGIN)
            if _PAGE_NUMBER.match(plain) or (edge and shape(content) in recurring):
                continue
            out.append((kind, (" " if x0 > margin + 8 else "") + content))
    return out


def _left_margin(pages: list[tuple[float, list[tuple]]]) -> float:
    """Where the text's lines start: the leftmost place three or more lines start, or a table
    does (a report whose paragraphs are all one line long has no line at the margin: each
    starts at its indent)."""
    lefts = Counter(round(item[1]) for _, items in pages for item in items if item[2] == "line")
    tables = [round(item[1]) for _, items in pages for item in items if item[2] == "table"]
    return min([x for x, n in lefts.items() if n >= 3] + tables, default=min(lefts, default=0))
