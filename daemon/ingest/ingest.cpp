#include "ingest/ingest.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace tonghop::ingest {

namespace {

bool starts(sdk::Bytes b, std::string_view magic) {
  return b.size() >= magic.size() && std::memcmp(b.data(), magic.data(), magic.size()) == 0;
}

// Passes everything through, counting cells and watching the clock.
class GuardedSink final : public sdk::DocumentSink {
 public:
  GuardedSink(sdk::DocumentSink& next, const sdk::Limits& limits)
      : next_(next), limits_(limits), deadline_(std::chrono::steady_clock::now() + std::chrono::seconds(limits.max_seconds)) {}

  sdk::Status property(std::string_view k, std::string_view v) override { return next_.property(k, v); }
  sdk::Status begin_sheet(std::string_view name) override { return next_.begin_sheet(name); }
  sdk::Status cell(const sdk::CellView& c) override {
    // The common case, without a Status made and dropped per cell, and the
    // rest out of line (a smaller frame for every cell).
    if (text_.fits(c.text.size()) && !due()) [[likely]] return next_.cell(c);
    return checked_cell(c);
  }
  // A run of cells (SDK ABI 3): each checked as cell() checks it; the cells
  // before the first one refused are passed on, then its refusal, the same
  // Status at the same cell as one call each would give.
  sdk::Status cells(const sdk::CellView* first, std::size_t count) override {
    // Most runs: no limit due within it (due() false for each of its
    // cells) and its text within the budget, asked once for the run.
    std::size_t text = 0;
    for (std::size_t i = 0; i < count; ++i) text += first[i].text.size();
    if (cells_ + count < check_at_ &&
        (limits_.max_text_bytes == 0 || text_.total() + text <= limits_.max_text_bytes)) [[likely]] {
      cells_ += count;
      text_.fits(text);
      return next_.cells(first, count);
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (text_.fits(first[i].text.size()) && !due()) [[likely]] continue;
      if (auto s = refusal(first[i]); !s.ok()) {
        if (i != 0)
          if (auto before = next_.cells(first, i); !before.ok()) return before;
        return s;
      }
    }
    return next_.cells(first, count);
  }
  sdk::Status merged(const sdk::MergedRange& r) override { return next_.merged(r); }
  sdk::Status end_sheet() override { return next_.end_sheet(); }
  sdk::Status begin_tree() override { return next_.begin_tree(); }
  sdk::Status begin_container(std::string_view p, sdk::NodeKind k) override { return next_.begin_container(p, k); }
  sdk::Status scalar(std::string_view p, const sdk::ScalarView& v) override {
    if (!text_.fits(v.text.size())) return text_.refusal();
    if (!due()) return next_.scalar(p, v);
    if (auto s = checked(); !s.ok()) {
      s.where().path = std::string(p);
      return s;
    }
    return next_.scalar(p, v);
  }
  sdk::Status end_container(std::string_view p) override { return next_.end_container(p); }
  sdk::Status end_tree() override { return next_.end_tree(); }

 private:
  // cell(), past the text's limit (limits.max_text, whatever the importer),
  // or when due() has a limit to look at.
  [[gnu::noinline]] sdk::Status checked_cell(const sdk::CellView& c) {
    if (auto s = refusal(c); !s.ok()) return s;
    return next_.cell(c);
  }
  // Why the cell just counted is refused, or ok (a limit looked at and not passed).
  [[gnu::noinline]] sdk::Status refusal(const sdk::CellView& c) {
    if (!text_.fits(0)) return text_.refusal();
    if (auto s = checked(); !s.ok()) {
      s.where().row = c.row;
      s.where().column = c.column;
      return s;
    }
    return {};
  }

  // One more cell counted; true when a limit must be looked at: past
  // max_cells, or every 16,384th cell the clock. One comparison per cell:
  // `check_at_` is the next count at which either is due (checked() says which).
  bool due() {
    if (++cells_ < check_at_) return false;
    check_at_ = next_check();
    return (limits_.max_cells != 0 && cells_ > limits_.max_cells) || (limits_.max_seconds != 0 && (cells_ & 0x3FFF) == 0);
  }
  // The first count above cells_ at which due() has something to look at.
  std::uint64_t next_check() const {
    std::uint64_t next = UINT64_MAX;
    if (limits_.max_cells != 0) next = cells_ <= limits_.max_cells ? limits_.max_cells + 1 : cells_ + 1;
    if (limits_.max_seconds != 0) next = std::min(next, (cells_ | 0x3FFF) + 1);
    return next;
  }
  sdk::Status checked() const {
    if (limits_.max_cells != 0 && cells_ > limits_.max_cells)
      return {sdk::Code::limit_exceeded,
              fmt::format("tệp có nhiều hơn {} ô, giới hạn cho phép; {} / the file has more than {} cells, the import limit",
                          limits_.max_cells, sdk::kPastALimitVi, limits_.max_cells)};
    if (limits_.max_seconds != 0 && (cells_ & 0x3FFF) == 0 && std::chrono::steady_clock::now() > deadline_)
      return {sdk::Code::limit_exceeded,
              fmt::format("đọc tệp quá {} giây, giới hạn cho phép; {} / reading the file took longer than {} seconds, "
                          "the import limit",
                          limits_.max_seconds, sdk::kPastALimitVi, limits_.max_seconds)};
    return {};
  }

