#!/usr/bin/python3
"""Reads the province workbook back (openpyxl) and checks what a reader of it
relies on. usage: check_workbook.py WORKBOOK EXPECTED_REPORT_JSON
Exits non-zero, saying why, on the first thing that is wrong."""
import json
import sys

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
expected = json.load(open(sys.argv[2], encoding="utf-8"))
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


check(wb.sheetnames == ["Tổng hợp", "Chi tiết", "Cảnh báo"], f"sheets: {wb.sheetnames}")
ws = wb["Tổng hợp"]

# The heading of a party document.
check(ws["A1"].value == "TỈNH ỦY LAI CHÂU", f"A1: {ws['A1'].value}")
check(ws["A2"].value == "BAN TỔ CHỨC" and ws["A2"].font.b, "A2: BAN TỔ CHỨC in bold")
right = [c for c in ws[1] if c.value == "ĐẢNG CỘNG SẢN VIỆT NAM"]
check(right and right[0].font.b, "ĐẢNG CỘNG SẢN VIỆT NAM, bold, top right")
place = [c for c in ws[2] if isinstance(c.value, str) and c.value.startswith("Lai Châu, ngày ")]
check(place and place[0].font.i, "the place and date line in italics")
check(ws["A4"].value.endswith("NĂM 2018") and ws["A4"].font.b and ws["A4"].alignment.horizontal == "center",
      f"the title: {ws['A4'].value}")
check(ws["A5"].value == "4/8 đảng bộ huyện đã gửi báo cáo", f"completeness: {ws['A5'].value}")

# The grouped header: groups merged over their sub-headers.
merged = {str(r) for r in ws.merged_cells.ranges}
for rng, label in [("C7:E7", "Tổ chức cơ sở đảng"), ("A7:A8", "STT"), ("B7:B8", "Đảng bộ huyện")]:
    check(rng in merged and ws[rng.split(":")[0]].value == label, f"{label} merged over {rng}")
groups = {ws.cell(7, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(7, c).value}
check("Đảng viên" in groups, "a 'Đảng viên' group")
members_col = groups.get("Đảng viên")
check(ws.cell(8, members_col).value == "Tổng số", "Đảng viên / Tổng số")

# One row per district in the registry's order; missing ones say so; numbers are numbers.
names = [ws.cell(r, 2).value for r in range(9, 17)]
check(names == expected["completeness"]["expected"], f"districts in the registry's order: {names}")
by_name = {ws.cell(r, 2).value: r for r in range(9, 18)}
for d in expected["districts"]:
    row = by_name[d["district"]]
    cell = ws.cell(row, members_col)
    check(cell.data_type == "n" and cell.value == d["indicators"]["members_total"],
          f"{d['district']}: members_total {cell.value!r} ({cell.data_type})")
    check(cell.number_format == "#,##0", f"thousands separators: {cell.number_format}")
for name in expected["completeness"]["missing"]:
    check(ws.cell(by_name[name], 3).value == "Chưa gửi báo cáo", f"{name} shown as not reported")
total_row = by_name["Toàn tỉnh"]
check(ws.cell(total_row, members_col).value == expected["total"]["indicators"]["members_total"], "the province total")
check(ws.cell(total_row, 2).font.b and ws.cell(total_row, members_col).font.b, "the total in bold")
pct = [c for c in range(3, ws.max_column + 1) if ws.cell(8, c).value == "Tốt trở lên (%)"]
check(pct and ws.cell(by_name["Than Uyên"], pct[0]).number_format == "0.00"
      and ws.cell(by_name["Than Uyên"], pct[0]).value == 80.0, "percentages with two decimals")

# Every sample carries every field: no cell is marked unknown or incomplete.
marked = [c.coordinate for row in ws.iter_rows() for c in row
          if c.comment is not None or "*" in str(c.number_format)]
check(not marked, f"cells marked unknown or incomplete in a complete report: {marked[:5]}")

# Times New Roman throughout.
for sheet in wb.worksheets:
    for row in sheet.iter_rows():
        for c in row:
            if c.value is not None and c.font.name != "Times New Roman":
                problems.append(f"{sheet.title}!{c.coordinate} is in {c.font.name}")
                break

# Frozen header, print setup, the chart.
check(ws.freeze_panes == "C9", f"frozen panes: {ws.freeze_panes}")
check(ws.page_setup.orientation == "landscape", "landscape")
check(str(ws.page_setup.paperSize) == "9", f"A4: {ws.page_setup.paperSize}")
check(ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, omitted
      and ws.page_setup.fitToHeight == 0,
      "one page wide")
check(ws.print_title_rows == "$7:$8", f"header rows on every page: {ws.print_title_rows}")
check(len(ws._charts) == 1, "one chart")
check(ws.column_dimensions["B"].width and ws.column_dimensions["B"].width >= 18, "the district column sized to its names")

# Details: every organisation.
details = wb["Chi tiết"]
orgs = details.max_row - 1
check(orgs == expected["total"]["indicators"]["orgs_total"] + int(sys.argv[3] if len(sys.argv) > 3 else 0),
      f"Chi tiết has {orgs} organisations")
check(wb["Cảnh báo"].max_row >= 1 + len(expected["completeness"]["missing"]), "missing districts listed in Cảnh báo")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("workbook ok")
