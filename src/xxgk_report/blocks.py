"""A report file as one sequence of blocks: paragraphs (a line of text) and tables (rows of
cell texts), whatever the file is: a .docx, a web page (.html/.htm, or saved as one file:
.mht/.mhtml) or its text (.txt).

    blocks = read_blocks(Path("2022年报.docx"))   # [Para(…), Table(…), …]

Every file is read within its bounds (`files`); a file that cannot be read raises DataError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from lxml import etree

from .errors import DataError
from .files import MAX_TEXT_FILE, InputError, read_bounded, read_zip, unzip
from .ooxml import body_of, bold_lead, is_paragraph, is_table, table_rows, text_of
from .package import UnsafeXML, parse_xml
from .reader import REPORT_SUFFIXES as SUFFIXES
from .rules import RULES

#: a web page, or a web page saved as one file with its pictures (a MIME archive: Word's
#: 「单个文件网页」, a browser's 「网页，单个文件」)
WEB_SUFFIXES = (".html", ".htm", ".mht", ".mhtml")


@dataclass(frozen=True)
class Para:
    text: str
    #: a line of plain text, which may be a piece of a paragraph wrapped by a PDF converter
    line: bool = False
    #: the paragraph's bold or styled lead-in (「<strong>（一）主动公开</strong>2023年……」)
    lead: str = ""
    #: a line placed on a page (a PDF's): a leading space starts a paragraph, any other line
    #: goes on the paragraph before it
    placed: bool = False


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]  # the text of each cell that starts in the row


#: the most paragraphs and tables (lines of text, tens of a page's elements) a report is read
#: with: a real one has a few hundred, a file of millions is refused before it is walked
MAX_BLOCKS = 20_000


def _bounded(path: Path, count: int, what: str) -> None:
    if count > MAX_BLOCKS:
        raise unreadable(path, f"文件中有 {count} {what}，超过 {MAX_BLOCKS}，不像一份年度报告（年报只有几百段）；未读取")


def unreadable(path: Path, message: str) -> DataError:
    return DataError(str(path), [RULES["D1"].problem("", (), message)])


def _docx_blocks(path: Path, blob: Optional[bytes] = None) -> list[Any]:
    try:
        wanted = lambda name: name == "word/document.xml"  # noqa: E731
        parts = unzip(blob, path, "Word 文档", wanted) if blob is not None else read_zip(path, "Word 文档", wanted)
        part = parts.get("word/document.xml")
        if part is None:
            raise unreadable(path, "无法读取 Word 文档（其中没有 word/document.xml）")
        root = parse_xml(part)
    except InputError as exc:
        raise unreadable(path, str(exc)) from None
    except UnsafeXML:
        raise unreadable(path, "无法读取 Word 文档（word/document.xml 中有 DOCTYPE 声明，Word 文档不会有）") from None
    except etree.XMLSyntaxError as exc:
        raise unreadable(path, f"无法读取 Word 文档（XML 不合法：{exc}）") from None
    body = body_of(root)
    if body is None:
        raise unreadable(path, "Word 文档没有正文（word/document.xml 中没有 w:body）")
    _bounded(path, len(body), "段文字和表格")
    blocks: list[Any] = []
    for child in body:
        if is_paragraph(child):
            blocks.append(Para(text_of(child, "\n"), lead=bold_lead(child)))
        elif is_table(child):
            blocks.append(Table(tuple(tuple(row) for row in table_rows(child))))
    return blocks


_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "article", "blockquote", "pre",
               "dd", "dt", "td", "th", "caption", "header", "footer", "main", "center"}


def _html_blocks(path: Path, raw: Optional[bytes] = None) -> list[Any]:
    import lxml.html
    try:
        raw = raw if raw is not None else read_bounded(path, MAX_TEXT_FILE, "网页")
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", _page_text(raw))  # XHTML: lxml wants no declaration
        document = lxml.html.fromstring(text)
    except InputError as exc:
        raise unreadable(path, str(exc)) from None
    except etree.ParserError:  # lxml's 「Document is empty」
        raise unreadable(path, "无法读取网页：网页是空的，没有文字") from None
    except ValueError as exc:
        raise unreadable(path, f"无法读取网页（{exc}）") from None
    _bounded(path, sum(1 for _ in document.iter()) // 10, "组网页元素（每组 10 个）")
    hidden = ("//*[@hidden or @aria-hidden='true' or contains(translate(@style, ' ', ''), 'display:none')"
              " or contains(translate(@style, ' ', ''), 'visibility:hidden')]")
    for junk in document.xpath(f"//script|//style|//head|//noscript|//template|{hidden}"):
        junk.drop_tree()  # what a reader of the page does not see is not the report
    blocks: list[Any] = []

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "table":
            blocks.append(_html_table(element))
            return
        children = [c for c in element if isinstance(c.tag, str)]
        if tag in _BLOCK_TAGS and not any(c.tag in _BLOCK_TAGS or c.tag == "table" for c in element.iter()
                                          if c is not element and isinstance(c.tag, str)):
            lead = _html_lead(element)
            for n, line in enumerate(_html_text(element).split("\n")):
                blocks.append(Para(line, lead=lead if n == 0 else ""))
            return
        if element.text and element.text.strip() and tag not in ("html", "body"):
            blocks.append(Para(element.text))
        for child in children:
            walk(child)
            if child.tail and child.tail.strip():
                blocks.append(Para(child.tail))

    walk(document)
    return blocks


def _decode(raw: bytes, charset: str = "") -> str:
    """A web page's text: its charset (given, or declared in it), else UTF-8, else GB18030 (GBK pages)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    declared = re.search(rb"""charset\s*=\s*["']?([\w-]+)""", raw[:4096], flags=re.IGNORECASE)
    name = charset.lower() or (declared.group(1).decode("ascii").lower() if declared else "")
    if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk"):
        name = "gb18030"  # what a page declared as GB2312 really holds (its 「—」 among others)
    for encoding in ([name] if name else []) + ["utf-8-sig", "gb18030"]:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def _page_text(raw: bytes) -> str:
    """The text of a web page, or of the page in a web page saved as one file (see webarchive)."""
    from .webarchive import archive_page  # noqa: PLC0415
    found = archive_page(raw)
    return _decode(raw) if found is None else _decode(*found)


def _html_text(element) -> str:
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return element.text_content()


def _html_lead(element) -> str:
    """A paragraph's bold lead-in: its first child a <strong>, <b> or run-in <span>, with
    nothing before it and more text after it."""
    children = [c for c in element if isinstance(c.tag, str)]
    if not children or (element.text or "").strip():
        return ""
    first = children[0]
    styled = first.tag in ("strong", "b") or "runin" in (first.get("class") or "") or \
        "bold" in (first.get("style") or "").replace(" ", "")
    after = (first.tail or "") + "".join(c.text_content() + (c.tail or "") for c in children[1:])
    return first.text_content() if styled and after.strip() else ""


def _html_table(table) -> Table:
    rows = []
    for tr in table.iter("tr"):
        rows.append(tuple(" ".join(_html_text(cell).split()) for cell in tr if cell.tag in ("td", "th")))
    return Table(tuple(rows))


def _text_blocks(path: Path) -> list[Any]:
    try:
        raw = read_bounded(path, MAX_TEXT_FILE, "文本文件")
    except InputError as exc:
        raise unreadable(path, str(exc)) from None
    lines = _decode(raw).splitlines()
    _bounded(path, len(lines), "行")
    return [Para(line, line=True) for line in lines]


def read_blocks(path: Path) -> list[Any]:
    """The blocks of a report file of any kind this tool reads (see SUFFIXES)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_blocks(path)
    if suffix in (".doc", ".wps"):
        from .legacy import word_file  # noqa: PLC0415
        kind, blob = word_file(path)
        return _docx_blocks(path, blob) if kind == "docx" else _html_blocks(path, blob)
    if suffix == ".pdf":
        from .pdfread import pdf_blocks  # noqa: PLC0415
        return pdf_blocks(path)
    if suffix in WEB_SUFFIXES:
        return _html_blocks(path)
    if suffix == ".txt":
        return _text_blocks(path)
    raise DataError(str(path), [RULES["D1"].problem("", (), f"不支持的文件类型 “{path.suffix}”，应为 "
                                                    + "、".join(SUFFIXES))])
