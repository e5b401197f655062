"""The fill-in workbook (.xlsx): what a clerk fills in, in Excel or WPS, instead of a YAML file.

    blob = workbook_bytes(data, fmt)      # write: the official tables, 基本信息, 正文
    data = read_workbook(path)            # read: a data mapping, with the cell of each value

`layout` says where everything is, for both directions; `styles` how it looks. Import the
module you need (`workbook.read` loads openpyxl, `workbook.write` XlsxWriter).
"""
