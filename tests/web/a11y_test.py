"""The pages for a user of the keyboard or a screen reader, at 1366x768, in
Chromium (scenarios of browser_test.py):

- labels: every page and state a user meets, each checked by audit.names
  (every control has an accessible name in Chromium's accessibility tree)
  and audit.no_sideways (no sideways scrolling at 1366x768).
- keyboard: the clerk and the admin with the keyboard alone (Tab,
  Shift+Tab, Enter, Space, Escape; a file given to the focused file input
  as a person would type its path in the chooser): the focus is visible at
  every step (audit.focus_shown) and goes somewhere sensible after each
  action.
"""
import json
import os
import time

from audit import focus_shown, names, no_sideways
from harness import DATA, ROOT


def state(b, what, log):
    t0 = time.time()
    n = names(b, what)
    no_sideways(b, what)
    log.append((what, n, round(time.time() - t0, 1)))


def labels(d, b, work):
    """Every page and state a user meets: every control has an accessible
    name, and no page scrolls sideways at 1366x768."""
    import openpyxl
    d.user("thanuyen", "district", "mat-khau-than-uyen-2018", "Than Uyên")
    d.user("namnhun", "district", "mat-khau-nam-nhun-2018", "Nậm Nhùn")
    d.user("bantochuc", "viewer", "mat-khau-ban-to-chuc")
    d.user("quantri", "admin", "mat-khau-quan-tri-2018")
    first = d.submit("Than Uyên", "2018", os.path.join(DATA, "2018", "than-uyen.xlsx"))
    d.submit("Phong Thổ", "2018", os.path.join(DATA, "2018", "phong-tho.csv"))
    status, data = d.json("POST", "/api/v1/tokens", {"name": "Máy chủ thống kê Than Uyên", "role": "district",
                                                   "district": "Than Uyên"})
    assert status in (200, 201), data
    log = []

    b.go("")
    b.el("#sign-in-form")
    # The check itself finds controls without a name: a bare button, an input
    # without a label, a focusable div, a div playing a checkbox, a scrolling
    # box, then taken away.
    b.js("""document.body.insertAdjacentHTML('beforeend', '<div id=probe-test><button></button><input>' +
            '<div role=checkbox aria-checked=false></div>' +
            '<div tabindex=0></div><div id=probe-scroll><div></div></div></div>');
            const s = document.getElementById('probe-scroll');  // the CSP allows no inline style: the CSSOM
            Object.assign(s.style, {overflow: 'auto', height: '20px'});
            s.firstChild.style.height = '90px';""")
    try:
        names(b, "the check's own test")
        raise RuntimeError("names() passed a page with five nameless controls")
    except AssertionError as e:
        assert "5 control(s)" in str(e), e
    b.js("document.getElementById('probe-test').remove()")
    state(b, "sign-in", log)
    b.find("#sign-in").click()  # empty: the errors at their inputs
    b.wait(lambda: b.text("#login-name-error"), "the missing name shown")
    state(b, "sign-in with its errors", log)

    # The clerk: the page with the district's submissions and the blank form.
    b.sign_in("thanuyen", "mat-khau-than-uyen-2018")
    b.go("#/nop/2018")
    b.page("nop")
    b.el(f'#submissions tr[data-id="{first["id"]}"]')
    assert b.exists("#template-link")
    state(b, "clerk: submissions, the blank form", log)
    b.drop(os.path.join(DATA, "bad", "than-uyen-total-row-mismatch.xlsx"))
    assert b.verdict() == "refused"
    assert b.all("table.sheet td.error"), "no marked cell"
    state(b, "clerk: a dry run with errors", log)
    b.pick(os.path.join(DATA, "2018", "than-uyen.xlsx"))
    assert b.verdict() == "accepted"
    state(b, "clerk: a dry run accepted", log)
    b.go(f"#/ho-so/{first['id']}")
    b.page("ho-so")
    b.el("#records")
    state(b, "clerk: a submission", log)
    b.sign_out()

    # A column not recognised: the mapping form.
    wb = openpyxl.load_workbook(os.path.join(ROOT, "tests", "data", "shapes", "unmapped-column.xlsx"))
    ws = wb.active
    assert ws["F3"].value == "Đảng viên nữ"
    ws["F3"] = "Số chị em"
    path = os.path.join(work, "nam-nhun.xlsx")
    wb.save(path)
    b.sign_in("namnhun", "mat-khau-nam-nhun-2018")
    b.go("#/nop/2018")
    b.page("nop")
    b.drop(path)
    b.verdict()
    b.el('#unmapped tr[data-column="F"] button[data-field]')
    state(b, "clerk: columns not recognised, with suggestions", log)
    b.find('#unmapped tr[data-column="F"] button[data-field="members_female"]').click()
    b.wait(lambda: not b.exists('#unmapped tr[data-column="F"]'), "the column mapped")
    b.sign_out()

    # The Board.
    b.sign_in("bantochuc", "mat-khau-ban-to-chuc")
    b.go("#/ky/2018")
    b.page("ky")
    b.el('table#season tr[data-district="Than Uyên"]')
    state(b, "viewer: the season", log)
    b.go("#/bao-cao/2018")
    b.page("bao-cao")
    b.el("#ratings-chart")
    state(b, "viewer: the report", log)
    b.go(f"#/ho-so/{first['id']}")
    b.page("ho-so")
    b.el("#records")
    state(b, "viewer: a submission", log)
    b.sign_out()

    # The admin.
    b.sign_in("quantri", "mat-khau-quan-tri-2018")
    b.go("#/ky/2018")
    b.page("ky")
    b.el("#period-admin")
    state(b, "admin: the season, due date, approve and lock", log)
    b.go(f"#/ho-so/{first['id']}")
    b.page("ho-so")
    b.el("#return-open")
    state(b, "admin: a submission, return and approve", log)
    b.find("#return-open").click()
    b.wait(lambda: b.find("#return-dialog").get_attribute("open") is not None, "the return dialog open")
    state(b, "admin: the return dialog", log)
    b.find("#return").click()
    b.wait(lambda: b.text("#return-reason-input-error"), "the missing reason shown")
    state(b, "admin: the return dialog, its error", log)
    b.find("#return-cancel").click()
    b.go("#/nop/2018/Than Uyên")
    b.page("nop")
    b.el("#submissions")
    state(b, "admin: a district's page", log)
    for tab, ready in (("nguoi-dung", "#users tbody tr"), ("ma", "#tokens tbody tr"), ("anh-xa", "#mappings tbody tr"),
                       ("nhat-ky", "#audit tbody tr")):
        b.go(f"#/quan-tri/{tab}")
        b.wait(lambda: b.settled() and b.exists(ready), f"the admin's {tab}")
        state(b, f"admin: {tab}", log)
        if tab == "nguoi-dung":  # a user the API refuses: its errors at their inputs
            b.find("#user-name-input").send_keys("x")
            b.find("#new-user button[type=submit]").click()
            b.wait(lambda: b.exists("#new-user [aria-invalid=true]") or b.exists("#new-user .banner.bad"), "the refusal")
            state(b, "admin: a new user refused", log)
    print("controls named, page by page (state, controls, seconds to check):", json.dumps(log, ensure_ascii=False))


