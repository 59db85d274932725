#include "normalise/hidden_rows.hpp"

#include <fmt/format.h>

#include "normalise/text.hpp"

namespace tonghop::normalise::detail {

std::optional<Issue> hidden_rows_warning(const RecordSet& records, const std::string& sheet,
                                         const std::set<std::uint32_t>& hidden) {
  if (hidden.empty()) return std::nullopt;
  std::size_t n = 0;
  std::uint32_t first = 0;
  std::string rows;  // the first few, as the clerk finds them
  CompactRecord r;
  for (std::size_t i = 0; i < records.size(); ++i) {
    records.get(i, r);
    if (hidden.count(r.where) == 0) continue;
    if (n == 0) first = r.where;
    if (n < 10) rows += (n == 0 ? "" : ", ") + std::to_string(r.where);
    else if (n == 10) rows += ", …";
    ++n;
  }
  if (n == 0) return std::nullopt;
  return Issue{"hidden_rows",
               bilingual(fmt::format("{} tổ chức ở dòng đang bị ẩn trong trang «{}» (dòng {}): vẫn được đọc và tính vào "
                                     "số liệu như hàm SUM tính; nếu đó là tổ chức không còn, hãy xoá dòng thay vì ẩn rồi "
                                     "gửi lại",
                                     n, sheet, rows),
                         fmt::format("{} organisation(s) on rows hidden in sheet '{}' (rows {}): read and counted all the "
                                     "same, as SUM counts them; if they no longer exist, delete the rows rather than hide "
                                     "them, and send the file again",
                                     n, sheet, rows)),
               "", "", Place{sheet, first, 0, {}}};
}

}  // namespace tonghop::normalise::detail
