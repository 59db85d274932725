// Generates a district table of N organisations in the columns of
// shared/domain.md, as CSV, JSON and xlsx (libxlsxwriter, constant memory),
// with values that keep the rules (parts never exceed their wholes).
// usage: gen_district_table ROWS OUT_DIR [DISTRICT [csv]]
//   DISTRICT: every row is that district's (one district's return), else the
//   eight districts in turn; csv: only district.csv is written.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <xlsxwriter.h>

namespace {

const char* kColumns[] = {
    "district", "org_name", "org_kind", "cells_total", "cells_village", "cells_school", "cells_health",
    "cells_agency", "cells_enterprise", "cells_other", "members_total", "members_probationary", "members_female",
    "members_ethnic_minority", "members_religious", "admitted", "admitted_female", "admitted_ethnic_minority",
    "admitted_religious", "converted_official", "villages_total", "villages_without_cell",
    "villages_without_member", "cells_joint", "cells_full_meetings", "org_rating", "cells_rated_excellent",
    "cells_rated_good", "cells_rated_completed", "cells_rated_not_completed", "members_rated",
    "members_rated_excellent", "members_rated_good", "members_rated_completed", "members_rated_not_completed"};
constexpr int kCount = sizeof kColumns / sizeof kColumns[0];
const char* kDistricts[] = {"Than Uyên", "Tam Đường", "Phong Thổ", "Sìn Hồ", "Mường Tè", "Tân Uyên", "Nậm Nhùn",
                            "Thành phố Lai Châu"};
const char* kRatings[] = {"excellent", "good", "completed", "not_completed"};

struct Row {
  std::string text[3];
  std::string rating;
  long n[kCount];
};

const char* g_district = nullptr;  // every row this district's

Row make_row(long i, std::mt19937& rng) {
  auto pick = [&](long lo, long hi) { return std::uniform_int_distribution<long>(lo, hi)(rng); };
  Row r{};
  r.text[0] = g_district != nullptr ? g_district : kDistricts[i % 8];
  const bool committee = pick(0, 1) == 1;
  r.text[1] = (committee ? "Đảng bộ xã Bản " : "Chi bộ Trường Tiểu học số ") + std::to_string(i + 1);
  r.text[2] = committee ? "ĐB" : "CB";
  long* n = r.n;
  const long cells = committee ? pick(5, 30) : 0;
  long parts[6] = {};
  long left = cells;
  for (int k = 0; k < 5; ++k) { parts[k] = left > 0 ? pick(0, left) : 0; left -= parts[k]; }
  parts[5] = left;
  n[3] = cells;
  for (int k = 0; k < 6; ++k) n[4 + k] = parts[k];
  const long members = pick(10, 400);
  n[10] = members;
  n[11] = pick(0, members / 10);
  n[12] = pick(0, members / 2);
  n[13] = pick(0, members);
  n[14] = pick(0, members / 20);
  const long admitted = pick(0, members / 10);
  n[15] = admitted;
  n[16] = pick(0, admitted);
  n[17] = pick(0, admitted);
  n[18] = pick(0, admitted / 4);
  n[19] = pick(0, admitted);
  const long villages = committee ? pick(3, 25) : 0;
  n[20] = villages;
  n[21] = villages ? pick(0, villages / 5) : 0;
  n[22] = villages ? pick(0, n[21]) : 0;
  n[23] = cells ? pick(0, cells / 5) : 0;
  n[24] = cells ? pick(0, cells) : 0;
  r.rating = kRatings[pick(0, 3)];
  long c_left = cells;
  for (int k = 26; k < 30; ++k) { n[k] = c_left > 0 ? pick(0, c_left) : 0; c_left -= n[k]; }
  const long rated = pick(members / 2, members);
  n[30] = rated;
  long m_left = rated;
  for (int k = 31; k < 34; ++k) { n[k] = m_left > 0 ? pick(0, m_left) : 0; m_left -= n[k]; }
  n[34] = m_left;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5 || (argc == 5 && std::string(argv[4]) != "csv")) {
    std::fprintf(stderr, "usage: gen_district_table ROWS OUT_DIR [DISTRICT [csv]]\n");
    return 2;
  }
  const long rows = std::atol(argv[1]);
  const std::string dir = argv[2];
  if (argc >= 4) g_district = argv[3];
  const bool csv_only = argc == 5;

  std::ofstream csv(dir + "/district.csv", std::ios::binary);
  std::ofstream json(csv_only ? "/dev/null" : dir + "/district.json", std::ios::binary);
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = const_cast<char*>(dir.c_str());
  lxw_workbook* wb = csv_only ? nullptr : workbook_new_opt((dir + "/district.xlsx").c_str(), &options);
  lxw_worksheet* ws = wb != nullptr ? workbook_add_worksheet(wb, "Biểu 01") : nullptr;

  for (int c = 0; c < kCount; ++c) {
    csv << (c ? "," : "") << kColumns[c];
    if (ws) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), kColumns[c], nullptr);
  }
  csv << "\n";
  // One district's return names its committee; a file of all eight, the province's.
  const std::string sender = g_district != nullptr ? std::string("Huyện ủy ") + g_district : "Tỉnh ủy Lai Châu";
  json << "{\"don_vi_bao_cao\":\"" << sender << "\",\"ky_bao_cao\":\"Năm 2018\",\"to_chuc\":[\n";

  std::mt19937 rng(2018);
  std::string line;
  for (long i = 0; i < rows; ++i) {
    const Row r = make_row(i, rng);
    line.clear();
    line += r.text[0] + "," + r.text[1] + "," + r.text[2];
    json << (i ? ",\n" : "") << "{\"district\":\"" << r.text[0] << "\",\"org_name\":\"" << r.text[1]
         << "\",\"org_kind\":\"" << r.text[2] << "\"";
    const auto row = static_cast<lxw_row_t>(i + 1);
    for (int c = 0; c < 3 && ws; ++c) worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), r.text[c].c_str(), nullptr);
    for (int c = 3; c < kCount; ++c) {
      if (c == 25) {
        line += "," + r.rating;
        json << ",\"org_rating\":\"" << r.rating << "\"";
        if (ws) worksheet_write_string(ws, row, static_cast<lxw_col_t>(c), r.rating.c_str(), nullptr);
        continue;
      }
      line += "," + std::to_string(r.n[c]);
      json << ",\"" << kColumns[c] << "\":" << r.n[c];
      if (ws) worksheet_write_number(ws, row, static_cast<lxw_col_t>(c), static_cast<double>(r.n[c]), nullptr);
    }
    csv << line << "\n";
    json << "}";
  }
  json << "\n]}\n";
  if (wb != nullptr && workbook_close(wb) != LXW_NO_ERROR) {
    std::fprintf(stderr, "could not write the workbook\n");
    return 1;
  }
  return 0;
}