# --- the keyboard alone ---------------------------------------------------------------

def _keys(b, *keys):
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(b.d).send_keys(*keys).perform()


def _shift_tab(b):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    ActionChains(b.d).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()


def _active(b, test):
    """True when the focused element passes `test`, a JavaScript function of it."""
    return b.js(f"return !!(({test})(document.activeElement));")


def _focused(b, test, what):
    """Waits until the focus is where `test` says, and that it shows."""
    b.wait(lambda: _active(b, test), f"the focus on {what}")
    return focus_shown(b)


def _tab_to(b, test, what, back=False, limit=80):
    """Tab (Shift+Tab when back) until the focus is where `test` says; the
    focus must show on every element it passes."""
    from selenium.webdriver.common.keys import Keys
    passed = []
    for _ in range(limit):
        _shift_tab(b) if back else _keys(b, Keys.TAB)
        passed.append(focus_shown(b))
        if _active(b, test):
            return passed
    raise AssertionError(f"{limit} presses of {'Shift+' if back else ''}Tab never reached {what}; passed:\n  " +
                         "\n  ".join(passed[-15:]))


def _type(b, text):
    b.d.switch_to.active_element.send_keys(text)


def _sign_in(b, name, password):
    from selenium.webdriver.common.keys import Keys
    _focused(b, "a => a.id === 'login-name'", "the name's input of the sign-in page")
    _type(b, name)
    _keys(b, Keys.TAB)
    _focused(b, "a => a.id === 'login-password'", "the password's input")
    _type(b, password + Keys.ENTER)
    b.wait(lambda: b.exists("#user-name") and b.text("#user-name") == name, f"{name} signed in")


def _period(b, input_id, period, page):
    """The heading's period chooser: Tab to it, type the period, Enter."""
    from selenium.webdriver.common.keys import Keys
    _tab_to(b, f"a => a.id === '{input_id}'", "the period's input")
    _type(b, Keys.CONTROL + "a")
    _type(b, Keys.DELETE + period + Keys.ENTER)
    b.wait(lambda: b.settled() and location_ends(b, f"/{period}"), f"the {page} page of {period}")
    _heading(b, period)


def location_ends(b, tail):
    return b.js("return decodeURIComponent(location.hash)").endswith(tail)


def _heading(b, text):
    """A new page: the focus on its heading."""
    _focused(b, "a => a.tagName === 'H1' && a.closest('main')", "the page's heading")
    h1 = b.js("return document.activeElement.textContent")
    assert text in h1, f"the heading focused is «{h1}»"
    no_sideways(b, h1)


