"""Writes the workbooks make.sh converts to .xls, and what each holds.

make_workbooks.py OUTDIR THAN_UYEN_XLSX: OUTDIR/features.xlsx,
  OUTDIR/than-uyen-formulas.xlsx and OUTDIR/than-uyen-tcvn3.xlsx, with
  features.expected.json here.
make_workbooks.py --variants features.xls: short-last-sector.xls,
  book-stream.xls and formula-without-string.xls beside it.
"""
import datetime
import json
import subprocess
import sys
import unicodedata

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def features(out):
    wb = openpyxl.Workbook()
    cells = {}  # sheet -> list of [row, col, kind, value, font, format]
    merges = {}

    def put(ws, row, col, value, kind, expected=None, font=None, fmt=None):
        c = ws.cell(row, col, value)
        if font:
            c.font = Font(name=font, bold=font.endswith("H"))
        if fmt:
            c.number_format = fmt
        cells[ws.title].append([row, col, kind, value if expected is None else expected, font or "", fmt or ""])

    # 1. A return with a two-row merged header, a "Tổng số" column and a total row of SUMs.
    ws = wb.active
    ws.title = "Biểu 01"
    cells[ws.title] = []
    merges[ws.title] = [[1, 1, 1, 8], [2, 1, 3, 1], [2, 2, 3, 2], [2, 3, 2, 5], [2, 6, 3, 6], [2, 7, 3, 7], [2, 8, 3, 8]]
    put(ws, 1, 1, "BÁO CÁO SỐ LƯỢNG ĐẢNG VIÊN", "s")
    put(ws, 2, 1, "STT", "s")
    put(ws, 2, 2, "Tên tổ chức cơ sở đảng", "s")
    put(ws, 2, 3, "Đảng viên", "s")
    put(ws, 3, 3, "Nam", "s")
    put(ws, 3, 4, "Nữ", "s")
    put(ws, 3, 5, "Tổng số", "s")
    put(ws, 2, 6, "Ngày báo cáo", "s")
    put(ws, 2, 7, "Đạt", "s")
    put(ws, 2, 8, "Tỷ lệ nữ", "s")
    for r1, c1, r2, c2 in merges[ws.title]:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    rows = [("Đảng bộ xã Mường Cang", 99, 55), ("Đảng bộ xã Mường Kim", 80, 61), ("Chi bộ Trường THPT", 7, 12),
            ("Đảng bộ xã Tà Hừa", 1234, 567), ("Chi bộ Công an huyện", 40, 0)]
    first = 4
    for i, (name, men, women) in enumerate(rows):
        r = first + i
        put(ws, r, 1, i + 1, "n")
        put(ws, r, 2, name, "s")
        put(ws, r, 3, men, "n")
        put(ws, r, 4, women, "n")
        put(ws, r, 5, f"=SUM(C{r}:D{r})", "n", men + women)
        day = datetime.date(2018, 12, 31) - datetime.timedelta(days=i)
        put(ws, r, 6, day, "n", (day - datetime.date(1899, 12, 30)).days, fmt="dd/mm/yyyy")
        put(ws, r, 7, women > 10, "b")
        put(ws, r, 8, f"=D{r}/E{r}", "n", women / (men + women), fmt="0.00%")
    last = first + len(rows) - 1
    total = last + 1
    put(ws, total, 2, "Tổng cộng", "s")
    for col, index in (("C", 1), ("D", 2), ("E", None)):
        value = sum(x[1] for x in rows) if index == 1 else sum(x[2] for x in rows) if index == 2 else \
            sum(x[1] + x[2] for x in rows)
        put(ws, total, "CDE".index(col) + 3, f"=SUM({col}{first}:{col}{last})", "n", value, fmt="#,##0")
    # Formulas giving text, a boolean and an error; a number with decimals.
    put(ws, total + 1, 2, f'="Tổng: "&TEXT(E{total},"0")&" đảng viên"', "s",
        f"Tổng: {sum(x[1] + x[2] for x in rows)} đảng viên")
    put(ws, total + 1, 3, f"=C{total}>D{total}", "b", True)
    put(ws, total + 1, 4, "=1/0", "e", "#DIV/0!")
    put(ws, total + 1, 5, 33.75, "n")
    put(ws, total + 1, 6, -12.5, "n")

    # 2. TCVN3 text in .VnTime fonts: the bytes of the text shown as Windows characters.
    ws = wb.create_sheet("TCVN3")
    cells[ws.title] = []
    merges[ws.title] = [[1, 1, 1, 3]]
    put(ws, 1, 1, "\u00a7\u00b6ng", "s", font=".VnTimeH")  # "ĐẢNG"
    ws.merge_cells("A1:C1")
    put(ws, 2, 1, "\u00a7\u00b6ng vi\u00aan", "s", font=".VnTime")  # "Đảng viên"
    put(ws, 3, 1, "\u00a7\u00b6ng b\u00e9 x\u00b7 M\u00ad\u00eang", "s", font=".VnTime")  # "Đảng bộ xã Mường"
    put(ws, 3, 2, 154, "n", font=".VnTime")
    put(ws, 4, 1, "Times New Roman text", "s", font="Times New Roman")

    # 3. Shared strings long enough to cross CONTINUE records, wide and compressed.
    ws = wb.create_sheet("Chuỗi dài")
    cells[ws.title] = []
    merges[ws.title] = []
    for i in range(1, 401):
        put(ws, i, 1, f"Chi bộ thôn bản số {i} thuộc Đảng bộ xã Mường Kim, huyện Than Uyên, tỉnh Lai Châu", "s")
        put(ws, i, 2, f"Plain ASCII organisation name number {i:04d} in the district of Than Uyen", "s")
    put(ws, 401, 1, "".join(chr(ord("a") + i % 26) for i in range(9000)), "s")
    put(ws, 402, 1, "Đảng viên " * 1000, "s")
    put(ws, 403, 1, "x" * 3000 + "ư" + "y" * 3000, "s")

    wb.save(f"{out}/features.xlsx")
    expected = {"sheets": [{"name": n, "cells": cells[n], "merges": merges[n]} for n in cells]}
    with open("features.expected.json", "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=0, default=str)


def than_uyen(out, source):
    """Than Uyên's 2018 return with its branch total (D) and its total row as formulas."""
    wb = openpyxl.load_workbook(source)
    ws = wb.active
    first, last, total = 10, 54, 55
    for r in range(first, last + 1):
        parts = sum(ws.cell(r, c).value or 0 for c in range(5, 11))
        assert parts == ws.cell(r, 4).value, r
        ws.cell(r, 4).value = f"=SUM(E{r}:J{r})"
    for c in range(4, 36):
        if isinstance(ws.cell(total, c).value, (int, float)):
            col = get_column_letter(c)
            ws.cell(total, c).value = f"=SUM({col}{first}:{col}{last})"
    wb.save(f"{out}/than-uyen-formulas.xlsx")


def tcvn3(text):
    """The text typed in a TCVN3 font, as the characters its bytes show in Windows-1252; None when it has none."""
    run = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(), capture_output=True)
    if run.returncode != 0 or any(b < 0x20 or b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) for b in run.stdout):
        return None
    back = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=run.stdout, capture_output=True)
    if unicodedata.normalize("NFC", back.stdout.decode()) != text:
        return None
    return run.stdout.decode("cp1252")


