// Test support: runs a real program as a child process, its output captured
// to a file, with signals and a bounded wait.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace tonghop::test {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string output;  // stdout and stderr together
};

class Process {
 public:
  // env: extra "NAME=value" entries; unset_env: names removed from the environment.
  Process(std::vector<std::string> argv, std::vector<std::string> env = {}, std::vector<std::string> unset_env = {},
          std::filesystem::path cwd = {});
  ~Process();  // kills the child if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  void signal(int signo) const;
  // Waits up to `timeout` for exit; the exit code, or nullopt if still running.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string output() const;
  // Waits until the output contains `text`; false on timeout or early exit.
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path output_file_;
};

// Runs to completion (bounded), returning exit code and output.
RunResult run(std::vector<std::string> argv, std::vector<std::string> env = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

}  // namespace tonghop::test
