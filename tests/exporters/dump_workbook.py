#!/usr/bin/python3
"""Reads a province workbook back (openpyxl) and prints, as JSON, what a test
checks: every sheet's cells as a reader sees them (value, type, number
format, bold, fill colour, comment), row by row from row 1 and column A.
usage: dump_workbook.py WORKBOOK"""
import json
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames}
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, min_col=1, max_col=ws.max_column):
        cells = []
        for c in row:
            fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type == "solid" else None
            cells.append({
                "v": c.value,
                "t": c.data_type,
                "fmt": c.number_format,
                "bold": bool(c.font and c.font.b),
                "fill": fill if isinstance(fill, str) else None,
                "comment": c.comment.text if c.comment is not None else None,
            })
        rows.append(cells)
    out[ws.title] = rows
print(json.dumps(out, ensure_ascii=False))
