// One submission: its facts, records, warnings, the raw file, what changed
// against the version before; for an admin, return with a reason or approve.
import { api } from "./api.js";
import { h, clear, errorList, errorBanner, num, when, badge, toast, actionButton, field, showErrors, scroller } from "./ui.js";
import { loadLabels, label, shortLabel, KIND, RATING } from "./catalogue.js";

export async function render(main, args, user) {
  const id = args[0];
  await loadLabels();
  const s = await api("GET", `/api/v1/submissions/${encodeURIComponent(id)}`);
  document.title = `Báo cáo số ${s.id} — ${s.district} ${s.period}`;
  const records = s.records || [];
  const numeric = [...new Set(records.flatMap((r) => Object.keys(r).filter((k) => typeof r[k] === "number")))];
  const status = s.status === "current" ? "accepted" : s.status;
  const reason = s.status === "returned" && s.review ? s.review.reason : null;

  const diffBox = h("div", { id: "diff" }, h("p", { class: "muted" }, "Đang so sánh…"));
  clear(main,
    h("div", { class: "page-head" }, h("h1", {}, `Báo cáo số ${s.id}: ${s.district}, kỳ ${s.period}`), h("span", { class: "spacer" }),
      user.role !== "district" ? h("a", { class: "button", href: `#/ky/${encodeURIComponent(s.period)}` }, "← Tình hình nộp")
                               : h("a", { class: "button", href: `#/nop/${encodeURIComponent(s.period)}` }, "← Nộp báo cáo")),
    h("div", { class: "grid-side" },
      h("div", {},
        reason ? h("div", { class: "banner warn", id: "return-reason" }, "Ban Tổ chức đã trả lại báo cáo này. Lý do: ", h("q", {}, reason)) : null,
        h("div", { class: "card" }, h("h2", {}, "Thay đổi so với bản trước"), diffBox)),
      h("div", {},
        h("div", { class: "card" }, h("h2", {}, "Thông tin"),
          h("dl", { class: "facts" },
            h("dt", {}, "Tình trạng"), h("dd", { id: "status" }, badge(status, s.status_label)),
            h("dt", {}, "Tệp"), h("dd", {}, h("a", { href: `/api/v1/submissions/${s.id}/raw`, download: s.filename, id: "raw" }, s.filename)),
            h("dt", {}, "Định dạng"), h("dd", {}, `${(s.format || "").toUpperCase()} (${s.plugin || ""})`),
            h("dt", {}, "Nhận lúc"), h("dd", {}, when(s.received_at)),
            h("dt", {}, "Số tổ chức"), h("dd", {}, num(records.length)),
            s.superseded_by ? [h("dt", {}, "Bị thay bởi"), h("dd", {}, h("a", { href: `#/ho-so/${s.superseded_by}` }, `báo cáo số ${s.superseded_by}`))] : null)),
        user.role === "admin" ? adminCard(s, status) : null)),
    (s.warnings || []).length ? h("div", { class: "card" }, h("h2", {}, `Cảnh báo (${s.warnings.length})`), errorList(s.warnings, { warnings: true })) : null,
    h("div", { class: "card" }, h("h2", {}, `Các tổ chức (${num(records.length)})`),
      scroller("Các tổ chức của báo cáo", h("table", { id: "records", class: "records" },
        h("thead", {}, h("tr", {}, h("th", {}, "#"), h("th", {}, "Tên tổ chức"), h("th", {}, "Loại"), h("th", {}, "Xếp loại"),
          numeric.map((k) => h("th", { class: "num", title: label(k), scope: "col" }, shortLabel(k))))),
        h("tbody", {}, records.map((r, i) => h("tr", {}, h("td", { class: "num" }, String(i + 1)), h("td", { class: "name" }, r.org_name),
          h("td", {}, KIND[r.org_kind] || r.org_kind || ""), h("td", {}, RATING[r.org_rating] || r.org_rating || ""),
          numeric.map((k) => h("td", { class: "num" }, num(r[k]))))))))));

  try {
    const d = await api("GET", `/api/v1/submissions/${encodeURIComponent(id)}/diff`);
    drawDiff(diffBox, d);
  } catch (err) {
    clear(diffBox, err.errors && err.errors[0] && err.errors[0].code === "no_earlier_version"
      ? h("p", { class: "muted", id: "first-version" }, "Đây là bản đầu tiên của kỳ này: không có bản trước để so sánh.") : errorBanner(err));
  }
}

