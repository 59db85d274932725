// Status: how every SDK call reports failure. Nothing throws across the
// plugin boundary; a failure is a Status with a code, a message a clerk can
// read, and where in the input it happened.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace tonghop::sdk {

// What a refusal at an import limit advises, in Vietnamese: leave out what is
// not the return, or ask for a higher limit; never split the return, which a
// later file of the same district and period replaces. Every importer's
// refusal at a limit, and the host's, ends its Vietnamese half with it.
inline constexpr std::string_view kPastALimitVi =
    "hãy bỏ các trang tính, dòng, cột hoặc hình ảnh không thuộc báo cáo rồi lưu lại, hoặc nhờ quản trị viên nâng giới hạn; đừng chia báo cáo thành nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước";

enum class Code : int {
  ok = 0,
  invalid_input = 1,   // the bytes are not what they claim (malformed, truncated)
  limit_exceeded = 2,  // a host limit was reached (size, cells, depth, time, ratio)
  unsupported = 3,     // a valid input this plugin cannot handle (encrypted, a feature)
  undecodable = 4,     // text whose encoding cannot be determined or converted
  io_error = 5,        // the output stream failed
  internal = 6,        // a bug or an unexpected exception inside the plugin
  cancelled = 7,       // the host asked to stop (a sink returned non-ok)
};

constexpr std::string_view code_name(Code c) noexcept {
  switch (c) {
    case Code::ok: return "ok";
    case Code::invalid_input: return "invalid_input";
    case Code::limit_exceeded: return "limit_exceeded";
    case Code::unsupported: return "unsupported";
    case Code::undecodable: return "undecodable";
    case Code::io_error: return "io_error";
    case Code::internal: return "internal";
    case Code::cancelled: return "cancelled";
  }
  return "unknown";
}

// Where in an input something happened. Every member is optional: 0 or empty
// means "not known / not applicable". Rows and columns are 1-based, as a
// spreadsheet program shows them (for text files the row is the line).
struct Location {
  std::string sheet;
  std::uint32_t row = 0;
  std::uint32_t column = 0;
  std::uint64_t offset = UINT64_MAX;  // byte offset in the input
  std::string path;                   // JSON Pointer in a tree document
  bool has_offset() const noexcept { return offset != UINT64_MAX; }
};

// Cheap when ok (a code and a null pointer: importers return one per cell);
// the message and place are allocated only for an error.
class [[nodiscard]] Status {
 public:
  Status() noexcept = default;
  Status(Code code, std::string message, Location where = {})
      : code_(code), detail_(code == Code::ok && message.empty() ? nullptr
                                                                 : new Detail{std::move(message), std::move(where)}) {}
  Status(const Status& other) : code_(other.code_), detail_(other.detail_ ? new Detail(*other.detail_) : nullptr) {}
  Status(Status&& other) noexcept = default;
  Status& operator=(const Status& other) {
    if (this != &other) {
      code_ = other.code_;
      detail_.reset(other.detail_ ? new Detail(*other.detail_) : nullptr);
    }
    return *this;
  }
  Status& operator=(Status&& other) noexcept = default;
  ~Status() = default;

  static Status success() { return {}; }

  bool ok() const noexcept { return code_ == Code::ok; }
  explicit operator bool() const noexcept { return ok(); }
  Code code() const noexcept { return code_; }
  const std::string& message() const noexcept { return detail_ ? detail_->message : empty().message; }
  const Location& where() const noexcept { return detail_ ? detail_->where : empty().where; }
  Location& where() {
    if (!detail_) detail_.reset(new Detail{});
    return detail_->where;
  }

 private:
  struct Detail {
    std::string message;
    Location where;
  };
  static const Detail& empty() noexcept {
    static const Detail none{};
    return none;
  }
  Code code_ = Code::ok;
  std::unique_ptr<Detail> detail_;
};

// 1-based column number to letters: 1 -> "A", 27 -> "AA".
inline std::string column_letters(std::uint32_t column) {
  std::string out;
  while (column > 0) {
    const std::uint32_t rem = (column - 1) % 26;
    out.insert(out.begin(), static_cast<char>('A' + rem));
    column = (column - 1) / 26;
  }
  return out;
}

}  // namespace tonghop::sdk
