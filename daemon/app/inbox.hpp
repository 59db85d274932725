// The inbox: <data_dir>/inbox/<district>/<period>/<file>. A file dropped there
// (by a shared folder or a mail gateway) goes through the same pipeline as an
// upload, then moves to inbox/processed/... or inbox/rejected/... with a
// <file>.errors.json beside it. District and period folders take any alias
// ("Huyen uy Than Uyen/Nam 2018").
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/api.hpp"
#include "app/context.hpp"

namespace tonghop::app {

class Inbox {
 public:
  Inbox(Context& context, api::Api& api, std::chrono::milliseconds interval);
  ~Inbox();  // stops and joins
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // One pass over the inbox; returns the number of files handled.
  int scan();

 private:
  void run();
  void handle(const std::filesystem::path& file, const std::string& district_dir, const std::string& period_dir);

  Context& context_;
  api::Api& api_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tonghop::app
