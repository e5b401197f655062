"""Writing WordprocessingML: elements, fonts, styles, paragraphs, fields, tables with their
merged cells, and the fitting of a line of type.

Functions are named for what they do to the XML. A merged cell is data (a `spec.Cell`
rectangle) plus `table_element`, which applies it and raises on a layout that is not a
partition of the grid into rectangles.
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

from ..spec import Cell, TableSpec
from .names import OxmlElement, qn

LATIN_FONT = "Times New Roman"

def element(tag: str, attrs: Optional[dict[str, str]] = None, children: Iterable = ()):
    """Return a new element `tag` ("w:p") with `attrs` ({"w:val": "1"}) and `children`."""
    node = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        node.set(qn(name), str(value))
    for child in children:
        node.append(child)
    return node


def run_properties(east_asia: str, size: int, latin: str = LATIN_FONT, spacing: int = 0,
                   bold: bool = False, color: str = "") -> object:
    """Return `w:rPr` with every font slot set (East-Asian font named explicitly) and size."""
    fonts = {"w:ascii": latin, "w:hAnsi": latin, "w:eastAsia": east_asia, "w:cs": latin, "w:hint": "eastAsia"}
    children = [element("w:rFonts", fonts)]
    if bold:
        children.append(element("w:b"))
    if color:
        children.append(element("w:color", {"w:val": color}))
    if spacing:
        children.append(element("w:spacing", {"w:val": spacing}))
    children += [
        element("w:kern", {"w:val": 0}),
        element("w:sz", {"w:val": size}),
        element("w:szCs", {"w:val": size}),
        element("w:lang", {"w:val": "en-US", "w:eastAsia": "zh-CN", "w:bidi": "ar-SA"}),
    ]
    return element("w:rPr", children=children)


#: w:rPr children in schema order (CT_RPr), up to the size elements and after.
_RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
              "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
              "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def set_run_size(r, half_points: int) -> None:
    """Set a run's type size (w:sz and w:szCs), keeping its w:rPr in schema order."""
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        r.insert(0, rpr)
    for name in ("sz", "szCs"):
        node = rpr.find(qn(f"w:{name}"))
        if node is None:
            node = OxmlElement(f"w:{name}")
            rank = _RPR_ORDER.index(name)
            later = [child for child in rpr if child.tag.rsplit("}", 1)[-1] in _RPR_ORDER[rank + 1:]]
            if later:
                later[0].addprevious(node)
            else:
                rpr.append(node)
        node.set(qn("w:val"), str(half_points))


