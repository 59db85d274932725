// The season of a period, for the Board: every district with its status and
// when; for an admin, the due date, approving and locking, reopening.
import { api } from "./api.js";
import { h, clear, errorBanner, badge, when, num, toast, actionButton, field, showErrors, periodPicker } from "./ui.js";

export async function render(main, args, user) {
  const period = args[0] || String(new Date().getFullYear());
  document.title = `Tình hình nộp báo cáo kỳ ${period} — Tổng hợp báo cáo`;
  const info = await api("GET", `/api/v1/periods/${encodeURIComponent(period)}`);
  const list = info.districts || [];
  const counts = { done: 0, late: 0, missing: 0, returned: 0 };
  for (const d of list) {
    if (d.status === "on_time" || d.status === "approved") counts.done++;
    else if (d.status === "late") { counts.done++; counts.late++; }
    else if (d.status === "returned") counts.returned++;
    else counts.missing++;
  }
  const locked = info.locked;
  const due = info.due;
  clear(main,
    h("div", { class: "page-head" }, h("h1", {}, `Tình hình nộp báo cáo kỳ ${period}`), h("span", { class: "spacer" }),
      periodPicker(period, "#/ky/", "season-period"),
      h("a", { class: "button", href: `#/bao-cao/${encodeURIComponent(period)}` }, "Xem báo cáo tổng hợp →"),
      h("p", { class: "lead" }, due ? `Hạn nộp: ${when(due)}. ` : "Chưa đặt hạn nộp. ", `Hôm nay: ${when(info.today)}. `,
        locked ? h("strong", { id: "locked" }, `Kỳ này đã duyệt và khóa lúc ${when(info.locked_at)}${info.locked_by ? " (" + info.locked_by + ")" : ""}.`) : "Kỳ này đang mở.")),
    h("div", { class: "stats" },
      h("div", { class: "stat" }, h("div", { class: "n" }, String(list.length)), h("div", { class: "l" }, "đơn vị phải nộp")),
      h("div", { class: "stat ok" }, h("div", { class: "n", id: "count-done" }, String(counts.done)), h("div", { class: "l" }, "đã nộp")),
      h("div", { class: "stat warn" }, h("div", { class: "n" }, String(counts.late)), h("div", { class: "l" }, "nộp muộn")),
      h("div", { class: "stat warn" }, h("div", { class: "n" }, String(counts.returned)), h("div", { class: "l" }, "bị trả lại")),
      h("div", { class: "stat bad" }, h("div", { class: "n", id: "count-missing" }, String(counts.missing)), h("div", { class: "l" }, "chưa nộp"))),
    h("div", { class: "card" },
      h("table", { id: "season" },
        h("thead", {}, h("tr", {}, ["Đơn vị", "Tình trạng", "Nhận lúc", "Báo cáo", "Lần bị từ chối", "Ghi chú"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, list.map((d) => h("tr", { dataset: { district: d.district, status: d.status } },
          h("th", { scope: "row" }, d.district),
          h("td", {}, badge(d.status, d.status_label)),
          h("td", {}, when(d.received_at)),
          h("td", {}, d.submission_id ? h("a", { href: `#/ho-so/${d.submission_id}` }, `Xem báo cáo số ${d.submission_id}`) : "—"),
          h("td", { class: "num" }, d.attempts ? String(d.attempts) : ""),
          h("td", { class: "small" }, d.reason ? `Lý do trả lại: ${d.reason}` : (d.overdue_days ? `Quá hạn ${d.overdue_days} ngày` : "")))))),
    ),
    user.role === "admin" ? adminCard(period, locked, due) : null);
}

function adminCard(period, locked, due) {
  const box = h("div", { id: "period-actions-result" });
  const dueInput = h("input", { type: "date", value: due ? String(due).slice(0, 10) : "", "data-api-field": "due" });
  const dueForm = h("form", { class: "row" }, field("Hạn nộp", dueInput, "due-date"),
    h("div", { class: "field" }, h("button", { type: "submit" }, "Đặt hạn nộp")));
  dueForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("PUT", `/api/v1/periods/${encodeURIComponent(period)}`, { json: { due: dueInput.value || null } });
      toast("Đã đặt hạn nộp");
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (err) { showErrors(dueForm, box, err); }
  });
  const act = (what, text) => actionButton(text, { id: `period-${what}`, class: what === "approve" ? "good" : "" }, async () => {
    if (!confirm(what === "approve" ? `Duyệt và khóa kỳ ${period}? Sau khi khóa, các huyện không gửi được nữa.` : `Mở lại kỳ ${period}?`)) return;
    try {
      await api("POST", `/api/v1/periods/${encodeURIComponent(period)}/${what}`, { json: {} });
      toast(what === "approve" ? "Đã duyệt và khóa kỳ" : "Đã mở lại kỳ");
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (err) { clear(box, errorBanner(err)); }
  });
  return h("div", { class: "card", id: "period-admin" }, h("h2", {}, "Quản lý kỳ báo cáo"),
    dueForm,
    h("div", { class: "actions" }, locked ? act("reopen", "Mở lại kỳ") : act("approve", "Duyệt và khóa kỳ")),
    box);
}

export { num };
