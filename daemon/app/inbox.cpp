#include "app/inbox.hpp"

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "api/views.hpp"
#include "isolate/workers.hpp"
#include "normalise/text.hpp"

namespace tonghop::app {

namespace fs = std::filesystem;

Inbox::Inbox(Context& context, api::Api& api, std::chrono::milliseconds interval)
    : context_(context), api_(api), interval_(interval), thread_([this] { run(); }) {}

Inbox::~Inbox() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Inbox::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      scan();
    } catch (const std::exception& e) {
      context_.log->error("inbox: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

int Inbox::scan() {
  const fs::path root = context_.config.load()->data_dir / "inbox";
  std::error_code ec;
  fs::create_directories(root, ec);
  int handled = 0;
  for (const auto& district : fs::directory_iterator(root, ec)) {
    const std::string dname = district.path().filename().string();
    if (!district.is_directory() || dname == "processed" || dname == "rejected" || dname.starts_with(".")) continue;
    for (const auto& period : fs::directory_iterator(district.path(), ec)) {
      if (!period.is_directory()) continue;
      for (const auto& file : fs::directory_iterator(period.path(), ec)) {
        const std::string name = file.path().filename().string();
        if (!file.is_regular_file() || name.starts_with(".") || name.ends_with(".part") || name.ends_with(".tmp")) continue;
        // A file still being written is left for the next pass.
        const auto age = fs::file_time_type::clock::now() - fs::last_write_time(file.path(), ec);
        if (ec || age < std::chrono::milliseconds(500)) continue;
        handle(file.path(), dname, period.path().filename().string());
        ++handled;
      }
    }
  }
  return handled;
}

void Inbox::handle(const fs::path& file, const std::string& district_dir, const std::string& period_dir) {
  const auto n = context_.normalisation.load();
  ingest::Outcome outcome;
  const auto* district = n->registry.find(district_dir);
  const auto period = normalise::parse_period(period_dir);
  std::string district_name = district ? district->name : district_dir;
  if (district == nullptr) {
    outcome.status = 422;
    outcome.errors.push_back({"unknown_district", "Thư mục «" + district_dir + "» không phải một đảng bộ huyện / the folder '" +
                                                      district_dir + "' is not a district",
                              "district", district_dir, {}});
  } else if (!period) {
    outcome.status = 422;
    outcome.errors.push_back({"unknown_period", "Thư mục «" + period_dir + "» không phải một kỳ báo cáo / the folder '" +
                                                    period_dir + "' is not a period",
                              "period", period_dir, {}});
  } else {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = std::move(buffer).str();
    ingest::Return ret{district->name, *period, file.filename().string(), bytes, "inbox"};
    // Through the pool of import workers, the import in a child process. A
    // full queue or a daemon stopping leaves the file for the next scan.
    auto done = isolate::run_and_wait(*context_.workers, [&] {
      return ingest::submit(context_.examiner, *n, *context_.store, std::move(ret));
    });
    if (!done || done->status == 503) return;
    outcome = std::move(*done);
    api_.count(district->name, outcome);
  }
  const bool accepted = outcome.status == 201;
  const fs::path target = context_.config.load()->data_dir / "inbox" / (accepted ? "processed" : "rejected") /
                          district_dir / period_dir / file.filename();
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  fs::rename(file, target, ec);
  if (ec) context_.log->error("inbox: cannot move {}: {}", file.string(), ec.message());
  if (accepted) {
    context_.log->info("inbox: {} stored as #{} for {} {}", file.string(), outcome.submission->id, district_name, *period);
  } else {
    boost::json::object o;
    o["errors"] = api::issues_json(outcome.errors);
    if (!outcome.warnings.empty()) o["warnings"] = api::issues_json(outcome.warnings);
    std::ofstream(target.string() + ".errors.json") << boost::json::serialize(o) << "\n";
    context_.log->warn("inbox: {} refused: {} error(s)", file.string(), outcome.errors.size());
  }
}

}  // namespace tonghop::app
