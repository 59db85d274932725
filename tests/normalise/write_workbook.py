#!/usr/bin/python3
"""Writes an xlsx workbook from a JSON description, with openpyxl, for the
normaliser's tests: real files, as a clerk's spreadsheet program saves them.

    write_workbook.py OUT.xlsx SPEC.json

SPEC: {"sheets": [{"name": "Biểu 1", "font": ".VnTime" (optional),
                   "rows": {"3": ["STT", "Tên", 12, null, ...], ...},
                   "merges": ["A3:A5", "C3:F3"], "hidden": true (optional)}]}
A cell is a string, a number, or null (left empty).
"""
import json
import sys

import openpyxl
from openpyxl.styles import Font

out, spec_file = sys.argv[1], sys.argv[2]
with open(spec_file, encoding="utf-8") as f:
    spec = json.load(f)
book = openpyxl.Workbook()
book.remove(book.active)
for s in spec["sheets"]:
    sheet = book.create_sheet(s.get("name", "Sheet1"))
    font = Font(name=s["font"]) if s.get("font") else None
    for row, cells in s["rows"].items():
        for col, value in enumerate(cells, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=int(row), column=col, value=value)
            if font is not None:
                cell.font = font
    for m in s.get("merges", []):
        sheet.merge_cells(m)
    if s.get("hidden"):
        sheet.sheet_state = "hidden"
book.save(out)
