// `tonghopd check` of what a cell holds that is not the figure it shows:
// formulas whose value no spreadsheet program calculated or that are
// errors, and counts that are not whole though the cell shows them so.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <xlsxwriter.h>

#include "daemon/check_support.hpp"
#include "support/process.hpp"

namespace json = boost::json;

using namespace tonghop::test::check;

// A workbook written by a program that does not calculate (openpyxl): a
// formula's value is not in the file. Where no field reads it (a notes
// column) the return is read as if it were not there; where a field reads
// it, the return is refused at that cell, never read as a blank or a 0; a
// total row of such formulas is refused, never passed unchecked. A
// formula's error ("#N/A") where the name is read was taken as the
// organisation's name; now refused at its cell.
TEST(Check, AFormulaIsRefusedOnlyWhereAFieldReadsIt) {
  tonghop::test::TempDir dir;
  ASSERT_TRUE(openpyxl_books(dir,
                             "def book(name, change):\n"
                             "    wb = openpyxl.Workbook(); ws = wb.active; ws.title = 'Biểu 01'\n"
                             "    for r in rows: ws.append([int(x) if x.isdigit() else x for x in r])\n"
                             "    change(ws); wb.save(out + '/' + name)\n"
                             "n = len(rows[0])\n"
                             "def notes(ws):\n"
                             "    ws.cell(row=1, column=n + 1, value='Ghi chú')\n"
                             "    ws.cell(row=3, column=n + 1, value='=1+1')\n"
                             "book('notes.xlsx', notes)\n"
                             "book('count.xlsx', lambda ws: ws.cell(row=3, column=11, value='=100+5'))\n"
                             "book('name.xlsx', lambda ws: ws.cell(row=3, column=2, value='#N/A'))\n"
                             "def total(ws):\n"
                             "    last = len(rows)\n"
                             "    ws.append(['Phong Thổ', 'Tổng cộng', ''] + ['=SUM(%s2:%s%d)' % (openpyxl.utils.get_column_letter(c), "
                             "openpyxl.utils.get_column_letter(c), last) for c in range(4, 26)])\n"
                             "book('total.xlsx', total)\n"
                             "counts = [c for c in range(4, n + 1) if all(r[c - 1].isdigit() for r in rows[1:])]\n"
                             "def sums(all_formulas):\n"
                             "    def change(ws):\n"
                             "        row = [''] * n\n"
                             "        for c in counts:\n"
                             "            L = openpyxl.utils.get_column_letter(c)\n"
                             "            typed = sum(int(r[c - 1]) for r in rows[1:])\n"
                             "            row[c - 1] = '=SUM(%s2:%s%d)' % (L, L, len(rows)) if all_formulas or c == counts[-1] else typed\n"
                             "        ws.append(row)\n"
                             "    return change\n"
                             "book('sums-last.xlsx', sums(False))\n"
                             "book('sums-all.xlsx', sums(True))\n"));
  const auto read = [&](const std::string& name) {
    const auto r = check_phong_tho((dir.path() / name).string());
    return std::make_pair(r.exit_code, json::parse(r.output).as_object());
  };
  // The notes column's formula: read as the CSV reads, every figure.
  const auto [notes_exit, notes] = read("notes.xlsx");
  ASSERT_EQ(notes_exit, 0) << json::serialize(notes.at("errors"));
  const auto csv = check_phong_tho(data + "2018/phong-tho.csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  const auto from_csv = json::parse(csv.output).as_object();
  ASSERT_EQ(notes.at("records").as_array().size(), 34u);
  EXPECT_EQ(notes.at("records"), from_csv.at("records"));
  // A count's formula: refused at K3, members_total.
  for (const auto& [name, code, column, field, value] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string, std::string>>{
           {"count.xlsx", "formula_without_value", "K", "members_total", ""},
           {"name.xlsx", "formula_error", "B", "org_name", "#N/A"}}) {
    const auto [exit, o] = read(name);
    EXPECT_EQ(exit, 1) << name;
    ASSERT_EQ(o.at("errors").as_array().size(), 1u) << name << ": " << json::serialize(o.at("errors"));
    const auto& e = o.at("errors").at(0).as_object();
    EXPECT_EQ(e.at("code"), code.c_str()) << name;
    EXPECT_EQ(e.at("row").as_int64(), 3) << name;
    EXPECT_EQ(e.at("column"), column.c_str()) << name;
    EXPECT_EQ(e.at("field"), field.c_str()) << name;
    if (!value.empty()) {
      EXPECT_EQ(e.at("value"), value.c_str()) << name;
    }
    EXPECT_NE(std::string(e.at("message").as_string()).find(code == "formula_error" ? "có công thức bị lỗi «#N/A»"
                                                                                   : "tệp không lưu kết quả do chương trình bảng tính tính ra"),
              std::string::npos)
        << e.at("message");
  }
  // A CSV saved by Excel or LibreOffice writes a formula's error as its
  // text ("#N/A", "Err:502"), a space before it or not: refused too.
  for (const std::string shown : {"#N/A", " #N/A", "Err:502", "#BLOCKED!"}) {
    std::string text = tonghop::test::read_file(data + "2018/phong-tho.csv");
    const auto at = text.find("Đảng bộ xã Dào San");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, std::string("Đảng bộ xã Dào San").size(), shown);
    tonghop::test::write_file(dir.path() / "name.csv", text);
    const auto [exit, o] = read("name.csv");
    EXPECT_EQ(exit, 1) << shown;
    ASSERT_EQ(o.at("errors").as_array().size(), 1u) << shown << ": " << json::serialize(o.at("errors"));
    EXPECT_EQ(o.at("errors").at(0).at("code"), "formula_error") << shown;
    EXPECT_EQ(o.at("errors").at(0).at("row").as_int64(), 3);
    EXPECT_EQ(o.at("errors").at(0).at("field"), "org_name");
  }
  // A total row without its label ("Tổng cộng"): one of its sums a formula
  // not computed, or all of them. Refused at those cells; it was taken as a
  // total with that cell passed over, or the clerk asked for a name.
  for (const auto& [name, all] : std::vector<std::pair<std::string, bool>>{{"sums-last.xlsx", false},
                                                                           {"sums-all.xlsx", true}}) {
    const auto [exit, o] = read(name);
    EXPECT_EQ(exit, 1) << name;
    ASSERT_FALSE(o.at("errors").as_array().empty()) << name;
    if (!all) {
      EXPECT_EQ(o.at("errors").as_array().size(), 1u) << name << ": " << json::serialize(o.at("errors"));
    }
    for (const auto& e : o.at("errors").as_array()) {
      EXPECT_EQ(e.at("code"), "formula_without_value") << name << ": " << json::serialize(e);
      EXPECT_EQ(e.at("row").as_int64(), 36) << json::serialize(e);
    }
  }
  // The total row's formulas: not one total checked, so refused, at its row.
  const auto [total_exit, total] = read("total.xlsx");
  EXPECT_EQ(total_exit, 1);
  ASSERT_FALSE(total.at("errors").as_array().empty());
  for (const auto& e : total.at("errors").as_array()) {
    EXPECT_EQ(e.at("code"), "formula_without_value") << json::serialize(e);
    EXPECT_EQ(e.at("row").as_int64(), 36) << json::serialize(e);
  }
}

