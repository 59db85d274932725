#!/usr/bin/python3
"""The web page in a real browser: headless Debian chromium driven by
python3-selenium against the real built tonghopd (its own port, data
directory, configuration and admin token) and the real database.

usage: browser_test.py --build BUILD_DIR SCENARIO [--screenshots DIR]

SCENARIO is one of: clerk, mapping, board, returned, security, admin,
labels, keyboard (a11y_test.py), firefox (firefox_test.py, in headless
Firefox through marionette.py), all (those nine), or measure (not a test:
the figures of docs/performance.md). Exit 0 when it passed, 1 when it
failed, 77 when it cannot run here (chromium, chromedriver or selenium
missing, firefox missing for the firefox scenario, or a route the scenario
needs is not in this daemon), the reason printed. --screenshots DIR saves each
page at 1366x768 as DIR/web-*.png (docs/images is where they are kept).
Every wait is bounded (WAIT seconds): nothing here is timed; the two
figures printed (first page load, a dry run in the page) are measurements
for docs/performance.md, never asserted.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DATA, ROOT, SKIP, Browser, Daemon, Skip  # noqa: E402

# --- helpers of the scenarios ---------------------------------------------------

def corrected_than_uyen(work):
    """Than Uyên's 2018 return with one figure corrected: Chi bộ Hội Nông dân
    huyện's women members 10 -> 9 (row 54, column M) and the total row with it
    (M55 747 -> 746)."""
    import openpyxl
    wb = openpyxl.load_workbook(os.path.join(DATA, "2018", "than-uyen.xlsx"))
    ws = wb["Biểu 01"]
    assert ws["B54"].value == "Chi bộ Hội Nông dân huyện" and ws["M54"].value == 10 and ws["M55"].value == 747
    ws["M54"] = 9
    ws["M55"] = 746
    path = os.path.join(work, "than-uyen-sua.xlsx")
    wb.save(path)
    return path


def cell_of_field(b, field, row):
    col = b.el(f'td.field-row[data-field="{field}"]').get_attribute("data-column")
    return f"{col}{row}"


# --- the scenarios ------------------------------------------------------------------

def clerk(d, b, work):
    """A clerk signs in, drops a bad sample (its error marked at its cell), then
    picks the good file and sends it; a double click sends it once."""
    d.user("thanuyen", "district", "mat-khau-than-uyen-2018", "Than Uyên")
    b.go("")
    b.el("#sign-in-form")
    load = b.js("const n = performance.getEntriesByType('navigation')[0];"
                "return n ? n.loadEventEnd - n.startTime : null;")
    b.shot("sign-in")
    b.sign_in("thanuyen", "mat-khau-than-uyen-2018")
    b.go("#/nop/2018")
    b.page("nop")
    assert "Than Uyên" in b.text("h1"), b.text("h1")
    href = b.find("#template-link").get_attribute("href")
    assert href.endswith("/api/v1/templates?district=Than+Uy%C3%AAn&period=2018&format=xlsx"), href

    # A file past the limit (the daemon's max_input_size is 2 MiB) is refused in the page: nothing uploaded.
    big = os.path.join(work, "qua-lon.csv")
    with open(big, "wb") as f:
        f.write(b"x" * (3 << 20))
    checks = "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v1/check')).length"
    b.pick(big)
    assert "2,0 MB" in b.el("#too-large").text, b.text("#too-large")
    assert b.js(checks) == 0, "the page uploaded a file past the limit"

    # A file nothing reads (a PDF): the banner asks for another file, not for cells to be corrected.
    pdf = os.path.join(work, "bao-cao.pdf")
    with open(pdf, "wb") as f:
        f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    b.pick(pdf)
    assert b.verdict() == "refused"
    banner = b.text("#verdict")
    assert "không đọc được tệp" in banner and "ô được đánh dấu đỏ" not in banner, banner
    assert "tệp có vẻ là một tài liệu PDF" in b.text("#result"), b.text("#result")
    b.shot("clerk-refused-pdf")

    expected = json.load(open(os.path.join(DATA, "bad", "expected-errors.json")))["than-uyen-total-row-mismatch.xlsx"]
    b.drop(os.path.join(DATA, "bad", "than-uyen-total-row-mismatch.xlsx"))
    # Every error at a cell: the banner asks for the marked cells to be corrected.
    b.wait(lambda: "Sửa các ô được đánh dấu đỏ" in b.text("#verdict"), "the refused banner of the cells")
    assert b.verdict() == "refused"
    address = cell_of_field(b, expected["field"], expected["row"])
    marked = [td.get_attribute("data-cell") for td in b.all("table.sheet td.error")]
    assert address in marked, f"{address} is not marked; marked: {marked}"
    td = b.find(f'table.sheet td[data-cell="{address}"]')
    assert "error" in td.get_attribute("class")
    assert td.get_attribute("data-message"), "the marked cell carries no message"
    assert b.find("#send").get_attribute("disabled") is not None, "Gửi is enabled for a refused file"
    # The error in the list leads to its cell.
    link = [e for e in b.all("ul.issues button.link") if address in e.text]
    assert link, "no error in the list names " + address
    link[0].click()
    b.wait(lambda: "selected" in b.find(f'td[data-cell="{address}"]').get_attribute("class"), "the cell selected")
    b.shot("clerk-refused-top")
    b.js("document.getElementById('sheet').closest('.card').scrollIntoView({block: 'start'});")
    b.shot("clerk-refused", top=False)

    # One organisation written twice: refused, the second row's name marked, saying which row it repeats.
    twice = os.path.join(work, "hai-lan.csv")
    with open(twice, "w", encoding="utf-8") as f:
        f.write("Tên TCCSĐ;Loại hình;Tổng số ĐV;ĐV nữ\nĐảng bộ xã Mường Cang;ĐB;148;34\n"
                "Chi bộ Trường THPT Than Uyên;CB;31;20\nĐảng bộ xã Mường Cang;ĐB;148;34\n")
    b.pick(twice)
    assert b.verdict() == "refused"
    td = b.find('table.sheet td[data-cell="A4"]')
    assert "error" in td.get_attribute("class"), td.get_attribute("class")
    assert "trùng hoàn toàn với A2" in td.get_attribute("data-message"), td.get_attribute("data-message")
    assert "trùng hoàn toàn với A2" in b.text("ul.issues"), b.text("ul.issues")
    assert "Tệp như đã đọc" in b.text("#result") and "«»" not in b.text("#result"), "a CSV has no sheet to name"
    b.shot("clerk-refused-duplicate")

    t0 = time.time()
    b.pick(os.path.join(DATA, "2018", "than-uyen.xlsx"))
    assert b.verdict() == "accepted"
    check_ms = b.find("#result").get_attribute("data-check-ms")
    assert "2.044" in b.text("#sums"), b.text("#sums")  # members_total of the 45 organisations
    assert not b.all("table.sheet td.error")
    b.shot("clerk-accepted")
    send = b.find("#send")
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(b.d).double_click(send).perform()
    b.el("#sent")
    b.wait(lambda: b.exists('#submissions tr[data-id]'), "the submission listed")
    subs = d.submissions("2018", "Than Uyên")
    assert len(subs) == 1, f"a double click sent {len(subs)} submissions"
    assert b.find("#send").get_attribute("disabled") is not None
    b.shot("clerk-sent")
    # An answer that is not the daemon's (a proxy's HTML page for a 502) is said in Vietnamese first.
    said = b.d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const real = window.fetch;
        window.fetch = async () => new Response("<html><body>502 Bad Gateway</body></html>", {status: 502, statusText: "Bad Gateway"});
        import("/static/api.js").then((m) => m.api("GET", "/api/v1/periods/2018"))
          .then(() => "no error", (e) => (e && e.errors ? e.errors[0].message : "not an ApiError: " + e))
          .then((m) => { window.fetch = real; done(m); });""")
    assert said == ("Máy chủ trả lời lỗi HTTP 502; hãy thử lại sau hoặc báo quản trị viên / "
                    "HTTP 502 Bad Gateway: <html><body>502 Bad Gateway</body></html>"), said
    print(f"measured: first page load {load:.0f} ms (Navigation Timing, loadEventEnd); "
          f"dry run of than-uyen.xlsx in the page {check_ms} ms (performance.now, upload to drawn); "
          f"{time.time() - t0:.1f} s to sent")


