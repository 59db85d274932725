// The page's entry: the session, the navigation and the routes (#/...).
import { api, setCsrf, onExpired } from "./api.js";
import { h, clear, errorBanner, field, showErrors, focusOn, ROLE } from "./ui.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const who = document.getElementById("who");

export const session = { user: null };

// Pages, loaded when first needed.
const pages = {
  nop: () => import("./clerk.js"),
  ky: () => import("./season.js"),
  "bao-cao": () => import("./report.js"),
  "ho-so": () => import("./submission.js"),
  "quan-tri": () => import("./admin.js"),
};

function home(user) {
  if (user.role === "district") return "#/nop";
  return "#/ky";
}

function allowed(user, page) {
  if (page === "nop") return user.role === "district" || user.role === "admin";
  if (page === "quan-tri") return user.role === "admin";
  if (page === "ky" || page === "bao-cao") return user.role !== "district";
  return true;  // ho-so: the API decides
}

function drawChrome() {
  const u = session.user;
  if (!u) {
    clear(nav);
    clear(who);
    return;
  }
  const links = [];
  if (u.role === "district" || u.role === "admin") links.push(["#/nop", "Nộp báo cáo", "nop"]);
  if (u.role !== "district") links.push(["#/ky", "Tình hình nộp", "ky"], ["#/bao-cao", "Báo cáo tỉnh", "bao-cao"]);
  if (u.role === "admin") links.push(["#/quan-tri", "Quản trị", "quan-tri"]);
  const current = location.hash.split("/")[1] || "";
  clear(nav, links.map(([href, text, key]) =>
    h("a", { href, "aria-current": key === current ? "page" : null, dataset: { page: key } }, text)));
  clear(who,
    h("div", {}, h("strong", { id: "user-name" }, u.name),
      h("span", { class: "role" }, ROLE[u.role] || u.role, u.district ? ` — ${u.district}` : "")),
    h("button", { type: "button", id: "sign-out", onclick: signOut }, "Đăng xuất"));
}

async function signOut() {
  try { await api("DELETE", "/api/v1/session"); } catch { /* the cookie is gone either way */ }
  session.user = null;
  setCsrf(null);
  location.hash = "#/dang-nhap";
  route();
}

function signInPage() {
  main.dataset.page = "dang-nhap";
  document.title = "Đăng nhập — Tổng hợp báo cáo";
  const name = h("input", { type: "text", autocomplete: "username", required: true, "data-api-field": "name" });
  const password = h("input", { type: "password", autocomplete: "current-password", required: true, "data-api-field": "password" });
  const box = h("div", { id: "sign-in-errors" });
  const button = h("button", { type: "submit", class: "primary", id: "sign-in" }, "Đăng nhập");
  const form = h("form", { class: "card", id: "sign-in-form", novalidate: true },
    field("Tên đăng nhập", name, "login-name"),
    field("Mật khẩu", password, "login-password"),
    box, button);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    if (!name.value.trim() || !password.value) {
      showErrors(form, box, { errors: [
        ...(!name.value.trim() ? [{ field: "name", message: "Xin nhập tên đăng nhập / enter your name" }] : []),
        ...(!password.value ? [{ field: "password", message: "Xin nhập mật khẩu / enter your password" }] : [])] });
      return;
    }
    button.disabled = true;
    try {
      const s = await api("POST", "/api/v1/session", { json: { name: name.value.trim(), password: password.value } });
      started(s);
      location.hash = home(s.user);
      route();
    } catch (err) {
      password.value = "";
      showErrors(form, box, err);
      password.focus();
    } finally {
      button.disabled = false;
    }
  });
  clear(main, h("div", { class: "login" },
    h("h1", {}, "Đăng nhập"),
    h("p", { class: "lead" }, "Hệ thống tổng hợp báo cáo tổ chức cơ sở đảng và đảng viên của Ban Tổ chức."),
    form,
    h("p", { class: "small muted" }, "Quên mật khẩu? Xin liên hệ quản trị viên của Ban Tổ chức để đặt lại.")));
  name.focus();
}

function started(s) {
  session.user = s.user;
  setCsrf(s.csrf);
  drawChrome();
}

// Routes run one at a time in effect: each renders into a detached view,
// put in place only if no later route started meanwhile. main's data-route
// and data-busy tell a test (or a screen reader's user) when a page is done.
let routeSeq = 0;

export async function route() {
  const seq = ++routeSeq;
  main.dataset.busy = "1";
  try {
    await show(seq);
  } finally {
    if (seq === routeSeq) {
      main.dataset.route = location.hash;
      main.dataset.busy = "";
    }
  }
}

async function show(seq) {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const page = parts[0] || "";
  if (!session.user) {
    try {
      started(await api("GET", "/api/v1/session"));
    } catch (err) {
      if (seq !== routeSeq) return;
      drawChrome();
      main.dataset.page = "dang-nhap";
      if (err.status === 401 || err.status === 404) return signInPage();
      return clear(main, errorBanner(err));
    }
  }
  if (seq !== routeSeq) return;
  if (page === "dang-nhap" || page === "" || !pages[page]) {
    location.replace(home(session.user));
    return;
  }
  drawChrome();
  main.dataset.page = page;
  if (!allowed(session.user, page)) {
    clear(main, h("div", { class: "banner bad", role: "alert", id: "forbidden" },
      "Tài khoản của bạn không được xem trang này.", h("span", { class: "en" }, "Your account may not see this page.")));
    return;
  }
  clear(main, h("p", { class: "loading" }, "Đang tải…"));
  document.getElementById("toast").classList.remove("show");
  const startedAt = performance.now();
  const view = h("div", { class: "view" });
  try {
    const mod = await pages[page]();
    await mod.render(view, parts.slice(1), session.user);
  } catch (err) {
    clear(view, errorBanner(err));
  }
  if (seq !== routeSeq) return;
  main.replaceChildren(...view.childNodes);
  // A new page: the focus goes to its heading (as a screen reader's user
  // expects of a new page), not left on the link that has gone.
  const heading = main.querySelector("h1") || main;
  if (!main.contains(document.activeElement) || document.activeElement === main) focusOn(heading);
  main.dataset.renderedMs = String(Math.round(performance.now() - startedAt));
}

onExpired(() => {
  session.user = null;
  setCsrf(null);
  drawChrome();
  signInPage();
  const box = document.getElementById("sign-in-errors");
  if (box) clear(box, h("div", { class: "banner warn" }, "Phiên làm việc đã hết. Xin đăng nhập lại."));
});

window.addEventListener("hashchange", route);
route();
