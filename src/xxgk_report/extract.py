"""Reading an annual report back into a data file: from a .docx (made here or by hand in
Word), a published web page (.html/.htm, or saved as one file: .mht/.mhtml) or its flattened text (.txt).

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
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from . import spec
from .blocks import MAX_BLOCKS, SUFFIXES, Para, Table, read_blocks
from .errors import DataError, Problem
from .reader import LocatedData
from .labels import _PAGE_NUMBER, Reader, Unread, key, label_matches, tokens
from .sections import find_title, furniture, normalized, split_sections
from .rules import RULES
from .values import Value
from .yamltext import comment, dump

__all__ = ["SUFFIXES", "Extracted", "data_file_text", "extract", "key", "label_matches"]


@dataclass
class Extracted:
    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    #: the cells of the tables that could not be read, by field key, with why (never taken for 0)
    unread: dict[str, str] = field(default_factory=dict)
    fmt: spec.FormatSpec = spec.FORMAT_2021_SPEC

    def warn(self, where: str, message: str) -> None:
        self.problems.append(RULES["X1"].problem(where, (), message))

    @property
    def coverage(self) -> str:
        """「读出 186/200 格」: the cells of the three tables read from the report."""
        total = len(self.fmt.fields)
        return f"读出 {total - len(self.unread)}/{total} 格"

    def keep(self, values: dict[str, Any]) -> dict[str, Value]:
        """The values read; an unread one is kept as 0 in the data and listed in `unread`."""
        for key_, value in values.items():
            if isinstance(value, Unread):
                self.unread[key_] = value.why
        return {key_: 0 if isinstance(value, Unread) else value for key_, value in values.items()}


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
    if len(blocks) > MAX_BLOCKS:  # a PDF's lines (the other kinds are counted as they are read)
        raise DataError(str(path), [RULES["D1"].problem("", (), f"文件中有 {len(blocks)} 段文字和表格，超过 {MAX_BLOCKS} 段，"
                                                        "不像一份年度报告（年报只有几百段）；未读取")])
    blocks = normalized(blocks)
    result = Extracted({})
    sections = split_sections(blocks)
    if len(sections) <= 2:  # the head, and one heading at most
        raise DataError(str(path), [RULES["D1"].problem("", (), "这不像一份政府信息公开工作年度报告："
                                                        f"找不到「{spec.SECTIONS[0][1]}」「{spec.SECTIONS[1][1]}」等标题")])
    fmt = result.fmt = spec.FORMATS[_detect_format(sections.get("proactive", []), blocks)]
    preamble = _head(sections.pop("head"), sections, fmt, result)
    data = result.data
    data["preamble"] = _narrative(preamble)
    data["overview"] = _narrative(sections.get("overview", []))
    for section_key, reader in (("proactive", _proactive), ("applications", _applications), ("reviews", _reviews)):
        text, rest = _section_text(sections.get(section_key, []), section_key)
        data[section_key] = {"text": _narrative(text)}
        values = result.keep(reader(Reader(tokens(rest), result.warn, section_key), fmt))
        data[section_key].update(spec.nest(values).get(section_key, {}))
    data["problems"] = _narrative(sections.get("problems", []))
    _tail(list(sections.get("other_matters", [])), result)
    _finish(result, sections, agency, year)
    return result


def _finish(result: Extracted, sections: dict[str, list[Any]], agency: Optional[str], year: Optional[int]) -> None:
    """Say which sections were not found and which cells not read; what the caller gives wins."""
    data, fmt = result.data, result.fmt
    for section_key, heading in spec.SECTIONS:
        if section_key not in sections:
            result.warn(section_key, f"找不到「{heading}」这一部分")
    for field_key, given in (("agency", agency), ("year", year)):
        if given:
            data[field_key] = given
            result.problems = [p for p in result.problems if p.path != field_key]
    if len(result.unread) == len(fmt.fields):  # not a warning: nothing of the tables was read
        result.problems.insert(0, RULES["D1"].problem("", (), f"没有读出表格中的任何数字（{result.coverage}）：这份文件的"
                                                      "三张表格无法识别（扫描件、特殊的排版或不是年度报告）；请找到报告的 Word 文档、"
                                                      "网页，或用填报表填写"))
    if result.unread:
        data["unread"] = [f.key for f in fmt.fields if f.key in result.unread]
        result.warn("unread", f"{result.coverage}；{len(result.unread)} 格未读出（核对时不当作 0）："
                    + "、".join(f"{k}「{fmt.field(k).label}」" for k in list(result.unread)[:10])
                    + (" 等" if len(result.unread) > 10 else ""))


def read_report(path: Path) -> LocatedData:
    """A published report as a data file: the data extract reads, with every warning of the
    reading (X1, the coverage and each unread cell among them) for the model to give on."""
    result = extract(path)
    # the coverage and the unread cells are said once, by the checks' X1 (checks.unread_aware)
    return LocatedData(result.data, {}, [p for p in result.problems if p.path != "unread"], read_back=True)


def _head(head: list[Any], sections: dict[str, list[Any]], fmt: spec.FormatSpec, result: Extracted) -> list[Para]:
    """Year, agency, format and title from the report's head; the preamble's paragraphs."""
    data = result.data
    title_blocks, preamble, dropped = find_title(head)
    if dropped:
        result.warn("preamble", f"标题前后 {len(dropped)} 行像是网页的导航或发布信息，未读取："
                    + "；".join(key(p.text)[:30] for p in dropped[:3]))
    if not title_blocks:
        result.warn("title", "找不到标题（含「年度报告」或「年报」的一行）")
    title = "".join(key(p.text) for p in title_blocks)
    title_year = re.search(r"(\d{4})年", title)
    data["year"] = int(title_year.group(1)) if title_year else None
    data["agency"] = title[: title_year.start()] if title_year else ""
    if title_year and not data["agency"]:  # 「2025年上海市人民政府办公厅政府信息公开工作年度报告」
        after = re.match(r"度?(.{2,40}?)政府信息公开", title[title_year.end():])
        data["agency"] = after.group(1) if after else ""
    if data["year"] is None:
        found = re.search(r"(\d{4})年度|统计期限?(?:为|是)?自?(\d{4})年1月1日", "".join(
            key(p.text) for p in preamble + sections.get("overview", []) if isinstance(p, Para)))
        data["year"] = int(found.group(1) or found.group(2)) if found else None
        result.warn("year", f"标题中找不到年度，取自正文中的「{found.group(0)}」，请核对" if found else
                    "标题和正文中都找不到年度，请填写 year（或用 --year）")
    data["format"] = fmt.year
    expected_title = f"{data['agency']}{data['year']}年{spec.REPORT_NAME}"
    if title and title != expected_title:
        data["title"] = "".join(line.strip() for p in title_blocks for line in p.text.split("\n"))
    return preamble


def _drop_footer(blocks: list[Any], result: Extracted) -> None:
    """Remove a web page's footer from the end of 六: from the first line of the page's
    furniture (打印本页, 网站标识码, 主办单位 …) among the last lines, with a warning."""
    lines = [i for i, b in enumerate(blocks) if isinstance(b, Para) and b.text.strip()]
    start = next((i for i in lines[-25:] if furniture(blocks[i].text)), None)
    if start is None:
        return
    dropped = [key(b.text)[:30] for b in blocks[start:] if isinstance(b, Para) and b.text.strip()]
    del blocks[start:]
    result.warn("other_matters", f"报告末尾的 {len(dropped)} 行像是网页的页脚，未读取：" + "；".join(dropped[:3]))


def _tail(other: list[Any], result: Extracted) -> None:
    """六, its 落款 (date, and the agency when the title did not give it), a web page's footer
    after it dropped."""
    data = result.data
    _drop_footer(other, result)
    signoff, signed_by = _signoff(other, data["agency"], result)
    if signoff:
        data["date"] = signoff
    if not data["agency"] and signed_by:
        data["agency"] = signed_by
        result.warn("agency", f"标题中找不到机关名称，取自落款「{signed_by}」，请核对")
    elif not data["agency"]:
        result.warn("agency", "标题和落款中都找不到机关名称，请填写 agency（或用 --agency）")
    data["other_matters"] = _narrative(other)


def _field_labels(fmt: spec.FormatSpec) -> set[str]:
    return {key(f.column_label) for f in fmt.fields if f.table == "proactive"}


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
        if line.startswith(_TABLE_START[section_key]) and (len(line) <= 40 or "|" in block.text or len(line) > 60):
            return blocks[:i], blocks[i:]
        run_together = _RUN_TOGETHER[section_key].search(block.text) if len(line) > 60 else None
        if run_together:  # a crawler's one-line text: the table after the sentence that brings it in
            start = run_together.start(1)
            return blocks[:i] + [Para(block.text[:start].strip())], [Para(block.text[start:])] + blocks[i + 1:]
    return list(blocks), []


#: where a table starts inside a long line of text (after a sentence or a space)
_RUN_TOGETHER = {section: re.compile("(?:^|[。：:\\s])\\s*(" + "|".join(re.escape(start) for start in starts) + ")")
                 for section, starts in {"proactive": ("第二十条",), "applications": (
                     "（本列数据", "(本列数据", spec.APPLICANTS_LABEL), "reviews": ("行政复议 行政诉讼", "行政复议\t行政诉讼")}.items()}


_SIGNED_AND_DATED = re.compile(r"^(\S.{0,40}?)\s*((?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$")


def _split_signature(blocks: list[Any]) -> None:
    """A 落款 printed on one line (「某局 2024年1月8日」, a crawler's text): two lines again."""
    last = next((i for i in range(len(blocks) - 1, -1, -1) if isinstance(blocks[i], Para) and blocks[i].text.strip()),
                None)
    found = _SIGNED_AND_DATED.match(blocks[last].text.strip()) if last is not None else None
    if found and not found.group(1).endswith(("。", "，", "；")):
        blocks[last:last + 1] = [Para(found.group(1).strip()), Para(found.group(2))]


def _signoff(blocks: list[Any], agency: str, result: Extracted) -> tuple[Optional[str], str]:
    """The 落款 (the agency, then 「2023年1月16日」): removed with whatever follows it (a page
    number, a web page's footer: listed); its date (ISO) and the agency it names returned."""
    _split_signature(blocks)
    dates = [i for i, b in enumerate(blocks) if isinstance(b, Para) and _DATE.match(key(b.text))]
    if not dates:  # no date: a last line that is the agency's name is still its signature
        last = next((b for b in reversed(blocks) if isinstance(b, Para) and key(b.text)), None)
        if last is not None and agency and key(last.text) == key(agency):
            blocks.remove(last)
            return None, last.text.strip()
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
        wrapped = block.placed or (out and out[-1][0][-1] not in _SENTENCE_END and len(out[-1][0]) >= _WRAPPED)
        if block.line and out and not starts_new and wrapped and not block.text[:1].isspace():
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


def _read_row(reader: Reader, row: spec.FieldRow, values: dict[str, Value], name: str, missing: str) -> None:
    """The values of one row after its label (its last official label; `name` in warnings about
    its cells, `missing` when it is not found). A blank printed 总计 is left out: computed."""
    if not reader.find(row.labels[-1]):
        reader.warn(".".join(row.path), f"找不到「{missing}」这一行，未读出")
        values.update((f.key, Unread("找不到这一行")) for f in row.fields)
        return
    read = reader.values(len(row.fields), name, [f.kind for f in row.fields])
    for field_, value in zip(row.fields, read, strict=True):
        if value is not None or not field_.computed:
            values[field_.key] = 0 if value is None else value


def _proactive(reader: Reader, fmt: spec.FormatSpec) -> dict[str, Value]:
    values: dict[str, Value] = {}
    reader.stops = [key(row.labels[-1]) for row in fmt.rows("proactive")]
    for row in fmt.rows("proactive"):
        _read_row(reader, row, values, row.labels[-1], row.label)
    return values


def _applications(reader: Reader, fmt: spec.FormatSpec) -> dict[str, Value]:
    values: dict[str, Value] = {}
    reader.stops = [key(row.labels[-1]) for row in fmt.rows("applications")]
    one_row = False
    for row in fmt.rows("applications"):
        if row.path[1] == "other_handling" and len(row.path) == 3:
            if row.path[2] == "no_correction":
                one_row = _one_row_other_handling(reader, values, fmt)
            if one_row:
                continue
        _read_row(reader, row, values, "".join(row.labels), "".join(row.labels))
    return values


def _one_row_other_handling(reader: Reader, values: dict[str, Value], fmt: spec.FormatSpec) -> bool:
    """A 2021 table that prints （六）其他处理 as one row (as the 2019 format did): its numbers
    go to 3.其他, with a warning."""
    start = reader.cursor
    first_item = fmt.row(("applications", "other_handling", "no_correction")).labels[-1]
    if reader.find(spec.OTHER_HANDLING_LABEL, quiet=True) and not label_matches(first_item, reader.matched) \
            and reader.cursor < len(reader.tokens) and reader.tokens[reader.cursor].number is not None \
            and not reader.tokens[reader.cursor].blank:
        row = fmt.row(("applications", "other_handling", "other"))
        read = reader.values(len(row.fields), spec.OTHER_HANDLING_LABEL)
        for field_, value in zip(row.fields, read, strict=True):
            if value is not None or not field_.computed:
                values[field_.key] = 0 if value is None else value
        reader.warn("applications.other_handling", f"{spec.OTHER_HANDLING_LABEL}印成了一行（没有 1.2.3. 三项），"
                    "其数字记入 3.其他")
        return True
    reader.cursor = start
    return False


def _reviews(reader: Reader, fmt: spec.FormatSpec) -> dict[str, Value]:
    rows = fmt.rows("reviews")
    if not reader.find(_REVIEWS_LABEL):
        reader.warn("reviews", "找不到行政复议、行政诉讼的表格，未读出")
        return {f.key: Unread("找不到这张表") for row in rows for f in row.fields}
    read = iter(reader.numbers_rows(sum(len(row.fields) for row in rows), "行政复议、行政诉讼", len(spec.REVIEW_KEYS)))
    values: dict[str, Value] = {}
    for row in rows:
        for field_ in row.fields:
            value = next(read)
            if value is not None or not field_.computed:
                values[field_.key] = 0 if value is None else value
    return values


# ---------------------------------------------------------------------------
# Writing the data file


def data_file_text(result: Extracted, source: Path) -> str:
    """The extracted data as a YAML data file, headed by its coverage, each unread cell and
    what could not be mapped."""
    header = [comment(f"# 由 make-report extract 从 {source.name} 读回。请核对后运行 make-report check 本文件。"),
              f"# {result.coverage}。"]
    if result.unread:
        header.append(f"# 以下 {len(result.unread)} 格未读出：数据中暂写作 0，并列在末尾的 unread 中，核对时不当作 0；"
                      "填好后从 unread 中删去：")
        header += [comment(f"#   {key_}「{result.fmt.field(key_).label}」：{why}") for key_, why in result.unread.items()]
    if result.problems:
        header.append(f"# 读回时有 {len(result.problems)} 处需要核对：")
        header += [comment(f"#   {problem}") for problem in result.problems]
    body = dump(result.data)
    return "\n".join(header) + "\n\n" + body