def board(d, b, work):
    """The Board sees Than Uyên turn from missing to on time, opens the report,
    downloads the xlsx (read with openpyxl) and the PDF."""
    d.user("bantochuc", "viewer", "mat-khau-ban-to-chuc")
    for name, district in (("phong-tho.csv", "Phong Thổ"), ("sin-ho.csv", "Sìn Hồ")):
        d.submit(district, "2018", os.path.join(DATA, "2018", name))
    b.sign_in("bantochuc", "mat-khau-ban-to-chuc")
    b.go("#/ky/2018")
    b.page("ky")
    row = 'table#season tr[data-district="Than Uyên"]'
    assert b.el(row).get_attribute("data-status") == "missing", b.find(row).get_attribute("data-status")
    assert "Chưa báo cáo" in b.text(row)
    d.submit("Than Uyên", "2018", os.path.join(DATA, "2018", "than-uyen.xlsx"))
    b.d.refresh()
    b.page("ky")
    b.wait(lambda: b.find(row).get_attribute("data-status") == "on_time", "Than Uyên on time")
    assert "Đúng hạn" in b.text(row), b.text(row)
    b.shot("season")
    b.find('a[href="#/bao-cao/2018"]').click()
    b.page("bao-cao")
    tr = b.el('table#report tr[data-district="Than Uyên"]')
    assert "2.044" in tr.find_element(b.By.CSS_SELECTOR, 'td[data-indicator="members_total"]').text
    assert b.all('#ratings-chart g[data-district="Than Uyên"] rect[data-rating]'), "no bar for Than Uyên"
    b.shot("report")
    xlsx = b.download("#download-xlsx", ".xlsx")
    import openpyxl
    wb = openpyxl.load_workbook(xlsx, data_only=True)
    cells = [c for ws in wb for r in ws.iter_rows(values_only=True) for c in r if c is not None]
    assert "Than Uyên" in cells and 2044 in cells, "the workbook lacks Than Uyên's 2,044 members"
    pdf = b.download("#download-pdf", ".pdf")
    with open(pdf, "rb") as f:
        assert f.read(5) == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, timeout=60).stdout
        assert "Than Uyên" in text, text[:500]


