#include "zip_guard.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>

#include <zlib.h>

namespace tonghop::zipxml {

namespace {

std::uint32_t u16(std::string_view s, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8;
}
std::uint32_t u32(std::string_view s, std::size_t at) { return u16(s, at) | u16(s, at + 2) << 16; }

// Every refusal says it in Vietnamese, then " / ", then in English.
sdk::Status refuse(sdk::Code code, const std::string& vi, const std::string& en) { return {code, vi + " / " + en}; }

sdk::Status truncated(const std::string& what_vi, const std::string& what_en) {
  return refuse(sdk::Code::invalid_input,
                "tệp bị hỏng hoặc bị thiếu phần cuối (" + what_vi + "); hãy mở bằng Excel, lưu lại rồi gửi lại",
                "the workbook is damaged or truncated (" + what_en + "); save it again in Excel and resend it");
}

sdk::Status zip64() {
  return refuse(sdk::Code::unsupported, "tệp lớn hơn 4 GiB (ZIP64) không đọc được; hãy bỏ các trang tính hoặc hình ảnh không thuộc báo cáo rồi lưu lại; đừng chia báo cáo thành nhiều tệp: tệp gửi sau sẽ thay tệp gửi trước",
                "ZIP64 workbooks (over 4 GiB) are not read");
}

std::string human(std::uint64_t bytes) {
  if (bytes >= (1ull << 30)) return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (1ull << 20)) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

EntryIndex::EntryIndex(std::vector<ZipEntry> entries) : entries_(std::move(entries)) {
  exact_.reserve(entries_.size());
  by_name_.reserve(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    exact_.emplace(entries_[i].name, i);
    by_name_.emplace(lower_ascii(entries_[i].name), i);
  }
}

const ZipEntry* EntryIndex::find(std::string_view name) const {
  // An exact match first: two entries may differ only in case.
  if (const auto it = exact_.find(std::string(name)); it != exact_.end()) return &entries_[it->second];
  const auto it = by_name_.find(lower_ascii(name));
  return it == by_name_.end() ? nullptr : &entries_[it->second];
}

sdk::Status read_directory(std::string_view zip, std::vector<ZipEntry>& entries) {
  if (zip.size() < 22 || u32(zip, 0) != 0x04034b50) return refuse(sdk::Code::invalid_input,
                  "đây không phải tệp .xlsx hay .ods (không phải tệp nén zip); hãy mở bằng Excel, lưu lại dạng .xlsx "
                  "rồi gửi lại",
                  "not a zip container");
  // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
  std::size_t eocd = std::string_view::npos;
  const std::size_t lowest = zip.size() > 65557 ? zip.size() - 65557 : 0;
  for (std::size_t i = zip.size() - 22 + 1; i-- > lowest;)
    if (u32(zip, i) == 0x06054b50) { eocd = i; break; }
  if (eocd == std::string_view::npos) return truncated("không có mục lục ở cuối tệp: tệp bị cắt cụt",
                                                       "no end of central directory: the file was cut short");
  const std::uint32_t count = u16(zip, eocd + 10);
  const std::uint64_t dir_size = u32(zip, eocd + 12);
  const std::uint64_t dir_offset = u32(zip, eocd + 16);
  if (count == 0xFFFF || dir_offset == 0xFFFFFFFFu || dir_size == 0xFFFFFFFFu)
    return zip64();
  if (dir_offset + dir_size > eocd) return truncated("mục lục của tệp nằm ngoài tệp",
                                                     "the central directory lies outside the file");

  entries.clear();
  std::size_t at = static_cast<std::size_t>(dir_offset);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (at + 46 > eocd || u32(zip, at) != 0x02014b50) return truncated("một mục trong mục lục bị hỏng",
                                                                       "a central directory entry is broken");
    ZipEntry e;
    e.flags = static_cast<std::uint16_t>(u16(zip, at + 8));
    e.method = static_cast<std::uint16_t>(u16(zip, at + 10));
    e.crc = u32(zip, at + 16);
    e.compressed = u32(zip, at + 20);
    e.uncompressed = u32(zip, at + 24);
    const std::size_t name_len = u16(zip, at + 28), extra_len = u16(zip, at + 30), comment_len = u16(zip, at + 32);
    e.local_header = u32(zip, at + 42);
    if (at + 46 + name_len > eocd) return truncated("tên một phần vượt ra ngoài mục lục",
                                                    "an entry name runs past the directory");
    e.name.assign(zip.substr(at + 46, name_len));
    for (auto& ch : e.name)
      if (ch == '\\') ch = '/';  // some writers use Windows separators
    if (e.compressed == 0xFFFFFFFFu || e.uncompressed == 0xFFFFFFFFu || e.local_header == 0xFFFFFFFFu)
      return zip64();
    if (e.local_header + 30 > zip.size() || e.compressed > zip.size() - e.local_header - 30)
      return truncated("dữ liệu của phần '" + e.name + "' nằm quá cuối tệp",
                       "the data of '" + e.name + "' lies past the end of the file");
    entries.push_back(std::move(e));
    at += 46 + name_len + extra_len + comment_len;
  }
  return {};
}

sdk::Status check_container(std::string_view zip, const sdk::Limits& limits, std::vector<ZipEntry>& entries) {
  if (auto s = read_directory(zip, entries); !s.ok()) return s;
  std::uint64_t total = 0;
  for (const auto& e : entries) {
    if (e.flags & 1)
      return refuse(sdk::Code::unsupported, "tệp được mã hoá bằng mật khẩu: hãy gỡ mật khẩu rồi gửi lại",
                    "the workbook is encrypted; remove the password and resend it");
    if (e.method != 0 && e.method != 8)
      return refuse(sdk::Code::unsupported,
                    "phần '" + e.name + "' được nén theo cách Excel không dùng; hãy mở bằng Excel, lưu lại dạng .xlsx "
                    "rồi gửi lại",
                    "'" + e.name + "' uses a compression method Excel does not write");
    if (limits.max_entry_bytes != 0 && e.uncompressed > limits.max_entry_bytes)
      return refuse(sdk::Code::limit_exceeded,
                    "phần '" + e.name + "' khi giải nén sẽ thành " + human(e.uncompressed) + ", quá giới hạn " +
                        human(limits.max_entry_bytes) + " cho một phần; " + std::string(sdk::kPastALimitVi),
                    "'" + e.name + "' would inflate to " + human(e.uncompressed) + ", over the limit of " +
                        human(limits.max_entry_bytes) + " for one part");
    total += e.uncompressed;
    if (limits.max_inflated_bytes != 0 && total > limits.max_inflated_bytes)
      return refuse(sdk::Code::limit_exceeded,
                    "tệp khi giải nén sẽ lớn hơn giới hạn " + human(limits.max_inflated_bytes) +
                        "; " + std::string(sdk::kPastALimitVi),
                    "the workbook would inflate to more than " + human(limits.max_inflated_bytes) + ", the limit");
    // Small parts compress very well (and harmlessly); the ratio matters past 1 MiB.
    if (limits.max_ratio != 0 && e.uncompressed > (1u << 20) &&
        e.uncompressed > static_cast<std::uint64_t>(limits.max_ratio) * std::max<std::uint64_t>(e.compressed, 1))
    {
      const std::string ratio = std::to_string(e.uncompressed / std::max<std::uint64_t>(e.compressed, 1));
      return refuse(sdk::Code::limit_exceeded,
                    "phần '" + e.name + "' khi giải nén lớn gấp " + ratio + " lần, quá giới hạn " +
                        std::to_string(limits.max_ratio) + " lần (tệp có thể bị làm giả); hãy mở bằng Excel, lưu lại "
                        "dạng .xlsx rồi gửi lại",
                    "'" + e.name + "' inflates " + ratio + " times its size, over the limit of " +
                        std::to_string(limits.max_ratio) + " (a zip bomb?)");
    }
  }
  // No DTD in any XML part. A DTD can only stand before the root element.
  // Each part's first 64 KiB inflated into one buffer, never zeroed (a
  // string grown for each part was: a tenth of a sample return's import,
  // branch post3).
  constexpr std::size_t kHead = 64 * 1024;
  const auto buffer = std::make_unique_for_overwrite<char[]>(kHead);
  std::string head;
  for (const auto& e : entries) {
    const std::string lower = lower_ascii(e.name);
    if (!(lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml"))) continue;
    EntryStream stream(zip, e);
    std::size_t got = 0;
    for (std::size_t n; got < kHead && (n = stream.read(buffer.get() + got, kHead - got)) > 0;) got += n;
    head.assign(buffer.get(), got);
    if (!stream.error().empty()) return truncated(stream.error_vi(), stream.error());
    // A part in UTF-16: its markup is ASCII, so without the zero bytes the
    // same search finds a DTD.
    if (head.size() >= 2 && (head[0] == '\0' || head[1] == '\0' || head.starts_with("\xFF\xFE") ||
                             head.starts_with("\xFE\xFF")))
      std::erase(head, '\0');
    std::size_t root = std::string::npos;
    for (std::size_t i = head.find('<'); i != std::string::npos; i = head.find('<', i + 1)) {
      const char next = i + 1 < head.size() ? head[i + 1] : '\0';
      if (std::isalpha(static_cast<unsigned char>(next)) || next == '_') { root = i; break; }
    }
    const std::string_view prolog = std::string_view(head).substr(0, root);
    if (prolog.find("<!DOCTYPE") != std::string_view::npos || prolog.find("<!ENTITY") != std::string_view::npos)
      return refuse(sdk::Code::invalid_input,
                    "phần '" + e.name + "' khai báo DTD; tệp có DTD hay khai báo thực thể không được nhận. Hãy mở "
                    "bằng Excel, lưu lại dạng .xlsx rồi gửi lại",
                    "'" + e.name + "' declares a DTD; workbooks with DTDs or entity declarations are refused");
    if (root == std::string::npos && head.size() == 64 * 1024)
      return refuse(sdk::Code::invalid_input,
                    "phần '" + e.name + "' không có phần tử gốc trong 64 KiB đầu; hãy mở bằng Excel, lưu lại dạng "
                    ".xlsx rồi gửi lại",
                    "'" + e.name + "' has no root element in its first 64 KiB");
  }
  return {};
}

EntryStream::EntryStream(std::string_view zip, const ZipEntry& entry) : entry_(entry) {
  const std::size_t local = static_cast<std::size_t>(entry.local_header);
  if (local + 30 > zip.size() || u32(zip, local) != 0x04034b50) {
    fail("phần '" + entry.name + "' bị thiếu phần đầu", "the local header of '" + entry.name + "' is missing");
    finished_ = true;
    return;
  }
  const std::size_t data = local + 30 + u16(zip, local + 26) + u16(zip, local + 28);
  if (data > zip.size() || entry.compressed > zip.size() - data) {
    fail("dữ liệu của phần '" + entry.name + "' nằm quá cuối tệp",
         "the data of '" + entry.name + "' lies past the end of the file");
    finished_ = true;
    return;
  }
  raw_ = zip.substr(data, static_cast<std::size_t>(entry.compressed));
}

void EntryStream::fail(std::string vi, std::string en) {
  error_vi_ = std::move(vi);
  error_ = std::move(en);
}

EntryStream::~EntryStream() {
  if (z_ != nullptr) {
    inflateEnd(static_cast<z_stream*>(z_));
    delete static_cast<z_stream*>(z_);
  }
}

std::size_t EntryStream::read(char* out, std::size_t max) {
  if (finished_) return 0;
  if (entry_.method == 0) {
    const std::size_t n = std::min<std::size_t>(max, raw_.size() - static_cast<std::size_t>(produced_));
    raw_.copy(out, n, static_cast<std::size_t>(produced_));
    crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(out), static_cast<uInt>(n));
    produced_ += n;
    if (produced_ == raw_.size()) {
      finished_ = true;
      if (crc_ != entry_.crc) {
        fail("phần '" + entry_.name + "' bị hỏng (mã kiểm tra không khớp)",
             "'" + entry_.name + "' is damaged (its checksum does not match)");
        return 0;
      }
    }
    return n;
  }
  if (!started_) {
    auto* z = new z_stream{};
    if (inflateInit2(z, -MAX_WBITS) != Z_OK) {
      delete z;
      fail("không giải nén được phần '" + entry_.name + "'", "cannot inflate '" + entry_.name + "'");
      finished_ = true;
      return 0;
    }
    z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw_.data()));
    z->avail_in = static_cast<uInt>(raw_.size());
    z_ = z;
    started_ = true;
  }
  auto* z = static_cast<z_stream*>(z_);
  // Straight into the caller's room: nothing is zeroed or copied first.
  z->next_out = reinterpret_cast<Bytef*>(out);
  z->avail_out = static_cast<uInt>(max);
  const int rc = inflate(z, Z_NO_FLUSH);
  const std::size_t n = max - z->avail_out;
  produced_ += n;
  if (produced_ > entry_.uncompressed) {
    fail("phần '" + entry_.name + "' bị hỏng hoặc bị làm giả: giải nén ra nhiều hơn " +
             std::to_string(entry_.uncompressed) + " byte nó ghi",
         "'" + entry_.name + "' is damaged or forged: it inflates to more than the " +
             std::to_string(entry_.uncompressed) + " bytes it declares");
    finished_ = true;
    return 0;
  }
  crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(out), static_cast<uInt>(n));
  if (rc == Z_STREAM_END) {
    finished_ = true;
    if (crc_ != entry_.crc || produced_ != entry_.uncompressed) {
      fail("phần '" + entry_.name + "' bị hỏng (mã kiểm tra hoặc kích thước không khớp)",
           "'" + entry_.name + "' is damaged (its checksum or size does not match)");
      return 0;
    }
  } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && n > 0)) {
    fail("phần '" + entry_.name + "' bị hỏng (" + (z->msg ? z->msg : "inflate failed") + ")",
         "'" + entry_.name + "' is damaged (" + (z->msg ? z->msg : "inflate failed") + ")");
    finished_ = true;
    return 0;
  } else if (n == 0 && z->avail_in == 0) {
    fail("phần '" + entry_.name + "' kết thúc trước khi hết dữ liệu: tệp bị cắt cụt",
         "'" + entry_.name + "' ends before its data does: the file is truncated");
    finished_ = true;
    return 0;
  }
  return n;
}

}  // namespace tonghop::zipxml
