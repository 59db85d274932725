// "Biểu đồ": the organisations' ratings by district as stacked columns
// (shares of each district's organisations), excellent dark green, good
// green, completed amber, not completed red; a district that has not
// reported, or gives no ratings, says so under its column. The chart alone
// is the sheet's print area, fitted to one A4 landscape page; the figures it
// draws are written under it.
#include <algorithm>

#include "book.hpp"

namespace tonghop::xlsx {

namespace {

struct Rating {
  const char* suffix;
  lxw_color_t colour;
};
constexpr Rating kRatings[] = {
    {"excellent", 0x1B5E20},      // dark green
    {"good", 0x43A047},           // green
    {"completed", 0xFFB300},      // amber
    {"not_completed", 0xC62828},  // red
};
constexpr lxw_row_t kChartRows = 42;  // rows 1-42 (20 px each) hold the chart: the page's shape
constexpr lxw_col_t kChartCols = 16;  // columns A-P (64 px each)

}  // namespace

void chart_sheet(lxw_workbook* wb, Book& b) {
  std::vector<std::pair<std::size_t, const Rating*>> series;
  for (const auto& rating : kRatings)
    for (std::size_t i = 0; i < b.columns.size(); ++i)
      if (b.columns[i]->id == std::string("orgs_rated_") + rating.suffix) series.emplace_back(i, &rating);
  if (series.empty() || b.rows.empty()) return;
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Biểu đồ");
  const char* sheet = "Biểu đồ";

  // The figures, under the chart: district (and why a column is empty), then each rating.
  const lxw_row_t head = kChartRows + 2;
  worksheet_write_string(ws, head - 1, 0, "Số liệu của biểu đồ (số tổ chức cơ sở đảng)", b.f.bold);
  worksheet_write_string(ws, head, 0, "Đảng bộ huyện", b.f.header);
  for (std::size_t s = 0; s < series.size(); ++s) {
    const std::string label = b.name(series[s].second->suffix, b.columns[series[s].first]->label);
    worksheet_write_string(ws, head, static_cast<lxw_col_t>(s + 1), label.c_str(), b.f.header);
  }
  lxw_row_t y = head + 1;
  for (const auto* row : b.rows) {
    std::string label = row->label;
    bool unknown = false;
    for (const auto& [i, rating] : series) unknown = unknown || listed(row->unknown, b.columns[i]->id);
    if (row->missing) label += " (" + Book::status(*row) + ")";
    else if (unknown) label += " (không có số liệu xếp loại)";
    worksheet_write_string(ws, y, 0, label.c_str(), b.f.label);
    for (std::size_t s = 0; s < series.size(); ++s) {
      const auto x = static_cast<lxw_col_t>(s + 1);
      const std::size_t i = series[s].first;
      const auto* v = row->missing || i >= row->values.size() ? nullptr : std::get_if<std::int64_t>(&row->values[i]);
      if (v != nullptr) worksheet_write_number(ws, y, x, static_cast<double>(*v), b.f.integer);
      else worksheet_write_blank(ws, y, x, b.f.integer);
    }
    ++y;
  }
  worksheet_set_column(ws, 0, 0, 40, nullptr);

  lxw_chart* chart = workbook_add_chart(wb, LXW_CHART_COLUMN_STACKED_PERCENT);
  lxw_chart_font font{};
  font.name = const_cast<char*>(kFont);
  font.size = 11;
  for (std::size_t s = 0; s < series.size(); ++s) {
    lxw_chart_series* cs = chart_add_series(chart, nullptr, nullptr);
    chart_series_set_categories(cs, sheet, head + 1, 0, y - 1, 0);
    chart_series_set_values(cs, sheet, head + 1, static_cast<lxw_col_t>(s + 1), y - 1, static_cast<lxw_col_t>(s + 1));
    chart_series_set_name_range(cs, sheet, head, static_cast<lxw_col_t>(s + 1));
    lxw_chart_fill fill{};
    fill.color = series[s].second->colour;
    chart_series_set_fill(cs, &fill);
  }
  chart_title_set_name(chart, "Xếp loại tổ chức cơ sở đảng theo đảng bộ huyện (tỷ lệ %)");
  lxw_chart_font title = font;
  title.size = 14;
  title.bold = LXW_TRUE;
  chart_title_set_name_font(chart, &title);
  chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
  chart_legend_set_font(chart, &font);
  chart_axis_set_num_font(chart->x_axis, &font);
  chart_axis_set_num_font(chart->y_axis, &font);
  lxw_chart_options opts{};
  opts.x_offset = 4;
  opts.y_offset = 4;
  // The chart spans A-P (column A, 40 characters, is 285 px; the others 64)
  // and rows 1-42 (20 px); the default chart is 480 x 288 px.
  opts.x_scale = (40 * 7 + 5 + 64.0 * (kChartCols - 1) - 8) / 480.0;
  opts.y_scale = (20.0 * kChartRows - 8) / 288.0;
  for (lxw_col_t c = 1; c < kChartCols; ++c) worksheet_set_column(ws, c, c, 8.43, nullptr);  // 64 px
  for (lxw_row_t r = 0; r < kChartRows; ++r) worksheet_set_row(ws, r, 15, nullptr);
  worksheet_insert_chart_opt(ws, 0, 0, chart, &opts);

  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);
  worksheet_set_margins(ws, kMarginLeft, kMarginRight, kMarginTop, kMarginBottom);
  worksheet_print_area(ws, 0, 0, kChartRows - 1, kChartCols - 1);
  worksheet_fit_to_pages(ws, 1, 1);
  worksheet_center_horizontally(ws);
  worksheet_set_footer(ws, kFooter);
}

}  // namespace tonghop::xlsx