def returned(d, b, work):
    """An admin returns the submission with a reason; the clerk sees the reason
    and sends a corrected file; the admin sees the diff, approves and locks;
    a further send is refused on the page."""
    d.user("thanuyen", "district", "mat-khau-than-uyen-2018", "Than Uyên")
    d.user("quantri", "admin", "mat-khau-quan-tri-2018")
    first = d.submit("Than Uyên", "2018", os.path.join(DATA, "2018", "than-uyen.xlsx"))
    reason = "Số đảng viên nữ của Chi bộ Hội Nông dân huyện chưa đúng, đề nghị kiểm tra lại."
    b.sign_in("quantri", "mat-khau-quan-tri-2018")
    b.go(f"#/ho-so/{first['id']}")
    b.page("ho-so")
    b.find("#return-open").click()  # the dialog asking for the reason
    b.wait(lambda: b.find("#return-dialog").get_attribute("open") is not None, "the return dialog open")
    b.find("#return").click()  # no reason: refused at the reason's box
    b.wait(lambda: b.text("#return-reason-input-error"), "the missing reason shown at its box")
    b.find("#return-reason-input").send_keys(reason)
    b.wait(lambda: not b.text("#return-reason-input-error"), "the request for a reason gone once one is written")
    b.shot("return-dialog", top=False)
    b.find("#return").click()
    b.wait(lambda: b.exists("#return-reason") and reason in b.text("#return-reason"), "the returned status")
    assert b.find("#status [data-status]").get_attribute("data-status") == "returned"
    b.sign_out()

    b.sign_in("thanuyen", "mat-khau-than-uyen-2018")
    b.go("#/nop/2018")
    b.page("nop")
    row = b.el(f'#submissions tr[data-id="{first["id"]}"]')
    b.wait(lambda: reason in row.find_element(b.By.CSS_SELECTOR, "td.reason").text, "the reason in the list")
    b.shot("clerk-returned")
    b.pick(corrected_than_uyen(work))
    assert b.verdict() == "accepted"
    b.find("#send").click()
    b.el("#sent")
    second = max(s["id"] for s in d.submissions("2018", "Than Uyên"))
    assert second != first["id"]
    b.sign_out()

    b.sign_in("quantri", "mat-khau-quan-tri-2018")
    b.go(f"#/ho-so/{second}")
    b.page("ho-so")
    change = b.el('#diff-changed tr[data-field="members_female"]')
    assert "Chi bộ Hội Nông dân huyện" in change.text and "10" in change.text and "9" in change.text, change.text
    b.shot("submission")
    b.find("#approve").click()
    b.wait(lambda: b.find("#status [data-status]").get_attribute("data-status") == "approved", "approved")
    b.go("#/ky/2018")
    b.page("ky")
    b.el("#period-approve").click()
    b.d.switch_to.alert.accept()
    b.wait(lambda: b.exists("#locked"), "the period locked")
    b.shot("season-locked")
    b.sign_out()

    b.sign_in("thanuyen", "mat-khau-than-uyen-2018")
    b.go("#/nop/2018")
    b.page("nop")
    b.pick(os.path.join(DATA, "2018", "than-uyen.xlsx"))
    v = b.verdict()
    if v == "accepted":
        b.find("#send").click()
        b.wait(lambda: b.exists("#send-result .banner.bad"), "the send refused")
        refusal = b.text("#send-result")
    else:
        refusal = b.text("#result")
    assert re.search(r"khóa|duyệt", refusal, re.I), refusal
    assert max(s["id"] for s in d.submissions("2018", "Than Uyên")) == second, "a send to a locked period was stored"
    b.shot("clerk-locked")


