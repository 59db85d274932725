"""The means of make_corpus.py: figures that keep the rules, the legacy
encodings clerks type in (TCVN3, VNI-Windows, Windows-1258), a writer of
return sheets with grouped headers, and the expected results."""
import io
import json
import os
import re
import subprocess
import tomllib
import unicodedata
import zipfile

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = HERE  # set_out(DIR) writes elsewhere (the test that the committed files are the script's)
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

with open(os.path.join(ROOT, "config", "indicators.toml"), "rb") as f:
    CATALOGUE = tomllib.load(f)
COUNT_FIELDS = [k for k, v in CATALOGUE["fields"].items() if v.get("kind", "count") != "text"]
# What a return may carry or not: every count, and the organisation's rating.
CARRIABLE = COUNT_FIELDS + ["org_rating"]


# ---------------------------------------------------------------------------
# Figures


class Lcg:
    """A fixed pseudo-random sequence (same numbers on every Python)."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (1103515245 * self.state + 12345) & 0x7FFFFFFF
        return self.state

    def between(self, lo, hi):  # inclusive
        return lo + self.next() % (hi - lo + 1)


RATINGS = ["excellent", "good", "good", "good", "completed", "good", "excellent", "not_completed"]


def make_orgs(seed, names):
    """names: [(name, kind)] with kind 'party_committee' or 'party_cell'.
    Every figure keeps the rules of shared/domain.md: parts <= wholes,
    admitted <= 30 % of members, ratings of cells <= cells, ratings of
    members add up to members_rated <= members."""
    g = Lcg(seed)
    orgs = []
    for name, kind in names:
        committee = kind == "party_committee"
        m = g.between(60, 280) if committee else g.between(9, 48)
        c = {}
        c["members_total"] = m
        c["members_female"] = m * g.between(28, 52) // 100
        c["members_ethnic_minority"] = m * g.between(35, 88) // 100
        c["members_probationary"] = g.between(0, max(1, m // 12))
        c["members_religious"] = g.between(0, 2) if committee else 0
        a = g.between(1, max(2, m * 7 // 100))
        c["admitted"] = a
        c["admitted_female"] = g.between(0, a)
        c["admitted_ethnic_minority"] = g.between(0, a)
        c["converted_official"] = g.between(0, a + 2)
        cells = g.between(6, 22) if committee else 0
        c["cells_total"] = cells
        village = cells * g.between(55, 80) // 100 if committee else 0
        school = min(cells - village, g.between(1, 3)) if committee else 0
        health = min(cells - village - school, 1) if committee else 0
        c["cells_village"] = village
        c["cells_school"] = school
        c["cells_health"] = health
        c["cells_agency"] = max(0, cells - village - school - health)
        c["cells_enterprise"] = 0
        c["cells_other"] = 0
        exc = g.between(0, cells // 4) if committee else 0
        good = cells - exc - (1 if committee and cells > 8 else 0)
        c["cells_rated_excellent"] = exc
        c["cells_rated_good"] = good
        c["cells_rated_completed"] = cells - exc - good
        c["cells_rated_not_completed"] = 0
        rated = m - g.between(0, max(1, m // 15))
        rexc = rated * g.between(8, 18) // 100
        rcomp = rated * g.between(5, 15) // 100
        rnot = g.between(0, 2) if rated > 40 else 0
        c["members_rated"] = rated
        c["members_rated_excellent"] = rexc
        c["members_rated_good"] = rated - rexc - rcomp - rnot
        c["members_rated_completed"] = rcomp
        c["members_rated_not_completed"] = rnot
        rating = RATINGS[g.next() % len(RATINGS)]
        orgs.append({"org_name": name, "org_kind": kind, "org_rating": rating, "counts": c})
        check_rules(orgs[-1])
    return orgs


def check_rules(org):
    c = org["counts"]
    for part, whole in [("members_female", "members_total"), ("members_ethnic_minority", "members_total"),
                        ("members_probationary", "members_total"), ("members_religious", "members_total"),
                        ("admitted_female", "admitted"), ("admitted_ethnic_minority", "admitted"),
                        ("members_rated", "members_total")]:
        assert c[part] <= c[whole], (org["org_name"], part)
    assert c["admitted"] * 100 <= 30 * c["members_total"], org["org_name"]
    assert sum(c["cells_rated_" + r] for r in ["excellent", "good", "completed", "not_completed"]) <= c["cells_total"]
    assert sum(c["members_rated_" + r] for r in ["excellent", "good", "completed", "not_completed"]) == c["members_rated"]
    assert sum(c["cells_" + t] for t in ["village", "school", "health", "agency", "enterprise", "other"]) == c["cells_total"]
    assert org["org_kind"] == "party_committee" or c["cells_total"] == 0
    assert all(v >= 0 for v in c.values()), org["org_name"]


# The sector of a name, by its opening words, only where it is certain (the
# expected JSON leaves the others out). Traps, all in sector-traps.xlsx so that
# each other shape tests one thing: "Môi trường" and "thị trường" are no school,
# "Xã hội" no commune, "Trường ... xã" a school, "Đồn Biên phòng" no office.
SECTORS = {
    "commune": ["Đảng bộ xã", "Đảng bộ thị trấn", "Đảng bộ phường"],
    "public_service": ["Chi bộ Trường", "Chi bộ Bệnh viện", "Chi bộ Trung tâm Y tế"],
    "armed_forces": ["Chi bộ Công an", "Chi bộ Đồn Biên phòng", "Chi bộ Ban Chỉ huy Quân sự", "Chi bộ Quân sự"],
    "enterprise": ["Chi bộ Công ty", "Chi bộ Ngân hàng Nông nghiệp"],
    "agency": ["Chi bộ Phòng", "Chi bộ Kho bạc Nhà nước", "Chi bộ Văn phòng", "Chi bộ Đội Quản lý thị trường",
               "Chi bộ Viện Kiểm sát", "Chi bộ Tòa án", "Chi bộ Chi cục"],
}


def sector_of(name):
    for sector, prefixes in SECTORS.items():
        if any(name.startswith(p + " ") for p in prefixes):
            return sector
    return None


# ---------------------------------------------------------------------------
# Encodings


def tcvn3(text):
    """Text as a TCVN3 (.VnTime) clerk typed it: the characters of its TCVN3
    bytes, as Excel keeps them (glibc's TCVN5712-1 is the TCVN3 table). Only
    letters a .VnTime font has: no capital with a tone mark."""
    raw = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(), capture_output=True,
                         check=True).stdout
    for b in raw:
        assert b >= 0x20 and not (0x7F <= b <= 0xA0), f"{text!r}: byte {b:#x} is not plain TCVN3"
    return raw.decode("latin-1")


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}

# VNI-Windows: a base letter, then a mark byte for its vowel mark and tone
# (Ô is ơ, Ö is ư, Ñ is đ; i and ỵ have letters of their own).
VNI_TONE_ORDER = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
VNI_ROWS = {"plain": ["", "ù", "ø", "û", "õ", "ï"], "circumflex": ["â", "á", "à", "å", "ã", "ä"],
            "breve": ["ê", "é", "è", "ú", "ü", "ë"]}
VNI_I = ["i", "í", "ì", "æ", "ó", "ò"]


def vni(text):
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        d = unicodedata.normalize("NFD", ch)
        base, marks = d[0], d[1:]
        if base.lower() not in "aeiouy" or not marks:
            out.append(ch)
            continue
        upper = base.isupper()
        tone = next((m for m in marks if m in TONES), "")
        t = VNI_TONE_ORDER.index(tone)
        b = base.lower()
        if "\u0302" in marks:
            seq = b + VNI_ROWS["circumflex"][t]
        elif "\u0306" in marks:
            seq = b + VNI_ROWS["breve"][t]
        elif "\u031b" in marks:
            seq = {"o": "ô", "u": "ö"}[b] + VNI_ROWS["plain"][t]
        elif b == "i":
            seq = VNI_I[t]
        elif b == "y" and t == 5:
            seq = "î"
        else:
            seq = b + VNI_ROWS["plain"][t]
        out.append(seq.upper() if upper else seq)
    return "".join(out)


def cp1258(text):
    """Windows-1258 bytes as Vietnamese Windows writes them: a letter with its
    vowel mark precomposed where the code page has it, the tone as a combining
    mark after it."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        tones = "".join(x for x in d if x in TONES)
        base = unicodedata.normalize("NFC", "".join(x for x in d if x not in TONES))
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


# ---------------------------------------------------------------------------
# Writers

FIXED_DATE = "2018-12-31T00:00:00Z"


def save_xlsx(wb, path):
    """openpyxl's bytes with the time taken out: fixed dates in docProps/core.xml
    and in the zip entries."""
    wb.properties.creator = "tonghop corpus"
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_DATE.encode(), data)
            z.writestr(zipfile.ZipInfo(info.filename, (2018, 12, 31, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    with open(path, "wb") as f:
        f.write(out.getvalue())


class Column:
    """A column of a table: its header path (group texts from the top, then
    its own) and what it holds: a field id of the record, 'name', 'kind',
    'rating', 'stt', or a list of values of its own (a column nothing maps)."""

    def __init__(self, path, holds):
        self.path = tuple(path)
        self.holds = holds


KIND_WORDS = {"short": {"party_committee": "ĐB", "party_cell": "CB"},
              "long": {"party_committee": "Đảng bộ cơ sở", "party_cell": "Chi bộ cơ sở"},
              "english": {"party_committee": "committee", "party_cell": "cell"}}
RATING_WORDS = {"short": {"excellent": "HTXSNV", "good": "HTTNV", "completed": "HTNV", "not_completed": "KHTNV"},
                "long": {"excellent": "Hoàn thành xuất sắc nhiệm vụ", "good": "Hoàn thành tốt nhiệm vụ",
                         "completed": "Hoàn thành nhiệm vụ", "not_completed": "Không hoàn thành nhiệm vụ"},
                "english": {"excellent": "excellent", "good": "good", "completed": "completed",
                            "not_completed": "not_completed"}}


def cell_value(org, index, col, words, overrides):
    """What a column's cell in an organisation's row reads; overrides: {(row index, holds): text}."""
    if isinstance(col.holds, str) and (index, col.holds) in overrides:
        return overrides[(index, col.holds)]
    if isinstance(col.holds, list):
        return col.holds[index]
    if col.holds == "stt":
        return index + 1
    if col.holds == "name":
        return org["org_name"]
    if col.holds == "kind":
        return KIND_WORDS[words][org["org_kind"]]
    if col.holds == "rating":
        return RATING_WORDS[words][org["org_rating"]]
    return org["counts"][col.holds]


def header_grid(columns):
    """The header rows of columns given by paths, with their merges: a group
    shared by neighbours is merged across them, a header shorter than the
    deepest is merged down to the last header row."""
    depth = max(len(c.path) for c in columns)
    grid = [[None] * len(columns) for _ in range(depth)]
    merges = []
    for level in range(depth):
        i = 0
        while i < len(columns):
            path = columns[i].path
            if level >= len(path):
                i += 1
                continue
            if level == len(path) - 1:  # the column's own text, merged down
                grid[level][i] = path[level]
                if level < depth - 1:
                    merges.append((level, i, depth - 1, i))
                i += 1
                continue
            j = i
            while (j + 1 < len(columns) and len(columns[j + 1].path) > level + 1
                   and columns[j + 1].path[:level + 1] == path[:level + 1]):
                j += 1
            grid[level][i] = path[level]
            if j > i:
                merges.append((level, i, level, j))
            i = j + 1
    return grid, merges


def write_table_sheet(ws, orgs, columns, *, titles=(), title_font=None, font="Times New Roman", encode=lambda s: s,
                      words="short", total=None, formulas=False, overrides=None, footer=True):
    """A return's sheet: title rows, the header, one row per organisation, a
    total row. Returns the row numbers: {'header': first, 'first': first data row,
    'total': total row, 'title': [rows]}."""
    overrides = overrides or {}
    f = Font(name=font, size=12)
    r = 1
    rows = {"title": []}
    for t in titles:
        ws.cell(row=r, column=1, value=encode(t)).font = Font(name=title_font or font, size=13, bold=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(columns))
        ws.cell(row=r, column=1).alignment = Alignment(horizontal="center")
        rows["title"].append(r)
        r += 1
    if titles:
        r += 1  # a blank row under the titles
    grid, merges = header_grid(columns)
    rows["header"] = r
    for level, texts in enumerate(grid):
        for i, t in enumerate(texts):
            if t:
                cell = ws.cell(row=r + level, column=i + 1, value=encode(t))
                cell.font = Font(name=font, size=12, bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for (r1, c1, r2, c2) in merges:
        ws.merge_cells(start_row=r + r1, start_column=c1 + 1, end_row=r + r2, end_column=c2 + 1)
    r += len(grid)
    rows["first"] = r
    for index, org in enumerate(orgs):
        for i, col in enumerate(columns):
            v = cell_value(org, index, col, words, overrides)
            if isinstance(v, str):
                v = encode(v)
            ws.cell(row=r, column=i + 1, value=v).font = f
        r += 1
    if total is not None:
        rows["total"] = r
        label_col = next(i for i, c in enumerate(columns) if c.holds == "name")
        first_col = 0 if columns[0].holds == "stt" else label_col
        ws.cell(row=r, column=first_col + 1, value=encode(total)).font = Font(name=font, size=12, bold=True)
        if first_col != label_col:
            ws.merge_cells(start_row=r, start_column=first_col + 1, end_row=r, end_column=label_col + 1)
        for i, col in enumerate(columns):
            if isinstance(col.holds, list) or col.holds in COUNT_FIELDS:
                letter = get_column_letter(i + 1)
                if formulas:
                    v = f"=SUM({letter}{rows['first']}:{letter}{r - 1})"
                elif isinstance(col.holds, list):
                    v = sum(col.holds[:len(orgs)])
                else:
                    v = sum(o["counts"][col.holds] for o in orgs)
                ws.cell(row=r, column=i + 1, value=v).font = Font(name=font, size=12, bold=True)
        r += 1
    if footer:
        ws.cell(row=r + 1, column=2, value=encode("Người lập biểu")).font = f
    return rows


# ---------------------------------------------------------------------------
# Expected results


def expected(district, period, orgs, fields, *, rating=True, errors=None, warnings=None, note=""):
    """What `tonghopd check` must find: every organisation with every count
    written, the sums, the fields carried and not carried; for a refusal,
    exactly its errors."""
    carried = sorted(fields + (["org_rating"] if rating else []))
    records = []
    for o in orgs:
        rec = {"org_name": o["org_name"], "org_kind": o["org_kind"]}
        s = sector_of(o["org_name"])
        if s:
            rec["org_sector"] = s
        if rating:
            rec["org_rating"] = o["org_rating"]
        for fld in COUNT_FIELDS:
            if fld in fields:
                rec[fld] = o["counts"][fld]
        records.append(rec)
    out = {"note": note, "district": district, "period": period,
           "verdict": "refused" if errors else "accepted",
           "records": records,
           "sums": {fld: sum(o["counts"][fld] for o in orgs) for fld in COUNT_FIELDS if fld in fields},
           "carried": carried,
           "not_carried": [fld for fld in CARRIABLE if fld not in carried],
           "errors": errors or [],
           "warnings": warnings or []}
    return out


def write_expected(name, exp):
    with open(out(name + ".expected.json"), "w", encoding="utf-8") as f:
        json.dump(exp, f, ensure_ascii=False, indent=1)
        f.write("\n")


def new_book(sheet_name):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_name
    return wb, ws


# ---------------------------------------------------------------------------
# Organisations of the districts (config/units/lai-chau.toml)

THAN_UYEN = [("Đảng bộ xã Mường Kim", "party_committee"), ("Đảng bộ xã Phúc Than", "party_committee"),
             ("Đảng bộ xã Mường Cang", "party_committee"), ("Đảng bộ thị trấn Than Uyên", "party_committee"),
             ("Đảng bộ xã Tà Hừa", "party_committee"), ("Chi bộ Trường THPT Than Uyên", "party_cell"),
             ("Chi bộ Bệnh viện Đa khoa huyện", "party_cell"), ("Chi bộ Công an huyện", "party_cell")]

NAM_NHUN = [("Đảng bộ xã Nậm Hàng", "party_committee"), ("Đảng bộ xã Lê Lợi", "party_committee"),
            ("Đảng bộ xã Nậm Manh", "party_committee"), ("Đảng bộ thị trấn Nậm Nhùn", "party_committee"),
            ("Chi bộ Trường THPT Nậm Nhùn", "party_cell"), ("Chi bộ Phòng Nội vụ huyện", "party_cell"),
            ("Chi bộ Đồn Biên phòng Nậm Ban", "party_cell")]

SIN_HO = [("Đảng bộ xã Chăn Nưa", "party_committee"), ("Đảng bộ xã Pa Tần", "party_committee"),
          ("Đảng bộ xã Phìn Hồ", "party_committee"), ("Đảng bộ thị trấn Sìn Hồ", "party_committee"),
          ("Chi bộ Trường THPT Sìn Hồ", "party_cell"), ("Chi bộ Bệnh viện Đa khoa huyện", "party_cell")]

TAM_DUONG = [("Đảng bộ xã Bản Bo", "party_committee"), ("Đảng bộ xã Nà Tăm", "party_committee"),
             ("Đảng bộ xã Sơn Bình", "party_committee"), ("Đảng bộ thị trấn Tam Đường", "party_committee"),
             ("Chi bộ Trung tâm Y tế huyện", "party_cell"), ("Chi bộ Công ty Cổ phần Chè Tam Đường", "party_cell")]

PHONG_THO = [("Đảng bộ xã Bản Lang", "party_committee"), ("Đảng bộ xã Dào San", "party_committee"),
             ("Đảng bộ xã Mường So", "party_committee"), ("Đảng bộ xã Hoang Thèn", "party_committee"),
             ("Đảng bộ thị trấn Phong Thổ", "party_committee"), ("Chi bộ Trường THCS thị trấn Phong Thổ", "party_cell"),
             ("Chi bộ Ban Chỉ huy Quân sự huyện", "party_cell")]

MUONG_TE = [("Đảng bộ xã Bum Nưa", "party_committee"), ("Đảng bộ xã Bum Tở", "party_committee"),
            ("Đảng bộ xã Kan Hồ", "party_committee"), ("Đảng bộ thị trấn Mường Tè", "party_committee"),
            ("Chi bộ Trường Phổ thông Dân tộc nội trú huyện", "party_cell"), ("Chi bộ Chi cục Thuế huyện", "party_cell")]

TAN_UYEN = [("Đảng bộ xã Mường Khoa", "party_committee"), ("Đảng bộ xã Pắc Ta", "party_committee"),
            ("Đảng bộ xã Trung Đồng", "party_committee"), ("Đảng bộ thị trấn Tân Uyên", "party_committee"),
            ("Chi bộ Trường THPT Tân Uyên", "party_cell")]

TP_LAI_CHAU = [("Đảng bộ phường Tân Phong", "party_committee"), ("Đảng bộ phường Đoàn Kết", "party_committee"),
               ("Đảng bộ xã San Thàng", "party_committee"), ("Chi bộ Trường THPT Chuyên Lê Quý Đôn", "party_cell"),
               ("Chi bộ Văn phòng Thành ủy", "party_cell")]

# Names whose sector a substring would get wrong.
SECTOR_TRAPS = [("Chi bộ Phòng Tài nguyên và Môi trường", "party_cell"),
                ("Chi bộ Đội Quản lý thị trường số 4", "party_cell"),
                ("Chi bộ Phòng Lao động - Thương binh và Xã hội", "party_cell"),
                ("Chi bộ Trường Tiểu học xã Mường Than", "party_cell"),
                ("Chi bộ Trường Mầm non xã Phúc Than", "party_cell"),
                ("Chi bộ Kho bạc Nhà nước huyện", "party_cell"),
                ("Chi bộ Ngân hàng Nông nghiệp và Phát triển nông thôn huyện", "party_cell"),
                ("Chi bộ Công an xã Mường Than", "party_cell"),
                ("Chi bộ Ban Chỉ huy Quân sự huyện", "party_cell"),
                ("Chi bộ Phòng Giáo dục và Đào tạo", "party_cell"),
                ("Chi bộ Phòng Văn hóa và Thông tin", "party_cell"),
                ("Chi bộ Trung tâm Y tế huyện", "party_cell"),
                ("Chi bộ Viện Kiểm sát nhân dân huyện", "party_cell"),
                ("Chi bộ Tòa án nhân dân huyện", "party_cell"),
                ("Chi bộ Công ty Cổ phần Chè Than Uyên", "party_cell"),
                ("Đảng bộ xã Mường Than", "party_committee")]


def set_out(directory):
    global OUT
    OUT = directory


def out(name):
    return os.path.join(OUT, name)
