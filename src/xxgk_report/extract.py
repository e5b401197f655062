"""Reading an annual report back into a data file: from a .docx (made here or by hand in
Word), a published web page (.html/.htm) or its flattened text (.txt).

    result = extract(Path("2022年报.docx"))
    result.data       # a dict shaped like a data file (tables with their printed totals)
    result.problems   # everything that could not be mapped, or was read with a guess

Every format is first turned into one sequence of blocks: paragraphs (a line of text) and
tables (rows of cell texts). Sections are found by their official headings; the tables' rows
by their official labels (NFKC, whitespace-insensitive, （ and ( alike, small typos forgiven),
in the spec's order, each followed by its numbers. Printed 总计 are kept as `total`, so that
`make-report check` finds the published sums that are wrong.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import yaml
from lxml import etree

from . import spec
from .errors import DataError, Problem
from .files import MAX_TEXT_FILE, InputError, read_bounded, read_zip
from .ooxml import UnsafeXML, parse_xml, table_cells
from .rules import RULES
from .yamltext import comment

SUFFIXES = (".docx", ".html", ".htm", ".txt")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Extracted:
    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    def warn(self, where: str, message: str) -> None:
        self.problems.append(RULES["X1"].problem(where, (), message))


# ---------------------------------------------------------------------------
# Blocks: paragraphs and tables, from each kind of file


@dataclass(frozen=True)
class Para:
    text: str
    #: a line of plain text, which may be a piece of a paragraph wrapped by a PDF converter
    line: bool = False
    #: the paragraph's bold or styled lead-in (「<strong>（一）主动公开</strong>2023年……」)
    lead: str = ""


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]  # the text of each cell that starts in the row


def _unreadable(path: Path, message: str) -> DataError:
    return DataError(str(path), [RULES["D1"].problem("", (), message)])


def _docx_blocks(path: Path) -> list[Any]:
    try:
        part = read_zip(path, "Word 文档", names=lambda name: name == "word/document.xml").get("word/document.xml")
        if part is None:
            raise _unreadable(path, "无法读取 Word 文档（其中没有 word/document.xml）")
        root = parse_xml(part)
    except InputError as exc:
        raise _unreadable(path, str(exc)) from None
    except UnsafeXML:
        raise _unreadable(path, "无法读取 Word 文档（word/document.xml 中有 DOCTYPE 声明，Word 文档不会有）") from None
    except etree.XMLSyntaxError as exc:
        raise _unreadable(path, f"无法读取 Word 文档（XML 不合法：{exc}）") from None
    blocks: list[Any] = []
    body = root.find(f"{_W}body")
    if body is None:
        raise DataError(str(path), [RULES["D1"].problem("", (), "Word 文档没有正文（word/document.xml 中没有 w:body）")])
    for child in body:
        if child.tag == f"{_W}p":
            blocks.append(Para(_docx_text(child, "\n"), lead=_docx_lead(child)))
        elif child.tag == f"{_W}tbl":
            _, cells = table_cells(child)  # a merged cell once, in the row where it starts
            rows: list[list[str]] = [[] for _ in range(len(child.findall(f"{_W}tr")))]
            for cell in cells:
                rows[cell.row].append(" ".join(_docx_text(p) for p in cell.element.iter(f"{_W}p")).strip())
            blocks.append(Table(tuple(tuple(row) for row in rows)))
    return blocks


def _docx_lead(p) -> str:
    """The text of a paragraph's leading runs that are bold or in a character style, when
    other runs follow them: a run-in heading typed in Word."""
    runs = p.findall(f"{_W}r")
    lead = []
    for r in runs:
        props = r.find(f"{_W}rPr")
        bold = props is not None and (props.find(f"{_W}rStyle") is not None or (
            props.find(f"{_W}b") is not None and props.find(f"{_W}b").get(f"{_W}val", "1") not in ("0", "false")))
        if not bold:
            break
        lead.append(r)
    if not lead or len(lead) == len(runs):
        return ""
    return "".join(_docx_text(r) for r in lead)


def _docx_text(node, line_break: str = " ") -> str:
    parts = []
    for element in node.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        text = element.text or "" if element.tag == f"{_W}t" else " "
        parts.append(line_break if element.tag == f"{_W}br" else text)
    return "".join(parts)


_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "article", "blockquote", "pre",
               "dd", "dt", "td", "th", "caption", "header", "footer", "main", "center"}


def _html_blocks(path: Path) -> list[Any]:
    import lxml.html
    try:
        raw = read_bounded(path, MAX_TEXT_FILE, "网页")
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", _decode(raw))  # XHTML: lxml wants no declaration
        document = lxml.html.fromstring(text)
    except InputError as exc:
        raise _unreadable(path, str(exc)) from None
    except (ValueError, etree.ParserError) as exc:
        raise _unreadable(path, f"无法读取网页（{exc}）") from None
    for junk in document.xpath("//script|//style|//head|//noscript"):
        junk.drop_tree()
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


def _decode(raw: bytes) -> str:
    """A web page's text: its declared charset, else UTF-8, else GB18030 (GBK pages)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    declared = re.search(rb"""charset\s*=\s*["']?([\w-]+)""", raw[:4096], flags=re.IGNORECASE)
    name = declared.group(1).decode("ascii").lower() if declared else ""
    if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk"):
        name = "gb18030"  # what a page declared as GB2312 really holds (its 「—」 among others)
    for encoding in ([name] if name else []) + ["utf-8-sig", "gb18030"]:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


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
        raise _unreadable(path, str(exc)) from None
    text = _decode(raw)
    return [Para(line, line=True) for line in text.splitlines()]


def read_blocks(path: Path) -> list[Any]:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_blocks(path)
    if suffix in (".html", ".htm"):
        return _html_blocks(path)
    if suffix == ".txt":
        return _text_blocks(path)
    raise DataError(str(path), [RULES["D1"].problem("", (), f"不支持的文件类型 “{path.suffix}”，应为 "
                                                    + "、".join(SUFFIXES))])


# ---------------------------------------------------------------------------
# Matching official labels


def key(text: str) -> str:
    """Text as labels are compared: NFKC, no whitespace, （ and ( alike, 「1、」 as 「1.」."""
    return re.sub(r"(?<=\d)[、．]", ".", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


_NUMBERING = re.compile(r"^(\(\w{1,3}\)|[一二三四五六七八九十]+、|\d+[.、])")


def label_matches(label: str, text: str, threshold: float = 0.7) -> bool:
    """Whether `text` holds `label`: exactly, or with a small typo (the same list number,
    most of the characters in order)."""
    label, text = key(label), key(text)
    if label in text:
        return True
    if len(label) > 12 and label[:8] in text and text.endswith(label[: len(text) - text.index(label[:8])]):
        return True  # a long label cut by its row's numbers (a PDF's text): its beginning will do
    core = re.sub(r"\([^()]*\)$", "", label)  # 「（二）部分公开」 for 「（二）部分公开（区分处理的……）」
    if core != label and len(core) >= 4 and text.endswith(core):
        return True
    number = _NUMBERING.match(label)
    if number and number.group(0) not in text:
        return False
    matcher = difflib.SequenceMatcher(None, label, text, autojunk=False)
    found = sum(block.size for block in matcher.get_matching_blocks())
    return found >= threshold * len(label) and len(text) <= 3 * len(label) + 40


_PAGE_NUMBER = re.compile(r"^[-—–－―]\s*\d+\s*[-—–－―]$")
_UNITS = ("万元", "元", "件", "个", "项", "条", "起", "宗", "例", "人次", "次")
_VALUE = re.compile(r"^([-−－]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(" + "|".join(_UNITS) + ")?$")
_BLANK = {"-", "—", "–", "－", "―", "─", "/", "／", "\\", "无", "", "空"}


@dataclass
class Token:
    text: str
    number: Optional[Any] = None  # int, Decimal, or None for text
    blank: bool = False
    #: for a table cell: which table row it is in (its values are the cells after its label)
    row: Optional[int] = None
    #: the unit written after the number (「11件」, 「12.5万元」)
    unit: str = ""


def _tokens(blocks: list[Any]) -> list[Token]:
    """The cells and words of a section, in reading order: numbers, blanks and text. A table's
    cells keep their row; a line of text is split at | and tabs (an empty field between two
    tabs is a blank cell) or at runs of spaces (a PDF's columns)."""
    tokens: list[Token] = []
    row_id = 0
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                row_id += 1
                tokens += [_token(unicodedata.normalize("NFKC", cell).strip(), row_id) for cell in row]
            continue
        text = unicodedata.normalize("NFKC", block.text)
        if _PAGE_NUMBER.match(text.strip()):
            continue
        if "\t" in text:
            fields = [f.strip() for f in text.strip("\n").split("\t")]
            tokens += [_token(f) for f in fields]
            continue
        for piece in re.split(r"[|｜]+|\s{2,}", text):
            for word in piece.split():
                if not _PAGE_NUMBER.match(word):
                    tokens.append(_token(word))
    # a unit pdftotext printed apart (「386.52 万元」) belongs to the number before it
    merged: list[Token] = []
    for token in tokens:
        if merged and token.number is None and token.text in _UNITS and merged[-1].number is not None \
                and not merged[-1].unit and token.row == merged[-1].row:
            merged[-1].unit, merged[-1].text = token.text, merged[-1].text + token.text
            continue
        merged.append(token)
    return merged


def _token(word: str, row: Optional[int] = None) -> Token:
    word = word.strip()
    found = _VALUE.match(word)
    if found:
        sign, digits, fraction, unit = found.groups()
        number = ("-" if sign else "") + digits.replace(",", "") + (fraction or "")
        return Token(word, Decimal(number) if fraction else int(number), row=row, unit=unit or "")
    if word in _BLANK:
        return Token(word, 0, blank=True, row=row)
    return Token(word, row=row)


class _Reader:
    """Reads table rows from a token sequence: a row's label, then its numbers."""

    def __init__(self, tokens: list[Token], result: Extracted, where: str):
        self.tokens, self.result, self.where, self.cursor = tokens, result, where, 0
        #: the text in which the last label was found
        self.matched = ""

    def find(self, label: str, quiet: bool = False) -> bool:
        """Move past the next text that holds `label`; False (and stay) if there is none.
        Numbers passed on the way belong to no row: they are listed (unless `quiet`)."""
        text, skipped = "", []
        for i in range(self.cursor, len(self.tokens)):
            token = self.tokens[i]
            if token.number is not None:
                text = ""
                if not token.blank:  # a blank cell of a header row is nothing to report
                    skipped.append(token.text)
                continue
            text = (text + key(token.text))[-200:]  # labels are short: keep the search linear
            if label_matches(label, text):
                self.cursor = i + 1
                self.matched = text
                if skipped and not quiet:
                    self.result.warn(self.where, f"「{label}」之前有 {len(skipped)} 个数字对应不到任何一行，"
                                     f"未读取：{' '.join(skipped[:10])}{' …' if len(skipped) > 10 else ''}")
                return True
        return False

    def values(self, count: int, label: str, kinds: Optional[list[str]] = None) -> list[Any]:
        """The `count` values of the row whose label was just found: in a table, the cells
        after the label in the same row (a cell that is not a number is read as 0, with a
        warning, and nothing moves); in text, the next numbers. Blank cells read as 0, with
        a warning; `None` for a blank total."""
        kinds = kinds or [spec.COUNT] * count
        label_row = self.tokens[self.cursor - 1].row if self.cursor else None
        if label_row is not None:
            return self._read(self._rest_of_row(label_row)[:count], count, label, kinds)
        cells: list[Token] = []
        while len(cells) < count and self.cursor < len(self.tokens):
            token = self.tokens[self.cursor]
            if token.number is None and kinds[len(cells)] != spec.TEXT:
                if cells:
                    break  # the next row's label: this row is short
                self.cursor += 1
                continue
            cells.append(token)
            self.cursor += 1
        return self._read(cells, count, label, kinds)

    def numbers_row(self, count: int, label: str) -> list[Any]:
        """The next row of numbers, whole (四's values, under its header labels)."""
        while self.cursor < len(self.tokens) and (self.tokens[self.cursor].number is None
                                                  or self.tokens[self.cursor].blank):
            self.cursor += 1
        row = self.tokens[self.cursor].row if self.cursor < len(self.tokens) else None
        if row is None:
            return self.values(count, label)
        while self.cursor > 0 and self.tokens[self.cursor - 1].row == row:
            self.cursor -= 1  # from the row's start: a blank first cell is a value too
        return self._read(self._rest_of_row(row)[:count], count, label, [spec.COUNT] * count)

    def _rest_of_row(self, row: int) -> list[Token]:
        cells = []
        while self.cursor < len(self.tokens) and self.tokens[self.cursor].row == row:
            cells.append(self.tokens[self.cursor])
            self.cursor += 1
        return cells

    def _read(self, cells: list[Token], count: int, label: str, kinds: list[str]) -> list[Any]:
        notes: list[str] = []
        found = [self._value(kind, cell, notes) for kind, cell in zip(kinds[: len(cells)], cells, strict=True)]
        if notes:
            self.result.warn(self.where, f"「{label}」{'；'.join(dict.fromkeys(notes))}")
        if len(found) < count:
            self.result.warn(self.where, f"「{label}」只读到 {len(found)} 个数字（应有 {count} 个），其余按 0")
            found += [0] * (count - len(found))
        return found

    @staticmethod
    def _value(kind: str, cell: Token, notes: list[str]) -> Any:
        if kind == spec.TEXT:
            return "" if cell.blank else cell.text
        if cell.blank:
            notes.append(f"有{'空白' if not cell.text else '「' + cell.text + '」'}的格子，按 0 读取")
            return None
        if cell.number is None:
            notes.append(f"「{cell.text}」不是数字，按 0 读取")
            return None
        if kind == spec.DECIMAL and cell.unit == "元":
            notes.append(f"「{cell.text}」以元为单位，已换算为万元")
            return cell.number / 10000
        if kind != spec.DECIMAL and isinstance(cell.number, Decimal):
            notes.append(f"「{cell.text}」不是整数，按 0 读取")
            return None
        return cell.number


# ---------------------------------------------------------------------------
# The report


_HEADING_PREFIX = re.compile(r"^(\(([一二三四五六七八九十]+)\))\s*(.*)$")
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_SENTENCE_END = "。！？；：”」）.!?;:)"
#: A line of text at least this long that does not end a sentence was wrapped (a PDF's text);
#: a shorter one is a line of its own (a heading of a web page's text).
_WRAPPED = 20


def extract(path: Path, agency: Optional[str] = None, year: Optional[int] = None) -> Extracted:
    """Read the report at `path` into a data dict, listing what could not be mapped;
    `agency` and `year`, when given, replace what the report says (or does not say)."""
    blocks = read_blocks(path)
    result = Extracted({})
    sections = _split_sections(blocks)
    if len(sections) <= 2:  # the head, and one heading at most
        raise DataError(str(path), [RULES["D1"].problem("", (), "这不像一份政府信息公开工作年度报告："
                                                        f"找不到「{spec.SECTIONS[0][1]}」「{spec.SECTIONS[1][1]}」等标题")])
    head = sections.pop("head")
    tables = {k: sections.get(k, []) for k, _ in spec.SECTIONS[1:4]}
    fmt = spec.FORMATS[_detect_format(tables["proactive"], blocks)]
    data = result.data
    title_blocks, preamble = _title(head, result)
    title = "".join(key(p.text) for p in title_blocks)
    title_year = re.search(r"(\d{4})年", title)
    data["year"] = int(title_year.group(1)) if title_year else None
    data["agency"] = title[: title_year.start()] if title_year else ""
    if data["year"] is None:
        found = re.search(r"(\d{4})年度", "".join(key(p.text) for p in preamble + sections.get("overview", [])
                                                 if isinstance(p, Para)))
        data["year"] = int(found.group(1)) if found else None
        result.warn("year", f"标题中找不到年度，取自正文中的「{found.group(0)}」，请核对" if found else
                    "标题和正文中都找不到年度，请填写 year（或用 --year）")
    data["format"] = fmt.year
    expected_title = f"{data['agency']}{data['year']}年{spec.REPORT_NAME}"
    if title and title != expected_title:
        data["title"] = "".join(line.strip() for p in title_blocks for line in p.text.split("\n"))
    data["preamble"] = _narrative(preamble)
    data["overview"] = _narrative(sections.get("overview", []))
    for section_key, reader in (("proactive", _proactive), ("applications", _applications), ("reviews", _reviews)):
        blocks_here = sections.get(section_key, [])
        text, rest = _section_text(blocks_here, section_key)
        data[section_key] = {"text": _narrative(text)}
        data[section_key].update(reader(_Reader(_tokens(rest), result, section_key), fmt))
    data["problems"] = _narrative(sections.get("problems", []))
    other = list(sections.get("other_matters", []))
    signoff, signed_by = _signoff(other, data["agency"], result)
    if signoff:
        data["date"] = signoff
    if not data["agency"] and signed_by:
        data["agency"] = signed_by
        result.warn("agency", f"标题中找不到机关名称，取自落款「{signed_by}」，请核对")
    elif not data["agency"]:
        result.warn("agency", "标题和落款中都找不到机关名称，请填写 agency（或用 --agency）")
    data["other_matters"] = _narrative(other)
    for section_key, heading in spec.SECTIONS:
        if section_key not in sections:
            result.warn(section_key, f"找不到「{heading}」这一部分")
    for field_key, given in (("agency", agency), ("year", year)):
        if given:
            data[field_key] = given
            result.problems = [p for p in result.problems if p.path != field_key]
    return result


def _split_sections(blocks: list[Any]) -> dict[str, list[Any]]:
    sections: dict[str, list[Any]] = {"head": []}
    current = "head"
    headings = dict(spec.SECTIONS)
    order = [k for k, _ in spec.SECTIONS]
    for block in blocks:
        if isinstance(block, Para):
            found = next((k for k in order[order.index(current) + 1 if current != "head" else 0:]
                          if key(block.text).startswith(key(headings[k])[:2])
                          and label_matches(headings[k], block.text, 0.85)
                          and len(key(block.text)) <= len(key(headings[k])) + 2), None)
            if found:
                current = found
                sections[current] = []
                continue
        sections[current].append(block)
    return sections


def _field_labels(fmt: spec.FormatSpec) -> set[str]:
    return {key(f.label) for block in fmt.proactive for f in block.fields}


#: the column labels of 二 that only one format has
_WORDS_2019 = tuple(_field_labels(spec.FORMAT_2019_SPEC) - _field_labels(spec.FORMAT_2021_SPEC))
_WORDS_2021 = tuple(_field_labels(spec.FORMAT_2021_SPEC) - _field_labels(spec.FORMAT_2019_SPEC))


def _detect_format(proactive: list[Any], everything: list[Any]) -> int:
    """2019 or 2021, by the columns of 二's table; without that table (an image), by the
    report year the text gives (2019 for the years before 2021)."""
    def text(blocks: list[Any]) -> str:
        return "".join(key(b.text) if isinstance(b, Para) else key("".join(c for r in b.rows for c in r))
                       for b in blocks)
    found = text(proactive)
    if any(word in found for word in _WORDS_2021):  # first: 2019's 「处理决定数量」 is in 2021's 「本年处理决定数量」
        return spec.FORMAT_2021
    if any(word in found for word in _WORDS_2019):
        return spec.FORMAT_2019
    year = re.search(r"(\d{4})年", text(everything[:40]))
    return spec.FORMAT_2019 if year and int(year.group(1)) < spec.FIRST_YEAR_2021_FORMAT else spec.FORMAT_2021


#: lines of a web page around the article: the title's breadcrumb, publishing data, sharing
_PAGE_FURNITURE = re.compile(r"当前位置|首页>|发布(时间|日期)|来源[:：]|浏览(次数|量)|点击(数|量|次数)|字号[:：]|"
                             r"【?(打印|关闭|收藏)|分享到|相关(链接|文章|阅读)|版权所有|ICP备|网站标识码|网站地图|"
                             r"联系我们|主办单位|承办单位|技术支持|公网安备")


def _title(head: list[Any], result: Extracted) -> tuple[list[Para], list[Para]]:
    """The title (one line, or the agency's name over 「……年度报告」), and the preamble after
    it; a web page's breadcrumb and publishing lines are dropped, with a warning."""
    paras = [b for b in head if isinstance(b, Para) and key(b.text)]
    dropped = [p for p in paras if _PAGE_FURNITURE.search(key(p.text))]
    if dropped:
        result.warn("preamble", f"标题前后 {len(dropped)} 行像是网页的导航或发布信息，未读取："
                    + "；".join(key(p.text)[:30] for p in dropped[:3]))
    paras = [p for p in paras if p not in dropped]
    for i, p in enumerate(paras):
        line = key(p.text)
        if "工作年度报告" in line and not line.endswith("。") and len(line) <= 60:
            start = i
            if i > 0 and re.match(r"\d{4}年", line):  # the agency's name over 「2022年……年度报告」
                above = key(paras[i - 1].text)
                if len(above) <= 30 and not above.endswith("。"):
                    start = i - 1
            rest = [q for q in paras[i + 1:] if key(q.text) != line]  # a page that prints its title twice
            return paras[start: i + 1], rest
    result.warn("title", "找不到标题（含「年度报告」的一行）")
    return [], paras


#: how each table's first cell begins, when the table is lines of text
_TABLE_START = {
    "proactive": (key(spec.PROACTIVE_2021[0].title)[:4],),  # 「第二十条」
    "applications": (key(spec.APPLICATIONS_NOTE)[:5], key(spec.APPLICANTS_LABEL)),
    "reviews": (key(spec.REVIEW_GROUPS[0].labels[0]),),
}
_REVIEWS_LABEL = spec.REVIEW_GROUPS[0].labels[0]  # 「行政复议」, where 四's table starts


def _section_text(blocks: list[Any], section_key: str) -> tuple[list[Para], list[Any]]:
    """A section's text and its table. With a real table (a .docx or a web page), every
    paragraph is text, wherever it stands; in lines of text, the table starts at the first
    short line that begins like the table (「行政复议案件11件……」 is text, not the table)."""
    if any(isinstance(b, Table) for b in blocks):
        return [b for b in blocks if isinstance(b, Para)], [b for b in blocks if isinstance(b, Table)]
    for i, block in enumerate(blocks):
        line = key(block.text).lstrip("|｜")
        if line.startswith(_TABLE_START[section_key]) and (len(line) <= 40 or "|" in block.text):
            return blocks[:i], blocks[i:]
    return list(blocks), []


def _signoff(blocks: list[Any], agency: str, result: Extracted) -> tuple[Optional[str], str]:
    """The 落款 (the agency, then 「2023年1月16日」): removed with whatever follows it (a page
    number, a web page's footer: listed); its date (ISO) and the agency it names returned."""
    dates = [i for i, b in enumerate(blocks) if isinstance(b, Para) and _DATE.match(key(b.text))]
    if not dates:
        return None, ""
    found = _DATE.match(key(blocks[dates[-1]].text))
    after = [b for b in blocks[dates[-1] + 1:] if isinstance(b, Para) and key(b.text)
             and not _PAGE_NUMBER.match(unicodedata.normalize("NFKC", b.text).strip())]
    if after:
        result.warn("other_matters", f"落款之后的 {len(after)} 行（网页的页脚等）未读取："
                    + "；".join(key(b.text)[:30] for b in after[:3]))
    del blocks[dates[-1]:]
    while blocks and isinstance(blocks[-1], Para) and not key(blocks[-1].text):
        blocks.pop()
    signed_by = ""
    if blocks and isinstance(blocks[-1], Para):
        last = key(blocks[-1].text)
        if (agency and last == key(agency)) or (not agency and len(last) <= 30 and not last.endswith("。")):
            signed_by = blocks.pop().text.strip()
    try:
        return dt.date(*(int(g) for g in found.groups())).isoformat(), signed_by
    except ValueError:
        return None, signed_by


def _paragraph_texts(blocks: list[Any]) -> list[tuple[str, str]]:
    """(text, bold lead-in) of each paragraph; lines broken inside a sentence (a PDF's text)
    are joined again."""
    out: list[tuple[str, str]] = []
    for block in blocks:
        if not isinstance(block, Para):
            continue
        text = block.text.replace("\n", " ").strip()  # a line break inside a paragraph
        if not text or _PAGE_NUMBER.match(unicodedata.normalize("NFKC", text)):
            continue
        starts_new = bool(_HEADING_PREFIX.match(key(text)))
        if block.line and out and not starts_new and out[-1][0][-1] not in _SENTENCE_END \
                and len(out[-1][0]) >= _WRAPPED and not block.text[:1].isspace():
            out[-1] = (out[-1][0] + text, out[-1][1])
        else:
            out.append((text, block.lead.strip()))
    return out


def _narrative(blocks: list[Any]) -> list[Any]:
    """Paragraphs as data-file blocks: （一）标题。正文 → {title, text}; a lone （一）标题 →
    {title, paragraphs}; anything else a plain paragraph."""
    items: list[Any] = []
    numbered = re.compile(r"^\s*[(（]\s*([一二三四五六七八九十]+)\s*[)）]\s*(.*)$", flags=re.DOTALL)
    for text, lead in _paragraph_texts(blocks):
        found = numbered.match(text)
        heading = numbered.match(lead) if lead and text.startswith(lead) else None
        if heading and text[len(lead):].strip():  # a bold lead-in is the title, whatever follows it
            title = heading.group(2).strip().rstrip("。")
            items.append({"title": title, "text": text[len(lead):].strip()})
            continue
        if not found:
            if items and isinstance(items[-1], dict) and "paragraphs" in items[-1]:
                items[-1]["paragraphs"].append(text)
            else:
                items.append(text)
            continue
        rest = found.group(2).strip()
        title, body = _split_runin(rest)
        if body:
            items.append({"title": title, "text": body})
        else:
            items.append({"title": title, "paragraphs": []})
    for item in items:
        if isinstance(item, dict) and "paragraphs" in item and not item["paragraphs"]:
            del item["paragraphs"]
    return items


def _split_runin(rest: str) -> tuple[str, str]:
    """「提升质量水平。在严格执行……」 → (title, body); a heading without a body → (title, "").
    A title ending in ？！： keeps it (the renderer adds 。 only after other endings)."""
    for i, ch in enumerate(rest):
        if ch in "。？！：:?!" and i <= 40:
            return (rest[:i] if ch == "。" else rest[:i + 1]), rest[i + 1:].strip()
    return rest, ""


# ---------------------------------------------------------------------------
# The three tables


def _proactive(reader: _Reader, fmt: spec.FormatSpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for block in fmt.proactive:
        for row_key, label in block.rows:
            if not reader.find(label):
                reader.result.warn(f"proactive.{row_key}", f"找不到「{block.title} {label}」这一行，按 0 读取")
                continue
            values = [0 if v is None else v for v in reader.values(len(block.fields), label,
                                                                   [f.kind for f in block.fields])]
            if len(block.fields) == 1 and not block.fields[0].key:
                out[row_key] = values[0]
            else:
                out[row_key] = {f.key: v for f, v in zip(block.fields, values, strict=True)}
    return out


def _row(columns: list[str], values: list[Any]) -> dict[str, Any]:
    """A row of counts; a blank printed 总计 is left out (computed), not read as 0."""
    row = {column: (0 if value is None else value) for column, value in zip(columns, values, strict=True)}
    if values[-1] is None:
        del row[columns[-1]]
    return row


def _applications(reader: _Reader, fmt: spec.FormatSpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    columns = [c.key for c in spec.APPLICANT_COLUMNS]
    one_row = False
    for row in fmt.application_rows:
        label = row.labels[-1]
        if row.path[0] == "other_handling" and len(row.path) == 2:
            if row.path[1] == "no_correction":
                one_row = _one_row_other_handling(reader, out, columns)
            if one_row:
                continue
        if not reader.find(label):
            reader.result.warn("applications." + ".".join(row.path), f"找不到「{''.join(row.labels)}」这一行，按 0 读取")
            continue
        counts = _row(columns, reader.values(len(columns), "".join(row.labels)))
        target = out
        for part in row.path[:-1]:
            target = target.setdefault(part, {})
        target[row.path[-1]] = counts
    return out


def _one_row_other_handling(reader: _Reader, out: dict[str, Any], columns: list[str]) -> bool:
    """A 2021 table that prints （六）其他处理 as one row (as the 2019 format did): its numbers
    go to 3.其他, with a warning."""
    start = reader.cursor
    first_item = next(r.labels[-1] for r in spec.FORMAT_2021_SPEC.application_rows if r.path == ("other_handling", "no_correction"))
    if reader.find(spec.OTHER_HANDLING_LABEL, quiet=True) and not label_matches(first_item, reader.matched) \
            and reader.cursor < len(reader.tokens) and reader.tokens[reader.cursor].number is not None \
            and not reader.tokens[reader.cursor].blank:
        out.setdefault("other_handling", {})["other"] = _row(columns, reader.values(len(columns),
                                                                                   spec.OTHER_HANDLING_LABEL))
        reader.result.warn("applications.other_handling", f"{spec.OTHER_HANDLING_LABEL}印成了一行（没有 1.2.3. 三项），"
                           "其数字记入 3.其他")
        return True
    reader.cursor = start
    return False


def _reviews(reader: _Reader, fmt: spec.FormatSpec) -> dict[str, Any]:  # noqa: ARG001 (one signature for the three)
    keys = [k for k, _ in spec.REVIEW_RESULTS]
    if not reader.find(_REVIEWS_LABEL):
        reader.result.warn("reviews", "找不到行政复议、行政诉讼的表格，按 0 读取")
        return {}
    values = reader.numbers_row(len(spec.REVIEW_GROUPS) * len(keys), "行政复议、行政诉讼")
    return {group.key: _row(keys, values[i * len(keys):(i + 1) * len(keys)])
            for i, group in enumerate(spec.REVIEW_GROUPS)}


# ---------------------------------------------------------------------------
# Writing the data file


class _Dumper(yaml.SafeDumper):
    """Amounts stay as printed (Decimal("12.50") → 12.50); table rows on one line each."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:float", format(value, "f")))
_Dumper.add_representer(dict, lambda dumper, value: dumper.represent_mapping(
    "tag:yaml.org,2002:map", value, flow_style=bool(value) and all(
        isinstance(v, (int, Decimal)) and not isinstance(v, bool) for v in value.values())))
_Dumper.add_representer(list, lambda dumper, value: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", value, flow_style=not value))


def data_file_text(result: Extracted, source: Path) -> str:
    """The extracted data as a YAML data file, headed by what could not be mapped."""
    header = [comment(f"# 由 make-report extract 从 {source.name} 读回。请核对后运行 make-report check 本文件。")]
    if result.problems:
        header.append(f"# 读回时有 {len(result.problems)} 处需要核对：")
        header += [comment(f"#   {problem}") for problem in result.problems]
    body = yaml.dump(result.data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000)
    return "\n".join(header) + "\n\n" + body
