#!/usr/bin/python3
"""Reads the province workbook back (openpyxl) and checks what a reader of it
relies on: the sheets (one per table of indicators.toml [[report.tables]]),
the party heading, print areas, print titles, fit-to-page settings that keep
the text at 10 pt or more (computed from the column widths and the page), the
number formats, the figures, Vietnamese names for every code; and that every
part is zipped at zlib's fastest level (plugins/export-xlsx/zip_level.cpp).
usage: check_workbook.py WORKBOOK EXPECTED_REPORT_JSON INDICATORS_TOML [EXTRA_ORGS]
Exits non-zero, saying why, on the first things that are wrong."""
import json
import math
import sys
import tomllib
import zipfile

import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
expected = json.load(open(sys.argv[2], encoding="utf-8"))
catalogue = tomllib.load(open(sys.argv[3], "rb"))
extra = int(sys.argv[4]) if len(sys.argv) > 4 else 0
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)


INTEGER = '[>=1000000]#\\.###\\.##0;[>=1000]#\\.##0;0'
PERCENT = '[$-42A]0.00'
# A4 landscape, less the margins the exporter sets (0.6 in left, 0.4 in right), in points.
PRINTABLE = (11.69 - 0.6 - 0.4) * 72
groups = {g["label"]: g["fields"] for g in catalogue["report"]["groups"]}
tables = [(t["title"], [f for g in t["groups"] for f in groups[g]]) for t in catalogue["report"]["tables"]]
ids = set(expected["total"]["indicators"])
for i, (title, fields) in enumerate(tables):
    tables[i] = (title, [f for f in fields if f in ids])
# minizip marks a part deflated at level 1 with general-purpose flag bits 1 and
# 2 (zip.c: "if (level==1) flag |= 6"); at the default level 6 both are 0.
for part in zipfile.ZipFile(sys.argv[1]).infolist():
    check(part.compress_type != zipfile.ZIP_DEFLATED or (part.flag_bits >> 1) & 3 == 3,
          f"{part.filename} deflated at another level than 1 (flag bits {part.flag_bits:#x})")
names = [f"Biểu {n}" for n in range(1, len(tables) + 1)]
check(wb.sheetnames == names + ["Biểu đồ", "Chi tiết", "Cảnh báo"], f"sheets: {wb.sheetnames}")


def pixels(width):  # Excel's column width (characters of Calibri 11) in pixels
    return math.trunc(((256 * width + math.trunc(128 / 7)) / 256) * 7)


def width_of(ws, col):
    d = ws.column_dimensions[openpyxl.utils.get_column_letter(col)]
    return d.width if d.width else 8.43


# The heading of a party document, on Biểu 1.
ws = wb["Biểu 1"]
last = 2 + len(tables[0][1])
merged = {str(r): r for r in ws.merged_cells.ranges}
left = [r for r in ws.merged_cells.ranges if r.min_row == 1 and r.min_col == 1]
right = [r for r in ws.merged_cells.ranges if r.min_row == 1 and r.min_col > 1]
check(ws["A1"].value == "TỈNH ỦY LAI CHÂU" and not ws["A1"].font.i and not ws["A1"].font.b, "A1: TỈNH ỦY LAI CHÂU upright")
check(ws["A2"].value == "BAN TỔ CHỨC" and ws["A2"].font.b, "A2: BAN TỔ CHỨC in bold")
check(ws["A3"].value == "*", f"A3: {ws['A3'].value}")
check(ws["A4"].value.startswith("Số ") and ws["A4"].value.endswith("-BC/BTCTU"), f"A4: {ws['A4'].value}")
check(left and right and left[0].max_col < right[0].min_col, "the two heading blocks do not overlap")
check(right and right[0].max_col == last, "the right block ends at the table's last column")
total_width = sum(width_of(ws, c) for c in range(1, last + 1))
if left and right:
    lw = sum(width_of(ws, c) for c in range(1, left[0].max_col + 1))
    rw = sum(width_of(ws, c) for c in range(right[0].min_col, last + 1))
    check(lw <= 0.6 * total_width and rw <= 0.65 * total_width, f"heading blocks over the first and last columns only: {lw}, {rw} of {total_width}")
    party = ws.cell(1, right[0].min_col)
    check(party.value == "ĐẢNG CỘNG SẢN VIỆT NAM" and party.font.b and party.font.u == "single", "ĐẢNG CỘNG SẢN VIỆT NAM bold, underlined")
    place = ws.cell(2, right[0].min_col)
    check(place.value.startswith("Lai Châu, ngày ") and place.font.i, f"the place and date in italics: {place.value}")
check(ws["A6"].value.endswith("NĂM 2018") and ws["A6"].font.b and ws["A6"].alignment.horizontal == "center",
      f"the title: {ws['A6'].value}")
check(ws["A7"].value == "4/8 đảng bộ huyện đã gửi báo cáo", f"completeness: {ws['A7'].value}")

