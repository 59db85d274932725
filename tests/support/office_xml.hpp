// Test support: the smallest .ods and Excel 2003 XML files the importers
// read, around the rows (and styles) a test gives.
#pragma once

#include <string>

#include "support/zip_writer.hpp"

namespace tonghop::test {

// content.xml of one table "T" holding `rows`, with `styles` as its automatic styles.
inline std::string content_xml(const std::string& rows, const std::string& styles = {}) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content "
         "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
         "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
         "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
         "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
         "xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\" "
         "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\"><office:automatic-styles>" +
         styles + "</office:automatic-styles><office:body><office:spreadsheet><table:table table:name=\"T\">" + rows +
         "</table:table></office:spreadsheet></office:body></office:document-content>";
}

// An .ods package of `content` (content.xml).
inline std::string ods(const std::string& content) {
  ZipWriter z;
  z.add("mimetype", "application/vnd.oasis.opendocument.spreadsheet");
  z.add("content.xml", content);
  return z.finish();
}

// An Excel 2003 XML workbook of one worksheet "T" whose table holds `rows`
// (Column and Row elements), with `styles` (Style elements) when given.
inline std::string excel_xml_sheet(const std::string& rows, const std::string& styles = {}) {
  return "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n"
         "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
         "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">" +
         (styles.empty() ? std::string() : "<Styles>" + styles + "</Styles>") + "<Worksheet ss:Name=\"T\"><Table>" +
         rows + "</Table></Worksheet></Workbook>";
}

}  // namespace tonghop::test
