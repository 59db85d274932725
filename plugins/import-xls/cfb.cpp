#include "cfb.hpp"

#include <cstring>

namespace tonghop::xls {

namespace {
constexpr unsigned char kSignature[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

char16_t fold(char16_t c) { return c >= u'a' && c <= u'z' ? static_cast<char16_t>(c - u'a' + u'A') : c; }
}  // namespace

CompoundFile::CompoundFile(std::string_view file) : file_(file) {
  if (file.size() < 512 || std::memcmp(file.data(), kSignature, sizeof kSignature) != 0) {
    fail("không phải tệp Excel 97-2003 (thiếu chữ ký OLE2) / not an Excel 97-2003 workbook (no OLE2 signature)");
    return;
  }
  const unsigned shift = static_cast<unsigned char>(file[0x1E]) | static_cast<unsigned char>(file[0x1F]) << 8;
  const unsigned mini_shift = static_cast<unsigned char>(file[0x20]) | static_cast<unsigned char>(file[0x21]) << 8;
  if (shift != 9 && shift != 12) {
    fail("kích thước khối " + std::to_string(shift) + " không hợp lệ / its sector size (shift " + std::to_string(shift) +
         ") is invalid");
    return;
  }
  sector_size_ = 1u << shift;
  mini_sector_size_ = mini_shift >= 4 && mini_shift < shift ? 1u << mini_shift : 64;
  mini_cutoff_ = u32(0x38);
  if (mini_cutoff_ == 0 || mini_cutoff_ > (1u << 20)) mini_cutoff_ = 4096;
  if (file.size() <= sector_size_) {
    fail("tệp chỉ có phần đầu, không có dữ liệu / the file holds only a header and no data");
    return;
  }
  // The last sector may be short: Excel and xlrd read such files.
  sectors_ = (file.size() - sector_size_ + sector_size_ - 1) / sector_size_;
  if (read_fat() && read_directory()) read_mini_stream();
}

bool CompoundFile::past_end() {
  incomplete_ = true;
  return fail("tệp bị thiếu phần cuối / the file ends before its directory does");
}

bool CompoundFile::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

std::uint32_t CompoundFile::u32(std::uint64_t offset) const {
  if (offset + 4 > file_.size()) return 0;
  std::uint32_t v;
  std::memcpy(&v, file_.data() + offset, 4);
  return v;
}

bool CompoundFile::append_sector(std::uint32_t n, std::string& out, std::uint64_t* real_end) const {
  const std::uint64_t begin = (static_cast<std::uint64_t>(n) + 1) * sector_size_;
  if (n >= sectors_ || begin >= file_.size()) return false;
  const std::uint64_t have = std::min<std::uint64_t>(sector_size_, file_.size() - begin);
  out.append(file_.data() + begin, have);
  if (real_end != nullptr) *real_end = out.size();
  out.append(sector_size_ - have, '\0');
  return true;
}

template <class F>
bool CompoundFile::walk(const std::vector<std::uint32_t>& fat, std::uint32_t start, std::uint64_t max_sectors,
                        F&& on_sector) {
  std::vector<bool> seen(fat.size());
  std::uint64_t count = 0;
  for (std::uint32_t n = start; n != kEnd && count < max_sectors; n = fat[n], ++count) {
    if (n == kFree && count > 0) break;  // some writers end a chain with a free mark
    if (n >= fat.size()) {
      if (&fat == &fat_ && n < fat_capacity_) {  // a sector the FAT knows, past the end of a cut file
        if (!on_sector(n)) return false;
        break;
      }
      return fail("một chuỗi khối trỏ ra ngoài tệp / a sector chain points outside the file (sector " +
                  std::to_string(n) + ")");
    }
    if (seen[n]) return fail("một chuỗi khối tự lặp lại / a sector chain loops back on itself");
    seen[n] = true;
    if (!on_sector(n)) return false;
  }
  return true;
}

bool CompoundFile::read_fat() {
  // The FAT's own sectors: 109 in the header, the rest in the DIFAT chain.
  std::vector<std::uint32_t> fat_sectors;
  const std::uint32_t declared = u32(0x2C);
  for (unsigned i = 0; i < 109; ++i) {
    const std::uint32_t s = u32(0x4C + 4 * i);
    if (s < sectors_) fat_sectors.push_back(s);
  }
  const std::uint32_t per_difat = sector_size_ / 4 - 1;
  std::uint32_t difat = u32(0x44);
  std::vector<bool> seen(sectors_);
  for (std::uint64_t k = 0; difat < sectors_ && k < sectors_; ++k) {
    if (seen[difat]) return fail("bảng DIFAT tự lặp lại / the DIFAT chain loops back on itself");
    seen[difat] = true;
    const std::uint64_t base = (static_cast<std::uint64_t>(difat) + 1) * sector_size_;
    for (std::uint32_t i = 0; i < per_difat; ++i) {
      const std::uint32_t s = u32(base + 4 * i);
      if (s < sectors_) fat_sectors.push_back(s);
    }
    difat = u32(base + 4ull * per_difat);
  }
  if (declared != 0 && declared < fat_sectors.size()) fat_sectors.resize(declared);
  if (fat_sectors.empty()) return fail("tệp không có bảng FAT / the file has no allocation table (FAT)");
  fat_capacity_ = fat_sectors.size() * (sector_size_ / 4);
  const std::uint64_t entries = std::min<std::uint64_t>(fat_capacity_, sectors_);
  fat_.assign(entries, kFree);
  std::string sector;
  for (std::size_t i = 0; i < fat_sectors.size() && i * (sector_size_ / 4) < entries; ++i) {
    sector.clear();
    if (!append_sector(fat_sectors[i], sector)) continue;
    for (std::uint32_t j = 0; j < sector_size_ / 4 && i * (sector_size_ / 4) + j < entries; ++j)
      std::memcpy(&fat_[i * (sector_size_ / 4) + j], sector.data() + 4 * j, 4);
  }
  return true;
}

bool CompoundFile::read_directory() {
  std::string dir;
  const bool walked = walk(fat_, u32(0x30), sectors_, [&](std::uint32_t n) {
    if (!append_sector(n, dir)) return past_end();
    return true;
  });
  if (!walked) return false;
  for (std::size_t off = 0; off + 128 <= dir.size(); off += 128) {
    const char* d = dir.data() + off;
    Entry e;
    std::uint16_t name_len = 0;
    std::memcpy(&name_len, d + 64, 2);
    for (unsigned i = 0; i + 1 < std::min<unsigned>(name_len / 2, 32); ++i) {
      char16_t c;
      std::memcpy(&c, d + 2 * i, 2);
      e.name += c;
    }
    e.type = static_cast<std::uint8_t>(d[66]);
    std::memcpy(&e.left, d + 68, 4);
    std::memcpy(&e.right, d + 72, 4);
    std::memcpy(&e.child, d + 76, 4);
    std::memcpy(&e.start, d + 116, 4);
    std::uint32_t size = 0;
    std::memcpy(&size, d + 120, 4);  // version 3 files may hold garbage in the high half
    e.size = size;
    entries_.push_back(std::move(e));
  }
  if (entries_.empty() || entries_[0].type != 5)
    return fail("thư mục của tệp không có gốc / the file's directory has no root entry");
  return true;
}

bool CompoundFile::read_mini_stream() {
  const Entry& root = entries_[0];
  Stream s;
  if (!read_chain(root.start, root.size, s)) return false;
  mini_stream_ = std::move(s.bytes);
  mini_real_ = s.real;
  std::string bytes;
  const bool walked = walk(fat_, u32(0x3C), sectors_, [&](std::uint32_t n) {
    return append_sector(n, bytes) || past_end();
  });
  if (!walked) return false;
  mini_fat_.resize(bytes.size() / 4);
  if (!mini_fat_.empty()) std::memcpy(mini_fat_.data(), bytes.data(), mini_fat_.size() * 4);
  return true;
}

bool CompoundFile::named(const Entry& e, std::string_view name) {
  if (e.type != 2 || e.name.size() != name.size()) return false;
  for (std::size_t k = 0; k < name.size(); ++k)
    if (fold(e.name[k]) != fold(static_cast<char16_t>(static_cast<unsigned char>(name[k])))) return false;
  return true;
}

int CompoundFile::find(std::string_view name) const {
  // The root's children are a tree through left and right links.
  std::vector<std::uint32_t> todo{entries_[0].child};
  std::vector<bool> seen(entries_.size());
  while (!todo.empty()) {
    const std::uint32_t i = todo.back();
    todo.pop_back();
    if (i >= entries_.size() || seen[i]) continue;
    seen[i] = true;
    todo.push_back(entries_[i].left);
    todo.push_back(entries_[i].right);
    if (named(entries_[i], name)) return static_cast<int>(i);
  }
  // Some writers leave the tree unlinked: then any stream of that name that
  // no other storage holds (each entry visited once, whatever the links).
  std::vector<bool> held(entries_.size());
  for (std::size_t s = 1; s < entries_.size(); ++s) {
    if (entries_[s].type != 1) continue;
    std::vector<std::uint32_t> down{entries_[s].child};
    while (!down.empty()) {
      const std::uint32_t i = down.back();
      down.pop_back();
      if (i >= entries_.size() || held[i]) continue;
      held[i] = true;
      down.push_back(entries_[i].left);
      down.push_back(entries_[i].right);
      down.push_back(entries_[i].child);
    }
  }
  for (std::size_t i = 1; i < entries_.size(); ++i)
    if (!seen[i] && !held[i] && named(entries_[i], name)) return static_cast<int>(i);
  return -1;
}

bool CompoundFile::read_chain(std::uint32_t start, std::uint64_t size, Stream& out) {
  const std::uint64_t want = std::min<std::uint64_t>(size, sectors_ * sector_size_);
  out.bytes.reserve(want);
  std::uint64_t real_end = 0;  // past the last byte the file has (the rest is padding)
  const bool walked = walk(fat_, start, (want + sector_size_ - 1) / sector_size_, [&](std::uint32_t n) {
    if (append_sector(n, out.bytes, &real_end)) return true;
    out.cut_short = true;
    return false;
  });
  if (!walked && !out.cut_short) return false;
  if (real_end < size) out.cut_short = true;  // a short last sector is whole when only its padding is missing
  if (out.bytes.size() > size) out.bytes.resize(size);
  out.real = std::min<std::uint64_t>(real_end, out.bytes.size());
  return true;
}

bool CompoundFile::read(int index, Stream& out) {
  out = {};
  if (index < 0 || static_cast<std::size_t>(index) >= entries_.size()) return false;
  const Entry& e = entries_[static_cast<std::size_t>(index)];
  if (e.size >= mini_cutoff_) return read_chain(e.start, e.size, out);
  // A small stream lives in the mini stream, in 64-byte sectors.
  const std::uint64_t max = (mini_stream_.size() + mini_sector_size_ - 1) / mini_sector_size_;
  const bool walked = walk(mini_fat_, e.start, (e.size + mini_sector_size_ - 1) / mini_sector_size_, [&](std::uint32_t n) {
    const std::uint64_t begin = static_cast<std::uint64_t>(n) * mini_sector_size_;
    if (n >= max || begin >= mini_stream_.size()) {
      out.cut_short = true;
      return false;
    }
    const std::uint64_t need = std::min<std::uint64_t>(mini_sector_size_, e.size - out.bytes.size());
    if (begin + need > mini_real_) out.cut_short = true;  // this part of the mini stream is padding, not the file's
    out.bytes.append(mini_stream_, begin, mini_sector_size_);
    return true;
  });
  if (!walked && !out.cut_short) return false;
  if (out.bytes.size() < e.size) out.cut_short = true;
  if (out.bytes.size() > e.size) out.bytes.resize(e.size);
  out.real = out.bytes.size();
  return true;
}

}  // namespace tonghop::xls