def security(d, b, work):
    """A district user cannot reach another district's data by URL; a change
    without the CSRF token is refused; the session cookie has its flags."""
    d.user("thanuyen", "district", "mat-khau-than-uyen-2018", "Than Uyên")
    other = d.submit("Sìn Hồ", "2018", os.path.join(DATA, "2018", "sin-ho.csv"))
    own = d.submit("Than Uyên", "2018", os.path.join(DATA, "2018", "than-uyen.xlsx"))

    # The cookie's flags, as the server sets them.
    status, headers, _ = d.request("POST", "/api/v1/session",
                                   {"name": "thanuyen", "password": "mat-khau-than-uyen-2018"}, token=None)
    assert status == 200, status
    cookie = headers.get("Set-Cookie", "")
    assert cookie.startswith("tonghop_session="), cookie
    flags = {f.strip().lower() for f in cookie.split(";")[1:]}
    assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags, cookie

    b.sign_in("thanuyen", "mat-khau-than-uyen-2018")
    assert "tonghop_session" not in b.js("return document.cookie"), "the session cookie is readable by scripts"
    # Another district's submission by URL: refused, nothing of it shown.
    b.go(f"#/ho-so/{other['id']}")
    b.wait(lambda: b.exists("main .banner.bad"), "the refusal")
    assert not b.exists("#records"), "another district's records are shown"
    assert "Sìn Hồ" not in b.text("main")
    for path in (f"/api/v1/submissions/{other['id']}", f"/api/v1/submissions/{other['id']}/raw",
                 "/api/v1/reports/province?period=2018&format=json"):
        status, _ = b.fetch("GET", path)
        assert status == 403, f"{path}: {status}"
    status, body = b.fetch("GET", "/api/v1/submissions?period=2018")
    assert status == 200 and "Sìn Hồ" not in body and "Than Uy" in body, body
    # The Board's pages are not offered, and say so.
    b.go("#/ky/2018")
    b.el("#forbidden")
    # Own submission: shown.
    b.go(f"#/ho-so/{own['id']}")
    b.el("#records")
    # A change without the CSRF token (what a forged cross-site form would send): 403 csrf, nothing stored.
    before = len(d.submissions("2018"))
    with open(os.path.join(DATA, "2018", "than-uyen.xlsx"), "rb") as f:
        xlsx = f.read()
    status, body = b.fetch("POST", "/api/v1/submissions?district=Than%20Uy%C3%AAn&period=2018", {}, "a,b\n1,2\n")
    assert status == 403 and "csrf" in body, f"{status} {body}"
    status, body = b.fetch("DELETE", "/api/v1/session")
    assert status == 403 and "csrf" in body, f"{status} {body}"
    assert len(d.submissions("2018")) == before and len(xlsx) > 0
    # With the token the same session ends, on the server: the cookie no longer works.
    csrf = json.loads(b.fetch("GET", "/api/v1/session")[1])["csrf"]
    status, body = b.fetch("DELETE", "/api/v1/session", {"X-CSRF-Token": csrf})
    assert status == 200, f"with the token: {status} {body}"
    status, _ = b.fetch("GET", "/api/v1/session")
    assert status == 401, status
    # And through the page's own button.
    b.sign_in("thanuyen", "mat-khau-than-uyen-2018")
    b.sign_out()
    status, _ = b.fetch("GET", "/api/v1/session")
    assert status == 401, status


