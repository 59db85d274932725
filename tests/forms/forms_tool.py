#!/usr/bin/python3
"""The blank form read and filled as a district would (forms_test.cpp).

  inspect FORM.xlsx                     -> JSON: heading, header, names, validations, protection, total row
  fill-xlsx FORM.xlsx OUT.xlsx CATALOGUE.json [N]  -> JSON: what was written (sums per field, ratings);
                                        N: N new organisations written into an empty form first
  fill-csv FORM.csv OUT.csv CATALOGUE.json      -> the same for the CSV form
  schema SCHEMA.json DOC.json           -> exit 0 valid, 1 invalid (the reason printed)
Columns are found by their header texts against GET /api/v1/catalogue (the
field's label, or the report's group and short label), not by position.
"""
import csv
import io
import json
import random
import sys


def field_map(catalogue):
    by_label, by_pair = {}, {}
    for f in catalogue["fields"]:
        by_label[f["label"]] = f["id"]
    for i in catalogue["indicators"]:
        by_pair[(i["group"], i["label"])] = i["id"]
    return by_label, by_pair


def names_of(catalogue, fid):
    for f in catalogue["fields"]:
        if f["id"] == fid:
            return f
    raise KeyError(fid)


def values_for(kind_id, rng):
    """One organisation's counts, keeping every rule of config/indicators.toml."""
    v = {}
    t = rng.randint(15, 320)
    v["members_total"] = t
    for k in ("members_probationary", "members_female", "members_ethnic_minority", "members_religious"):
        v[k] = rng.randint(0, t)
    a = rng.randint(0, max(1, t // 5))
    v["admitted"] = a
    for k in ("admitted_female", "admitted_ethnic_minority", "admitted_religious"):
        v[k] = rng.randint(0, a)
    v["converted_official"] = rng.randint(0, 12)
    vt = rng.randint(0, 20)
    v["villages_total"] = vt
    v["villages_without_cell"] = rng.randint(0, vt)
    v["villages_without_member"] = rng.randint(0, vt)
    parts = ("cells_village", "cells_school", "cells_health", "cells_agency", "cells_enterprise", "cells_other")
    if kind_id == "party_committee":
        for k in parts:
            v[k] = rng.randint(0, 9)
    else:
        for k in parts:
            v[k] = 0
    ct = sum(v[k] for k in parts)
    v["cells_total"] = ct
    v["cells_joint"] = rng.randint(0, 2)
    v["cells_full_meetings"] = rng.randint(0, ct)
    left = ct
    for k in ("cells_rated_excellent", "cells_rated_good", "cells_rated_completed", "cells_rated_not_completed"):
        v[k] = rng.randint(0, left)
        left -= v[k]
    r = rng.randint(0, t)
    v["members_rated"] = r
    left = r
    for k in ("members_rated_excellent", "members_rated_good", "members_rated_completed"):
        v[k] = rng.randint(0, left)
        left -= v[k]
    v["members_rated_not_completed"] = left
    return v


def kind_id(catalogue, text):
    for val in names_of(catalogue, "org_kind")["values"]:
        if text == val["name"] or text in val["names"]:
            return val["id"]
    return None


def fill(rows, catalogue, seed):
    """rows: list of (name, kind text); -> per row (counts, rating name), and the sums."""
    rng = random.Random(seed)
    ratings = names_of(catalogue, "org_rating")["values"]
    out, sums, rated = [], {}, {}
    for name, kind_text in rows:
        kid = kind_id(catalogue, kind_text)
        if kid is None:
            raise SystemExit(f"kind {kind_text!r} of {name!r} is not one the catalogue names")
        counts = values_for(kid, rng)
        rating = rng.choice(ratings)
        out.append((counts, rating["name"]))
        for k, x in counts.items():
            sums[k] = sums.get(k, 0) + x
        rated[rating["id"]] = rated.get(rating["id"], 0) + 1
    return out, {"sums": sums, "ratings": rated, "organisations": len(rows)}


def xlsx_columns(ws, catalogue, h1, h2):
    by_label, by_pair = field_map(catalogue)
    cols = {}
    for c in range(2, ws.max_column + 1):
        sub = ws.cell(h2, c).value
        group = None
        for rng_ in ws.merged_cells.ranges:
            if rng_.min_row <= h1 <= rng_.max_row and rng_.min_col <= c <= rng_.max_col:
                group = ws.cell(rng_.min_row, rng_.min_col).value
                if rng_.max_row >= h2:  # merged down: one text for both rows
                    sub, group = group, None
        if sub is None:
            continue
        fid = by_pair.get((group, sub)) if group else None
        if fid is None or names_of_safe(catalogue, fid) is None:
            fid = by_label.get(sub)
        if fid is not None:
            cols[fid] = c
    return cols


def names_of_safe(catalogue, fid):
    try:
        return names_of(catalogue, fid)
    except KeyError:
        return None


def header_rows(ws):
    for r in range(1, 30):
        if ws.cell(r, 1).value == "STT":
            return r, r + 1
    raise SystemExit("no STT header")


def inspect(path):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    h1, h2 = header_rows(ws)
    out = {"sheet": ws.title, "heading": [], "names": [], "kinds": [], "sectors": [], "validations": [],
           "protected": bool(ws.protection.sheet), "header_rows": [h1, h2], "total": {}}
    for r in range(1, h1):
        for c in range(1, ws.max_column + 1):
            if isinstance(ws.cell(r, c).value, str):
                out["heading"].append(ws.cell(r, c).value)
    out["header"] = [[ws.cell(r, c).value for c in range(1, ws.max_column + 1)] for r in (h1, h2)]
    first = h2 + 2
    r = first
    while ws.cell(r, 2).value != "Tổng cộng" and r < first + 20000:
        if ws.cell(r, 2).value:
            out["names"].append(ws.cell(r, 2).value)
            out["kinds"].append(ws.cell(r, 3).value)
            out["sectors"].append(ws.cell(r, 4).value)
        r += 1
    out["rows"] = r - first
    out["total_row"] = r
    for c in range(1, ws.max_column + 1):
        v = ws.cell(r, c).value
        if isinstance(v, str) and v.startswith("="):
            out["total"][ws.cell(r, c).column_letter] = v
    for dv in ws.data_validations.dataValidation:
        out["validations"].append({"type": dv.type, "operator": dv.operator, "formula1": dv.formula1,
                                   "errorStyle": dv.errorStyle, "error": dv.error, "showErrorMessage": dv.showErrorMessage,
                                   "sqref": str(dv.sqref)})
    out["locked"] = {"header": ws.cell(h2, 5).protection.locked, "data": ws.cell(first, 5).protection.locked,
                     "name": ws.cell(first, 2).protection.locked, "total": ws.cell(r, 5).protection.locked}
    print(json.dumps(out, ensure_ascii=False))


NEW = [("Đảng bộ phường Tân Phong", "Đảng bộ cơ sở", "commune"), ("Chi bộ Trường THPT Lai Châu", "Chi bộ cơ sở", "public_service"),
       ("Đảng bộ Công an thành phố", "Đảng bộ cơ sở", "armed_forces"), ("Chi bộ Công ty Cổ phần Cấp nước", "Chi bộ cơ sở", "enterprise"),
       ("Chi bộ Phòng Tài chính - Kế hoạch", "Chi bộ cơ sở", "agency"), ("Đảng bộ xã San Thàng", "Đảng bộ cơ sở", "commune")]


def fill_xlsx(src, dst, catalogue_path, seed=2019, new=0):
    """new > 0: the form is empty; the first `new` organisations of NEW go into its empty rows."""
    import openpyxl
    catalogue = json.load(open(catalogue_path, encoding="utf-8"))
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    h1, h2 = header_rows(ws)
    cols = xlsx_columns(ws, catalogue, h1, h2)
    first = h2 + 2
    for k, (name, kind, sector) in enumerate(NEW[:new]):
        if ws.cell(first + k, 2).value:
            raise SystemExit("the form is not empty")
        ws.cell(first + k, 1).value = k + 1
        ws.cell(first + k, cols["org_name"]).value = name
        ws.cell(first + k, cols["org_kind"]).value = kind
        ws.cell(first + k, cols["org_sector"]).value = sector
    rows, where = [], []
    r = first
    while ws.cell(r, 2).value != "Tổng cộng":
        if ws.cell(r, 2).value:
            rows.append((ws.cell(r, 2).value, ws.cell(r, cols["org_kind"]).value))
            where.append(r)
        r += 1
    filled, summary = fill(rows, catalogue, seed)
    for row, (counts, rating) in zip(where, filled):
        for k, x in counts.items():
            ws.cell(row, cols[k]).value = x
        ws.cell(row, cols["org_rating"]).value = rating
    wb.save(dst)
    save_computed(dst, ws, r)
    from openpyxl.utils import get_column_letter
    summary["columns"] = {k: get_column_letter(c) for k, c in cols.items()}
    print(json.dumps(summary, ensure_ascii=False))


def save_computed(path, ws, total_row):
    """The total row's formulas with the values they compute, as Excel or
    LibreOffice saves a form a clerk filled: openpyxl keeps no value for a
    formula (an empty <v>), and tonghop refuses a formula without one; and
    without openpyxl's fullCalcOnLoad, which neither writes when it saves
    (tonghop refuses every formula of a workbook that asks for it)."""
    import re
    import zipfile
    from openpyxl.utils import column_index_from_string
    values = {}
    for cell in ws[total_row]:
        m = re.fullmatch(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", str(cell.value or ""))
        if m:
            c = column_index_from_string(m.group(1))
            values[cell.coordinate] = sum(ws.cell(r, c).value or 0 for r in range(int(m.group(2)), int(m.group(4)) + 1)
                                          if isinstance(ws.cell(r, c).value, (int, float)))
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    def put(m):
        ref = m.group(2)
        return m.group(1) + ("<v>%d</v>" % values[ref] if ref in values else m.group(3))
    sheet, n = re.subn(r'(<c r="([A-Z]+\d+)"[^>]*><f>[^<]*</f>)(<v\s*/>|<v></v>)', put, sheet)
    if sum(1 for _ in values) == 0 or n < len(values):
        raise SystemExit("the total row's formulas were not found")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    book, calc = re.subn(r'\s*fullCalcOnLoad="1"', "", parts["xl/workbook.xml"].decode("utf-8"))
    if calc != 1:
        raise SystemExit("openpyxl's fullCalcOnLoad was not found")
    parts["xl/workbook.xml"] = book.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def fill_csv(src, dst, catalogue_path, seed=2020):
    catalogue = json.load(open(catalogue_path, encoding="utf-8"))
    by_label, _ = field_map(catalogue)
    raw = open(src, "rb").read()
    if not raw.startswith(b"\xef\xbb\xbf"):
        raise SystemExit("no BOM")
    lines = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    header, body = lines[0], [l for l in lines[1:] if any(l)]
    ids = [by_label[h] for h in header]
    rows = [(l[ids.index("org_name")], l[ids.index("org_kind")]) for l in body]
    filled, summary = fill(rows, catalogue, seed)
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    for l, (counts, rating) in zip(body, filled):
        for k, x in counts.items():
            l[ids.index(k)] = str(x)
        l[ids.index("org_rating")] = rating
        w.writerow(l)
    open(dst, "wb").write(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    summary["header"] = ids
    print(json.dumps(summary, ensure_ascii=False))


def schema(schema_path, doc_path):
    import jsonschema
    s = json.load(open(schema_path, encoding="utf-8"))
    d = json.load(open(doc_path, encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(s)
    errors = list(jsonschema.Draft202012Validator(s).iter_errors(d))
    if errors:
        print("invalid:", "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]))
        sys.exit(1)
    print("valid")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "inspect":
        inspect(sys.argv[2])
    elif cmd == "fill-xlsx":
        fill_xlsx(sys.argv[2], sys.argv[3], sys.argv[4], new=int(sys.argv[5]) if len(sys.argv) > 5 else 0)
    elif cmd == "fill-csv":
        fill_csv(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "schema":
        schema(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {cmd}")