  sdk::DocumentSink& next_;
  const sdk::Limits& limits_;
  std::chrono::steady_clock::time_point deadline_;
  std::uint64_t cells_ = 0;
  std::uint64_t check_at_ = next_check();
  sdk::TextBudget text_{limits_};
};

}  // namespace

Content describe_content(sdk::Bytes head) {
  if (head.empty()) return {"một tệp rỗng", "an empty file", false};
  if (starts(head, "%PDF")) return {"một tài liệu PDF", "a PDF document"};
  if (starts(head, "PK\x03\x04")) return {"một tệp nén zip (không phải bảng tính Excel)", "a zip archive (not an Excel workbook)"};
  if (starts(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
    return {"một tài liệu Office kiểu cũ (Word hay Excel đời cũ?)", "an OLE2 compound document (old Word or Excel?)"};
  if (starts(head, "\x89PNG") || starts(head, "\xFF\xD8\xFF") || starts(head, "GIF8")) return {"một hình ảnh", "an image"};
  if (starts(head, "{\\rtf")) return {"một tài liệu RTF", "an RTF document"};
  if (starts(head, "\x1F\x8B")) return {"một tệp nén gzip", "a gzip archive"};
  if (starts(head, "Rar!") || starts(head, "7z\xBC\xAF")) return {"một tệp nén RAR hoặc 7-Zip", "a RAR or 7-Zip archive"};
  return {"dữ liệu không rõ loại", "data of an unknown kind", false};
}

namespace {
// What the loaded importers read, for the advice: ".csv, .tsv, …, .xlsx".
std::string readable_formats(const loader::PluginSet& plugins) {
  std::vector<std::string_view> seen;
  std::string out;
  for (const auto& p : plugins.plugins) {
    if (!p.importer) continue;
    for (const auto& f : p.info.formats) {
      if (std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
      seen.push_back(f);
      out += (out.empty() ? "." : ", .") + f;
    }
  }
  return out;
}
}  // namespace

Expected<Choice> choose_importer(const loader::PluginSet& plugins, sdk::Bytes bytes, std::string_view filename) {
  const sdk::Bytes head = bytes.first(std::min<std::size_t>(bytes.size(), 64 * 1024));
  Choice best;
  for (const auto& p : plugins.plugins) {
    if (!p.importer) continue;
    const sdk::Confidence c = p.importer->sniff(head, filename);
    if (c > best.confidence) best = Choice{&p, c};
  }
  if (best.plugin == nullptr && plugins.count(loader::Kind::importer) == 0)
    return make_error(
        "Máy chủ chưa nạp bộ đọc tệp nào nên không đọc được tệp; hãy báo quản trị viên / no importer plugin is loaded");
  // Only the name claims it, and the content is known to be something else
  // (an image named .xlsx): nothing reads it (415), not a broken return (422).
  const Content kind = describe_content(head);
  const bool named_only = best.plugin != nullptr && best.confidence <= sdk::confidence::name_only && kind.known;
  if (best.plugin != nullptr && !named_only) return best;
  const std::string formats = readable_formats(plugins);
  return make_error(fmt::format(
      "Không đọc được tệp này: tệp có vẻ là {}{}; hãy gửi bảng tính hoặc tệp dữ liệu của báo cáo ({}) / "
      "no importer can read this file: it looks like {}{}; send the return as a spreadsheet or a data file ({})",
      kind.vi, named_only ? ", dù tên tệp nói khác" : "", formats, kind.en, named_only ? ", whatever its name says" : "",
      formats));
}

sdk::Status read_document(const sdk::Importer& importer, const sdk::Source& source, const sdk::Limits& limits,
                          sdk::DocumentSink& sink) {
  GuardedSink guarded(sink, limits);
  return importer.read(source, limits, guarded);
}

}  // namespace tonghop::ingest