def admin(d, b, work):
    """The admin's pages: users, tokens, mappings, the audit trail; bad input
    shown at its field."""
    d.user("quantri", "admin", "mat-khau-quan-tri-2018")
    d.submit("Than Uyên", "2018", os.path.join(DATA, "2018", "than-uyen.xlsx"))
    b.sign_in("quantri", "mat-khau-quan-tri-2018")
    b.go("#/quan-tri/nguoi-dung")
    b.page("quan-tri")
    b.el("#user-name-input").send_keys("sinho")
    from selenium.webdriver.support.ui import Select
    Select(b.find("#user-role")).select_by_value("district")
    b.find("#user-district").send_keys("Huyện Không Có")
    b.find("#user-password").send_keys("mat-khau-sin-ho-2018")
    b.find("#new-user button[type=submit]").click()
    # The API's message, under the district's input.
    b.wait(lambda: "Huyện Không Có" in b.text("#user-district-error"), "the unknown district refused at its input")
    assert b.find("#user-district").get_attribute("aria-invalid") == "true"
    assert not b.exists('#users tr[data-name="sinho"]')
    b.find("#user-district").clear()
    b.find("#user-district").send_keys("Sìn Hồ")
    b.find("#new-user button[type=submit]").click()
    b.wait(lambda: b.exists('#users tr[data-name="sinho"]'), "the new user listed")
    b.shot("admin-users")
    b.go("#/quan-tri/ma")
    b.page("quan-tri")
    b.el("#token-name").send_keys("Máy chủ thống kê Than Uyên")
    b.find("#token-district").send_keys("Than Uyên")
    b.find("#new-token button[type=submit]").click()
    token = b.el("#new-token-value").text
    assert len(token) >= 32, token
    b.go("#/quan-tri/nhat-ky")
    b.page("quan-tri")
    b.wait(lambda: len(b.all("#audit tbody tr")) >= 2, "the audit trail")
    b.shot("admin-audit")


def mapping(d, b, work):
    """An unrecognised column, as a clerk meets it: its suggestions, mapped from
    the page (POST /api/v1/mappings), the file checked again with the column
    read; a column of no field ignored."""
    import openpyxl
    wb = openpyxl.load_workbook(os.path.join(ROOT, "tests", "data", "shapes", "unmapped-column.xlsx"))
    ws = wb.active
    assert ws["F3"].value == "Đảng viên nữ" and ws["I3"].value == "Số quần chúng ưu tú"
    ws["F3"] = "Số chị em"  # a header no vocabulary knows; its values are never above the row's members_total
    path = os.path.join(work, "nam-nhun.xlsx")
    wb.save(path)
    d.user("namnhun", "district", "mat-khau-nam-nhun-2018", "Nậm Nhùn")
    b.sign_in("namnhun", "mat-khau-nam-nhun-2018")
    b.go("#/nop/2018")
    b.page("nop")
    b.drop(path)
    b.verdict()
    row_f = b.el('#unmapped tr[data-column="F"]')
    assert "Số chị em" in row_f.text, row_f.text
    assert b.exists('#unmapped tr[data-column="I"]')
    assert not b.exists('#sums tr[data-field="members_female"]')
    b.js("document.getElementById('unmapped').scrollIntoView({block: 'start'});")
    b.shot("clerk-unmapped", top=False)
    row_f.find_element(b.By.CSS_SELECTOR, 'button[data-field="members_female"]').click()
    # Checked again: F is now read as members_female, 353 in all (the corpus's figure).
    b.wait(lambda: "353" in b.text('#sums tr[data-field="members_female"]'), "members_female read after the mapping")
    assert not b.exists('#unmapped tr[data-column="F"]')
    b.find('#unmapped tr[data-column="I"] button[data-field="ignore"]').click()
    b.wait(lambda: not b.exists("#unmapped"), "the ignored column gone from the unmapped")
    assert b.verdict() == "accepted"
    status, data = d.json("GET", "/api/v1/mappings")
    assert status == 200, data
    mine = [m for m in (data.get("mappings", data) if isinstance(data, dict) else data) if m.get("district") == "Nậm Nhùn"]
    assert sorted(m["field"] for m in mine) == ["ignore", "members_female"], mine


