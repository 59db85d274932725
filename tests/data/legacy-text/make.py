#!/usr/bin/python3
"""One return saved as Unicode, as TCVN3 (.VnTime fonts) and as VNI, in
xlsx, xls and CSV: tests/normalise/legacy_text_test.cpp reads every one and
expects the same records. Run: /usr/bin/python3 make.py (needs openpyxl,
iconv, and soffice for the .xls)."""
import os, subprocess, tempfile
from openpyxl import Workbook
from openpyxl.styles import Font

HERE = os.path.dirname(os.path.abspath(__file__))
TITLE = "báo cáo số lượng tổ chức cơ sở đảng năm 2018"
HEADER = ["STT", "Tên chi bộ, đảng bộ", "Số ĐV", "ĐV nữ", "ĐV DTTS", "Kết nạp mới", "KN nữ"]
ROWS = [
    ("Đảng bộ xã Mường Kim", 312, 101, 250, 12, 5),
    ("Đảng bộ xã Phúc Than", 287, 96, 240, 9, 4),
    ("Chi bộ Trường Mầm non Mường Than", 21, 19, 11, 2, 2),
    ("Chi bộ Phòng Tài nguyên và Môi trường", 14, 5, 3, 1, 0),
    ("Chi bộ Công an huyện", 35, 4, 12, 3, 1),
]
TOTAL = "Tổng cộng"


def tcvn3(text):
    """The Windows-1252 characters of the TCVN3 bytes of text (lower-case
    letters with marks go in their own slots; TCVN3 has no toned capitals)."""
    out = []
    for word in text.split(" "):
        raw = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=word.encode(), capture_output=True,
                             check=True).stdout
        if any(0x80 <= b < 0xA0 or b < 0x20 for b in raw):  # a toned capital: the font has none
            raw = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=(word[0].lower() + word[1:]).encode(),
                                 capture_output=True, check=True).stdout
            if raw[:1].isalpha():
                raw = raw[:1].upper() + raw[1:]
        out.append(raw.decode("cp1252"))
    return " ".join(out)


def tcvn3_capitals(text):
    """A .VnTimeH title typed with caps lock on: Latin capitals, the marked
    vowels from the lower-case slots (which the H fonts draw as capitals)."""
    raw = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.lower().encode(), capture_output=True,
                         check=True).stdout
    return bytes(b - 32 if 0x61 <= b <= 0x7A else b for b in raw).decode("cp1252")


VNI = {"á": "aù", "à": "aø", "ả": "aû", "ã": "aõ", "ạ": "aï", "â": "aâ", "ấ": "aá", "ầ": "aà", "ẩ": "aå", "ẫ": "aã",
       "ậ": "aä", "ă": "aê", "ắ": "aé", "ằ": "aè", "ẳ": "aú", "ẵ": "aü", "ặ": "aë", "é": "eù", "è": "eø", "ẻ": "eû",
       "ẽ": "eõ", "ẹ": "eï", "ê": "eâ", "ế": "eá", "ề": "eà", "ể": "eå", "ễ": "eã", "ệ": "eä", "ó": "où", "ò": "oø",
       "ỏ": "oû", "õ": "oõ", "ọ": "oï", "ô": "oâ", "ố": "oá", "ồ": "oà", "ổ": "oå", "ỗ": "oã", "ộ": "oä", "ơ": "ô",
       "ớ": "ôù", "ờ": "ôø", "ở": "ôû", "ỡ": "ôõ", "ợ": "ôï", "ú": "uù", "ù": "uø", "ủ": "uû", "ũ": "uõ", "ụ": "uï",
       "ư": "ö", "ứ": "öù", "ừ": "öø", "ử": "öû", "ữ": "öõ", "ự": "öï", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó",
       "ị": "ò", "ý": "yù", "ỳ": "yø", "ỷ": "yû", "ỹ": "yõ", "ỵ": "î", "đ": "ñ", "Đ": "Ñ"}


def vni(text):
    out = []
    for ch in text:
        if ch in VNI:
            out.append(VNI[ch])
        elif ch.lower() in VNI:
            out.append(VNI[ch.lower()].upper())
        else:
            out.append(ch)
    return "".join(out)


def table(encode, title_encode):
    rows = [[title_encode(TITLE)], [], [encode(h) for h in HEADER]]
    for i, r in enumerate(ROWS, 1):
        rows.append([i, encode(r[0]), *r[1:]])
    rows.append(["", encode(TOTAL), *[sum(r[k] for r in ROWS) for k in range(1, 6)]])
    return rows


def xlsx(path, rows, font, title_font):
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 01"
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v == "":
                continue
            cell = ws.cell(row=r, column=c, value=v)
            cell.font = Font(name=title_font if r == 1 else font, size=12)
    wb.save(path)


def csv(path, rows, encoding):
    lines = [",".join('"%s"' % v if isinstance(v, str) and "," in v else str(v) for v in row) for row in rows]
    with open(path, "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode(encoding))


same = lambda t: t
upper = lambda t: t.upper()
xlsx(os.path.join(HERE, "unicode.xlsx"), table(same, upper), "Times New Roman", "Times New Roman")
xlsx(os.path.join(HERE, "tcvn3.xlsx"), table(tcvn3, tcvn3), ".VnTime", ".VnTimeH")
xlsx(os.path.join(HERE, "tcvn3-capitals.xlsx"), table(tcvn3, tcvn3_capitals), "Arial", "Arial")
xlsx(os.path.join(HERE, "vni.xlsx"), table(vni, lambda t: vni(t.upper())), "VNI-Times", "VNI-Times")
# CSV: the TCVN3 bytes themselves, and Excel's "CSV UTF-8" of a .VnTime sheet
# (the Windows-1252 characters of the bytes, in UTF-8).
rows = table(tcvn3, tcvn3)
csv(os.path.join(HERE, "tcvn3.csv"), rows, "cp1252")
csv(os.path.join(HERE, "tcvn3-utf8.csv"), rows, "utf-8")
csv(os.path.join(HERE, "vni-utf8.csv"), table(vni, lambda t: vni(t.upper())), "utf-8")
# The TCVN3 workbook as Excel 97-2003, by LibreOffice (FreeXL reads no fonts).
home = tempfile.mkdtemp()
subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", HERE, os.path.join(HERE, "tcvn3.xlsx")],
               env={**os.environ, "HOME": home}, check=True, capture_output=True)
