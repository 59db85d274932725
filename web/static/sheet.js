// The sheet as the dry run read it (POST /api/v1/check's "sheet"), drawn as a
// grid with the spreadsheet's own addresses: every cell is a <td
// data-cell="C7">, and a cell an error concerns gets the class "error" and
// the error's message.
import { h, splitMessage, cellOf, scroller } from "./ui.js";
import { label } from "./catalogue.js";

export function columnIndex(letters) {
  let n = 0;
  for (const c of letters.toUpperCase()) n = n * 26 + (c.charCodeAt(0) - 64);
  return n;
}
export function columnName(n) {
  let s = "";
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
function parseAddress(a) {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d+)$/.exec(String(a || ""));
  return m ? { col: columnIndex(m[1]), row: Number(m[2]) } : null;
}

// A cell of the API: {"address":"C7","value":"…"} (also "cell"/"ref" and
// "shown"/"text"), or a bare value when the row gives its own numbers.
function cellsOf(row, rowNumber) {
  const list = Array.isArray(row) ? row : (row && (row.cells || row.values)) || [];
  const number = row && !Array.isArray(row) ? (row.row || row.number || rowNumber) : rowNumber;
  return list.map((c, i) => {
    if (c && typeof c === "object") {
      const address = c.address || c.cell || c.ref || (c.column && number ? `${c.column}${number}` : null);
      const at = parseAddress(address) || { col: i + 1, row: number };
      return { ...at, value: c.shown ?? c.value ?? c.text ?? "" };
    }
    return { col: i + 1, row: number, value: c ?? "" };
  });
}

