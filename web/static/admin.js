// The admin's pages: users, API tokens, mappings, the audit trail.
import { api, q } from "./api.js";
import { h, clear, errorBanner, when, toast, actionButton, field, showErrors, scroller, ROLE } from "./ui.js";
import { loadLabels, label } from "./catalogue.js";

const TABS = [["nguoi-dung", "Người dùng"], ["ma", "Mã truy cập (API)"], ["anh-xa", "Ánh xạ cột"], ["nhat-ky", "Nhật ký"]];

export async function render(main, args) {
  const tab = TABS.some(([k]) => k === args[0]) ? args[0] : "nguoi-dung";
  document.title = `Quản trị — ${TABS.find(([k]) => k === tab)[1]}`;
  const body = h("div", { id: "admin-body" });
  clear(main, h("h1", {}, "Quản trị"),
    h("nav", { class: "tabs", "aria-label": "Mục quản trị" },
      TABS.map(([k, t]) => h("a", { href: `#/quan-tri/${k}`, "aria-current": k === tab ? "page" : null }, t))),
    body);
  await { "nguoi-dung": users, ma: tokens, "anh-xa": mappings, "nhat-ky": audit }[tab](body, args.slice(1));
}

const list = (data, key) => (Array.isArray(data) ? data : (data && data[key]) || []);
const reload = () => window.dispatchEvent(new HashChangeEvent("hashchange"));

function roleInputs() {
  const role = h("select", { "data-api-field": "role" },
    ["district", "viewer", "admin"].map((r) => h("option", { value: r }, ROLE[r])));
  const district = h("input", { type: "text", "data-api-field": "district", placeholder: "Than Uyên" });
  const sync = () => { district.disabled = role.value !== "district"; };
  role.addEventListener("change", sync);
  sync();
  return { role, district };
}

