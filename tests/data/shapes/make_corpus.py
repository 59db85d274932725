#!/usr/bin/python3
"""Makes the corpus of return shapes in tests/data/shapes/: each file, and
beside it FILE.expected.json with every figure this script wrote into it.

Run with /usr/bin/python3 (openpyxl) from anywhere:

    /usr/bin/python3 tests/data/shapes/make_corpus.py          # all but the .xls
    /usr/bin/python3 tests/data/shapes/make_corpus.py --xls    # also the .xls (LibreOffice)
    /usr/bin/python3 tests/data/shapes/make_corpus.py --out DIR  # into DIR instead

Deterministic: figures come from a fixed linear congruential generator, xlsx
parts are written with fixed dates. The .xls is made by LibreOffice from an
xlsx and is only remade with --xls (it needs LibreOffice; the tests do not).
README.md describes each shape; corpus_kit.py holds the figures, encodings and
writers.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from openpyxl.utils import get_column_letter

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree (the tests run this script)
from corpus_kit import (COUNT_FIELDS, KIND_WORDS, MUONG_TE, NAM_NHUN, PHONG_THO, RATING_WORDS, SECTOR_TRAPS, SIN_HO,
                        TAM_DUONG, TAN_UYEN, THAN_UYEN, TP_LAI_CHAU, Column, cell_value, cp1258, expected, make_orgs,
                        new_book, out, save_xlsx, sector_of, set_out, tcvn3, vni, write_expected, write_table_sheet)

C = Column
SHAPES = []


def shape(fn):
    SHAPES.append(fn)
    return fn


# ---------------------------------------------------------------------------
# The shapes

@shape
def three_row_header():
    orgs = make_orgs(101, THAN_UYEN)
    cols = [C(["STT"], "stt"), C(["Tên tổ chức cơ sở đảng"], "name"), C(["Loại hình"], "kind"),
            C(["Đảng viên", "Tổng số"], "members_total"),
            C(["Đảng viên", "Trong đó", "Nữ"], "members_female"),
            C(["Đảng viên", "Trong đó", "DTTS"], "members_ethnic_minority"),
            C(["Đảng viên", "Trong đó", "Dự bị"], "members_probationary"),
            C(["Kết nạp đảng viên", "Tổng số"], "admitted"),
            C(["Kết nạp đảng viên", "Trong đó", "Nữ"], "admitted_female"),
            C(["Kết nạp đảng viên", "Trong đó", "DTTS"], "admitted_ethnic_minority"),
            C(["Xếp loại"], "rating")]
    wb, ws = new_book("Biểu 01")
    write_table_sheet(ws, orgs, cols, titles=["HUYỆN ỦY THAN UYÊN", "BÁO CÁO THỐNG KÊ TỔ CHỨC CƠ SỞ ĐẢNG NĂM 2018"],
                      total="Tổng cộng")
    save_xlsx(wb, out("three-row-header.xlsx"))
    fields = [c.holds for c in cols if c.holds in COUNT_FIELDS]
    write_expected("three-row-header.xlsx", expected(
        "Than Uyên", "2018", orgs, fields,
        note="A header over three rows: 'Đảng viên' / 'Tổng số', 'Trong đó' / 'Nữ', 'DTTS', 'Dự bị', groups merged"))


@shape
def four_row_header():
    orgs = make_orgs(202, MUONG_TE)
    top = "Tình hình đảng viên"
    cols = [C(["STT"], "stt"), C(["Tên tổ chức cơ sở đảng"], "name"), C(["Loại hình"], "kind"),
            C([top, "Đảng viên", "Tổng số"], "members_total"),
            C([top, "Đảng viên", "Trong đó", "Nữ"], "members_female"),
            C([top, "Đảng viên", "Trong đó", "Dân tộc thiểu số"], "members_ethnic_minority"),
            C([top, "Đảng viên", "Trong đó", "Dự bị"], "members_probationary"),
            C([top, "Kết nạp mới", "Tổng số"], "admitted"),
            C([top, "Kết nạp mới", "Trong đó", "Nữ"], "admitted_female"),
            C([top, "Kết nạp mới", "Trong đó", "Dân tộc thiểu số"], "admitted_ethnic_minority"),
            C(["Chi bộ trực thuộc", "Tổng số"], "cells_total"),
            C(["Xếp loại"], "rating")]
    wb, ws = new_book("TCCS")
    write_table_sheet(ws, orgs, cols, titles=["ĐẢNG BỘ HUYỆN MƯỜNG TÈ", "THỐNG KÊ TỔ CHỨC CƠ SỞ ĐẢNG NĂM 2018"],
                      total="Tổng cộng")
    save_xlsx(wb, out("four-row-header.xlsx"))
    fields = [c.holds for c in cols if c.holds in COUNT_FIELDS]
    write_expected("four-row-header.xlsx", expected(
        "Mường Tè", "2018", orgs, fields,
        note="A header of four rows: a group over 'Đảng viên' and 'Kết nạp mới', each with 'Tổng số' and 'Trong đó'"))


TRONG_DO_CSV = [("STT", "stt"), ("Tên tổ chức cơ sở đảng", "name"), ("Loại hình", "kind"),
                ("Số chi bộ trực thuộc", "cells_total"), ("Tổng số đảng viên", "members_total"),
                ("Trong đó: Nữ", "members_female"), ("Trong đó: Dân tộc thiểu số", "members_ethnic_minority"),
                ("Kết nạp mới", "admitted"), ("Xếp loại", "rating")]


def trong_do_csv(orgs, overrides=None):
    """The lines of a CSV whose breakdowns read "Trong đó: …"."""
    cols = [C([h], holds) for h, holds in TRONG_DO_CSV]
    lines = [";".join(h for h, _ in TRONG_DO_CSV)]
    for i, o in enumerate(orgs):
        lines.append(";".join(str(cell_value(o, i, c, "long", overrides or {})) for c in cols))
    return "\r\n".join(lines) + "\r\n"


@shape
def windows_1258_csv():
    orgs = make_orgs(303, SIN_HO)
    with open(out("windows-1258.csv"), "wb") as f:
        f.write(cp1258(trong_do_csv(orgs)))
    write_expected("windows-1258.csv", expected(
        "Sìn Hồ", "2018", orgs, ["cells_total", "members_total", "members_female", "members_ethnic_minority", "admitted"],
        note="Windows-1258 CSV (tones as combining marks) whose breakdowns read 'Trong đó: Nữ', 'Trong đó: Dân tộc thiểu số'"))


@shape
def trong_do_female_exceeds():
    orgs = make_orgs(2121, PHONG_THO)
    bad = 4  # its "Trong đó: Nữ" is above its members
    with open(out("trong-do-female-exceeds.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(trong_do_csv(orgs, {(bad, "members_female"): orgs[bad]["counts"]["members_total"] + 3}))
    col = chr(ord("A") + [h for _, h in TRONG_DO_CSV].index("members_female"))
    write_expected("trong-do-female-exceeds.csv", expected(
        "Phong Thổ", "2018", orgs, ["cells_total", "members_total", "members_female", "members_ethnic_minority", "admitted"],
        errors=[{"code": "part_exceeds_whole", "row": bad + 2, "column": col, "field": "members_female"}],
        note="A 'Trong đó: Nữ' above its 'Tổng số đảng viên' in one row (UTF-8 CSV): refused at that cell, the rule "
             "checked on a column found through a connector"))


TCVN3_COLS = [C(["STT"], "stt"), C(["Tên tổ chức cơ sở đảng"], "name"), C(["Loại hình"], "kind"),
              C(["Đảng viên", "Tổng số"], "members_total"), C(["Đảng viên", "Nữ"], "members_female"),
              C(["Đảng viên", "Dân tộc thiểu số"], "members_ethnic_minority"),
              C(["Đảng viên", "Dự bị"], "members_probationary"),
              C(["Kết nạp", "Tổng số"], "admitted"), C(["Kết nạp", "Nữ"], "admitted_female"),
              C(["Xếp loại"], "rating")]
TCVN3_TITLES = ["huyện ủy nậm nhùn", "báo cáo thống kê tổ chức cơ sở đảng năm 2018"]


def tcvn3_book(orgs, formulas):
    wb, ws = new_book("Bieu01")
    write_table_sheet(ws, orgs, TCVN3_COLS, titles=TCVN3_TITLES, title_font=".VnTimeH", font=".VnTime", encode=tcvn3,
                      total="Tổng cộng", formulas=formulas)
    return wb


def tcvn3_expected(kind):
    orgs = make_orgs(404, NAM_NHUN)
    fields = [c.holds for c in TCVN3_COLS if c.holds in COUNT_FIELDS]
    return orgs, expected(
        "Nậm Nhùn", "2018", orgs, fields,
        note=f"The TCVN3 table ({kind}): typed in .VnTime, title in .VnTimeH (capitals), total row 'Tæng céng'; "
             "the same table as tcvn3-vntime.xls, tcvn3-vntime.xlsx and unicode.xlsx reads identically")


@shape
def tcvn3_xlsx():
    orgs, exp = tcvn3_expected("xlsx")
    save_xlsx(tcvn3_book(orgs, False), out("tcvn3-vntime.xlsx"))
    write_expected("tcvn3-vntime.xlsx", exp)


def to_xls(wb, name):
    """A real BIFF8 .xls of the workbook, by LibreOffice (it computes the
    formulas and keeps the font names); only with --xls."""
    if "--xls" not in sys.argv:
        return
    tmp = tempfile.mkdtemp()
    try:
        src = os.path.join(tmp, name[:-len(".xls")] + ".xlsx")
        save_xlsx(wb, src)
        env = dict(os.environ, HOME=tmp)
        subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", tmp, src], env=env, check=True,
                       capture_output=True, timeout=300)
        shutil.copy(os.path.join(tmp, name), out(name))
    finally:
        shutil.rmtree(tmp)


@shape
def tcvn3_xls():
    orgs, exp = tcvn3_expected("xls, made by LibreOffice, SUM formulas in the total row")
    write_expected("tcvn3-vntime.xls", exp)
    to_xls(tcvn3_book(orgs, True), "tcvn3-vntime.xls")


@shape
def unicode_xlsx():
    orgs, exp = tcvn3_expected("Unicode xlsx")
    wb, ws = new_book("Bieu01")
    write_table_sheet(ws, orgs, TCVN3_COLS, titles=[t.upper() for t in TCVN3_TITLES], total="Tổng cộng")
    save_xlsx(wb, out("unicode.xlsx"))
    write_expected("unicode.xlsx", exp)


def title_other_year_book(orgs, formulas):
    wb, ws = new_book("Bieu01")
    rows = write_table_sheet(ws, orgs, TCVN3_COLS, titles=["huyện ủy tân uyên", "báo cáo thống kê năm 2017"],
                             title_font=".VnTimeH", font=".VnTime", encode=tcvn3, total="Tổng cộng",
                             formulas=formulas)
    return wb, rows


@shape
def tcvn3_title_other_year():
    orgs = make_orgs(2323, TAN_UYEN)
    wb, rows = title_other_year_book(orgs, False)
    save_xlsx(wb, out("tcvn3-title-other-year.xlsx"))
    for name, kind in [("tcvn3-title-other-year.xlsx", "xlsx"), ("tcvn3-title-other-year.xls", "xls, LibreOffice")]:
        write_expected(name, expected(
            "Tân Uyên", "2018", orgs, [c.holds for c in TCVN3_COLS if c.holds in COUNT_FIELDS],
            errors=[{"code": "period_mismatch", "sheet": "Bieu01", "row": rows["title"][1], "column": "A",
                     "field": "period"}],
            note=f"A TCVN3 table ({kind}) whose .VnTimeH title reads 'b¸o c¸o thèng kª n¨m 2017' (NĂM 2017), sent "
                 "for 2018: the title must be decoded to be read, and then refuses the return at that cell"))
    to_xls(title_other_year_book(orgs, True)[0], "tcvn3-title-other-year.xls")


@shape
def tcvn3_wrong_font():
    orgs = make_orgs(1818, TAM_DUONG)
    wb, ws = new_book("Sheet1")
    write_table_sheet(ws, orgs, SIMPLE_COLS, titles=["Đảng bộ huyện Tam Đường"], font="Arial", encode=tcvn3, total="Cộng")
    save_xlsx(wb, out("tcvn3-wrong-font.xlsx"))
    write_expected("tcvn3-wrong-font.xlsx", expected(
        "Tam Đường", "2018", orgs, SIMPLE_FIELDS,
        note="TCVN3 text pasted into Arial cells (the font says nothing), a total row 'Céng' (Cộng: no byte in "
             "A1-BF): found by what it says, the total row checked and dropped"))


@shape
def vni_times():
    orgs = make_orgs(1919, TP_LAI_CHAU)
    assert vni("Tổng cộng Đảng viên Trường ủy Ủy ban Kỵ") == "Toång coäng Ñaûng vieân Tröôøng uûy UÛy ban Kî"
    wb, ws = new_book("Sheet1")
    write_table_sheet(ws, orgs, SIMPLE_COLS, titles=["THÀNH ỦY LAI CHÂU"], font="VNI-Times", encode=vni,
                      total="Tổng cộng")
    save_xlsx(wb, out("vni-times.xlsx"))
    write_expected("vni-times.xlsx", expected(
        "Thành phố Lai Châu", "2018", orgs, SIMPLE_FIELDS,
        note="Text typed in VNI-Windows (VNI-Times font: base letter, then mark bytes), total row 'Toång coäng'"))


def english_doc(orgs, district, overrides=None):
    doc = {"district": district, "period": "2018", "organizations": []}
    for i, o in enumerate(orgs):
        c = o["counts"]
        doc["organizations"].append({
            "name": o["org_name"], "type": KIND_WORDS["english"][o["org_kind"]],
            "members": str(c["members_total"]), "femaleMembers": str(c["members_female"]),
            "newMembers": str(c["admitted"]), "probationaryMembers": str(c["members_probationary"]),
            "subordinateCells": str(c["cells_total"]), "rating": RATING_WORDS["english"][o["org_rating"]]})
        doc["organizations"][-1].update((overrides or {}).get(i, {}))
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


ENGLISH_FIELDS = ["members_total", "members_female", "admitted", "members_probationary", "cells_total"]


@shape
def english_json():
    orgs = make_orgs(505, TAM_DUONG)
    with open(out("english-keys.json"), "w", encoding="utf-8") as f:
        f.write(english_doc(orgs, "Huyện ủy Tam Đường"))
    write_expected("english-keys.json", expected(
        "Tam Đường", "2018", orgs, ENGLISH_FIELDS,
        note="A JSON export with English keys (name, type, members, femaleMembers, newMembers, probationaryMembers, "
             "subordinateCells, rating) and numbers as strings"))


@shape
def english_json_not_a_number():
    orgs = make_orgs(2222, TAN_UYEN)
    bad = 3
    with open(out("english-keys-not-a-number.json"), "w", encoding="utf-8") as f:
        f.write(english_doc(orgs, "Tân Uyên", {bad: {"femaleMembers": "hai mươi"}}))
    write_expected("english-keys-not-a-number.json", expected(
        "Tân Uyên", "2018", orgs, ENGLISH_FIELDS,
        errors=[{"code": "not_a_number", "path": f"/organizations/{bad}/femaleMembers", "field": "members_female"}],
        note="The English export with one count written in words ('hai mươi'): refused at that key's JSON pointer, "
             "nothing else named"))


@shape
def abbreviated_headers():
    orgs = make_orgs(606, PHONG_THO)
    cols = [C(["STT"], "stt"), C(["Tên chi bộ, đảng bộ"], "name"), C(["Loại hình"], "kind"),
            C(["Số CB trực thuộc"], "cells_total"), C(["Số ĐV"], "members_total"), C(["ĐV nữ"], "members_female"),
            C(["ĐV DTTS"], "members_ethnic_minority"), C(["ĐV dự bị"], "members_probationary"),
            C(["Kết nạp mới"], "admitted"), C(["KN nữ"], "admitted_female"),
            C(["KN DTTS"], "admitted_ethnic_minority"), C(["Chuyển chính thức"], "converted_official"),
            C(["Xếp loại"], "rating")]
    wb, ws = new_book("Sheet1")
    write_table_sheet(ws, orgs, cols, titles=["ĐẢNG BỘ HUYỆN PHONG THỔ"], total="Tổng cộng")
    save_xlsx(wb, out("abbreviated-headers.xlsx"))
    write_expected("abbreviated-headers.xlsx", expected(
        "Phong Thổ", "2018", orgs, [c.holds for c in cols if c.holds in COUNT_FIELDS],
        note="Thirteen headers written short: 'Tên chi bộ, đảng bộ', 'Số ĐV', 'ĐV nữ', 'KN nữ', 'KN DTTS', 'Kết nạp mới'"))


SIMPLE_COLS = [C(["STT"], "stt"), C(["Tên tổ chức cơ sở đảng"], "name"), C(["Loại hình"], "kind"),
               C(["Số chi bộ trực thuộc"], "cells_total"), C(["Tổng số đảng viên"], "members_total"),
               C(["Đảng viên nữ"], "members_female"), C(["Đảng viên dân tộc thiểu số"], "members_ethnic_minority"),
               C(["Kết nạp mới"], "admitted"), C(["Xếp loại"], "rating")]
SIMPLE_FIELDS = [c.holds for c in SIMPLE_COLS if c.holds in COUNT_FIELDS]


@shape
def not_a_number_12a():
    # The first figures (from seed 707 on) where a count of a written column is 12: that cell reads «12a»,
    # and the total row holds the true sum.
    seed = 707
    while True:
        orgs = make_orgs(seed, TAN_UYEN)
        hit = next(((i, f) for i, o in enumerate(orgs) for f in ["members_total", "members_female", "cells_total"]
                    if o["counts"][f] == 12), None)
        if hit:
            break
        seed += 1
    bad, field = hit
    wb, ws = new_book("Biểu 01")
    rows = write_table_sheet(ws, orgs, SIMPLE_COLS, titles=["ĐẢNG BỘ HUYỆN TÂN UYÊN"], total="Tổng cộng",
                             overrides={(bad, field): "12a"})
    save_xlsx(wb, out("not-a-number-12a.xlsx"))
    col = get_column_letter(1 + [c.holds for c in SIMPLE_COLS].index(field))
    write_expected("not-a-number-12a.xlsx", expected(
        "Tân Uyên", "2018", orgs, SIMPLE_FIELDS,
        errors=[{"code": "not_a_number", "sheet": "Biểu 01", "row": rows["first"] + bad, "column": col,
                 "field": field}],
        note="One cell reads «12a» (meant 12) in a column with a right total row: exactly one error, at that cell; "
             "no total_mismatch, no rule about the unknown value"))


@shape
def year_title_as_h1():
    orgs = make_orgs(808, MUONG_TE)
    wb, ws = new_book("Biểu 01")
    rows = write_table_sheet(ws, orgs, SIMPLE_COLS,
                             titles=["ĐẢNG BỘ HUYỆN MƯỜNG TÈ", "BÁO CÁO THỐNG KÊ TỔ CHỨC CƠ SỞ ĐẢNG NĂM 2018"],
                             total="Tổng cộng")
    save_xlsx(wb, out("year-title-as-h1.xlsx"))
    write_expected("year-title-as-h1.xlsx", expected(
        "Mường Tè", "2018-H1", orgs, SIMPLE_FIELDS,
        errors=[{"code": "period_mismatch", "sheet": "Biểu 01", "row": rows["title"][1], "column": "A",
                 "field": "period"}],
        note="Titled '... NĂM 2018' (a year) but submitted for 2018-H1: refused at the title cell"))


@shape
def sector_traps():
    orgs = make_orgs(909, SECTOR_TRAPS)
    for o in orgs:
        assert sector_of(o["org_name"]), o["org_name"]
    wb, ws = new_book("Biểu 01")
    write_table_sheet(ws, orgs, SIMPLE_COLS, titles=["HUYỆN ỦY THAN UYÊN"], total="Tổng cộng")
    save_xlsx(wb, out("sector-traps.xlsx"))
    write_expected("sector-traps.xlsx", expected(
        "Than Uyên", "2018", orgs, SIMPLE_FIELDS,
        note="Names whose sector a substring gets wrong: 'Môi trường', 'thị trường', 'Xã hội', 'Trường ... xã'"))


@shape
def lacking_fields():
    orgs = make_orgs(1010, TAN_UYEN)
    cols = [C(["STT"], "stt"), C(["Tên tổ chức cơ sở đảng"], "name"), C(["Loại hình"], "kind"),
            C(["Tổng số đảng viên"], "members_total"), C(["Đảng viên nữ"], "members_female"),
            C(["Kết nạp mới"], "admitted")]
    wb, ws = new_book("Biểu 01")
    write_table_sheet(ws, orgs, cols, titles=["ĐẢNG BỘ HUYỆN TÂN UYÊN"], total="Tổng cộng")
    save_xlsx(wb, out("lacking-fields.xlsx"))
    write_expected("lacking-fields.xlsx", expected(
        "Tân Uyên", "2018", orgs, ["members_total", "members_female", "admitted"], rating=False,
        note="A return without ratings and without cells: accepted, those fields not carried (unknown, never 0)"))


def total_shape(name, district, seed, names, label, csv=False):
    orgs = make_orgs(seed, names)
    if csv:
        head = [c.path[0] for c in SIMPLE_COLS]
        lines = [";".join(head)]
        for i, o in enumerate(orgs):
            lines.append(";".join(str(cell_value(o, i, c, "short", {})) for c in SIMPLE_COLS))
        lines.append(";".join([label, ""] + ["" if not (isinstance(c.holds, str) and c.holds in COUNT_FIELDS)
                                             else str(sum(o["counts"][c.holds] for o in orgs))
                                             for c in SIMPLE_COLS[2:]]))
        with open(out(name), "w", encoding="utf-8", newline="") as f:
            f.write("\r\n".join(lines) + "\r\n")
    else:
        wb, ws = new_book("Biểu 01")
        write_table_sheet(ws, orgs, SIMPLE_COLS, titles=[f"ĐẢNG BỘ {'' if district.startswith('Thành phố') else 'HUYỆN '}{district.upper()}"], total=label)
        save_xlsx(wb, out(name))
    write_expected(name, expected(district, "2018", orgs, SIMPLE_FIELDS,
                                  note=f"A right total row labelled '{label}': checked and dropped, never an organisation"))


@shape
def total_rows():
    total_shape("total-cong.xlsx", "Tam Đường", 1111, TAM_DUONG, "Cộng")
    total_shape("total-tong-so.csv", "Phong Thổ", 1212, PHONG_THO, "Tổng số", csv=True)
    total_shape("total-toan-huyen.xlsx", "Sìn Hồ", 1313, SIN_HO, "Toàn huyện")
    total_shape("total-tong.xlsx", "Thành phố Lai Châu", 1414, TP_LAI_CHAU, "Tổng")


@shape
def unmapped_column():
    orgs = make_orgs(1515, NAM_NHUN)
    samples = [14, 23, 9, 31, 17, 6, 11]
    header = "Số quần chúng ưu tú"
    cols = SIMPLE_COLS[:8] + [C([header], samples[:len(orgs)])] + SIMPLE_COLS[8:]
    wb, ws = new_book("Biểu 01")
    rows = write_table_sheet(ws, orgs, cols, titles=["HUYỆN ỦY NẬM NHÙN"], total="Tổng cộng")
    save_xlsx(wb, out("unmapped-column.xlsx"))
    col = get_column_letter(1 + 8)
    write_expected("unmapped-column.xlsx", expected(
        "Nậm Nhùn", "2018", orgs, SIMPLE_FIELDS,
        warnings=[{"code": "unmapped_header", "sheet": "Biểu 01", "row": rows["header"], "column": col,
                   "mentions": [header, "14", "23"]}],
        note="A numeric column nothing maps: accepted, with one warning naming its header, column and samples"))


@shape
def unmapped_under_group():
    orgs = make_orgs(1616, THAN_UYEN[:6])
    header = "Được miễn sinh hoạt"
    cols = [C(["STT"], "stt"), C(["Tên tổ chức cơ sở đảng"], "name"), C(["Loại hình"], "kind"),
            C(["Đảng viên", "Tổng số"], "members_total"),
            C(["Đảng viên", "Trong đó", "Nữ"], "members_female"),
            C(["Đảng viên", "Trong đó", "DTTS"], "members_ethnic_minority"),
            C(["Đảng viên", "Trong đó", header], [3, 7, 2, 5, 0, 1]),
            C(["Xếp loại"], "rating")]
    wb, ws = new_book("Biểu 01")
    write_table_sheet(ws, orgs, cols, titles=["HUYỆN ỦY THAN UYÊN"], total="Tổng cộng")
    save_xlsx(wb, out("unmapped-under-group.xlsx"))
    write_expected("unmapped-under-group.xlsx", expected(
        "Than Uyên", "2018", orgs, ["members_total", "members_female", "members_ethnic_minority"],
        warnings=[{"code": "unmapped_header", "sheet": "Biểu 01", "column": "G", "mentions": [header]}],
        note="A numeric column under the merged 'Đảng viên / Trong đó' that nothing maps: named on its own"))


@shape
def name_column_unlabelled():
    orgs = make_orgs(1717, SIN_HO)
    cols = [C(["STT"], "stt"), C([""], "name")] + SIMPLE_COLS[2:]
    wb, ws = new_book("Biểu 01")
    rows = write_table_sheet(ws, orgs, cols, titles=["ĐẢNG BỘ HUYỆN SÌN HỒ"], total=None)
    save_xlsx(wb, out("name-column-unlabelled.xlsx"))
    write_expected("name-column-unlabelled.xlsx", expected(
        "Sìn Hồ", "2018", orgs, SIMPLE_FIELDS,
        errors=[{"code": "no_table", "sheet": "Biểu 01", "row": rows["header"], "field": "org_name"}],
        note="The names' column has an empty header: refused once, naming the best candidate header row and the "
             "missing name column (the other headers were understood)"))


def main():
    if "--out" in sys.argv:
        set_out(sys.argv[sys.argv.index("--out") + 1])
    for fn in SHAPES:
        fn()


if __name__ == "__main__":
    main()