// Draws the sheet; `issues` are the errors and warnings to mark. Returns
// {element, mark(address)}.
export function drawSheet(sheet, errors, warnings) {
  const headerRows = (sheet.header && sheet.header.rows) || [];
  const dataRows = sheet.rows || [];
  const cells = new Map();
  const headerSet = new Set();
  let maxCol = 0;
  const rowNumbers = new Set();
  const put = (list, header) => list.forEach((row, i) => {
    for (const c of cellsOf(row, (row && row.row) || i + 1)) {
      if (!c.row || !c.col) continue;
      cells.set(`${c.col}:${c.row}`, c.value);
      rowNumbers.add(c.row);
      if (header) headerSet.add(c.row);
      maxCol = Math.max(maxCol, c.col);
    }
  });
  put(headerRows, true);
  put(dataRows, false);
  // The field each column was read as.
  const fieldOf = new Map();
  const unmappedCols = new Set();
  const columns = sheet.columns || sheet.fields || [];
  if (Array.isArray(columns)) {
    for (const c of columns) {
      if (!c) continue;
      const col = typeof c.column === "number" ? c.column : columnIndex(String(c.column || ""));
      if (col) { fieldOf.set(col, c.field || null); maxCol = Math.max(maxCol, col); }
      if (col && c.unmapped) unmappedCols.add(col);
    }
  } else {
    for (const [letters, f] of Object.entries(columns)) fieldOf.set(columnIndex(letters), f);
  }
  const rowsSorted = [...rowNumbers].sort((a, b) => a - b);
  const lastHeader = Math.max(0, ...headerSet);

  const marks = new Map();  // "C7" -> [{kind, message}]
  const note = (issue, kind) => {
    const add = (addr) => { if (!marks.has(addr)) marks.set(addr, []); marks.get(addr).push({ kind, issue }); };
    const range = issue.range && /^([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$/.exec(issue.range);
    if (range) {
      const c1 = columnIndex(range[1]), r1 = Number(range[2]);
      const c2 = range[3] ? columnIndex(range[3]) : c1, r2 = range[4] ? Number(range[4]) : r1;
      for (const r of rowsSorted) if (r >= r1 && r <= r2) for (let c = c1; c <= c2; ++c) add(`${columnName(c)}${r}`);
    }
    const at = issue.cell || cellOf(issue);
    if (at) add(at);
    else if (issue.row) add(`row:${issue.row}`);
  };
  (errors || []).forEach((e) => note(e, "error"));
  (warnings || []).forEach((w) => note(w, "warning"));

  const thead = h("thead", {}, h("tr", {}, h("th", { class: "rownum", scope: "col" }, ""),
    Array.from({ length: maxCol }, (_, i) => h("th", { class: "col", scope: "col" }, columnName(i + 1)))));
  const body = h("tbody");
  const fieldRow = () => h("tr", { class: "fields" }, h("th", { class: "rownum", scope: "row", title: "Chỉ tiêu đọc được" }, "→"),
    Array.from({ length: maxCol }, (_, i) => {
      const f = fieldOf.get(i + 1);
      return h("td", { class: "field-row", dataset: { column: columnName(i + 1), field: f || "" } },
        f ? label(f) : (fieldOf.has(i + 1) ? "—" : ""));
    }));
  let fieldsShown = fieldOf.size === 0;
  for (const r of rowsSorted) {
    if (!fieldsShown && !headerSet.has(r) && r > lastHeader) { body.appendChild(fieldRow()); fieldsShown = true; }
    const rowMarks = marks.get(`row:${r}`);
    const tr = h("tr", { class: headerSet.has(r) ? "header" : null, dataset: { row: String(r) } },
      h("th", { class: "rownum" + (rowMarks ? " error" : ""), scope: "row",
                title: rowMarks ? rowMarks.map((m) => splitMessage(m.issue.message)[0]).join("\n") : null }, String(r)));
    for (let c = 1; c <= maxCol; ++c) {
      const addr = `${columnName(c)}${r}`;
      const m = marks.get(addr);
      const value = cells.get(`${c}:${r}`);
      const cls = [m && m.some((x) => x.kind === "error") ? "error" : (m ? "warning" : null),
                   unmappedCols.has(c) ? "unmapped" : null].filter(Boolean).join(" ");
      const td = h("td", { dataset: { cell: addr }, class: cls || null, tabindex: m ? "0" : null,
                           title: m ? m.map((x) => splitMessage(x.issue.message)[0]).join("\n") : null },
        value === undefined ? "" : String(value));
      if (m) {
        td.dataset.message = m.map((x) => x.issue.message).join("\n");
        td.setAttribute("aria-label", `Ô ${addr}: ${value ?? ""}. ${m.map((x) => splitMessage(x.issue.message)[0]).join(". ")}`);
      }
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  if (!fieldsShown) body.appendChild(fieldRow());
  const table = h("table", { class: "sheet", id: "sheet", "aria-label": sheet.name ? `Trang tính «${sheet.name}» như đã đọc` : "Tệp như đã đọc" }, thead, body);
  // Like a spreadsheet's formula bar: the chosen cell's address, value and what is wrong with it.
  const inspector = h("div", { class: "inspector", id: "cell-inspector", "aria-live": "polite" },
    h("span", { class: "muted" }, marks.size ? "Chọn một ô đỏ (hoặc một lỗi trong danh sách) để xem lỗi của ô đó."
                                             : "Không có ô nào bị lỗi. Chọn một ô để xem giá trị đã đọc."));
  const show = (td) => {
    table.querySelectorAll("td.selected").forEach((x) => x.classList.remove("selected"));
    td.classList.add("selected");
    const m = td.dataset.message;
    inspector.replaceChildren(h("strong", { class: "addr" }, td.dataset.cell), h("span", { class: "value" }, td.textContent || "(trống)"),
      m ? h("span", { class: "what" }, m.split("\n").map((x) => splitMessage(x)[0]).join(" · ")) : h("span", { class: "muted" }, "Không có lỗi ở ô này."));
  };
  table.addEventListener("click", (ev) => { const td = ev.target.closest("td[data-cell]"); if (td) show(td); });
  table.addEventListener("focusin", (ev) => { const td = ev.target.closest("td[data-cell]"); if (td) show(td); });
  const wrap = h("div", {}, inspector, scroller(`Trang tính «${sheet.name || ""}»`, table));
  const mark = (addr) => {
    const td = table.querySelector(`td[data-cell="${CSS.escape(addr)}"]`);
    if (!td) return false;
    td.scrollIntoView({ block: "center", inline: "center" });
    td.focus({ preventScroll: true });
    show(td);
    return true;
  };
  return { element: wrap, mark };
}
