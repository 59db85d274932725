// The province report for a period: the table with the change against the
// previous period, the ratings chart, and the downloads.
import { api, q } from "./api.js";
import { h, clear, num, badge, when, periodPicker, scroller } from "./ui.js";
import { ratingsChart } from "./chart.js";

const COLUMNS = [
  ["orgs_total", "TCCS đảng"],
  ["cells_total", "Chi bộ trực thuộc"],
  ["members_total", "Đảng viên"],
  ["members_female_pct", "Nữ (%)", true],
  ["members_ethnic_minority_pct", "DTTS (%)", true],
  ["admitted", "Kết nạp"],
  ["orgs_good_or_better_pct", "TCCSĐ tốt trở lên (%)", true],
  ["members_good_or_better_pct", "ĐV tốt trở lên (%)", true],
  ["villages_with_cell_pct", "Thôn có chi bộ (%)", true],
];

function cell(ind, change, key, pct) {
  const v = ind ? ind[key] : undefined;
  const c = change ? change[key] : undefined;
  const sign = c > 0 ? "+" : "";
  return h("td", { class: "num", dataset: { indicator: key } }, num(v, pct),
    c !== undefined && c !== null && c !== 0
      ? h("span", { class: `change ${c > 0 ? "up" : "down"}`, title: "So với kỳ trước" }, `${sign}${num(c, pct)}`) : null);
}

export async function render(main, args) {
  const period = args[0] || String(new Date().getFullYear());
  document.title = `Báo cáo tổng hợp kỳ ${period} — Tổng hợp báo cáo`;
  const r = await api("GET", `/api/v1/reports/province?${q({ period, format: "json" })}`);
  const districts = (r.districts || []).filter((d) => d.indicators && !d.missing);
  const missing = (r.completeness && r.completeness.missing) || [];
  const download = (format, text) => h("a", { class: "button", href: `/api/v1/reports/province?${q({ period, format })}`,
    download: `bao-cao-${period}.${format}`, id: `download-${format}` }, text);
  const chartRows = [...districts.map((d) => ({ name: d.district, values: ratingValues(d.indicators) })),
                     { name: "Toàn tỉnh", total: true, values: ratingValues(r.total && r.total.indicators) }];
  clear(main,
    h("div", { class: "page-head" }, h("h1", {}, `Báo cáo tổng hợp kỳ ${period}`), h("span", { class: "spacer" }),
      periodPicker(period, "#/bao-cao/", "report-period"),
      h("a", { class: "button", href: `#/ky/${encodeURIComponent(period)}` }, "← Tình hình nộp"),
      h("p", { class: "lead" }, `${r.province || ""}. `, r.previous_period ? `So sánh với kỳ ${r.previous_period}. ` : "Không có kỳ trước để so sánh. ",
        `Lập lúc ${when(r.generated_at)}.`)),
    h("div", { class: "actions downloads", role: "group", "aria-label": "Tải báo cáo" }, h("span", { class: "muted" }, "Tải báo cáo về:"),
      download("xlsx", "⬇ Excel (.xlsx)"), download("pdf", "⬇ PDF"), download("csv", "⬇ CSV"), download("json", "⬇ JSON")),
    missing.length ? h("div", { class: "banner warn" }, `Chưa nộp (${missing.length}): ${missing.join(", ")}. Các số tổng chỉ gồm các đơn vị đã nộp.`) : null,
    h("div", { class: "card" },
      scroller(`Bảng tổng hợp kỳ ${period}`, h("table", { id: "report" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Đơn vị"), h("th", { scope: "col" }, "Tình trạng"),
          COLUMNS.map(([, t]) => h("th", { scope: "col", class: "num" }, t)))),
        h("tbody", {}, districts.map((d) => h("tr", { dataset: { district: d.district } },
            h("th", { scope: "row" }, d.submission_id ? h("a", { href: `#/ho-so/${d.submission_id}` }, d.district) : d.district),
            h("td", {}, badge(d.status || "accepted", d.status_label || "Đã nộp")),
            COLUMNS.map(([k, , pct]) => cell(d.indicators, d.change, k, pct)))),
          h("tr", { class: "total" }, h("th", { scope: "row" }, "Toàn tỉnh"), h("td", {}, ""),
            COLUMNS.map(([k, , pct]) => cell(r.total && r.total.indicators, r.total && r.total.change, k, pct)))))),
      h("p", { class: "small muted" }, "Số nhỏ dưới mỗi ô: thay đổi so với kỳ trước (xanh: tăng, đỏ: giảm). — : không có số liệu.")),
    h("div", { class: "card" }, ratingsChart(chartRows, "Xếp loại tổ chức cơ sở đảng")));
}

function ratingValues(ind) {
  ind = ind || {};
  return { excellent: ind.orgs_rated_excellent, good: ind.orgs_rated_good, completed: ind.orgs_rated_completed,
           not_completed: ind.orgs_rated_not_completed };
}