async function users(body) {
  const data = await api("GET", "/api/v1/users");
  const name = h("input", { type: "text", "data-api-field": "name", autocomplete: "off" });
  const password = h("input", { type: "password", "data-api-field": "password", autocomplete: "new-password" });
  const { role, district } = roleInputs();
  const box = h("div");
  const form = h("form", { class: "card", id: "new-user" }, h("h2", {}, "Thêm người dùng"),
    h("div", { class: "row" }, field("Tên đăng nhập", name, "user-name-input"), field("Vai trò", role, "user-role"),
      field("Huyện (với vai trò huyện)", district, "user-district"), field("Mật khẩu", password, "user-password", "Ít nhất 10 ký tự."),
      h("div", { class: "field" }, h("button", { type: "submit", class: "primary" }, "Thêm"))), box);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "/api/v1/users", { json: { name: name.value.trim(), role: role.value, password: password.value,
        ...(role.value === "district" ? { district: district.value.trim() } : {}) } });
      toast("Đã thêm người dùng");
      reload();
    } catch (err) { showErrors(form, box, err); }
  });
  const rowBox = h("div");
  clear(body, form, h("div", { class: "card" }, h("h2", {}, "Người dùng"), rowBox,
    h("table", { id: "users" }, h("thead", {}, h("tr", {}, ["Tên", "Vai trò", "Huyện", "Trạng thái", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, list(data, "users").map((u) => h("tr", { dataset: { name: u.name } },
        h("td", {}, u.name), h("td", {}, ROLE[u.role] || u.role), h("td", {}, u.district || ""),
        h("td", {}, u.disabled ? "Đã khóa" : "Đang dùng"),
        h("td", {}, h("div", { class: "actions" },
          actionButton(u.disabled ? "Mở khóa" : "Khóa", { class: "small" }, async () => {
            try { await api("PATCH", `/api/v1/users/${encodeURIComponent(u.name)}`, { json: { disabled: !u.disabled } }); reload(); }
            catch (err) { clear(rowBox, errorBanner(err)); }
          }),
          actionButton("Đặt lại mật khẩu", { class: "small" }, async () => {
            const p = prompt(`Mật khẩu mới cho ${u.name}:`);
            if (!p) return;
            try { await api("PATCH", `/api/v1/users/${encodeURIComponent(u.name)}`, { json: { password: p } }); toast("Đã đặt lại mật khẩu"); }
            catch (err) { clear(rowBox, errorBanner(err)); }
          })))))))));
}

async function tokens(body) {
  const data = await api("GET", "/api/v1/tokens");
  const name = h("input", { type: "text", "data-api-field": "name", placeholder: "Máy chủ thống kê huyện Than Uyên" });
  const { role, district } = roleInputs();
  role.querySelector('option[value="admin"]').remove();
  const box = h("div");
  const form = h("form", { class: "card", id: "new-token" }, h("h2", {}, "Tạo mã truy cập cho chương trình"),
    h("div", { class: "row" }, field("Tên (ai dùng)", name, "token-name"), field("Vai trò", role, "token-role"),
      field("Huyện", district, "token-district"), h("div", { class: "field" }, h("button", { type: "submit", class: "primary" }, "Tạo mã"))), box);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const t = await api("POST", "/api/v1/tokens", { json: { name: name.value.trim(), role: role.value,
        ...(role.value === "district" ? { district: district.value.trim() } : {}) } });
      clear(box, h("div", { class: "banner ok" }, "Mã mới (chỉ hiện một lần, xin chép lại ngay): ", h("code", { id: "new-token-value" }, t.token)));
    } catch (err) { showErrors(form, box, err); }
  });
  const rowBox = h("div");
  clear(body, form, h("div", { class: "card" }, h("h2", {}, "Các mã đang có"), rowBox,
    h("table", { id: "tokens" }, h("thead", {}, h("tr", {}, ["Số", "Tên", "Vai trò", "Huyện", "Người giữ", "Tạo lúc", "Trạng thái", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, list(data, "tokens").map((t) => h("tr", {},
        h("td", {}, String(t.id)), h("td", {}, t.name || ""), h("td", {}, ROLE[t.role] || t.role), h("td", {}, t.district || ""), h("td", {}, t.owner || ""),
        h("td", {}, when(t.created_at)), h("td", {}, t.revoked_at ? `Đã thu hồi ${when(t.revoked_at)}` : "Đang dùng"),
        h("td", {}, t.revoked_at ? "" : actionButton("Thu hồi", { class: "small" }, async () => {
          if (!confirm(`Thu hồi mã «${t.name}»? Chương trình dùng mã này sẽ bị từ chối ngay.`)) return;
          try { await api("DELETE", `/api/v1/tokens/${encodeURIComponent(t.id)}`); reload(); }
          catch (err) { clear(rowBox, errorBanner(err)); }
        }))))))));
}

async function mappings(body) {
  await loadLabels();
  const data = await api("GET", "/api/v1/mappings");
  const rowBox = h("div");
  clear(body, h("div", { class: "card" }, h("h2", {}, "Ánh xạ cột đã ghi nhớ"),
    h("p", { class: "small muted" }, "Mỗi ánh xạ cho biết một tiêu đề cột lạ là chỉ tiêu nào. Áp dụng ngay cho lần kiểm tra và lần gửi sau."),
    rowBox,
    h("table", { id: "mappings" }, h("thead", {}, h("tr", {}, ["Tiêu đề", "Chỉ tiêu", "Phạm vi", "Người tạo", "Lúc", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, list(data, "mappings").map((m) => h("tr", {},
        h("td", {}, Array.isArray(m.header) ? m.header.join(" › ") : m.header || m.key),
        h("td", {}, m.field === "ignore" ? "(bỏ qua)" : m.label || label(m.field)),
        h("td", {}, m.scope === "district" ? `Huyện ${m.district}` : "Toàn tỉnh"),
        h("td", {}, m.created_by || m.who || ""), h("td", {}, when(m.created_at || m.at)),
        h("td", {}, actionButton("Xóa", { class: "small" }, async () => {
          if (!confirm("Xóa ánh xạ này?")) return;
          try { await api("DELETE", `/api/v1/mappings/${encodeURIComponent(m.id)}`); reload(); }
          catch (err) { clear(rowBox, errorBanner(err)); }
        }))))))));
}

async function audit(body, args) {
  const params = new URLSearchParams(args[0] || "");
  const since = h("input", { type: "date", value: params.get("since") || "" });
  const district = h("input", { type: "text", value: params.get("district") || "" });
  const form = h("form", { class: "row" }, field("Từ ngày", since, "audit-since"), field("Huyện", district, "audit-district"),
    h("div", { class: "field" }, h("button", { type: "submit" }, "Lọc")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    location.hash = `#/quan-tri/nhat-ky/${encodeURIComponent(q({ since: since.value, district: district.value.trim() }))}`;
  });
  const data = await api("GET", `/api/v1/audit?${q({ since: since.value, district: district.value.trim() })}`);
  clear(body, h("div", { class: "card" }, form),
    h("div", { class: "card" }, scroller("Nhật ký thao tác", h("table", { id: "audit" },
      h("thead", {}, h("tr", {}, ["Lúc", "Ai", "Vai trò", "Việc", "Chi tiết"].map((t) => h("th", {}, t)))),
      h("tbody", {}, newestFirst(list(data, "entries")).map((a) => h("tr", { dataset: { action: a.action || "" } },
        h("td", { class: "nowrap" }, when(a.at)), h("td", {}, a.who || ""), h("td", {}, ROLE[a.role] || a.role || ""),
        h("td", {}, ACTIONS[a.action] || a.action || "", h("span", { class: "en" }, a.action || "")),
        h("td", { class: "small" }, detailText(a.detail)))))))));
}

const ACTIONS = {
  "user.create": "Tạo người dùng", "user.update": "Sửa người dùng", "user.disable": "Khóa người dùng",
  "session.create": "Đăng nhập", "session.end": "Đăng xuất", "session.delete": "Đăng xuất",
  submission: "Nhận báo cáo", "submission.create": "Nhận báo cáo", "submission.return": "Trả lại báo cáo",
  "submission.approve": "Duyệt báo cáo", "period.lock": "Duyệt và khóa kỳ", "period.approve": "Duyệt và khóa kỳ",
  "period.reopen": "Mở lại kỳ", "period.due": "Đặt hạn nộp", token: "Tạo mã truy cập", "token.create": "Tạo mã truy cập",
  "token.revoke": "Thu hồi mã truy cập", "mapping.create": "Tạo ánh xạ cột", "mapping.delete": "Xóa ánh xạ cột",
};

function newestFirst(entries) {
  return entries.length > 1 && String(entries[0].at) < String(entries[entries.length - 1].at) ? [...entries].reverse() : entries;
}

function detailText(d) {
  if (d === null || d === undefined) return "";
  if (typeof d !== "object") return String(d);
  return Object.entries(d).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join(" · ");
}
