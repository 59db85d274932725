#include "support/zip_writer.hpp"

#include <zlib.h>

namespace tonghop::test {

namespace {
void put16(std::string& s, std::uint32_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}
std::string deflate_all(const std::string& in) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
}  // namespace

void ZipWriter::add(const std::string& name, const std::string& content) {
  const auto crc = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(content.data()), static_cast<uInt>(content.size())));
  entries_.push_back({name, deflate_all(content), crc, content.size()});
}

void ZipWriter::add_raw(const std::string& name, const std::string& deflated, std::uint32_t crc,
                        std::uint64_t declared_size) {
  entries_.push_back({name, deflated, crc, declared_size});
}

std::string ZipWriter::finish() const {
  std::string out, central;
  for (const auto& e : entries_) {
    const auto offset = static_cast<std::uint32_t>(out.size());
    auto header = [&](std::string& s, bool is_central) {
      put32(s, is_central ? 0x02014b50 : 0x04034b50);
      if (is_central) put16(s, 20);
      put16(s, 20);
      put16(s, 0);
      put16(s, 8);
      put16(s, 0);
      put16(s, 0x21);
      put32(s, e.crc);
      put32(s, static_cast<std::uint32_t>(e.data.size()));
      put32(s, static_cast<std::uint32_t>(e.size));
      put16(s, static_cast<std::uint32_t>(e.name.size()));
      put16(s, 0);
      if (is_central) {
        put16(s, 0);
        put16(s, 0);
        put16(s, 0);
        put32(s, 0);
        put32(s, offset);
      }
      s += e.name;
    };
    header(out, false);
    out += e.data;
    header(central, true);
  }
  const auto dir = static_cast<std::uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(entries_.size()));
  put16(out, static_cast<std::uint32_t>(entries_.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, dir);
  put16(out, 0);
  return out;
}

ZipWriter xlsx_package() {
  ZipWriter z;
  z.add("[Content_Types].xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>");
  z.add("_rels/.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
        "Target=\"xl/workbook.xml\"/></Relationships>");
  return z;
}

std::string minimal_xlsx(const std::string& sheet_data, const std::string& shared_strings,
                         const std::string& merge_cells, const std::string& styles) {
  ZipWriter z = xlsx_package();
  z.add("xl/workbook.xml",
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
        "<sheet name=\"Biểu 01\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
  std::string rels =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
      "Target=\"worksheets/sheet1.xml\"/>";
  if (!shared_strings.empty())
    rels += "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
            "Target=\"sharedStrings.xml\"/>";
  rels += "</Relationships>";
  z.add("xl/_rels/workbook.xml.rels", rels);
  if (!shared_strings.empty()) z.add("xl/sharedStrings.xml", shared_strings);
  if (!styles.empty()) z.add("xl/styles.xml", styles);
  z.add("xl/worksheets/sheet1.xml",
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" + sheet_data +
            "</sheetData>" + merge_cells + "</worksheet>");
  return z.finish();
}

Bomb make_bomb(const std::string& prefix, const std::string& chunk, std::uint64_t times, const std::string& suffix) {
  Bomb b;
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  std::string buf(1 << 22, '\0');
  auto run = [&](const std::string& in, int flush) {
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf.data());
      z.avail_out = static_cast<uInt>(buf.size());
      deflate(&z, flush);
      out.append(buf.data(), buf.size() - z.avail_out);
    } while (z.avail_out == 0);
    return out;
  };
  b.deflated = run(prefix, Z_FULL_FLUSH);
  std::string first = run(chunk, Z_FULL_FLUSH);
  std::string again = run(chunk, Z_FULL_FLUSH);  // from here on, each chunk compresses to these bytes
  b.deflated += first;
  for (std::uint64_t i = 1; i < times; ++i) b.deflated += again;
  b.deflated += run(suffix, Z_FINISH);
  deflateEnd(&z);
  const auto crc_of = [](const std::string& s) {
    return crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size()));
  };
  uLong crc = crc_of(prefix);
  const uLong chunk_crc = crc_of(chunk);
  for (std::uint64_t i = 0; i < times; ++i) crc = crc32_combine(crc, chunk_crc, static_cast<z_off_t>(chunk.size()));
  crc = crc32_combine(crc, crc_of(suffix), static_cast<z_off_t>(suffix.size()));
  b.crc = static_cast<std::uint32_t>(crc);
  b.size = prefix.size() + chunk.size() * times + suffix.size();
  return b;
}

}  // namespace tonghop::test
