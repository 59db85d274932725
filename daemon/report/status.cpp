#include "report/status.hpp"

#include <chrono>
#include <map>

#include <fmt/format.h>

#include "core/dates.hpp"

namespace tonghop::report {

std::string today(const config::SeasonSettings& settings) {
  if (!settings.today.empty()) return settings.today;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return dates::civil_from_days(dates::day_at(now.count(), settings.utc_offset_minutes));
}

std::string status_label(const std::string& status, std::int64_t late_days) {
  if (status == "on_time") return "Đúng hạn";
  if (status == "late") return fmt::format("Muộn {} ngày", late_days);
  if (status == "refused_only") return "Chỉ có lần gửi bị từ chối";
  if (status == "returned") return "Bị trả lại";
  if (status == "approved") return "Đã duyệt";
  return "Chưa báo cáo";
}

Season season(const store::Store& store, const normalise::Registry& registry, const config::SeasonSettings& settings,
              const std::string& period) {
  Season s;
  s.period = period;
  s.today = today(settings);
  const store::PeriodState state = store.period_state(period);
  if (!state.due.empty()) {
    s.due = state.due;
    s.due_source = "api";
  } else if (const auto it = settings.due.find(period); it != settings.due.end()) {
    s.due = it->second;
    s.due_source = "config";
  }
  s.locked = state.locked();
  s.locked_at = state.locked_at;
  s.locked_by = state.locked_by;
  // Plain values (GCC 12 cannot see through optionals here: -Wmaybe-uninitialized).
  const auto parsed_due = s.due.empty() ? std::nullopt : dates::parse_date(s.due);
  const bool has_due = parsed_due.has_value();
  const std::int64_t due = parsed_due.value_or(0);
  const std::int64_t today_days = dates::parse_date(s.today).value_or(0);

  std::map<std::string, store::Submission> current;
  for (auto& sub : store.current(period)) current.emplace(sub.district, std::move(sub));
  std::map<std::int64_t, store::Review> reviews;
  // A review the audit does not bear out (changed in the database by hand)
  // is not taken: a return never shows as approved by a review no one made.
  for (auto& r : store.reviews(period))
    if (r.audited) reviews.emplace(r.submission_id, std::move(r));
  const auto first = store.first_received(period);
  std::map<std::string, std::int64_t> attempts;
  for (const auto& a : store.attempts(period, {})) ++attempts[a.district];

  for (const auto& d : registry.districts) {
    DistrictStatus st;
    st.district = d.name;
    if (const auto a = attempts.find(d.name); a != attempts.end()) st.attempts = a->second;
    const auto sub = current.find(d.name);
    if (sub == current.end()) {
      st.status = st.attempts > 0 ? "refused_only" : "missing";
      if (has_due && today_days > due) st.overdue_days = today_days - due;
    } else {
      st.submission_id = sub->second.id;
      st.received_at = sub->second.received_at;
      st.first_received_at = first.count(d.name) ? first.at(d.name) : sub->second.received_at;
      const auto review = reviews.find(sub->second.id);
      if (review != reviews.end()) {
        st.reason = review->second.reason;
        st.reviewed_at = review->second.at;
        st.reviewed_by = review->second.by;
      }
      if (review != reviews.end() && review->second.state == "returned") {
        st.status = "returned";
      } else if (s.locked || (review != reviews.end() && review->second.state == "approved")) {
        st.status = "approved";
      } else {
        st.status = "on_time";
        // The first accepted return decides: a correction, asked for or not, does not make a district late.
        const auto received = dates::parse_time(st.first_received_at);
        if (has_due && received) {
          const std::int64_t day = dates::day_at(*received, settings.utc_offset_minutes);
          if (day > due) {
            st.status = "late";
            st.late_days = day - due;
          }
        }
      }
    }
    st.label = status_label(st.status, st.late_days.value_or(0));
    s.districts.push_back(std::move(st));
  }
  return s;
}

void mark(sdk::Report& report, const Season& season) {
  std::map<std::string, const DistrictStatus*> by_district;
  std::map<std::string, sdk::StringList> lists;
  for (const auto& d : season.districts) {
    by_district[d.district] = &d;
    lists[d.status].push_back(d.district);
  }
  for (auto& row : report.rows) {
    const auto it = by_district.find(row.label);
    if (it == by_district.end()) continue;
    const DistrictStatus& d = *it->second;
    row.attributes.emplace_back("status", d.status);
    row.attributes.emplace_back("status_label", d.label);
    if (d.late_days) row.attributes.emplace_back("late_days", *d.late_days);
    if (d.status == "returned") row.attributes.emplace_back("return_reason", d.reason);
  }
  if (season.due.empty()) report.metadata.emplace_back("completeness.due", sdk::Value{});
  else report.metadata.emplace_back("completeness.due", season.due);
  report.metadata.emplace_back("completeness.locked", season.locked);
  for (const char* status : {"on_time", "late", "refused_only", "returned", "approved"})
    report.metadata.emplace_back(fmt::format("completeness.{}", status), lists[status]);
}

}  // namespace tonghop::report