function drawDiff(box, d) {
  const added = d.added || [], removed = d.removed || [], changed = d.changed || [];
  const name = (o) => (typeof o === "string" ? o : o.org_name || o.name || JSON.stringify(o));
  if (!added.length && !removed.length && !changed.length) {
    clear(box, h("p", { class: "muted" }, d.against ? `Không có gì khác so với báo cáo số ${d.against}.` : "Không có thay đổi."));
    return;
  }
  clear(box,
    d.against ? h("p", { class: "small muted" }, `So với báo cáo số ${d.against}`,
      d.before && d.before.received_at ? ` (nhận lúc ${when(d.before.received_at)})` : "", ".",
      d.truncated ? " Danh sách dài, chỉ hiện phần đầu." : "") : null,
    added.length ? [h("h3", {}, `Thêm (${added.length})`), h("ul", {}, added.map((o) => h("li", {}, name(o))))] : null,
    removed.length ? [h("h3", {}, `Bớt (${removed.length})`), h("ul", {}, removed.map((o) => h("li", {}, name(o))))] : null,
    changed.length ? [h("h3", {}, `Số liệu thay đổi (${changed.length})`),
      h("table", { id: "diff-changed" }, h("thead", {}, h("tr", {}, ["Tổ chức", "Chỉ tiêu", "Trước", "Sau"].map((t) => h("th", {}, t)))),
        h("tbody", {}, changed.map((c) => h("tr", { dataset: { field: c.field || "" } },
          h("td", {}, c.org_name || "", c.org_name_before ? h("span", { class: "en" }, `trước: ${c.org_name_before}`) : null), h("td", {}, c.label || label(c.field)),
          h("td", { class: "num diff-before" }, num(c.before)), h("td", { class: "num diff-after" }, num(c.after))))))] : null);
}

function adminCard(s, status) {
  const box = h("div", { id: "submission-actions-result" });
  const current = status === "accepted" || status === "current";
  const approve = actionButton("Duyệt báo cáo này", { class: "good", id: "approve", disabled: !current }, async () => {
    try {
      await api("POST", `/api/v1/submissions/${s.id}/approve`, { json: {} });
      toast("Đã duyệt");
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (err) { clear(box, errorBanner(err)); }
  });
  const dialog = returnDialog(s);
  const opener = h("button", { type: "button", id: "return-open", "aria-haspopup": "dialog", disabled: !current && status !== "approved",
                               onclick: () => dialog.open(opener) }, "Trả lại huyện…");
  return h("div", { class: "card", id: "submission-admin" }, h("h2", {}, "Xử lý"),
    status === "superseded" ? h("p", { class: "small muted" }, "Bản này đã được thay bằng bản mới hơn: chỉ xử lý được bản hiện hành.") : null,
    status === "returned" ? h("p", { class: "small muted" }, "Đã trả lại; chờ huyện gửi bản sửa.") : null,
    status === "approved" ? h("p", { class: "small muted" }, "Đã duyệt.") : null,
    box, h("div", { class: "actions" }, opener, approve), dialog.element);
}

// Returning a submission asks for the reason in a modal dialog: its first
// field takes the focus; Escape or "Hủy" closes it and the focus goes back
// to the button that opened it.
function returnDialog(s) {
  const reason = h("textarea", { "data-api-field": "reason", rows: 4,
                                 placeholder: "Ví dụ: số đảng viên nữ của Chi bộ Trường THCS chưa đúng, đề nghị kiểm tra lại." });
  const box = h("div", { id: "return-result" });
  const form = h("form", { method: "dialog" }, field("Lý do trả lại (huyện sẽ thấy)", reason, "return-reason-input"), box);
  const dialog = h("dialog", { id: "return-dialog", "aria-labelledby": "return-dialog-title" },
    h("h2", { id: "return-dialog-title" }, `Trả lại báo cáo số ${s.id} cho ${s.district}`), form);
  let opener = null;
  const close = () => dialog.close();
  const send = actionButton("Trả lại", { id: "return", class: "primary" }, async () => {
    if (!reason.value.trim()) {
      showErrors(form, box, { errors: [{ field: "reason", message: "Xin ghi lý do trả lại / a reason is needed" }] });
      reason.focus();
      return;
    }
    try {
      await api("POST", `/api/v1/submissions/${s.id}/return`, { json: { reason: reason.value.trim() } });
      opener = null;  // the page is drawn again: its heading takes the focus
      close();
      toast("Đã trả lại báo cáo");
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (err) { showErrors(form, box, err); reason.focus(); }
  });
  form.append(h("div", { class: "actions" }, send, h("button", { type: "button", id: "return-cancel", onclick: close }, "Hủy")));
  form.addEventListener("submit", (ev) => ev.preventDefault());
  // Once a reason is written, the message that asked for one goes.
  reason.addEventListener("input", () => {
    if (reason.getAttribute("aria-invalid") && reason.value.trim()) showErrors(form, box, { errors: [] });
  });
  dialog.addEventListener("close", () => { if (opener && opener.isConnected) opener.focus(); });
  return {
    element: dialog,
    open(from) {
      opener = from;
      showErrors(form, box, { errors: [] });
      dialog.showModal();
      reason.focus();
    },
  };
}