def keyboard(d, b, work):
    """A clerk signs in, checks the bad sample, reaches the marked cell's
    explanation, sends the good file; an admin returns it with a reason, all
    by keyboard; the focus is visible at every step and lands somewhere
    sensible after each action."""
    from selenium.webdriver.common.keys import Keys
    d.user("thanuyen", "district", "mat-khau-than-uyen-2018", "Than Uyên")
    d.user("quantri", "admin", "mat-khau-quan-tri-2018")
    expected = json.load(open(os.path.join(DATA, "bad", "expected-errors.json")))["than-uyen-total-row-mismatch.xlsx"]

    b.go("")
    b.el("#sign-in-form")
    _sign_in(b, "thanuyen", "mat-khau-than-uyen-2018")
    b.page("nop")
    _heading(b, "Nộp báo cáo")
    _period(b, "period", "2018", "nop")

    # The file chooser, by keyboard: its (visually hidden) input takes the focus, its label shows it.
    _tab_to(b, "a => a.id === 'file'", "the file chooser")
    _type(b, os.path.join(DATA, "bad", "than-uyen-total-row-mismatch.xlsx"))
    assert b.verdict() == "refused"
    _focused(b, "a => a.id === 'verdict'", "the verdict (the summary of the errors)")
    col = b.find(f'td.field-row[data-field="{expected["field"]}"]').get_attribute("data-column")
    address = f"{col}{expected['row']}"
    _tab_to(b, f"a => a.matches('ul.issues button.link') && a.textContent.includes('{address}')",
            f"the error at {address} in the list")
    _keys(b, Keys.ENTER)
    _focused(b, f"a => a.dataset.cell === '{address}'", f"the marked cell {address}")
    explanation = b.text("#cell-inspector")
    vi = b.find(f'td[data-cell="{address}"]').get_attribute("data-message").split(" / ")[0]
    assert address in explanation and vi[:40] in explanation, f"the cell's explanation: «{explanation}», expected «{vi}»"
    assert vi[:40] in b.find(f'td[data-cell="{address}"]').get_attribute("aria-label")

    # Back to the chooser (Shift+Tab), the good file, the verdict, Gửi with Space.
    _tab_to(b, "a => a.id === 'file'", "the file chooser", back=True)
    _type(b, os.path.join(DATA, "2018", "than-uyen.xlsx"))
    b.wait(lambda: b.find("#verdict").get_attribute("data-verdict") == "accepted", "the good file accepted")
    _focused(b, "a => a.id === 'verdict'", "the verdict")
    _tab_to(b, "a => a.id === 'send'", "Gửi báo cáo")
    _keys(b, Keys.SPACE)
    b.el("#sent")
    _focused(b, "a => a.id === 'sent'", "the confirmation of the send")
    subs = d.submissions("2018", "Than Uyên")
    assert len(subs) == 1, subs
    _tab_to(b, "a => a.id === 'sign-out'", "Đăng xuất", back=True)
    _keys(b, Keys.ENTER)
    b.page("dang-nhap")

    # The admin: the season, the submission, the return dialog.
    _sign_in(b, "quantri", "mat-khau-quan-tri-2018")
    b.page("ky")
    _heading(b, "Tình hình nộp")
    _period(b, "season-period", "2018", "ky")
    _tab_to(b, f"a => a.getAttribute('href') === '#/ho-so/{subs[0]['id']}'", "Than Uyên's submission")
    _keys(b, Keys.ENTER)
    b.page("ho-so")
    _heading(b, f"Báo cáo số {subs[0]['id']}")
    _tab_to(b, "a => a.id === 'return-open'", "Trả lại huyện…")
    _keys(b, Keys.ENTER)
    _focused(b, "a => a.id === 'return-reason-input'", "the dialog's first field")
    _keys(b, Keys.ESCAPE)
    b.wait(lambda: b.find("#return-dialog").get_attribute("open") is None, "the dialog closed by Escape")
    _focused(b, "a => a.id === 'return-open'", "the button that opened the dialog")
    _keys(b, Keys.ENTER)
    _focused(b, "a => a.id === 'return-reason-input'", "the dialog's first field")
    reason = "Số đảng viên nữ chưa khớp với danh sách, đề nghị kiểm tra lại."
    _type(b, reason)
    _tab_to(b, "a => a.id === 'return'", "Trả lại")
    _keys(b, Keys.ENTER)
    b.wait(lambda: b.exists("#return-reason") and reason in b.text("#return-reason"), "the submission returned")
    _heading(b, f"Báo cáo số {subs[0]['id']}")
    status, data = d.json("GET", f"/api/v1/submissions/{subs[0]['id']}")
    assert status == 200 and data["status"] == "returned" and data["review"]["reason"] == reason, data
