"""Finding the official labels in a report's text, and reading each row's numbers after its
label: the matching that extract's table readers use.

    reader = Reader(tokens(blocks), result.warn, "applications")
    if reader.find("1.属于国家秘密"):
        counts = reader.values(7, "1.属于国家秘密")

Labels are compared NFKC, whitespace-insensitive, （ and ( alike, 「1、」 as 「1.」, small typos
forgiven. In a table, a row's values are the cells after its label in the same row (nothing
shifts); in text, the next numbers.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Optional

from . import spec
from .blocks import Table

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
#: a number in a cell: at most 15 digits (no count has more), a fraction of at most 12
_VALUE = re.compile(r"^([-−－]?)(\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(\.\d{1,12})?(" + "|".join(_UNITS) + ")?$")
_BLANK = {"-", "—", "–", "－", "―", "─", "/", "／", "\\", "无", "", "空"}


@dataclass(frozen=True)
class Unread:
    """A cell that could not be read (not found, not a number): never taken for 0."""

    why: str


@dataclass
class Token:
    text: str
    number: Optional[Any] = None  # int, Decimal, or None for text
    blank: bool = False
    #: for a table cell: which table row it is in (its values are the cells after its label)
    row: Optional[int] = None
    #: the unit written after the number (「11件」, 「12.5万元」)
    unit: str = ""
    #: a note printed in the cell after the number (「22（其中修订16件）」: 「其中修订16件」)
    note: str = ""


#: footnote marks NFKC would make digits (「81①」 is not 811): circled, parenthesised, dingbat numbers
_MARKS = re.compile(r"[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")


def _folded(text: str) -> str:
    """`text` as numbers are read: NFKC (full-width digits), a footnote mark kept apart as a note."""
    return unicodedata.normalize("NFKC", _MARKS.sub("（注）", text))


def tokens(blocks: list[Any]) -> list[Token]:
    """The cells and words of a section, in reading order: numbers, blanks and text. A table's
    cells keep their row; a line of text is split at | and tabs (an empty field between two
    tabs is a blank cell) or at runs of spaces (a PDF's columns)."""
    tokens: list[Token] = []
    row_id = 0
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                row_id += 1
                tokens += [_token(_folded(cell).strip(), row_id) for cell in row]
            continue
        text = _folded(block.text)
        if _PAGE_NUMBER.match(text.strip()):
            continue
        if "\t" in text:  # a table's row copied as text: read as one
            row_id += 1
            tokens += [_token(f.strip(), row_id) for f in text.strip("\n").split("\t")]
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


_NOTED = re.compile(r"^(.+?)\s*[(（]([^()（）]{1,60})[)）]$")


def _token(word: str, row: Optional[int] = None) -> Token:
    """A cell or word as a token; a cell of a table or a tab-separated line (`row`) may carry
    a note after its number."""
    word = word.strip()
    noted = _NOTED.match(word) if row is not None else None
    if noted and _VALUE.match(noted.group(1)):  # a cell with a note: 「22（其中修订16件）」
        token = _token(noted.group(1), row)
        token.text, token.note = word, noted.group(2)
        return token
    found = _VALUE.match(word)
    if found:
        sign, digits, fraction, unit = found.groups()
        number = ("-" if sign else "") + digits.replace(",", "") + (fraction or "")
        return Token(word, Decimal(number) if fraction else int(number), row=row, unit=unit or "")
    if word in _BLANK:
        return Token(word, 0, blank=True, row=row)
    return Token(word, row=row)


class Reader:
    """Reads table rows from a token sequence: a row's label, then its numbers."""

    def __init__(self, tokens: list[Token], warn: Callable[[str, str], None], where: str):
        """`warn(where, message)` is told what could not be read or was read with a guess."""
        self.tokens, self.warn, self.where, self.cursor = tokens, warn, where, 0
        #: the text in which the last label was found
        self.matched = ""
        #: the labels of the table's rows (keys): in text, a row's numbers never come after one
        self.stops: list[str] = []

    def find(self, label: str, quiet: bool = False) -> bool:
        """Move past the next text that holds `label`; False (and stay) if there is none.
        Numbers passed on the way belong to no row: they are listed (unless `quiet`)."""
        text, shown, skipped, rows = "", "", [], []
        for i in range(self.cursor, len(self.tokens)):
            token = self.tokens[i]
            if token.number is not None:
                if shown and not token.blank:  # a row the format does not have (「无法联系到申请人」)
                    rows.append(shown[-30:])
                text = shown = ""
                if not token.blank:  # a blank cell of a header row is nothing to report
                    skipped.append(token.text)
                continue
            text = (text + key(token.text))[-200:]  # labels are short: keep the search linear
            shown = (shown + token.text)[-200:]
            if label_matches(label, text):
                self.cursor = i + 1
                self.matched = text
                if skipped and not quiet:
                    self._unplaced(label, skipped, rows)
                return True
        return False

    def _unplaced(self, label: str, skipped: list[str], rows: list[str]) -> None:
        where = f"（印在「{'」「'.join(rows[:3])}」{'等' if len(rows) > 3 else ''}之后，不是官方表格中的行）" if rows else ""
        self.warn(self.where, f"「{label}」之前有 {len(skipped)} 个数字对应不到任何一行{where}，"
                              f"未读取：{' '.join(skipped[:10])}{' …' if len(skipped) > 10 else ''}")

    def values(self, count: int, label: str, kinds: Optional[list[str]] = None, partial: bool = False) -> list[Any]:
        """The `count` values of the row whose label was just found: in a table, the cells
        after the label in the same row (a cell that is not a number is `Unread`, and nothing
        moves); in text, the next numbers up to the next row's label. A blank cell is None (0,
        or a total to compute); a cell missing at the end of a table row is `Unread`; in text,
        a row short of numbers is unread whole (unless `partial`: a part of 四)."""
        kinds = kinds or [spec.COUNT] * count
        label_row = self.tokens[self.cursor - 1].row if self.cursor else None
        if label_row is not None:
            cells = self._fitted(self._rest_of_row(label_row), count, label)
            if cells is None:
                return [Unread("分不清这一行哪些格子是数字的列")] * count
            return self._read(cells, count, label, kinds)
        cells: list[Token] = []
        while len(cells) < count and self.cursor < len(self.tokens):
            token = self.tokens[self.cursor]
            if token.number is None and kinds[len(cells)] != spec.TEXT:
                if cells or self._starts_row(token.text, label):
                    break  # the next row's label: this row is short, or has no numbers
                self.cursor += 1
                continue
            cells.append(token)
            self.cursor += 1
        if 0 < len(cells) < count and spec.TEXT not in kinds and not partial:  # which column is each? none read
            self.warn(self.where, f"「{label}」这一行只有 {len(cells)} 个数字（应有 {count} 个："
                                  f"{' '.join(c.text for c in cells)}），分不清各属于哪一列，整行未读出")
            return [Unread(f"这一行只印了 {len(cells)} 个数字，分不清各属于哪一列")] * count
        return self._read(cells, count, label, kinds)

    def _starts_row(self, text: str, label: str) -> bool:
        """Whether `text` is (the start of) another row's label."""
        found = key(text)
        return len(found) >= 2 and any(stop != key(label) and (stop.startswith(found) or found.startswith(stop))
                                       for stop in self.stops)

    def _fitted(self, cells: list[Token], count: int, label: str) -> Optional[list[Token]]:
        """A table row's cells after its label, as many as the row has values: the empty
        label columns of a table typed without merged cells (before the numbers) left out,
        or extra columns after them. When both ends are empty, which is which is not known:
        every cell unread."""
        extra = len(cells) - count
        if extra <= 0:
            return cells
        def empty(cell: Token) -> bool:
            return cell.number is None or (cell.blank and not cell.text)
        lead, trail = all(empty(c) for c in cells[:extra]), all(empty(c) for c in cells[-extra:])
        if lead and not trail:
            return cells[extra:]
        if lead and trail:
            self.warn(self.where, f"「{label}」这一行有 {len(cells)} 个格子（应有 {count} 个），首尾都是空白，"
                                  "分不清哪些是数字的列，整行未读出")
            return None
        return cells[:count]

    def numbers_row(self, count: int, label: str, quiet: bool = False) -> list[Any]:
        """The next row of numbers, whole (四's values, under its header labels)."""
        while self.cursor < len(self.tokens) and (self.tokens[self.cursor].number is None
                                                  or self.tokens[self.cursor].blank):
            self.cursor += 1
        row = self.tokens[self.cursor].row if self.cursor < len(self.tokens) else None
        if row is None:  # text: the numbers up to the next words (a part of 四 printed as three tables)
            return self.values(count, label, partial=quiet)
        while self.cursor > 0 and self.tokens[self.cursor - 1].row == row:
            self.cursor -= 1  # from the row's start: a blank first cell is a value too
        cells = self._rest_of_row(row)[:count]
        return self._read(cells, len(cells) if quiet else count, label, [spec.COUNT] * count)

    def numbers_rows(self, count: int, label: str, group: int = 1) -> list[Any]:
        """`count` values from the next rows of numbers (四 printed as three small tables, each
        its own row of five): row after row until there are enough. In text, where a blank
        cell leaves no trace, a row must hold one group (`group`: one of 四's small tables) or
        all that is left, or none of it is read."""
        found: list[Any] = []
        while len(found) < count and self.cursor < len(self.tokens):
            start = self.cursor
            row = self.numbers_row(count - len(found), label, quiet=True)
            read = [v for v in row if not isinstance(v, Unread)]
            if not read or self.cursor == start:
                break
            if self.tokens[self.cursor - 1].row is None and len(read) not in (group, count - len(found)):
                self.warn(self.where, f"「{label}」一行只有 {len(read)} 个数字（{' '.join(map(str, read))}），"
                                      f"分不清各属于哪一列（空白的格子在文字中看不出来），未读出")
                break
            found += read
        if len(found) < count:
            self.warn(self.where, f"「{label}」只读到 {len(found)} 个数字（应有 {count} 个），其余未读出")
            found += [Unread("这一行的数字不全")] * (count - len(found))
        return found

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
            self.warn(self.where, f"「{label}」{'；'.join(dict.fromkeys(notes))}")
        if len(found) < count:
            self.warn(self.where, f"「{label}」只读到 {len(found)} 个数字（应有 {count} 个），其余未读出")
            found += [Unread("这一行的数字不全")] * (count - len(found))
        return found

    @staticmethod
    def _value(kind: str, cell: Token, notes: list[str]) -> Any:
        if kind == spec.TEXT:
            return "" if cell.blank else cell.text
        if cell.blank:
            notes.append(f"有{'空白' if not cell.text else '「' + cell.text + '」'}的格子，按 0 读取")
            return None
        if cell.number is None:
            notes.append(f"「{cell.text}」不是数字，未读出")
            return Unread(f"印的是「{cell.text[:20]}」")
        if cell.note:
            notes.append(f"「{cell.text}」读作 {cell.number}，括号中的说明未读入")
        if kind == spec.DECIMAL and cell.unit == "元":
            notes.append(f"「{cell.text}」以元为单位，已换算为万元")
            return cell.number / 10000
        if kind != spec.DECIMAL and isinstance(cell.number, Decimal):
            notes.append(f"「{cell.text}」不是整数，未读出")
            return Unread(f"印的是「{cell.text[:20]}」，不是整数")
        return cell.number
