// The catalogue's Vietnamese labels (GET /api/v1/catalogue), loaded once;
// a field the page cannot name is shown by its id.
import { api } from "./api.js";

let labels = null;

export async function loadLabels() {
  if (labels) return labels;
  labels = {};
  try {
    const c = await api("GET", "/api/v1/catalogue");
    const fields = Array.isArray(c) ? c : (c && (c.fields || c.catalogue)) || [];
    const list = Array.isArray(fields) ? fields : Object.entries(fields).map(([id, f]) => ({ id, ...f }));
    for (const f of list) if (f && (f.id || f.field)) labels[f.id || f.field] = f.label || f.label_vi || f.name || f.id;
  } catch { /* labels stay ids */ }
  return labels;
}

export function label(id) {
  return (labels && labels[id]) || FALLBACK[id] || id;
}

// The report's columns (config/indicators.toml [report]) where the catalogue
// has no field of that name (the indicators computed from the records).
const FALLBACK = {
  org_name: "Tên tổ chức", org_kind: "Loại hình", org_sector: "Lĩnh vực", org_rating: "Xếp loại",
  orgs_total: "Tổ chức cơ sở đảng", orgs_party_committee: "Đảng bộ cơ sở", orgs_party_cell: "Chi bộ cơ sở",
  cells_total: "Chi bộ trực thuộc", members_total: "Đảng viên", members_probationary: "Đảng viên dự bị",
  members_female: "Đảng viên nữ", members_female_pct: "Nữ (%)", members_ethnic_minority: "Đảng viên DTTS",
  members_ethnic_minority_pct: "DTTS (%)", admitted: "Kết nạp", admitted_female: "Kết nạp nữ",
  orgs_good_or_better_pct: "TCCSĐ tốt trở lên (%)", members_good_or_better_pct: "ĐV tốt trở lên (%)",
  villages_with_cell_pct: "Thôn có chi bộ (%)", villages_total: "Thôn, bản, TDP",
};
