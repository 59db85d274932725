// The catalogue's Vietnamese labels (GET /api/v1/catalogue), loaded once.
// Until it answers (or where it names no such field) the page uses the
// labels of config/indicators.toml below, so that a field is never shown by
// its id alone.
import { api } from "./api.js";

let labels = null;

export async function loadLabels() {
  if (labels) return labels;
  labels = {};
  try {
    const c = await api("GET", "/api/v1/catalogue");
    const fields = Array.isArray(c) ? c : (c && c.fields) || [];
    const list = Array.isArray(fields) ? fields : Object.entries(fields).map(([id, f]) => ({ id, ...f }));
    for (const f of list) if (f && (f.id || f.field) && f.label) labels[f.id || f.field] = f.label;
  } catch { /* the labels below */ }
  return labels;
}

// The field's label, as a clerk knows it.
export function label(id) {
  return (labels && labels[id]) || LABELS[id] || id;
}

// A short label for a narrow column; the full one is its title.
export function shortLabel(id) {
  return SHORT[id] || label(id);
}

export const KIND = { party_committee: "Đảng bộ cơ sở", party_cell: "Chi bộ cơ sở" };
export const RATING = { excellent: "HTXSNV", good: "HTTNV", completed: "HTNV", not_completed: "KHTNV" };

// config/indicators.toml [fields.*] label, and the report's own indicators.
const LABELS = {
  "district": "Đảng bộ huyện",
  "period": "Kỳ báo cáo",
  "org_name": "Tên tổ chức cơ sở đảng",
  "org_kind": "Loại hình",
  "org_sector": "Lĩnh vực",
  "org_rating": "Xếp loại TCCSĐ",
  "cells_total": "Số chi bộ trực thuộc",
  "cells_village": "Chi bộ thôn, bản, tổ dân phố",
  "cells_school": "Chi bộ trường học",
  "cells_health": "Chi bộ trạm y tế",
  "cells_agency": "Chi bộ cơ quan",
  "cells_enterprise": "Chi bộ doanh nghiệp",
  "cells_other": "Chi bộ khác",
  "members_total": "Tổng số đảng viên",
  "members_probationary": "Đảng viên dự bị",
  "members_female": "Đảng viên nữ",
  "members_ethnic_minority": "Đảng viên dân tộc thiểu số",
  "members_religious": "Đảng viên tôn giáo",
  "admitted": "Kết nạp đảng viên",
  "admitted_female": "Kết nạp nữ",
  "admitted_ethnic_minority": "Kết nạp dân tộc thiểu số",
  "admitted_religious": "Kết nạp tôn giáo",
  "converted_official": "Chuyển đảng chính thức",
  "villages_total": "Số thôn, bản, tổ dân phố",
  "villages_without_cell": "Thôn chưa có chi bộ",
  "villages_without_member": "Thôn chưa có đảng viên",
  "cells_joint": "Chi bộ sinh hoạt ghép",
  "cells_full_meetings": "Chi bộ sinh hoạt đủ 12 kỳ/năm",
  "cells_rated_excellent": "Chi bộ hoàn thành xuất sắc nhiệm vụ",
  "cells_rated_good": "Chi bộ hoàn thành tốt nhiệm vụ",
  "cells_rated_completed": "Chi bộ hoàn thành nhiệm vụ",
  "cells_rated_not_completed": "Chi bộ không hoàn thành nhiệm vụ",
  "members_rated": "Đảng viên được đánh giá, xếp loại",
  "members_rated_excellent": "Đảng viên hoàn thành xuất sắc nhiệm vụ",
  "members_rated_good": "Đảng viên hoàn thành tốt nhiệm vụ",
  "members_rated_completed": "Đảng viên hoàn thành nhiệm vụ",
  "members_rated_not_completed": "Đảng viên không hoàn thành nhiệm vụ"
};
Object.assign(LABELS, {
  orgs_total: "Tổ chức cơ sở đảng", orgs_party_committee: "Đảng bộ cơ sở", orgs_party_cell: "Chi bộ cơ sở",
  members_female_pct: "Đảng viên nữ (%)", members_ethnic_minority_pct: "Đảng viên DTTS (%)",
  admitted_female_pct: "Kết nạp nữ (%)", admitted_ethnic_minority_pct: "Kết nạp DTTS (%)",
  orgs_good_or_better_pct: "TCCSĐ hoàn thành tốt trở lên (%)", members_good_or_better_pct: "Đảng viên hoàn thành tốt trở lên (%)",
  villages_with_cell_pct: "Thôn có chi bộ (%)",
  orgs_rated_excellent: "TCCSĐ HTXSNV", orgs_rated_good: "TCCSĐ HTTNV", orgs_rated_completed: "TCCSĐ HTNV",
  orgs_rated_not_completed: "TCCSĐ KHTNV",
});

const SHORT = {"cells_total": "CB trực thuộc", "cells_village": "CB thôn, bản", "cells_school": "CB trường", "cells_health": "CB y tế", "cells_agency": "CB cơ quan", "cells_enterprise": "CB DN", "cells_other": "CB khác", "members_total": "Đảng viên", "members_probationary": "Dự bị", "members_female": "Nữ", "members_ethnic_minority": "DTTS", "members_religious": "Tôn giáo", "admitted": "Kết nạp", "admitted_female": "KN nữ", "admitted_ethnic_minority": "KN DTTS", "admitted_religious": "KN tôn giáo", "converted_official": "Chuyển CT", "villages_total": "Thôn", "villages_without_cell": "Thôn chưa có CB", "villages_without_member": "Thôn chưa có ĐV", "cells_joint": "CB ghép", "cells_full_meetings": "CB đủ 12 kỳ", "cells_rated_excellent": "CB HTXSNV", "cells_rated_good": "CB HTTNV", "cells_rated_completed": "CB HTNV", "cells_rated_not_completed": "CB KHTNV", "members_rated": "ĐV xếp loại", "members_rated_excellent": "ĐV HTXSNV", "members_rated_good": "ĐV HTTNV", "members_rated_completed": "ĐV HTNV", "members_rated_not_completed": "ĐV KHTNV"};