def paragraph_properties(*, jc: str = "", line: int = 0, line_rule: str = "exact",
                         first_line_chars: Optional[int] = None, before: int = 0, after: int = 0,
                         keep_next: bool = False, outline: Optional[int] = None,
                         snap_to_grid: bool = True, ind: Optional[dict[str, int]] = None,
                         bottom_border: Optional[dict[str, object]] = None) -> object:
    """Return `w:pPr` for a style or paragraph (children in schema order)."""
    children = []
    if keep_next:
        children.append(element("w:keepNext"))
    children.append(element("w:widowControl", {"w:val": 0}))
    if bottom_border:
        children.append(element("w:pBdr", children=[element("w:bottom", bottom_border)]))
    if not snap_to_grid:
        children.append(element("w:snapToGrid", {"w:val": 0}))
    spacing = {"w:before": before, "w:after": after}
    if line:
        spacing.update({"w:line": line, "w:lineRule": line_rule})
    children.append(element("w:spacing", spacing))
    indent = dict(ind or {})
    if first_line_chars is not None:
        indent.update({"w:firstLineChars": first_line_chars, "w:firstLine": first_line_chars * 16 // 5})
    if indent:
        children.append(element("w:ind", indent))
    if jc:
        children.append(element("w:jc", {"w:val": jc}))
    if outline is not None:
        children.append(element("w:outlineLvl", {"w:val": outline}))
    return element("w:pPr", children=children)


def style_element(kind: str, style_id: str, name: str, ppr=None, rpr=None, based_on: str = "",
                  default: bool = False, next_style: str = "", ui_priority: int = 0):
    """Return a `w:style` of `kind` ("paragraph", "character", "table")."""
    attrs = {"w:type": kind, "w:styleId": style_id}
    if default:
        attrs["w:default"] = 1
    children = [element("w:name", {"w:val": name})]
    if based_on:
        children.append(element("w:basedOn", {"w:val": based_on}))
    if next_style:
        children.append(element("w:next", {"w:val": next_style}))
    if ui_priority:
        children.append(element("w:uiPriority", {"w:val": ui_priority}))
    children.append(element("w:qFormat"))
    children += [x for x in (ppr, rpr) if x is not None]
    return element("w:style", attrs, children)


def paragraph(style: str, runs: Iterable = (), ppr_children: Iterable = ()):
    """Return a `w:p` of paragraph style `style` holding `runs`."""
    ppr = element("w:pPr", children=[element("w:pStyle", {"w:val": style}), *ppr_children])
    return element("w:p", children=[ppr, *runs])


def run(text: str = "", char_style: str = "", rpr=None):
    """Return a `w:r` with `text` (spaces preserved), optionally in a character style."""
    children = []
    if char_style or rpr is not None:
        props = rpr if rpr is not None else element("w:rPr")
        if char_style:
            props.insert(0, element("w:rStyle", {"w:val": char_style}))
        children.append(props)
    t = element("w:t", children=())
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    children.append(t)
    return element("w:r", children=children)


def field_runs(instruction: str, rpr_factory: Callable[[], object]) -> list:
    """Return the runs of a complex field (e.g. PAGE) showing a placeholder result."""
    def fld(kind: str):
        return element("w:r", children=[rpr_factory(), element("w:fldChar", {"w:fldCharType": kind})])
    instr = element("w:instrText")
    instr.text = f" {instruction} "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    result = run("1", rpr=rpr_factory())
    return [fld("begin"), element("w:r", children=[rpr_factory(), instr]), fld("separate"), result, fld("end")]


# ---------------------------------------------------------------------------
# Tables

BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def table_properties(width: int, cell_margin: int) -> object:
    """Return `w:tblPr`: fixed layout, centred, fully ruled with 0.5 pt single lines."""
    borders = [element(f"w:{side}", {"w:val": "single", "w:sz": 4, "w:space": 0, "w:color": "000000"})
               for side in BORDER_SIDES]
    margins = [element(f"w:{side}", {"w:w": cell_margin if side in ("left", "right") else 0, "w:type": "dxa"})
               for side in ("top", "left", "bottom", "right")]
    return element("w:tblPr", children=[
        element("w:tblW", {"w:w": width, "w:type": "dxa"}),
        element("w:jc", {"w:val": "center"}),
        element("w:tblBorders", children=borders),
        element("w:tblLayout", {"w:type": "fixed"}),
        element("w:tblCellMar", children=margins),
        element("w:tblLook", {"w:val": "0000", "w:firstRow": 0, "w:lastRow": 0, "w:firstColumn": 0,
                              "w:lastColumn": 0, "w:noHBand": 1, "w:noVBand": 1}),
    ])


def cell_map(table: TableSpec) -> dict[tuple[int, int], Cell]:
    """Map every grid position to the cell covering it; raise ValueError on gaps or overlaps."""
    covered: dict[tuple[int, int], Cell] = {}
    for cell in table.cells:
        if cell.rowspan < 1 or cell.colspan < 1 or cell.col + cell.colspan > table.n_cols:
            raise ValueError(f"{table.key}: cell {cell} is not a rectangle inside the grid")
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                if (r, c) in covered:
                    raise ValueError(f"{table.key}: cells {covered[(r, c)]} and {cell} overlap at {(r, c)}")
                covered[(r, c)] = cell
    missing = [(r, c) for r in range(table.n_rows) for c in range(table.n_cols) if (r, c) not in covered]
    if missing:
        raise ValueError(f"{table.key}: grid positions {missing} belong to no cell")
    return covered


def set_grid_span(tc_pr, span: int) -> None:
    """Merge a cell across `span` grid columns (w:gridSpan; never the legacy w:hMerge)."""
    if span > 1:
        tc_pr.append(element("w:gridSpan", {"w:val": span}))


def set_vertical_merge(tc_pr, value: str) -> None:
    """Mark a cell as the start ("restart") or a continuation ("continue") of a vertical merge."""
    tc_pr.append(element("w:vMerge", {"w:val": value}))


def set_keep_with_next(p) -> None:
    """Keep a paragraph on the same page as the next one (w:keepNext)."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    if ppr.find(qn("w:keepNext")) is None:
        style = ppr.find(qn("w:pStyle"))  # keepNext comes right after pStyle (CT_PPr order)
        ppr.insert(0 if style is None else list(ppr).index(style) + 1, OxmlElement("w:keepNext"))


def cell_element(width: int, span: int, merge: str, content) -> object:
    """Return a `w:tc` of `width` twips spanning `span` columns, holding paragraph `content`."""
    tc_pr = element("w:tcPr", children=[element("w:tcW", {"w:w": width, "w:type": "dxa"})])
    set_grid_span(tc_pr, span)
    if merge:
        set_vertical_merge(tc_pr, merge)
    tc_pr.append(element("w:vAlign", {"w:val": "center"}))
    return element("w:tc", children=[tc_pr, content])


def table_element(table: TableSpec, content: Callable[[Optional[Cell]], object],
                  cell_margin: int = 28) -> object:
    """Return the `w:tbl` of a spec table; `content(cell)` gives each cell's paragraph
    (called with None for the empty continuation cells of vertical merges). The cells'
    side margins are ½ mm: a five-digit count (「10400」) fits 三's and 四's 600-twip columns
    at 五号 on one line (with 1 mm it broke into 「1040」/「0」)."""
    covered = cell_map(table)
    width = sum(table.widths)
    grid = element("w:tblGrid", children=[element("w:gridCol", {"w:w": w}) for w in table.widths])
    tbl = element("w:tbl", children=[table_properties(width, cell_margin), grid])
    for r in range(table.n_rows):
        tr_pr = element("w:trPr", children=[element("w:cantSplit")])
        if r < table.header_rows:
            tr_pr.append(element("w:tblHeader"))
        tr = element("w:tr", children=[tr_pr])
        c = 0
        while c < table.n_cols:
            cell = covered[(r, c)]
            cell_width = sum(table.widths[cell.col: cell.col + cell.colspan])
            starts = cell.row == r
            merge = "" if cell.rowspan == 1 else ("restart" if starts else "continue")
            tr.append(cell_element(cell_width, cell.colspan, merge, content(cell if starts else None)))
            c += cell.colspan
        breaks = table.breaks_before
        if breaks is not None and r < table.n_rows - 1 and r + 1 not in breaks:
            for p in tr.iter(qn("w:p")):
                set_keep_with_next(p)
        tbl.append(tr)
    return tbl


# ---------------------------------------------------------------------------
# Styles, and the fitting of a line of type


def _number(written: Optional[str]) -> Optional[int]:
    """A measure as Word writes it (a few ASCII digits), or None for anything else."""
    return int(written) if written and written.isascii() and written.isdigit() and len(written) <= 6 else None


def style_size(styles, style_id: str) -> Optional[int]:
    """The type size (half-points) a paragraph style of styles.xml sets, if any."""
    for style in styles.iter(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            size = style.find(f"{qn('w:rPr')}/{qn('w:sz')}")
            return _number(size.get(qn("w:val"))) if size is not None else None
    return None


def _text_area_width(document) -> Optional[int]:
    """The width of the text area (twips): the page's, less its margins; None if not readable."""
    sect = document.find(f"{qn('w:body')}/{qn('w:sectPr')}")
    size = sect.find(qn("w:pgSz")) if sect is not None else None
    margins = sect.find(qn("w:pgMar")) if sect is not None else None
    if size is None or margins is None:
        return None
    measures = [_number(size.get(qn("w:w"))), _number(margins.get(qn("w:left"))), _number(margins.get(qn("w:right")))]
    if None in measures or measures[0] <= measures[1] + measures[2]:
        return None
    return measures[0] - measures[1] - measures[2]


def fit_style_to_line(document, style_id: str, style_size: Optional[int], width: Callable[[str], float]) -> bool:
    """Shrink the paragraphs of style `style_id` that would not fit on one line of the text
    area: their type size becomes the largest that fits. `width(text)` is the printed width
    in full-width characters (the 发文机关标志: a long agency name at 小初 is wider than 156 mm).
    Return whether a paragraph was shrunk."""
    w = qn
    width_twips = _text_area_width(document)
    if width_twips is None:
        return False  # a page without a readable size: nothing to fit to
    shrunk = False
    for p in document.iter(w("w:p")):
        style = p.find(f"{w('w:pPr')}/{w('w:pStyle')}")
        text = "".join(t.text or "" for t in p.iter(w("w:t"))).strip()
        if style is None or style.get(w("w:val")) != style_id or not text:
            continue
        runs = p.findall(w("w:r"))
        sizes = [_number(s.get(w("w:val"))) for s in (r.find(f"{w('w:rPr')}/{w('w:sz')}") for r in runs) if s is not None]
        size = max((s for s in sizes if s is not None), default=style_size)
        fit = int(width_twips / 10 / width(text))  # half-points: twips / 20 pt × 2
        if size is None or fit < size:
            shrunk = True
            for r in runs:
                set_run_size(r, fit)
    return shrunk


def left_align_justified(root) -> bool:
    """Make every justified paragraph (w:jc both) under `root`, a body or a styles part,
    left-aligned; whether there was one."""
    found = [jc for jc in root.iter(qn("w:jc")) if jc.get(qn("w:val")) == "both"]
    for jc in found:
        jc.set(qn("w:val"), "left")
    return bool(found)