// A workbook written by libxlsxwriter, as a district's own program writes
// one: it asks to be calculated when opened (fullCalcOnLoad), and a
// formula's value in it is what the program put there, 0 unless told the
// result. Dào San's members (K3, =100+62) were read as 0. Now every formula
// a field reads is refused at its cell, the told result (L3) too: nothing
// tells a told result from a wrong one, and LibreOffice keeps either as it
// is when it saves, so the advice asks for a full recalculation. A formula
// no field reads (notes) is left alone, and without formulas the same
// writer's return reads as the CSV does. A text the writer gave as a
// formula's (the header of M) is kept: refused, its column was left out;
// one that reads as a figure (K4, "999", as XlsxWriter gives a result
// told as a string) is not.
TEST(Check, AFormulaOfAWorkbookToBeCalculatedOnOpeningIsRefusedWhereAFieldReadsIt) {
  tonghop::test::TempDir dir;
  std::ifstream in(data + "2018/phong-tho.csv");
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (rows.empty() && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    auto& row = rows.emplace_back();
    for (std::size_t at = 0;;) {
      const std::size_t semi = line.find(';', at);
      row.push_back(line.substr(at, semi == std::string::npos ? std::string::npos : semi - at));
      if (semi == std::string::npos) break;
      at = semi + 1;
    }
  }
  ASSERT_EQ(rows.size(), 35u);
  const auto write = [&](const std::string& name, bool formulas) {
    lxw_workbook* wb = workbook_new((dir.path() / name).c_str());
    lxw_worksheet* ws = workbook_add_worksheet(wb, "Biểu 01");
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (std::size_t c = 0; c < rows[r].size(); ++c) {
        const std::string& v = rows[r][c];
        const bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
        if (digits && r > 0) worksheet_write_number(ws, r, c, std::stod(v), nullptr);
        else worksheet_write_string(ws, r, c, v.c_str(), nullptr);
      }
    // M1 written as a formula of its text, as libxlsxwriter gives one (t="str"): the header is read.
    worksheet_write_formula_str(ws, 0, 12, "=\"Dang vien nu\"", nullptr, "Dang vien nu");
    worksheet_write_string(ws, 0, rows[0].size(), "Ghi chú", nullptr);
    worksheet_write_formula(ws, 2, rows[0].size(), "=1+1", nullptr);  // notes: no field reads it
    if (formulas) {
      ASSERT_EQ(rows[2][10], "162");
      worksheet_write_formula(ws, 2, 10, "=100+62", nullptr);  // K3, cached 0
      worksheet_write_formula_num(ws, 2, 11, "=10+2", nullptr, std::stod(rows[2][11]));  // L3, told its result
      worksheet_write_formula_str(ws, 3, 10, "=\"999\"", nullptr, "999");  // K4, a text that reads as a figure
    }
    ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  };
  write("plain.xlsx", false);
  write("formulas.xlsx", true);
  const auto csv = check_phong_tho(data + "2018/phong-tho.csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  const auto plain = check_phong_tho((dir.path() / "plain.xlsx").string());
  ASSERT_EQ(plain.exit_code, 0) << plain.output.substr(0, 2000);
  EXPECT_EQ(json::parse(plain.output).at("records"), json::parse(csv.output).at("records"));
  const auto r = check_phong_tho((dir.path() / "formulas.xlsx").string());
  ASSERT_EQ(r.exit_code, 1) << r.output.substr(0, 2000);
  const auto o = json::parse(r.output);
  const auto& errors = o.at("errors").as_array();
  ASSERT_EQ(errors.size(), 3u) << json::serialize(errors);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(errors[i].at("code"), "formula_without_value");
    EXPECT_EQ(errors[i].at("row").as_int64(), i < 2 ? 3 : 4);
    EXPECT_EQ(errors[i].at("column"), i == 1 ? "L" : "K");
    EXPECT_EQ(errors[i].at("field"), i == 1 ? "members_probationary" : "members_total");
  }
  EXPECT_NE(std::string(errors[0].at("message").as_string())
                .find("tệp không lưu kết quả do chương trình bảng tính tính ra (tệp do một chương trình không tính "
                      "công thức tạo ra, hoặc tệp yêu cầu tính lại khi mở); hãy mở tệp bằng Excel hoặc LibreOffice, "
                      "cho tính lại toàn bộ (Excel: Ctrl+Alt+F9; LibreOffice: Ctrl+Shift+F9)"),
            std::string::npos)
      << errors[0].at("message");
}

