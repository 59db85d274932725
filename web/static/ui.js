// Small helpers for building the page: elements, messages, numbers, dates.

// h("div", {class: "x", onclick: f}, child, "text", [children]) -> Element
export function h(tag, attrs, ...children) {
  const svg = ["svg", "g", "rect", "text", "line", "title", "path"].includes(tag);
  const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") { for (const [dk, dv] of Object.entries(v)) if (dv !== undefined && dv !== null) el.dataset[dk] = dv; }
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// The API's messages are "Vietnamese / English": the Vietnamese first, the
// English beneath it, smaller.
export function splitMessage(message) {
  const text = String(message || "");
  const i = text.indexOf(" / ");
  return i < 0 ? [text, ""] : [text.slice(0, i), text.slice(i + 3)];
}

export function message(m) {
  const [vi, en] = splitMessage(m);
  return h("span", { class: "msg" }, vi, en ? h("span", { class: "en", lang: "en" }, en) : null);
}

// Where an issue is: "Biểu 01!C7", "dòng 7", "/organisations/3/members".
export function cellOf(issue) {
  if (issue.cell) return issue.cell;
  if (issue.column && issue.row) return `${issue.column}${issue.row}`;
  return null;
}

export function whereText(issue) {
  const parts = [];
  if (issue.sheet) parts.push(`Trang «${issue.sheet}»`);
  if (issue.column && issue.row) parts.push(`ô ${issue.column}${issue.row}`);
  else if (issue.row) parts.push(`dòng ${issue.row}`);
  else if (issue.column) parts.push(`cột ${issue.column}`);
  if (issue.range) parts.push(`vùng ${issue.range}`);
  if (issue.path) parts.push(`khóa ${issue.path}`);
  if (issue.count > 1) parts.push(`${issue.count} chỗ`);
  return parts.join(", ");
}

export function errorList(errors, options = {}) {
  return h("ul", { class: "issues" + (options.warnings ? " warnings" : "") },
    errors.map((e) => h("li", { dataset: { code: e.code || "" } },
      whereText(e) ? (options.onCell && cellOf(e)
        ? h("button", { class: "link", type: "button", onclick: () => options.onCell(cellOf(e)) }, whereText(e) + ":")
        : h("span", { class: "where" }, whereText(e) + ":")) : null,
      message(e.message),
      e.value !== undefined && e.value !== "" ? h("span", { class: "small muted" }, ` (giá trị: «${e.value}»)`) : null)));
}

// A fault of the page itself (not an answer of the server), for a person:
// Vietnamese, then its own words.
export function unexpected(err) {
  return `Trang gặp lỗi không mong đợi; hãy tải lại trang / ${String(err)}`;
}

// Errors of a failed call shown in a box; returns the box.
export function errorBanner(err) {
  const errors = err && err.errors ? err.errors : [{ message: unexpected(err) }];
  return h("div", { class: "banner bad", role: "alert" }, errors.map((e) => h("div", {}, message(e.message))));
}

const nf = new Intl.NumberFormat("vi-VN");
const pf = new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export function num(v, pct) {
  if (v === null || v === undefined) return "—";
  return pct ? pf.format(v) : nf.format(v);
}

export function when(iso) {
  if (!iso) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(iso);
  if (!m) return iso;
  return m[4] ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : `${m[3]}/${m[2]}/${m[1]}`;
}

export function bytes(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1).replace(".", ",")} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} byte`;
}

let toastTimer = null;
export function toast(text) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove("show"), 3500);
}

// A button that runs an async action once at a time: disabled while it runs,
// so a double click sends nothing twice.
export function actionButton(label, attrs, action) {
  const b = h("button", { type: "button", ...attrs }, label);
  b.addEventListener("click", async () => {
    if (b.dataset.busy === "1" || b.disabled) return;
    b.dataset.busy = "1";
    const was = b.disabled;
    b.disabled = true;
    try { await action(b); } finally {
      b.dataset.busy = "";
      if (b.isConnected) b.disabled = was || b.dataset.keepDisabled === "1";
    }
  });
  return b;
}

export const STATUS = {
  on_time: "Đúng hạn", late: "Muộn", missing: "Chưa báo cáo", refused_only: "Chỉ có lần gửi bị từ chối",
  returned: "Bị trả lại", approved: "Đã duyệt", accepted: "Đã nhận", superseded: "Đã thay thế", refused: "Bị từ chối",
};
export function badge(code, label) {
  return h("span", { class: `badge ${code || ""}`, dataset: { status: code || "" } }, label || STATUS[code] || code || "—");
}

export const ROLE = { admin: "Quản trị", viewer: "Người xem (Ban Tổ chức)", district: "Huyện" };

export function field(labelText, input, id, hint) {
  input.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, labelText), input,
    hint ? h("div", { class: "small muted" }, hint) : null,
    h("div", { class: "field-error", id: `${id}-error`, "aria-live": "polite" }));
}

// The input an error code concerns, where the API's error names no field.
const CODE_FIELD = {
  wrong_password: "password", weak_password: "password", bad_name: "name", user_exists: "name",
  unknown_role: "role", unknown_district: "district", district_not_allowed: "district", reason_required: "reason",
  bad_reason: "reason", bad_date: "due", due_in_past: "due", unknown_period: "period",
};

// Shows an API error's messages under the inputs they concern (by the
// error's `field`, matched to an input's data-api-field), the rest in `box`.
export function showErrors(form, box, err) {
  form.querySelectorAll("[aria-invalid]").forEach((i) => i.removeAttribute("aria-invalid"));
  form.querySelectorAll(".field-error").forEach((e) => { e.textContent = ""; });
  const rest = [];
  for (const e of (err && err.errors) || [{ message: unexpected(err) }]) {
    const where = e.field || CODE_FIELD[e.code];
    const input = where ? form.querySelector(`[data-api-field="${CSS.escape(where)}"]`) : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      const slot = document.getElementById(`${input.id}-error`);
      if (slot) clear(slot, message(e.message));
    } else rest.push(e);
  }
  clear(box, rest.length ? errorBanner({ errors: rest }) : null);
}

// The period chooser of a page's heading: "Kỳ báo cáo [2018] [Xem]" going to `${prefix}${period}`.
export function periodPicker(period, prefix, id = "period") {
  const input = h("input", { type: "text", value: period, size: 9, id, "data-api-field": "period",
                             title: "Ví dụ: 2018, 2018-H1, 2018-Q3, 2018-09" });
  const form = h("form", { class: "inline-form", role: "search", "aria-label": "Chọn kỳ báo cáo" },
    h("label", { for: id }, "Kỳ báo cáo"), input, h("button", { type: "submit" }, "Xem"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = input.value.trim();
    if (p) location.hash = `${prefix}${encodeURIComponent(p)}`;
  });
  return form;
}

// A wide table in a container that scrolls by itself (the page never
// scrolls sideways at 1366x768): a named region in the tab order, so that
// the keyboard scrolls it too and a screen reader says what it holds.
export function scroller(name, table) {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": name }, table);
}

// Where the focus goes after an action: an element that says what happened
// (a heading, a result's summary), focusable by script only.
export function focusOn(el) {
  if (!el || !el.isConnected) return;
  if (!el.hasAttribute("tabindex") && el.tabIndex < 0) el.setAttribute("tabindex", "-1");
  el.focus({ preventScroll: false });
}
