// One XML part of a zip container (an xlsx's sheet, an ods's content.xml)
// read token by token, with a part that cannot be read turned into the
// refusal that names it: one copy for the xlsx and the ods importers.
#pragma once

#include <string>
#include <string_view>

#include <tonghop/sdk.hpp>

#include "xml_reader.hpp"
#include "zip_guard.hpp"

namespace tonghop::zipxml {

// Calls on_token(token, reader) for every token of the part. A part whose
// XML is damaged, or that passes a limit, is the status returned: in
// Vietnamese then English, naming the part ("phần 'xl/worksheets/sheet1.xml'
// của <vi_noun>" / "the <en_noun> part '…'"), its offset, and `advice_vi`
// (what the clerk can do), with limit_exceeded when a limit stopped it.
// Before each token, take(reader) may read the bytes ahead itself
// (XmlReader::ahead and consume) and say true; false leaves them to next().
template <class T, class F>
sdk::Status read_part(std::string_view zip, const ZipEntry& e, const sdk::Limits& limits, std::string_view vi_noun,
                      std::string_view en_noun, std::string_view advice_vi, T&& take, F&& on_token) {
  EntryStream stream(zip, e);
  XmlReader xml(stream, static_cast<std::size_t>(limits.max_field_bytes));
  while (true) {
    if (take(xml)) continue;
    const auto t = xml.next();
    if (t == XmlReader::Token::eof) return {};
    if (t == XmlReader::Token::error) {
      sdk::Location where;
      where.offset = xml.offset();
      const bool limit = xml.error().find("limit") != std::string::npos;
      return {limit ? sdk::Code::limit_exceeded : sdk::Code::invalid_input,
              "không đọc được phần '" + e.name + "' của " + std::string(vi_noun) + ": " + xml.error_vi() +
                  std::string(advice_vi) + " / the " + std::string(en_noun) + " part '" + e.name +
                  "' cannot be read: " + xml.error(),
              std::move(where)};
    }
    on_token(t, xml);
  }
}

template <class F>
sdk::Status read_part(std::string_view zip, const ZipEntry& e, const sdk::Limits& limits, std::string_view vi_noun,
                      std::string_view en_noun, std::string_view advice_vi, F&& on_token) {
  return read_part(zip, e, limits, vi_noun, en_noun, advice_vi, [](XmlReader&) { return false; }, on_token);
}

}  // namespace tonghop::zipxml
