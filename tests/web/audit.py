"""What every page state must hold for a user of the keyboard or of a screen
reader, and at 1366x768, checked in Chromium (used by the scenarios in
a11y_test.py):

- names(b, state): every interactive control has an accessible name, as
  Chromium's own accessibility tree computes it (CDP
  Accessibility.getPartialAXTree of each). The controls are the DOM's input, select, textarea, button, a[href], area[href], summary, [tabindex]
  (not negative), every ARIA control role ([role=button], [role=link],
  [role=checkbox], ... INTERACTIVE_ROLES), [contenteditable],
  every element the browser itself makes focusable (tabIndex >= 0) and
  every container that scrolls (Chromium puts it in the tab order), when
  rendered (under an open modal dialog, only the dialog's). Fails naming
  each control without one.
- no_sideways(b, state): the page does not scroll sideways
  (document.documentElement.scrollWidth <= window.innerWidth); a wide sheet
  or table scrolls inside its own container.
- focus_shown(b): the focused element shows where it is (a visible outline
  or box-shadow in its computed style, or, for the visually hidden file
  input, on its label), and is on screen.
"""

# The ARIA roles of controls.
INTERACTIVE_ROLES = ["button", "link", "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "switch",
                     "slider", "spinbutton", "tab", "menuitem", "menuitemcheckbox", "menuitemradio", "treeitem"]

# Marks the DOM's controls with data-a11y-probe="i" and describes each.
PROBE = r"""
const sel = 'input:not([type=hidden]), select, textarea, button, a[href], area[href], summary, [tabindex], ' +
  arguments[0].map(r => `[role=${r}]`).join(', ') + ', [contenteditable=""], [contenteditable=true]';
document.querySelectorAll('[data-a11y-probe]').forEach(e => e.removeAttribute('data-a11y-probe'));
// Under a modal dialog the rest of the page is inert: only the dialog's controls count.
const root = document.querySelector('dialog:modal') || document.body;
const set = new Set(root.querySelectorAll(sel));
for (const e of root.querySelectorAll('*')) {
  if (e.tabIndex >= 0) set.add(e);
  // A container that scrolls is reached by the keyboard (Chromium makes it focusable): it needs a name too.
  const o = getComputedStyle(e);
  if (/(auto|scroll)/.test(o.overflowX + o.overflowY) && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)) set.add(e);
}
const out = [];
let i = 0;
// In document order: the order querySelectorAll('[data-a11y-probe]') gives them back.
const list = [...set].sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1);
for (const e of list) {
  if (e.matches('[tabindex]') && e.tabIndex < 0 && !e.matches(sel.replace(', [tabindex]', ''))) continue;
  const r = e.getBoundingClientRect();
  const cs = getComputedStyle(e);
  if (!e.getClientRects().length || cs.visibility === 'hidden' || e.closest('[hidden], [inert]')) continue;
  if (e.closest('dialog:not([open])')) continue;
  e.setAttribute('data-a11y-probe', String(i));
  out.push({i, html: e.outerHTML.replace(/>[\s\S]*$/, '>').slice(0, 160), text: (e.textContent || '').trim().slice(0, 40)});
  ++i;
}
return out;
"""


def _name(n):
    return ((n.get("name") or {}).get("value") or "").strip() if n and not n.get("ignored") else ""


def controls(b):
    """[(description, accessible name or None)] for every interactive control of the page: each
    control of the DOM's probe looked up in Chromium's accessibility tree (getPartialAXTree).
    (A pass over the whole tree by role, Accessibility.queryAXTree, found only the inner parts of
    the date inputs, day, month, year and the calendar's button, all named by Chromium, and took
    10 s on a page of a thousand cells: the probe takes every ARIA control role instead.)"""
    cdp = b.d.execute_cdp_cmd
    described = b.js(PROBE, INTERACTIVE_ROLES)
    arr = cdp("Runtime.evaluate", {"expression": "[...document.querySelectorAll('[data-a11y-probe]')]"})["result"]
    props = cdp("Runtime.getProperties", {"objectId": arr["objectId"], "ownProperties": True})["result"]
    out = []
    for p in props:
        if not p["name"].isdigit():
            continue
        obj, i = p["value"]["objectId"], int(p["name"])
        nodes = cdp("Accessibility.getPartialAXTree", {"objectId": obj, "fetchRelatives": False})["nodes"]
        n = nodes[0] if nodes else None
        role = ((n or {}).get("role") or {}).get("value", "?")
        out.append((f"{described[i]['html']} (role {role}, text «{described[i]['text']}»)", _name(n) or None))
    assert len(out) == len(described), f"{len(out)} controls looked up, {len(described)} found"
    return out


def names(b, state):
    """Every control of the page in STATE has an accessible name; returns how many were checked."""
    found = controls(b)
    nameless = [what for what, n in found if not n]
    assert found, f"{state}: no control found at all (the probe is broken)"
    assert not nameless, f"{state}: {len(nameless)} control(s) without an accessible name:\n  " + "\n  ".join(nameless)
    return len(found)


def no_sideways(b, state):
    w = b.js("return [document.documentElement.scrollWidth, window.innerWidth, "
             "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5 "
             "&& !e.closest('.table-wrap, .sheet-wrap')).slice(0, 5).map(e => e.outerHTML.slice(0, 120))]")
    assert w[0] <= w[1], f"{state}: the page scrolls sideways at {w[1]} px (scrollWidth {w[0]}); past the edge: {w[2]}"


FOCUS_SHOWN = r"""
const a = document.activeElement;
if (!a || a === document.body) return {ok: false, why: 'nothing focused (body)'};
const hidden = e => { const r = e.getBoundingClientRect(); return r.width <= 1 || r.height <= 1; };
const shown = (hidden(a) && a.labels && a.labels.length) ? a.labels[0] : a;
const cs = getComputedStyle(shown);
const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
const shadow = cs.boxShadow && cs.boxShadow !== 'none';
const r = shown.getBoundingClientRect();
const onScreen = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth && r.width > 1 && r.height > 1;
return {ok: (outline || shadow) && onScreen, why: `outline ${cs.outlineStyle} ${cs.outlineWidth}, box-shadow ${cs.boxShadow}, ` +
        `rect ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)}`,
        html: a.outerHTML.replace(/>[\s\S]*$/, '>').slice(0, 160)};
"""


def focus_shown(b):
    r = b.js(FOCUS_SHOWN)
    assert r["ok"], f"the focus is not visible on {r.get('html', '')}: {r['why']}"
    return r["html"]
