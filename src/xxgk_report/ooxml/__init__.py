"""Every WordprocessingML detail in one place (the package around it, zip and XML parsing:
package.py): `names` (namespaces), `write` (elements, styles, tables, fitting), `read` (text,
tables, fields). Import from here:

    from xxgk_report.ooxml import element, table_element, text_of
"""

from .names import NAMESPACES, OxmlElement, qn
from .read import (
    TableCell,
    body_of,
    bold_lead,
    field_instructions,
    is_paragraph,
    is_table,
    paragraph_texts,
    table_cells,
    table_rows,
    tables_of,
    text_of,
)
from .write import (
    BORDER_SIDES,
    LATIN_FONT,
    cell_element,
    cell_map,
    element,
    field_runs,
    fit_style_to_line,
    left_align_justified,
    paragraph,
    paragraph_properties,
    run,
    run_properties,
    set_grid_span,
    set_keep_with_next,
    set_run_size,
    set_vertical_merge,
    style_element,
    style_size,
    table_element,
    table_properties,
)

__all__ = [
    "BORDER_SIDES", "LATIN_FONT", "NAMESPACES", "OxmlElement", "TableCell", "body_of", "bold_lead", "cell_element",
    "cell_map", "element", "field_instructions", "field_runs", "fit_style_to_line", "is_paragraph", "is_table",
    "left_align_justified", "paragraph", "paragraph_properties", "paragraph_texts", "qn", "run", "run_properties", "set_grid_span",
    "set_keep_with_next", "set_run_size", "set_vertical_merge", "style_element", "style_size", "table_cells",
    "table_element", "table_properties", "table_rows", "tables_of", "text_of",
]
