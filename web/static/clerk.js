// The district clerk's page: drop a file, see it checked (the sheet as read,
// every error at its cell), map an unknown column, send it once accepted; the
// district's submissions and refused attempts; the blank form.
import { api, q, ApiError } from "./api.js";
import { h, clear, message, errorList, errorBanner, num, when, bytes, badge, toast, actionButton, field, periodPicker, scroller, focusOn, cellOf, STATUS } from "./ui.js";
import { loadLabels, label } from "./catalogue.js";
import { drawSheet } from "./sheet.js";

let limits = null;

export async function render(main, args, user) {
  await loadLabels();
  if (!limits) {
    try { limits = await api("GET", "/api/v1/limits"); } catch { limits = { max_input_bytes: 0 }; }
  }
  const period = args[0] || String(new Date().getFullYear());
  const state = { file: null, bytes: null, result: null, district: user.district || args[1] || "" };
  document.title = `Nộp báo cáo ${period} — Tổng hợp báo cáo`;

  const districtInput = user.role === "admin"
    ? h("input", { type: "text", value: state.district, "data-api-field": "district", placeholder: "Than Uyên", id: "district" }) : null;
  if (districtInput) districtInput.addEventListener("change", () => {
    location.hash = `#/nop/${encodeURIComponent(period)}/${encodeURIComponent(districtInput.value.trim())}`;
  });
  const template = h("a", { class: "button", id: "template-link", download: true,
    href: `/api/v1/templates?${q({ district: state.district, period, format: "xlsx" })}` }, "⬇ Tải mẫu biểu trống (Excel)");
  const fileInput = h("input", { type: "file", id: "file", class: "visually-hidden",
                                 accept: ".xlsx,.xlsm,.xls,.ods,.csv,.txt,.tsv,.json,.xml,.html,.htm" });
  const limitText = limits.max_input_bytes ? ` Tệp tối đa ${bytes(limits.max_input_bytes)}.` : "";
  const drop = h("div", { class: "drop", id: "drop" },
    h("strong", {}, "Kéo thả tệp báo cáo vào đây"),
    h("span", { class: "muted" }, "hoặc"), " ",
    fileInput,
    h("label", { for: "file", class: "button choose" }, "Chọn tệp từ máy…"),
    h("span", { class: "hint" },
      `Excel (.xlsx, .xls), .ods, CSV, JSON hoặc trang web (.html).${limitText} Tệp chỉ được kiểm tra, chưa gửi đi.`));
  const result = h("div", { id: "result", "aria-live": "polite" });
  const history = h("div", { id: "history" });

  const returnedBox = h("div", { id: "returned-banner" });
  clear(main,
    h("div", { class: "page-head" },
      h("h1", {}, `Nộp báo cáo kỳ ${period}`, state.district ? ` — ${state.district}` : ""), h("span", { class: "spacer" }),
      districtInput ? h("div", { class: "inline-form" }, h("label", { for: "district" }, "Huyện"), districtInput) : null,
      periodPicker(period, "#/nop/", "period"), template,
      h("p", { class: "lead" }, "Bước 1: kiểm tra tệp. Bước 2: sửa lỗi nếu có. Bước 3: gửi khi tệp hợp lệ.")),
    returnedBox,
    h("div", { class: "card" }, drop),
    result,
    history);

  const take = (file) => { if (file) check(file); };
  fileInput.addEventListener("change", () => take(fileInput.files[0]));
  drop.addEventListener("click", (ev) => { if (ev.target === drop) fileInput.click(); });
  drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    take(ev.dataTransfer.files[0]);
  });

  async function check(file) {
    state.file = file;
    state.result = null;
    drop.classList.add("compact");
    if (limits.max_input_bytes && file.size > limits.max_input_bytes) {
      clear(result, h("div", { class: "banner bad", role: "alert", id: "too-large" },
        `Tệp «${file.name}» nặng ${bytes(file.size)}, quá giới hạn ${bytes(limits.max_input_bytes)}: tệp không được tải lên.`,
        h("span", { class: "en" }, `the file is larger than the ${limits.max_input_size} limit; nothing was uploaded`)));
      focusOn(document.getElementById("too-large"));
      return;
    }
    clear(result, h("div", { class: "banner info" }, `Đang kiểm tra «${file.name}»…`));
    const t0 = performance.now();
    try {
      state.bytes = await file.arrayBuffer();
      const r = await api("POST", `/api/v1/check?${q({ district: state.district, period, filename: file.name })}`,
                          { body: state.bytes });
      state.result = r;
      drawResult(r);
      // The keyboard's user lands on the verdict (for a refused file, the
      // summary of its errors; the list of errors, each leading to its cell,
      // comes next in the tab order).
      focusOn(document.getElementById("verdict"));
    } catch (err) {
      clear(result, h("div", { class: "card", id: "check-refused" }, h("h2", {}, `Tệp «${file.name}»`), errorBanner(err)));
      focusOn(result.querySelector("#check-refused .banner"));
      // A wrong period or district is the heading's input's fault: mark it.
      for (const e of err.errors || []) {
        const input = document.getElementById(e.code === "unknown_period" ? "period" : e.code === "unknown_district" ? "district" : "");
        if (input) input.setAttribute("aria-invalid", "true");
      }
    }
    result.dataset.checkMs = String(Math.round(performance.now() - t0));
  }

  // Refusals of the whole file, not of a cell in it: nothing read it (415),
  // an importer's refusal (a limit, a broken file) or its process's end.
  const WHOLE_FILE = new Set(["unsupported_file", "import_timeout", "memory_limit", "plugin_crashed", "limit_exceeded",
                              "invalid_input", "undecodable", "unsupported", "io_error", "internal", "cancelled"]);

  // What the refused banner asks of the clerk: correct the marked cells
  // only when every error is at a cell; the file itself when it could not
  // be read at all.
  function refusedText(errors) {
    const n = errors.length;
    if (errors.some((e) => WHOLE_FILE.has(e.code)))
      return "Tệp chưa được chấp nhận: không đọc được tệp. Xem lý do bên dưới, sửa tệp rồi kiểm tra lại.";
    if (n > 0 && errors.every((e) => cellOf(e)))
      return `Tệp chưa được chấp nhận: ${n} lỗi. Sửa các ô được đánh dấu đỏ rồi kiểm tra lại.`;
    return `Tệp chưa được chấp nhận: ${n} lỗi. Sửa các lỗi dưới đây rồi kiểm tra lại.`;
  }

  function drawResult(r) {
    const accepted = r.verdict === "accepted";
    const errors = r.errors || [];
    const warnings = r.warnings || [];
    const sheet = r.sheet ? drawSheet(r.sheet, errors, warnings) : null;
    const onCell = sheet ? (addr) => sheet.mark(addr) : null;
    const send = actionButton("Gửi báo cáo", { class: "primary", id: "send", disabled: !accepted }, async (b) => {
      sendBox.replaceChildren();
      try {
        const s = await api("POST", `/api/v1/submissions?${q({ district: state.district, period, filename: state.file.name })}`,
                            { body: state.bytes });
        b.dataset.keepDisabled = "1";
        clear(sendBox, h("div", { class: "banner ok", id: "sent" },
          s.unchanged ? `Tệp này giống hệt bản đã gửi (số ${s.id}); không tạo bản mới.`
                      : `Đã gửi. Báo cáo số ${s.id}, ${num(s.records)} tổ chức, nhận lúc ${when(s.received_at)}.`));
        toast("Đã gửi báo cáo");
        focusOn(document.getElementById("sent"));
        loadHistory();
      } catch (err) {
        clear(sendBox, errorBanner(err));
        focusOn(sendBox.firstChild);
        if (err instanceof ApiError && err.errors.length && err.status === 422) {
          clear(errBox, h("h3", {}, "Lỗi"), errorList(err.errors, { onCell }));
        }
      }
    });
    const sendBox = h("div", { id: "send-result" });
    const errBox = h("div", {}, errors.length ? [h("h3", {}, `Lỗi (${errors.length})`), errorList(errors, { onCell })] : null);
    const verdict = accepted
      ? h("div", { class: "banner ok", id: "verdict", dataset: { verdict: "accepted" } },
          `Tệp hợp lệ: ${num(r.records_total ?? (r.records || []).length)} tổ chức đọc được. Có thể gửi.`)
      : h("div", { class: "banner bad", id: "verdict", dataset: { verdict: "refused" }, role: "alert" },
          refusedText(errors));
    clear(result,
      h("div", { class: "card" },
        h("div", { class: "row" },
          h("h2", {}, `Kết quả kiểm tra: «${state.file.name}»`), h("span", { class: "spacer" }),
          r.format ? h("span", { class: "muted small" }, `${r.format.toUpperCase()} · ${r.plugin || ""}`) : null),
        verdict,
        h("div", { class: "actions" }, send,
          h("button", { type: "button", onclick: () => check(state.file) }, "Kiểm tra lại"),
          accepted ? null : h("span", { class: "muted small" }, "Chỉ gửi được khi tệp hợp lệ.")),
        sendBox,
        errBox,
        warnings.length ? [h("h3", {}, `Cảnh báo (${warnings.length})`), errorList(warnings, { warnings: true, onCell })] : null),
      unmappedCard(r),
      sheet ? h("div", { class: "card" },
        // A text file (CSV) has no sheet: "the file as read", never an empty «».
        h("h2", {}, r.sheet.name ? `Trang tính «${r.sheet.name}» như đã đọc` : "Tệp như đã đọc"),
        h("p", { class: "small muted" }, "Ô đỏ là ô có lỗi (di chuột hoặc chọn ô để xem lời giải thích). Dòng xanh nhạt cho biết mỗi cột được hiểu là chỉ tiêu nào.",
          r.sheet.cut ? h("strong", { id: "sheet-cut" }, ` Chỉ hiện ${num((r.sheet.rows || []).length)} trong ${num(r.sheet.rows_total)} dòng số liệu.`) : null),
        sheet.element) : null,
      r.document ? documentCard(r.document) : null,
      h("div", { class: "grid2" }, coverageCard(r.coverage), sumsCard(r)));
  }

  function unmappedCard(r) {
    const list = r.unmapped || [];
    if (!list.length) return null;
    return h("div", { class: "card", id: "unmapped" },
      h("h2", {}, "Cột chưa nhận ra"),
      h("p", { class: "small muted" }, "Các cột dưới đây có số liệu nhưng tên cột không khớp chỉ tiêu nào. Chọn chỉ tiêu đúng để hệ thống ghi nhớ cho các lần sau."),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Cột"), h("th", {}, "Tiêu đề"), h("th", {}, "Giá trị mẫu"), h("th", {}, "Có thể là"))),
        h("tbody", {}, list.map((u) => {
          const header = Array.isArray(u.header) ? u.header : [u.header];
          const where = u.column || u.pointer || u.path || "";
          return h("tr", { dataset: { column: where } },
            h("td", {}, where), h("td", {}, header.filter(Boolean).join(" › ")),
            h("td", { class: "small" }, (u.samples || []).join(", ")),
            h("td", {}, h("div", { class: "actions" },
              (u.suggestions || []).map((s) => actionButton(`${s.label || label(s.field)} (${Math.round((s.score || 0) * 100)}%)`,
                { class: "small", dataset: { field: s.field }, title: "Ghi nhớ: cột này là chỉ tiêu này, rồi kiểm tra lại" },
                () => mapIt(u, s.field))),
              actionButton("Bỏ qua cột", { class: "small", dataset: { field: "ignore" } }, () => mapIt(u, "ignore")))));
        }))));
  }

  async function mapIt(u, fieldId) {
    try {
      await api("POST", "/api/v1/mappings", { json: { header: u.header, field: fieldId, scope: "district", district: state.district,
                                                  ...(u.samples ? { samples: u.samples } : {}) } });
      toast(fieldId === "ignore" ? "Đã ghi nhớ: bỏ qua cột này" : `Đã ghi nhớ: ${label(fieldId)}`);
      await check(state.file);
    } catch (err) {
      const card = document.getElementById("unmapped");
      if (card) card.prepend(errorBanner(err));
    }
  }

  function documentCard(doc) {
    const keys = doc.keys || [];
    const bad = new Map();
    for (const e of [...(state.result.errors || [])]) if (e.path) bad.set(e.path, e);
    const elements = doc.elements || [];
    return h("div", { class: "card", id: "document" }, h("h2", {}, "Tài liệu JSON như đã đọc"),
      h("p", { class: "small muted" }, doc.array ? `Danh sách tổ chức ở khóa ${doc.array}. ` : "",
        `${num(doc.elements_total ?? elements.length)} phần tử.`, doc.cut ? ` Chỉ hiện ${num(elements.length)} phần tử đầu.` : ""),
      h("h3", {}, "Các khóa"),
      h("div", { class: "chips" }, keys.map((k) => h("span", { class: `chip ${k.field ? "found" : ""}`, title: k.pointer || "" },
        k.key, k.field ? ` → ${label(k.field)}` : (k.unmapped ? " (chưa nhận ra)" : "")))),
      elements.length ? scroller("Các phần tử của tài liệu JSON", h("table", { class: "sheet", id: "elements" },
        h("tbody", {}, elements.map((el) => h("tr", {}, h("th", { class: "rownum", scope: "row" }, el.pointer || ""),
          (el.values || []).map((v) => {
            const e = bad.get(v.pointer);
            return h("td", { class: e ? "error" : null, dataset: { pointer: v.pointer || "", message: e ? e.message : null },
                             title: e ? e.message : v.pointer }, h("span", { class: "small muted" }, `${v.key}: `), v.value);
          })))))) : null);
  }

  function coverageCard(c) {
    if (!c) return h("div");
    return h("div", { class: "card", id: "coverage" }, h("h2", {}, "Chỉ tiêu"),
      h("h3", {}, "Đọc được"),
      h("div", { class: "chips" }, (c.found || []).map((f) =>
        h("span", { class: "chip found", title: f.header || "" }, `${label(f.field)}${f.column ? " (cột " + f.column + ")" : f.key ? " (" + f.key + ")" : ""}`))),
      (c.from_name || []).length ? [h("h3", {}, "Suy ra từ tên tổ chức"), h("div", { class: "chips" }, c.from_name.map((f) => h("span", { class: "chip" }, label(f))))] : null,
      h("h3", {}, "Không có trong tệp"),
      (c.missing || []).length ? h("div", { class: "chips" }, c.missing.map((f) => h("span", { class: "chip missing" }, label(f))))
                               : h("p", { class: "muted small" }, "Không thiếu chỉ tiêu nào."));
  }

  function sumsCard(r) {
    const records = r.records || [];
    const total = r.records_total ?? records.length;
    let sums = r.totals || r.sums || null;
    const partial = !sums && records.length < total;
    if (!sums) {
      sums = {};
      for (const rec of records)
        for (const [k, v] of Object.entries(rec)) if (typeof v === "number") sums[k] = (sums[k] || 0) + v;
    }
    const rows = Object.entries(sums).filter(([, v]) => typeof v === "number");
    return h("div", { class: "card", id: "sums" }, h("h2", {}, "Tổng cộng"),
      h("p", { class: "small muted" }, `${num(total)} tổ chức.`, partial ? ` Tổng của ${num(records.length)} dòng đầu.` : ""),
      rows.length ? h("table", {}, h("tbody", {}, rows.map(([k, v]) =>
        h("tr", { dataset: { field: k } }, h("th", { scope: "row" }, label(k)), h("td", { class: "num" }, num(v))))))
                  : h("p", { class: "muted" }, "Chưa có số liệu."));
  }

  async function loadHistory() {
    const subsP = api("GET", `/api/v1/submissions?${q({ period })}`).catch((e) => e);
    const attP = api("GET", `/api/v1/attempts?${q({ period, district: state.district })}`).catch((e) => e);
    const [subs, att] = await Promise.all([subsP, attP]);
    const list = subs instanceof Error ? null : (subs.submissions || []).filter((s) => !state.district || s.district === state.district);
    const attempts = att instanceof Error ? null : (att.attempts || att || []);
    const back = (list || []).find((s) => s.status === "returned");
    clear(returnedBox, back ? h("div", { class: "banner warn", role: "alert" },
      `Ban Tổ chức đã trả lại báo cáo số ${back.id} (${when(back.review && back.review.at)}). Lý do: `,
      h("q", {}, (back.review && back.review.reason) || ""), h("br"), "Xin sửa tệp theo lý do trên rồi kiểm tra và gửi lại.") : null);
    clear(history,
      h("div", { class: "card", id: "submissions" }, h("h2", {}, `Các lần đã gửi kỳ ${period}`),
        list === null ? errorBanner(subs) : list.length === 0 ? h("p", { class: "muted" }, "Chưa gửi lần nào.") :
        h("table", {}, h("thead", {}, h("tr", {}, ["Số", "Tệp", "Nhận lúc", "Số tổ chức", "Tình trạng", "Ghi chú của Ban Tổ chức"].map((t) => h("th", {}, t)))),
          h("tbody", {}, list.map((s) => h("tr", { dataset: { id: String(s.id), status: s.status } },
            h("td", {}, h("a", { href: `#/ho-so/${s.id}` }, String(s.id))),
            h("td", {}, s.filename), h("td", {}, when(s.received_at)), h("td", { class: "num" }, num(s.records)),
            h("td", {}, badge(s.status === "current" ? "accepted" : s.status, s.status_label)),
            h("td", { class: "reason" }, s.review && s.review.state === "returned" ? s.review.reason || "" : "")))))),
      h("div", { class: "card", id: "attempts" }, h("h2", {}, "Các lần gửi bị từ chối"),
        attempts === null ? (att.status === 404 ? h("p", { class: "muted" }, "Máy chủ chưa ghi lại các lần bị từ chối.") : errorBanner(att)) :
        attempts.length === 0 ? h("p", { class: "muted" }, "Không có.") :
        h("table", {}, h("thead", {}, h("tr", {}, ["Lúc", "Tệp", "Cỡ", "Lỗi"].map((t) => h("th", {}, t)))),
          h("tbody", {}, attempts.map((a) => h("tr", {},
            h("td", {}, when(a.at)), h("td", {}, a.filename || ""),
            h("td", { class: "num" }, a.size ? bytes(a.size) : ""),
            h("td", {}, (a.errors || []).slice(0, 3).map((e) => h("div", { class: "small" }, message(e.message))),
              (a.errors || []).length > 3 ? h("div", { class: "small muted" }, `và ${a.errors.length - 3} lỗi khác`) : null)))))));
  }
  if (state.district || user.role === "district") loadHistory();
}

export { STATUS };