def than_uyen_tcvn3(out, source):
    """Than Uyên's 2018 return typed in TCVN3: the text in .VnTime (capitals in .VnTimeH), as offices still do."""
    wb = openpyxl.load_workbook(source)
    ws = wb.active
    typed = 0
    for row in ws.iter_rows():
        for c in row:
            if not isinstance(c.value, str) or c.value.isascii():
                continue
            if c.value == c.value.upper() and (t := tcvn3(c.value.lower())) is not None:
                c.value, name = t, ".VnTimeH"  # capitals: the lower-case bytes in the capitals font
            elif (t := tcvn3(c.value)) is not None:
                c.value, name = t, ".VnTime"
            else:
                continue
            c.font = Font(name=name, size=c.font.size, bold=c.font.bold)
            typed += 1
    assert typed > 60, typed
    wb.save(f"{out}/than-uyen-tcvn3.xlsx")


def variants(xls):
    data = open(xls, "rb").read()
    # The last 512-byte block cut short after its last used directory entry, as
    # some exporters leave it (the unused entries after it are the padding).
    assert data[-512:] and all(data[-128 * k + 66] == 0 for k in (1, 2)), "the last entries are not unused"
    cut = len(data) - 256
    open("short-last-sector.xls", "wb").write(data[:cut])
    # The workbook stream renamed "BOOK" in the directory.
    name = "Workbook".encode("utf-16-le")
    at = data.index(name)
    entry = bytearray(data[at:at + 128])
    entry[0:64] = "BOOK".encode("utf-16-le").ljust(64, b"\0")
    entry[64:66] = (10).to_bytes(2, "little")
    open("book-stream.xls", "wb").write(data[:at] + bytes(entry) + data[at + 128:])
    # The text formula of "Biểu 01" (B10, ="Tổng: "&...) without the STRING
    # record that holds its result, as a writer that leaves the result to be
    # computed again writes it: the record's id made one no reader knows
    # (0x00EF), so that every offset in the file stays right.
    text = "Tổng: ".encode("utf-16-le")
    at = data.index(b"\x07\x02")
    while data[at + 7:at + 7 + len(text)] != text:
        at = data.index(b"\x07\x02", at + 2)
    assert data[at - 78:at - 74] == b"\x06\x00\x4a\x00" and data[at - 68:at - 60] == b"\0" * 6 + b"\xff\xff", "no text formula before it"
    open("formula-without-string.xls", "wb").write(data[:at] + b"\xef\x00" + data[at + 2:])


if __name__ == "__main__":
    if sys.argv[1] == "--variants":
        variants(sys.argv[2])
    else:
        features(sys.argv[1])
        than_uyen(sys.argv[1], sys.argv[2])
        than_uyen_tcvn3(sys.argv[1], sys.argv[2])