# Every table: its sheet, header, districts, figures, print setup.
for n, (title, fields) in enumerate(tables, 1):
    ws = wb[f"Biểu {n}"]
    caption = [r for r in range(1, 12) if ws.cell(r, 1).value == f"Biểu {n}. {title}"]
    check(caption, f"Biểu {n}: its caption")
    if not caption:
        continue
    h1, h2 = caption[0] + 1, caption[0] + 2
    check(ws.print_title_rows == f"${h1}:${h2}", f"Biểu {n}: header rows on every page: {ws.print_title_rows}")
    check(ws.print_title_cols == "$A:$B", f"Biểu {n}: STT and district on every page: {ws.print_title_cols}")
    check(ws.cell(h1, 1).value == "STT" and ws.cell(h1, 2).value == "Đảng bộ huyện", f"Biểu {n}: STT, Đảng bộ huyện")
    check(ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9", f"Biểu {n}: A4 landscape")
    check(ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
          and ws.page_setup.fitToHeight == 0, f"Biểu {n}: one page wide")
    check("Trang &P/&N" in (ws.oddFooter.center.text or ""), f"Biểu {n}: footer {ws.oddFooter.center.text}")
    area = ws.print_area[0] if isinstance(ws.print_area, list) else str(ws.print_area)
    check(area.startswith("$A$1:$" + openpyxl.utils.get_column_letter(2 + len(fields)) + "$"),
          f"Biểu {n}: print area {ws.print_area}, the table's columns")
    # The scale that fits the table's width, and the smallest text once scaled.
    width_pt = sum(pixels(width_of(ws, c)) for c in range(1, 3 + len(fields))) * 0.75
    scale = min(1.0, PRINTABLE / width_pt)
    smallest = min(ws.cell(r, c).font.sz for r in range(h1, h2 + 10) for c in range(1, 3 + len(fields)))
    check(smallest * scale >= 10, f"Biểu {n}: {smallest} pt at {scale:.3f} is {smallest * scale:.2f} pt, under 10")
    districts = [ws.cell(r, 2).value for r in range(h2 + 1, h2 + 9)]
    check(districts == expected["completeness"]["expected"], f"Biểu {n}: districts in the registry's order: {districts}")
    check([ws.cell(r, 1).value for r in range(h2 + 1, h2 + 9)] == list(range(1, 9)), f"Biểu {n}: STT in its own column")
    check(ws.cell(h2 + 9, 2).value == "Toàn tỉnh" and ws.cell(h2 + 9, 2).font.b, f"Biểu {n}: the total")
    by_name = {ws.cell(r, 2).value: r for r in range(h2 + 1, h2 + 10)}
    rows = [(by_name[d["district"]], d["indicators"]) for d in expected["districts"]]
    rows.append((by_name["Toàn tỉnh"], expected["total"]["indicators"]))
    for r, indicators in rows:
        for k, f in enumerate(fields):
            c = ws.cell(r, 3 + k)
            want = indicators[f]
            fmt = PERCENT if f.endswith("_pct") else INTEGER
            if want is None:
                check(c.value is None, f"Biểu {n} {ws.cell(r, 2).value} {f}: {c.value!r} for null")
            else:
                check(c.data_type == "n" and abs(c.value - want) < 1e-9, f"Biểu {n} {ws.cell(r, 2).value} {f}: {c.value!r} != {want}")
            check(c.number_format == fmt, f"Biểu {n} {f}: format {c.number_format}")
    for name in expected["completeness"]["missing"]:
        check(ws.cell(by_name[name], 3).value == "Chưa báo cáo", f"Biểu {n}: {name} shown as not reported")

# The last table ends with "Nơi nhận:" on the left and the signature on the right.
ws = wb[f"Biểu {len(tables)}"]
texts = [(c.row, c.column, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
to = [t for t in texts if t[2] == "Nơi nhận:"]
check(to and to[0][1] == 1, "Nơi nhận: on the left of the last table")

# Every sample carries every field: no cell is marked unknown or incomplete.
for s in names:
    marked = [c.coordinate for row in wb[s].iter_rows() for c in row if c.comment is not None or "*\"" in str(c.number_format)]
    check(not marked, f"{s}: cells marked unknown or incomplete in a complete report: {marked[:5]}")

# Times New Roman throughout; no code a reader would see.
codes = {"party_committee", "party_cell", "public_service", "armed_forces", "commune", "agency", "enterprise",
         "excellent", "good", "completed", "not_completed", "unmapped_header", "no_data", "incomplete_total", "missing"}
for sheet in wb.worksheets:
    for row in sheet.iter_rows():
        for c in row:
            if c.value is not None and c.font.name != "Times New Roman":
                problems.append(f"{sheet.title}!{c.coordinate} is in {c.font.name}")
            if isinstance(c.value, str) and c.value in codes:
                problems.append(f"{sheet.title}!{c.coordinate} shows the code {c.value}")

# The chart, alone on its page, in the colours of its ratings.
chart_ws = wb["Biểu đồ"]
check(len(chart_ws._charts) == 1, "one chart")
check(chart_ws.print_area and chart_ws.sheet_properties.pageSetUpPr.fitToPage
      and chart_ws.page_setup.fitToHeight in (None, 1) and chart_ws.page_setup.fitToWidth in (None, 1),  # 1: the default, omitted
      f"the chart on one page: {chart_ws.print_area}")
anchor = chart_ws._charts[0].anchor._from if chart_ws._charts else None
check(anchor is not None and anchor.row == 0 and anchor.col == 0, "the chart at the print area's top left")
labels = [chart_ws.cell(r, 1).value for r in range(1, chart_ws.max_row + 1)]
for name in expected["completeness"]["missing"]:
    check(f"{name} (Chưa báo cáo)" in labels, f"the chart marks {name} as not reported")

# Details: every organisation, kinds by name.
details = wb["Chi tiết"]
check(details.max_row - 1 == expected["total"]["indicators"]["orgs_total"] + extra,
      f"Chi tiết has {details.max_row - 1} organisations")
kinds = {details.cell(r, 3).value for r in range(2, details.max_row + 1)}
check(kinds <= {"Đảng bộ cơ sở", "Chi bộ cơ sở"}, f"kinds by name: {kinds}")
check(details.print_title_cols == "$A:$B" and details.print_title_rows == "$1:$1", "Chi tiết repeats its header and names")
check(wb["Cảnh báo"].max_row >= 1 + len(expected["completeness"]["missing"]), "missing districts listed in Cảnh báo")

if problems:
    print("\n".join(problems[:40]))
    sys.exit(1)
print("workbook ok")