// Phong Thổ's return as a district's own program writes it with Apache
// POI's HSSF, or NPOI (tests/data/office/make-files): a formula POI did not
// calculate holds 0. Dào San's converted (T3, =2+3) has no rule that would
// catch a 0, and was read as 0; its members (K3, =100+62) were read as 0 and
// refused as smaller than its parts, at the wrong cells. Now each is refused
// at its own cell, and so is O3, which POI's evaluator did calculate to 0:
// nothing in the file tells that 0 from the others (the price,
// docs/normalisation.md); L3, calculated to 12, is read. The same workbook
// marked to be calculated when opened (a sheet's UNCALCED, a workbook's
// RECALCID of engine 0) has none of its formulas' figures read, K4's text
// "214" neither; the header M1 written as a formula is. LibreOffice,
// opening it, calculates them; saved as .xlsx, as the refusal advises, it
// reads as the CSV does.
TEST(Check, AFormulaPoiOrNpoiDidNotCalculateIsRefusedAtItsCell) {
  const std::string office = TONGHOP_SOURCE_DIR "/tests/data/office/";
  const auto refused_at = [&](const std::string& file) {
    const auto r = check_phong_tho(office + file);
    EXPECT_EQ(r.exit_code, 1) << file << ": " << r.output.substr(0, 2000);
    std::vector<std::string> at;
    const auto o = json::parse(r.output);
    for (const auto& e : o.at("errors").as_array()) {
      EXPECT_EQ(e.at("code"), "formula_without_value") << file << ": " << json::serialize(e);
      at.push_back(std::string(e.at("column").as_string()) + std::to_string(e.at("row").as_int64()));
    }
    return at;
  };
  EXPECT_EQ(refused_at("poi.xls"), (std::vector<std::string>{"K3", "O3", "T3"}));
  EXPECT_EQ(refused_at("poi-sheet-recalc.xls"), (std::vector<std::string>{"K3", "L3", "O3", "T3", "K4"}));
  EXPECT_EQ(refused_at("poi-book-recalc.xls"), (std::vector<std::string>{"K3", "L3", "O3", "T3", "K4"}));
  const auto csv = check_phong_tho(data + "2018/phong-tho.csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  // LibreOffice, recalculating it and saving it as .xls, writes 0 for K4's
  // ="214": refused there, not read as 0 members.
  EXPECT_EQ(refused_at("poi-libreoffice.xls"), (std::vector<std::string>{"K4"}));
  // As the refusal advises: recalculated and saved as .xlsx, the text kept.
  const auto advised = check_phong_tho(office + "poi-libreoffice.xlsx");
  ASSERT_EQ(advised.exit_code, 0) << advised.output.substr(0, 2000);
  EXPECT_EQ(json::parse(advised.output).at("records"), json::parse(csv.output).at("records"));
}

// A count that is not whole in a spreadsheet's number cell, shown rounded
// by its format ("0" shows Dào San's 161.6 as 162: LibreOffice, saving the
// sheet as shown, writes "162"): the refusal says what the cell holds,
// with the decimal comma, and why the clerk may not see it. A CSV's
// "161.6" keeps the plain words: what the file shows is what it holds.
TEST(Check, AFractionShownRoundedIsToldAsTheCellHoldsIt) {
  tonghop::test::TempDir dir;
  ASSERT_TRUE(openpyxl_books(dir,
                             "wb = openpyxl.Workbook(); ws = wb.active; ws.title = 'Biểu 01'\n"
                             "for r in rows: ws.append([int(x) if x.isdigit() else x for x in r])\n"
                             "ws['K3'] = 161.6; ws['K3'].number_format = '0'\n"
                             "wb.save(out + '/rounded.xlsx')\n"
                             "with open(out + '/rounded.csv', 'w', encoding='utf-8') as f:\n"
                             "    rows[2][10] = '161.6'\n"
                             "    f.write('\\n'.join(';'.join(r) for r in rows) + '\\n')\n"));
  const auto errors_of = [](const tonghop::test::RunResult& r) {
    EXPECT_EQ(r.exit_code, 1) << r.output.substr(0, 2000);
    const auto o = json::parse(r.output);
    return o.at("errors").as_array();
  };
  const auto book = errors_of(check_phong_tho((dir.path() / "rounded.xlsx").string()));
  ASSERT_EQ(book.size(), 1u) << json::serialize(book);
  EXPECT_EQ(book[0].at("code"), "not_whole");
  EXPECT_EQ(book[0].at("column"), "K");
  EXPECT_EQ(book[0].at("message"),
            "Ô Biểu 01!K3 (Tổng số đảng viên) chứa số 161,6, không phải số nguyên (ô có thể hiện số đã làm tròn); hãy "
            "ghi số nguyên / Biểu 01!K3 (members_total) holds 161.6, not a whole number (the cell may show it "
            "rounded); write a whole number");
  const auto csv = errors_of(check_phong_tho((dir.path() / "rounded.csv").string()));
  ASSERT_EQ(csv.size(), 1u) << json::serialize(csv);
  EXPECT_EQ(csv[0].at("code"), "not_whole");
  EXPECT_NE(std::string(csv[0].at("message").as_string()).find("Số liệu «161.6» ở ô K3 (Tổng số đảng viên) phải là số nguyên"), std::string::npos)
      << csv[0].at("message");
  // A JSON number has no cell and no format: the plain words too.
  std::string tam_duong = tonghop::test::read_file(data + "2018/tam-duong.json");
  const std::size_t at = tam_duong.find("\"tong_so\": 166,");
  ASSERT_NE(at, std::string::npos);
  tam_duong.replace(at, 15, "\"tong_so\": 166.5,");
  tonghop::test::write_file(dir.path() / "tam-duong.json", tam_duong);
  const auto tree = check({(dir.path() / "tam-duong.json").string(), "--district", "Tam Đường", "--period", "2018",
                           "--format", "json"});
  const auto from_tree = errors_of(tree);
  ASSERT_EQ(from_tree.size(), 1u) << json::serialize(from_tree);
  EXPECT_EQ(from_tree[0].at("code"), "not_whole");
  EXPECT_NE(std::string(from_tree[0].at("message").as_string()).find("Số liệu «166.5»"), std::string::npos)
      << from_tree[0].at("message");
}

