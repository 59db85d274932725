#include "report/document.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "config/config.hpp"

namespace tonghop::report {

namespace {

std::int64_t big_endian(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  if (bytes == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

}  // namespace

std::optional<std::int32_t> utc_offset(const std::string& zone, std::int64_t t) {
  if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/') return std::nullopt;
  std::ifstream in("/usr/share/zoneinfo/" + zone, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() > (1u << 20)) return std::nullopt;  // a zone file is a few KiB
  // TZif (RFC 8536): a header, then transitions, their types, the types.
  // Version 2 and later repeat the data with 64-bit times after the first.
  auto block = [&](std::size_t at, int time_bytes, std::size_t* end) -> std::optional<std::int32_t> {
    if (data.size() < at + 44 || std::string(data.begin() + static_cast<long>(at), data.begin() + static_cast<long>(at) + 4) != "TZif")
      return std::nullopt;
    const unsigned char* h = data.data() + at + 20;
    const auto isut = static_cast<std::size_t>(big_endian(h, 4)), isstd = static_cast<std::size_t>(big_endian(h + 4, 4)),
               leap = static_cast<std::size_t>(big_endian(h + 8, 4)), times = static_cast<std::size_t>(big_endian(h + 12, 4)),
               types = static_cast<std::size_t>(big_endian(h + 16, 4)), chars = static_cast<std::size_t>(big_endian(h + 20, 4));
    const std::size_t body = at + 44;
    const auto tb = static_cast<std::size_t>(time_bytes);
    const std::size_t size = times * tb + times + types * 6 + chars + leap * (tb + 4) + isstd + isut;
    if (types == 0 || body + size > data.size()) return std::nullopt;
    *end = body + size;
    std::size_t type = 0;  // before the first transition: the first type
    for (std::size_t i = 0; i < times; ++i)
      if (big_endian(data.data() + body + i * tb, time_bytes) <= t) type = data[body + times * tb + i];
    if (type >= types) return std::nullopt;
    return static_cast<std::int32_t>(big_endian(data.data() + body + times * tb + times + type * 6, 4));
  };
  std::size_t end = 0;
  const auto v1 = block(0, 4, &end);
  if (!v1) return std::nullopt;
  if (data[4] >= '2') {
    std::size_t end2 = 0;
    if (const auto v2 = block(end, 8, &end2)) return v2;
  }
  return v1;
}

std::string party_date(int year, unsigned month, unsigned day) {
  return fmt::format("ngày {:0>2} tháng {} năm {}", day, month <= 2 ? fmt::format("{:02}", month) : std::to_string(month), year);
}

void add_document(sdk::Report& r, const normalise::Catalogue& catalogue, const config::ReportSettings& s,
                  std::int64_t unix_seconds) {
  r.metadata.emplace_back("display.number", s.number);
  r.metadata.emplace_back("display.recipients", sdk::StringList(s.recipients.begin(), s.recipients.end()));
  r.metadata.emplace_back("display.signer_role", s.signer_role);
  r.metadata.emplace_back("display.signer_title", s.signer_title);
  r.metadata.emplace_back("display.signer_name", s.signer_name);
  r.metadata.emplace_back("display.time_zone", s.time_zone);
  // The day in the Board's zone; the configuration checked the zone exists.
  auto offset = utc_offset(s.time_zone, unix_seconds);
  if (!offset)  // "+07:00", or Viet Nam's zone where tzdata is not installed
    if (const auto minutes = config::time_zone_offset(s.time_zone)) offset = *minutes * 60;
  if (offset) {
    using namespace std::chrono;
    const sys_days day = floor<days>(sys_seconds(seconds(unix_seconds + *offset)));
    const year_month_day ymd(day);
    r.metadata.emplace_back("display.date", party_date(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                                       static_cast<unsigned>(ymd.day())));
  }
  // The tables, as column ids; columns of groups no table names come last.
  sdk::StringList titles, placed;
  std::vector<sdk::StringList> tables;
  auto ids_of = [&](const std::string& label) {
    sdk::StringList ids;
    for (const auto& g : r.groups)
      if (g.label == label)
        for (const auto& c : g.columns) ids.push_back(c.id);
    return ids;
  };
  for (const auto& t : catalogue.report_tables) {
    sdk::StringList ids;
    for (const auto& label : t.groups)
      for (auto& id : ids_of(label)) ids.push_back(std::move(id));
    if (ids.empty()) continue;
    placed.insert(placed.end(), ids.begin(), ids.end());
    titles.push_back(t.title);
    tables.push_back(std::move(ids));
  }
  sdk::StringList rest;
  for (const auto* c : r.columns())
    if (std::find(placed.begin(), placed.end(), c->id) == placed.end()) rest.push_back(c->id);
  if (!rest.empty()) {
    titles.push_back("Các chỉ tiêu khác");
    tables.push_back(std::move(rest));
  }
  r.metadata.emplace_back("display.tables", titles);
  for (std::size_t i = 0; i < tables.size(); ++i)
    r.metadata.emplace_back("display.table." + std::to_string(i + 1), std::move(tables[i]));
  for (const auto& [code, name] : catalogue.report_names) r.metadata.emplace_back("display.name." + code, name);
}

}  // namespace tonghop::report
