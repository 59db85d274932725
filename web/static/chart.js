// The ratings chart, drawn as inline SVG (no library): for each district and
// the province, the share of its organisations in each rating, as one
// stacked bar of 100 %.
import { h } from "./ui.js";

export const RATINGS = [
  ["excellent", "Hoàn thành xuất sắc", "#15803d"],
  ["good", "Hoàn thành tốt", "#65a30d"],
  ["completed", "Hoàn thành", "#eab308"],
  ["not_completed", "Không hoàn thành", "#dc2626"],
];

// rows: [{name, values: {excellent: n, good: n, ...}}]; prefix: the
// indicator family ("orgs_rated_").
export function ratingsChart(rows, title) {
  const left = 190, right = 60, barH = 24, gap = 10, top = 34, width = 1220;
  const plotW = width - left - right;
  const height = top + rows.length * (barH + gap) + 28;
  const svg = h("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "chart-title", id: "ratings-chart" },
    h("title", { id: "chart-title" }, title),
    h("text", { x: 0, y: 18, "font-size": 15, "font-weight": 700, fill: "#1f2937" }, title));
  for (const pct of [0, 25, 50, 75, 100]) {
    const x = left + (plotW * pct) / 100;
    svg.appendChild(h("line", { x1: x, x2: x, y1: top - 6, y2: height - 22, stroke: "#e5e7eb" }));
    svg.appendChild(h("text", { x, y: height - 6, "font-size": 11, "text-anchor": "middle", fill: "#6b7280" }, `${pct}%`));
  }
  rows.forEach((r, i) => {
    const y = top + i * (barH + gap);
    const total = RATINGS.reduce((a, [k]) => a + (Number(r.values[k]) || 0), 0);
    const g = h("g", { "data-district": r.name });
    g.appendChild(h("text", { x: left - 8, y: y + barH / 2 + 4, "text-anchor": "end", "font-size": 13,
                              "font-weight": r.total ? 700 : 400, fill: "#1f2937" }, r.name));
    if (!total) {
      g.appendChild(h("text", { x: left + 4, y: y + barH / 2 + 4, "font-size": 12, fill: "#6b7280" }, "Không có số liệu xếp loại"));
    } else {
      let x = left;
      for (const [k, text, color] of RATINGS) {
        const v = Number(r.values[k]) || 0;
        if (!v) continue;
        const w = (plotW * v) / total;
        const pct = (100 * v) / total;
        g.appendChild(h("rect", { x, y, width: Math.max(w, 0.5), height: barH, fill: color, "data-rating": k },
          h("title", {}, `${r.name} — ${text}: ${v} (${pct.toFixed(1).replace(".", ",")}%)`)));
        if (w > 34) g.appendChild(h("text", { x: x + w / 2, y: y + barH / 2 + 4, "text-anchor": "middle", "font-size": 11,
                                              fill: k === "completed" ? "#1f2937" : "#fff" }, `${Math.round(pct)}%`));
        x += w;
      }
      g.appendChild(h("text", { x: left + plotW + 6, y: y + barH / 2 + 4, "font-size": 12, fill: "#374151" }, String(total)));
    }
    svg.appendChild(g);
  });
  return h("div", { class: "chart" }, svg,
    h("div", { class: "legend" }, RATINGS.map(([k, text]) => h("span", { class: `sw-${k}` }, text)),
      h("span", { class: "muted" }, "Số bên phải: số tổ chức được xếp loại")));
}