def measure(d, b, work):
    """Not a test (CTest does not run it): the first load of the page with an
    empty cache, and a dry run of than-uyen.xlsx in the page, five times each,
    for docs/performance.md."""
    d.user("thanuyen", "district", "mat-khau-than-uyen-2018", "Than Uyên")
    loads, checks = [], []
    for _ in range(5):
        b.d.execute_cdp_cmd("Network.clearBrowserCache", {})
        b.go("")
        b.el("#sign-in-form")
        loads.append(b.js("const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;"))
    b.sign_in("thanuyen", "mat-khau-than-uyen-2018")
    b.go("#/nop/2018")
    b.page("nop")
    for _ in range(5):
        b.pick(os.path.join(DATA, "2018", "than-uyen.xlsx"))
        assert b.verdict() == "accepted"
        checks.append(int(b.find("#result").get_attribute("data-check-ms")))
    med = lambda v: sorted(v)[len(v) // 2]
    print("first page load, empty cache (ms):", ", ".join(f"{v:.0f}" for v in loads), f"; median {med(loads):.0f}")
    print("dry run of than-uyen.xlsx in the page, upload to drawn (ms):", ", ".join(map(str, checks)),
          f"; median {med(checks)}")


from a11y_test import keyboard, labels  # noqa: E402
from firefox_test import firefox  # noqa: E402
from marionette import FirefoxBrowser  # noqa: E402

SCENARIOS = {"clerk": clerk, "board": board, "returned": returned, "security": security, "admin": admin,
             "mapping": mapping, "labels": labels, "keyboard": keyboard, "firefox": firefox, "measure": measure}
# The routes each scenario needs, checked before the browser starts.
NEEDS = {
    "clerk": [("POST", "/api/v1/users"), ("GET", "/api/v1/session"), ("POST", "/api/v1/check")],
    "board": [("POST", "/api/v1/users"), ("GET", "/api/v1/session"), ("GET", "/api/v1/periods/2018")],
    "returned": [("POST", "/api/v1/users"), ("GET", "/api/v1/session"), ("POST", "/api/v1/check"),
           ("GET", "/api/v1/submissions/1/diff"), ("POST", "/api/v1/submissions/1/return")],
    "security": [("POST", "/api/v1/users"), ("GET", "/api/v1/session")],
    "mapping": [("POST", "/api/v1/users"), ("GET", "/api/v1/session"), ("POST", "/api/v1/check"), ("GET", "/api/v1/mappings")],
    "measure": [("POST", "/api/v1/users"), ("GET", "/api/v1/session"), ("POST", "/api/v1/check")],
    "firefox": [],  # skipped only when firefox is not installed
    "keyboard": [("POST", "/api/v1/users"), ("GET", "/api/v1/session"), ("POST", "/api/v1/check"),
                 ("POST", "/api/v1/submissions/1/return")],
    "labels": [("POST", "/api/v1/users"), ("GET", "/api/v1/session"), ("POST", "/api/v1/check"),
               ("POST", "/api/v1/submissions/1/return"), ("GET", "/api/v1/audit")],
    "admin": [("POST", "/api/v1/users"), ("GET", "/api/v1/session"), ("GET", "/api/v1/users"), ("GET", "/api/v1/audit")],
}



def run(name, build, shots):
    work = tempfile.mkdtemp(prefix=f"tonghop-web-{name}-")
    d = b = None
    try:
        d = Daemon(build, work)
        d.need(*NEEDS[name])
        b = (FirefoxBrowser if name == "firefox" else Browser)(d, work, shots)
        SCENARIOS[name](d, b, work)
        print(f"{name}: passed")
        return 0
    except Skip as e:
        print(f"{name}: SKIPPED: {e}")
        return SKIP
    except Exception:
        traceback.print_exc()
        if b:
            try:
                if hasattr(b, "save_failure"):
                    b.save_failure(os.path.join(work, "failure.png"))
                else:
                    b.d.save_screenshot(os.path.join(work, "failure.png"))
                print("screenshot of the failure:", os.path.join(work, "failure.png"))
            except Exception:
                pass
        if d:
            print("daemon output (end):\n" + d.output()[-4000:])
        print(f"{name}: FAILED (work folder kept: {work})")
        work = None
        return 1
    finally:
        if b:
            b.quit()
        if d:
            d.stop()
        if work:
            shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", required=True)
    p.add_argument("--screenshots")
    p.add_argument("scenario", choices=[*SCENARIOS, "all"])
    a = p.parse_args()
    if a.screenshots:
        os.makedirs(a.screenshots, exist_ok=True)
    names = [n for n in SCENARIOS if n != "measure"] if a.scenario == "all" else [a.scenario]
    codes = [run(n, os.path.abspath(a.build), a.screenshots) for n in names]
    if any(c == 1 for c in codes):
        return 1
    return SKIP if all(c == SKIP for c in codes) else 0


if __name__ == "__main__":
    sys.exit(main())
