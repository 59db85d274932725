"""Scenario 1 and the Board's report in headless Firefox (marionette.py):
what Gecko runs or draws differently from Chromium shows here. Run by CTest
as web.firefox; skipped (77) only when firefox is not installed."""
import json
import os

from audit import focus_shown, no_sideways
from harness import DATA


def firefox(d, b, work):
    """A clerk signs in, drops the bad sample (its error at its cell, the
    cell's address in the page), picks the good file and sends it; the
    Board's report with its chart."""
    print("browser:", b.version())
    d.user("thanuyen", "district", "mat-khau-than-uyen-2018", "Than Uyên")
    d.user("bantochuc", "viewer", "mat-khau-ban-to-chuc")
    d.submit("Phong Thổ", "2018", os.path.join(DATA, "2018", "phong-tho.csv"))
    width = b.js("return [window.innerWidth, window.innerHeight]")
    assert width == [1366, 768], f"the page's area is {width}, not 1366x768"
    b.sign_in("thanuyen", "mat-khau-than-uyen-2018")
    b.go("#/nop/2018")
    b.page("nop")
    assert "Than Uyên" in b.text("h1"), b.text("h1")
    no_sideways(b, "firefox: the clerk's page")
    # By keyboard in Gecko too: Tab reaches the file chooser, the focus visible at every step.
    passed = []
    for _ in range(40):
        b.press("\ue004")
        passed.append(focus_shown(b))
        if b.js("return document.activeElement.id") == "file":
            break
    else:
        raise AssertionError("Tab never reached the file chooser in Firefox; passed: " + "\n  ".join(passed))

    expected = json.load(open(os.path.join(DATA, "bad", "expected-errors.json")))["than-uyen-total-row-mismatch.xlsx"]
    b.drop(os.path.join(DATA, "bad", "than-uyen-total-row-mismatch.xlsx"))  # a real DragEvent with a DataTransfer
    assert b.verdict() == "refused"
    col = b.el(f'td.field-row[data-field="{expected["field"]}"]').get_attribute("data-column")
    address = f"{col}{expected['row']}"
    marked = [td.get_attribute("data-cell") for td in b.all("table.sheet td.error")]
    assert address in marked, f"{address} is not marked; marked: {marked}"
    assert b.find(f'td[data-cell="{address}"]').get_attribute("data-message")
    assert b.find("#send").get_attribute("disabled") is not None, "Gửi is enabled for a refused file"
    link = [e for e in b.all("ul.issues button.link") if address in e.text]
    assert link, "no error in the list names " + address
    link[0].click()
    b.wait(lambda: "selected" in b.find(f'td[data-cell="{address}"]').get_attribute("class"), "the cell selected")
    assert address in b.text("#cell-inspector"), b.text("#cell-inspector")
    assert b.js("return document.activeElement.dataset.cell") == address, "the marked cell has not the focus"
    no_sideways(b, "firefox: the dry run with errors")
    b.js("document.getElementById('sheet').closest('.card').scrollIntoView({block: 'start'});")
    b.shot("firefox-clerk", top=False)

    b.pick(os.path.join(DATA, "2018", "than-uyen.xlsx"))  # the file chooser
    b.wait(lambda: b.find("#verdict").get_attribute("data-verdict") == "accepted", "the good file accepted")
    assert "2.044" in b.text("#sums"), b.text("#sums")
    b.find("#send").click()
    b.el("#sent")
    subs = d.submissions("2018", "Than Uyên")
    assert len(subs) == 1, subs
    b.sign_out()

    b.sign_in("bantochuc", "mat-khau-ban-to-chuc")
    b.go("#/bao-cao/2018")
    b.page("bao-cao")
    tr = b.el('table#report tr[data-district="Than Uyên"]')
    assert "2.044" in tr.find_element(None, 'td[data-indicator="members_total"]').text
    # The chart as Gecko lays it out: drawn at the card's width, Than Uyên's bar across the whole plot.
    box = b.js("const s = document.getElementById('ratings-chart').getBoundingClientRect(); return [s.width, s.height];")
    assert box[0] > 1000 and box[1] > 100, f"the chart is drawn {box}"
    bars = b.js("""return [...document.querySelectorAll('#ratings-chart g[data-district="Than Uyên"] rect[data-rating]')]
                   .map(r => r.getBoundingClientRect().width);""")
    assert bars and abs(sum(bars) - box[0] * (1220 - 190 - 60) / 1220) < 3, f"Than Uyên's bar: {bars} in a chart {box}"
    no_sideways(b, "firefox: the report")
    b.shot("firefox-report")
