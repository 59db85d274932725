#include "normalise/record_stream.hpp"

#include <algorithm>
#include <charconv>

namespace tonghop::normalise {

namespace {

// The length of the valid UTF-8 sequence at the front of `s`, 0 when there is none.
std::size_t utf8_sequence(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  std::size_t n;
  std::uint32_t min;
  if (b0 < 0xC2) return 0;  // a continuation byte or an overlong form
  if (b0 < 0xE0) n = 2, min = 0x80;
  else if (b0 < 0xF0) n = 3, min = 0x800;
  else if (b0 < 0xF5) n = 4, min = 0x10000;
  else return 0;
  if (s.size() < n) return 0;
  std::uint32_t cp = b0 & (0x3F >> (n - 1));
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    // The run of plain ASCII, copied whole.
    std::size_t j = i;
    while (j < s.size()) {
      const auto c = static_cast<unsigned char>(s[j]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++j;
    }
    out.append(s.data() + i, j - i);
    i = j;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(s.substr(i));
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    out += '\\';
    switch (c) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '\n': out += 'n'; break;
      case '\r': out += 'r'; break;
      case '\t': out += 't'; break;
      case '\b': out += 'b'; break;
      case '\f': out += 'f'; break;
      default:
        out += "u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    ++i;
  }
  out += '"';
}

RecordJsonWriter::RecordJsonWriter(const RecordSet& set, const Catalogue& catalogue) : set_(set) {
  head_ = "{\"district\":";
  append_json_string(head_, set.district);
  head_ += ",\"period\":";
  append_json_string(head_, set.period);
  head_ += ",\"org_name\":";
  const Layout& l = set.layout();
  for (const auto& f : catalogue.fields) {
    if (!f.is_count) continue;
    for (std::size_t k = 0; k < l.fields.size(); ++k)
      if (l.fields[k] == f.id && k < l.is_count.size() && l.is_count[k]) {
        std::string key = ",";
        append_json_string(key, f.id);
        key += ':';
        counts_.emplace_back(static_cast<std::uint32_t>(k), std::move(key));
        break;
      }
  }
  value_.resize(l.fields.size());
  has_.resize(l.fields.size());
}

void RecordJsonWriter::append(std::size_t i, std::string& out) {
  set_.get(i, record_);
  out += head_;
  append_json_string(out, record_.org_name);
  out += ",\"org_kind\":";
  append_json_string(out, record_.org_kind);
  out += ",\"org_sector\":";
  append_json_string(out, record_.org_sector);
  if (!record_.org_rating.empty()) {
    out += ",\"org_rating\":";
    append_json_string(out, record_.org_rating);
  }
  for (const auto& [field, value] : record_.values)
    if (field < value_.size()) {
      value_[field] = value;
      has_[field] = 1;
    }
  char number[24];
  for (const auto& [field, key] : counts_) {
    if (!has_[field]) continue;
    out += key;
    const auto end = std::to_chars(number, number + sizeof number, value_[field]).ptr;
    out.append(number, static_cast<std::size_t>(end - number));
  }
  for (const auto& [field, value] : record_.values)
    if (field < has_.size()) has_[field] = 0;
  out += '}';
}

std::size_t write_records_json(const RecordSet& set, const Catalogue& catalogue,
                               const std::function<void(std::string_view)>& write, std::size_t limit,
                               std::size_t chunk) {
  RecordJsonWriter writer(set, catalogue);
  std::string buffer;
  buffer.reserve(chunk + 4096);
  buffer += '[';
  const std::size_t n = std::min(limit, set.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) buffer += ',';
    writer.append(i, buffer);
    if (buffer.size() >= chunk) {
      write(buffer);
      buffer.clear();
    }
  }
  buffer += ']';
  write(buffer);
  return n;
}

}  // namespace tonghop::normalise
