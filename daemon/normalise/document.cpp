// The document reader: the sink an importer writes into. A sheet's first
// rows are kept until its header is found; a large sheet is then read as a
// stream, its rows handed to a worker thread; a tree goes to the tree reader.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>

#include "normalise/batch_pipe.hpp"
#include "normalise/sheets.hpp"
#include "normalise/normaliser.hpp"
#include "normalise/table.hpp"
#include "normalise/text.hpp"
#include "normalise/tree.hpp"
#include "normalise/unmapped.hpp"

namespace tonghop::normalise {

namespace {

using namespace detail;

class DocumentReader final : public Reader {
 public:
  DocumentReader(const Catalogue& cat, const Registry& registry, Submission sub, const Policy& policy,
                 const Profile* profile, FirstPass known)
      : cat_(cat),
        registry_(registry),
        sub_(std::move(sub)),
        policy_(policy),
        profile_(profile),
        known_(std::move(known)) {}
  ~DocumentReader() override { stop_worker(); }  // an importer that stopped half-way

  sdk::Status property(std::string_view key, std::string_view value) override {
    // A sheet the spreadsheet program does not show (SDK, document.hpp).
    if (key == "hidden_sheet" && hidden_.size() < 4096) hidden_.emplace(value);
    // Rows and columns not shown, said inside the sheet (SDK, document.hpp).
    if (in_sheet_ && !skip_) {
      if (key == "hidden_row") hidden_here_.add_row(value);
      else if (key == "hidden_column") hidden_here_.add_columns(value);
      else if (key == "struck_cell") HiddenCells::add_place(hidden_here_.struck, value, read_columns_);
      else if (key == "unseen_cell") HiddenCells::add_place(hidden_here_.values, value, read_columns_);
    }
    return {};
  }

  sdk::Status begin_sheet(std::string_view name) override {
    end_current();
    ++sheet_index_;
    head_ = std::make_unique<sdk::Sheet>();
    head_->name = std::string(name);
    hidden_here_.clear();
    if (static_cast<std::size_t>(sheet_index_) < known_.merges.size()) head_->merges = known_.merges[sheet_index_];
    skip_ = profile_ != nullptr && !profile_->sheet.empty() && fold(name) != fold(profile_->sheet);
    streaming_ = false;
    read_columns_.clear();
    rows_in_head_ = 0;
    last_row_ = 0;
    in_sheet_ = true;
    rows_to_table_ = false;
    return {};
  }

  sdk::Status cell(const sdk::CellView& c) override {
    // Most cells of a large sheet: the next of the row being streamed.
    if (c.row == last_row_ && rows_to_table_ && c.column <= kMaxColumns) {
      push(c, false);
      return {};
    }
    return other_cell(c);
  }
  // A run of cells (SDK ABI 3): as cell() for each, without a call each,
  // and a streamed row's next cells pushed in one loop (push_row).
  sdk::Status cells(const sdk::CellView* first, std::size_t count) override {
    const sdk::CellView* const end = first + count;
    for (const sdk::CellView* c = first; c != end;) {
      if (c->row == last_row_ && rows_to_table_ && c->column <= kMaxColumns) [[likely]] {
        c = push_row(c, end);
        continue;
      }
      if (auto s = other_cell(*c); !s.ok()) return s;
      ++c;
    }
    return {};
  }

 private:
  // push(c, false) for `c` and the cells after it up to `end` that go on the
  // row being streamed (as cell() takes them), the batch and the row's order
  // looked up once: the first cell that does not.
  [[gnu::noinline]] const sdk::CellView* push_row(const sdk::CellView* c, const sdk::CellView* end) {
    Batch& b = pipe_.current();
    if (b.cells.empty()) [[unlikely]] {  // not a row's next cell after all: as cell() takes it
      push(*c, false);
      return c + 1;
    }
    const std::uint32_t row = last_row_;
    const sdk::CellView* row_end = c;
    while (row_end != end && row_end->row == row && row_end->column <= kMaxColumns) ++row_end;
    // Their places made at once (push_back, out of line, was a third of
    // the cost of a cell).
    const std::size_t at = b.cells.size();
    b.cells.resize(at + static_cast<std::size_t>(row_end - c));
    CellRef* kept = b.cells.data() + at;
    // The row's first cell is in this batch (end_row hands a batch over
    // only before a row starts): the column it ends at so far.
    std::uint32_t last_column = kept[-1].column;
    bool ordered = true;
    for (; c != row_end; ++c, ++kept) {
      if (!c->number_format.empty()) [[unlikely]]
        see_format(*c);
      if (c->column <= last_column) ordered = false;  // the worker sorts it
      last_column = c->column;
      Legacy legacy = Legacy::none;
      if (c->type == sdk::CellType::text && !c->text.empty()) {
        if (c->font.size() != font_.size() || c->font != font_) [[unlikely]]
          new_font(c->font);
        legacy = !vn_font_ ? Legacy::judge : vn_capitals_ ? Legacy::vn_capitals : Legacy::vn_font;
      }
      kept->column = c->column;
      kept->text = b.keep(c->text);
      kept->is_number = c->type == sdk::CellType::number;
      kept->is_error = c->type == sdk::CellType::error;
      kept->legacy = static_cast<std::uint8_t>(legacy);
      if (kept->is_number) kept->number = c->number;
      else kept->digits = !c->text.empty() && c->text.size() <= 15 ? plain_digits(c->text) : -1;
    }
    if (!ordered) b.rows.back().ordered = false;
    return c;
  }

  // A cell of a streamed row to the batch the worker is given next.
  void push(const sdk::CellView& c, bool starts_row) {
    if (!c.number_format.empty()) [[unlikely]]
      see_format(c);
    Batch& b = pipe_.current();
    if (starts_row) b.rows.push_back({c.row, b.cells.size(), true});
    else if (!b.cells.empty() && c.column <= b.cells.back().column) b.rows.back().ordered = false;  // the worker sorts it
    // Whether a text is TCVN3 is judged later (decode_legacy), on the less
    // busy of the two threads.
    Legacy legacy = Legacy::none;
    if (c.type == sdk::CellType::text && !c.text.empty()) {
      if (c.font.size() != font_.size() || c.font != font_) [[unlikely]]
        new_font(c.font);
      legacy = !vn_font_ ? Legacy::judge : vn_capitals_ ? Legacy::vn_capitals : Legacy::vn_font;
    }
    CellRef kept;
    kept.column = c.column;
    kept.text = b.keep(c.text);
    kept.is_number = c.type == sdk::CellType::number;
    kept.is_error = c.type == sdk::CellType::error;
    kept.legacy = static_cast<std::uint8_t>(legacy);
    // A text of plain digits (most of a return's cells) read into its count
    // here, as parse_count reads it, while its bytes are at hand: the
    // worker, the longer of the two threads, does not.
    if (kept.is_number) kept.number = c.number;
    else if (!kept.text.empty() && kept.text.size() <= 15) kept.digits = plain_digits(kept.text);
    b.cells.push_back(kept);
  }
  // The count a text of 1-15 plain digits gives, or -1.
  static std::int64_t plain_digits(std::string_view t) {
    std::int64_t v = 0;
    for (const char ch : t) {
      const unsigned digit = static_cast<unsigned char>(ch) - static_cast<unsigned>('0');
      if (digit > 9) return -1;
      v = v * 10 + digit;
    }
    return v;
  }
  // A cell whose number format shows nothing (";;;"): its place noted, to
  // be said if a value is read from it. The last format's judgement is
  // kept: a sheet's cells share a few.
  [[gnu::noinline]] void see_format(const sdk::CellView& c) {
    // Past the sheet's first rows, only the columns a field is read from:
    // a million hidden notes beside the table never crowd out a figure.
    if (!read_columns_.empty() && (c.column >= read_columns_.size() || !read_columns_[c.column])) return;
    if (c.number_format != format_) {
      format_ = std::string(c.number_format);
      format_sight_ = format_sight(format_);
    }
    if (format_sight_.any() && format_sight_.hides(c)) hidden_here_.values.add(c.row, c.column);
  }
  [[gnu::noinline]] void new_font(std::string_view font) {
    font_ = std::string(font);
    vn_font_ = is_vn_font(font);
    vn_capitals_ = vn_font_ && (font_.back() == 'H' || font_.back() == 'h');
  }

  // Any other cell: of the sheet's first rows, one that starts a row, one
  // past the columns any sheet has, or one not read.
  [[gnu::noinline]] sdk::Status other_cell(const sdk::CellView& c) {
    if (!in_sheet_ || skip_) return {};
    if (c.column > kMaxColumns) {
      // A text file (CSV) has no sheet: its line alone is named.
      const bool named = !head_->name.empty();
      const std::string sheet_vi = named ? fmt::format(" của trang «{}»", quotable(head_->name)) : std::string();
      const std::string sheet_en = named ? fmt::format(" of sheet '{}'", quotable(head_->name)) : std::string();
      return {sdk::Code::limit_exceeded,
              fmt::format("{} {}{} có hơn {} cột, nhiều hơn mọi bảng tính; đây không phải một báo cáo / {} {}{} has more "
                          "than {} columns, more than any spreadsheet holds",
                          named ? "hàng" : "dòng", c.row, sheet_vi, kMaxColumns, named ? "row" : "line", c.row, sheet_en,
                          kMaxColumns)};
    }
    const bool new_row = c.row != last_row_;
    if (!streaming_) {
      if (new_row) {
        if (head_->cells.size() >= kHeadCells && rows_in_head_ > 60) {
          start_streaming();
        } else {
          ++rows_in_head_;
          last_row_ = c.row;
        }
      }
      if (!streaming_) {
        if (!c.number_format.empty()) see_format(c);
        // A font or format longer than any a spreadsheet program makes
        // (Excel: 31 and 255 characters, 1 KiB in UTF-8 at most) is not kept
        // for each of the first rows' cells: 40 KB formats took gigabytes.
        // (The importers refuse longer formats; judged above all the same.)
        head_->cells.push_back(sdk::Cell{c.row, c.column, c.type, std::string(c.text), c.number,
                                         c.font.size() > kMaxStyleText ? std::string() : std::string(c.font),
                                         c.number_format.size() > kMaxStyleText ? std::string()
                                                                                : std::string(c.number_format)});
        return {};
      }
    }
    if (!table_) return {};
    const bool starts_row = c.row != last_row_;
    if (starts_row) {
      end_row();  // may hand the batch over: push() fills the one current from here
      last_row_ = c.row;
    }
    push(c, starts_row);
    return {};
  }

 public:

  sdk::Status merged(const sdk::MergedRange& r) override {
    if (!in_sheet_ || skip_) return {};
    if (static_cast<std::size_t>(sheet_index_) < known_.merges.size()) return {};  // known from the first pass
    if (head_->merges.size() >= kMaxMerges)
      return {sdk::Code::limit_exceeded,
              fmt::format("trang «{}» có hơn {} vùng ô gộp, giới hạn cho phép; {} / sheet '{}' has more than {} merged "
                          "ranges, the import limit",
                          quotable(head_->name), kMaxMerges, sdk::kPastALimitVi, quotable(head_->name), kMaxMerges)};
    head_->merges.push_back(r);
    return {};
  }

  sdk::Status end_sheet() override {
    end_current();
    return {};
  }

  sdk::Status begin_tree() override {
    tree_ = std::make_unique<TreeReader>(cat_, registry_, sub_, policy_, profile_, known_.array);
    return {};
  }
  sdk::Status begin_container(std::string_view, sdk::NodeKind) override { return {}; }
  sdk::Status scalar(std::string_view pointer, const sdk::ScalarView& v) override {
    return tree_ ? tree_->scalar(pointer, v) : sdk::Status{};
  }
  sdk::Status end_container(std::string_view) override { return {}; }
  sdk::Status end_tree() override { return {}; }

  bool needs_second_pass() const override {
    return second_pass_ || (tree_ && tree_->needs_second_pass());  // a tree: its first pass may have read it
  }
  FirstPass learned() const override {
    return FirstPass{merges_seen_, tree_ && !known_.array ? tree_->array_found() : known_.array};
  }

  Normalised finish() override {
    end_current();
    Normalised out;
    if (tree_) {
      out = tree_->finish();
      tree_.reset();
    } else if (!best_header_.valid() || !best_) {
      out.errors.push_back(no_table_issue(best_header_, best_sheet_, cat_));
    } else {
      out = std::move(*best_);
      sheet_warnings(out, cat_, best_sheet_, best_hidden_, tables_, hidden_, best_hidden_cells_);
    }
    if (out.records.empty() && out.errors.empty())
      out.errors.push_back(Issue{"no_records", "Báo cáo không có tổ chức cơ sở đảng nào / the return has no organisations",
                                 "", "", Place{}});
    group_repeats(out.errors);
    group_repeats(out.warnings);
    return out;
  }

 private:
  static constexpr std::size_t kMaxMerges = 65536;

  // What a text cell's font says of TCVN3 (as tcvn3_text, grid.hpp): nothing
  // (judge the text itself), or a .Vn* font, capitals or not.
  enum class Legacy : std::uint8_t { none, judge, vn_font, vn_capitals };

  // Rows on their way to the worker: their cells, whose texts are kept in
  // the batch's own buffer.
  struct Batch {
    struct Row {
      std::uint32_t row;
      std::size_t first;  // its first cell
      bool ordered;       // its cells came left to right, each column once
    };
    std::vector<Row> rows;
    std::vector<CellRef> cells;       // each with its Legacy (CellRef::legacy)
    std::deque<std::string> decoded;  // texts read as TCVN3
    bool judged = false;              // its TCVN3 texts decoded (decode_legacy)
    // Its rows' names folded ahead (names_ahead), by row; kept, with their
    // strings' room, when the batch is filled again.
    std::vector<Table::NameAhead> names;
    bool named = false;
    // The cells' texts, one after another (a plain buffer: std::string's
    // append checked and re-measured itself on each of the file's cells).
    std::unique_ptr<char[]> text = std::make_unique_for_overwrite<char[]>(kBatchText);
    std::size_t used = 0, capacity = kBatchText;

    bool empty() const { return rows.empty(); }
    // A copy of `s` in the buffer. When the buffer must grow, the cells
    // already in it are moved along.
    [[gnu::always_inline]] std::string_view keep(std::string_view s) {
      const std::size_t n = s.size();
      if (n > capacity - used) grow(n);
      char* at = text.get() + used;
      copy_bytes(at, s.data(), n);
      used += n;
      return std::string_view(at, n);
    }
    [[gnu::noinline]] void grow(std::size_t more) {
      capacity = std::max(2 * capacity, used + more);
      auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
      if (used != 0) std::memcpy(bigger.get(), text.get(), used);
      for (auto& c : cells)
        if (!c.text.empty()) c.text = std::string_view(bigger.get() + (c.text.data() - text.get()), c.text.size());
      text = std::move(bigger);
    }
    void clear() {
      rows.clear();
      cells.clear();
      decoded.clear();
      judged = false;
      named = false;
      used = 0;
    }
  };
  static constexpr std::size_t kBatchRows = 64, kBatchesAhead = 8, kBatchText = 64 * 1024;

  // A large sheet's rows are read into records on a worker thread while the
  // importer goes on parsing: two cores for one return (batch_pipe.hpp).
  void start_worker() {
    pipe_.start(kBatchesAhead, [this](Batch& b) { take_rows(b); });
  }

  void end_row() {
    if (pipe_.current().rows.size() < kBatchRows) return;
    hand_over();
  }

  void hand_over() {
    Batch& b = pipe_.current();
    if (b.empty()) return;
    // The worker judges the batch's TCVN3 texts and folds its names, unless
    // it is the slower of the two threads (batches waiting for it): then
    // this thread does (issue 18, csvpar: at a million rows the worker was
    // the longer thread by 7-34 %).
    const WorkAhead mode = work_ahead_mode();
    if (mode == WorkAhead::always || (mode == WorkAhead::adaptive && pipe_.waiting() >= kBatchesAhead / 2)) {
      decode_legacy(b);
      names_ahead(b);
    }
    pipe_.hand_over();
  }

  // The batch's names folded, and their sectors read, for the worker
  // (Table::name_ahead); after decode_legacy, whose texts they fold.
  void names_ahead(Batch& b) const {
    if (b.names.size() < b.rows.size()) b.names.resize(b.rows.size());
    for (std::size_t i = 0; i < b.rows.size(); ++i) {
      if (!b.rows[i].ordered) {  // the worker puts its cells in order first
        b.names[i].ready = false;
        continue;
      }
      const std::size_t first = b.rows[i].first;
      const std::size_t end = i + 1 < b.rows.size() ? b.rows[i + 1].first : b.cells.size();
      table_->name_ahead(RowView(b.cells.data() + first, end - first), b.names[i]);
    }
    b.named = true;
  }

  void stop_worker() {
    if (!pipe_.running()) return;
    hand_over();
    pipe_.finish();
  }

  // On the worker: the batch's rows, each in column order, to the table.
  void take_rows(Batch& b) {
    decode_legacy(b);
    // The names first, so that the builder's index has their places in the
    // cache by the time each row is built (Table::expect).
    if (!b.named) names_ahead(b);
    table_->expect(b.names.data(), b.rows.size());
    for (std::size_t i = 0; i < b.rows.size(); ++i) {
      const std::size_t first = b.rows[i].first;
      const std::size_t end = i + 1 < b.rows.size() ? b.rows[i + 1].first : b.cells.size();
      const RowView cells(b.cells.data() + first, end - first);
      if (b.rows[i].ordered) {
        table_->row(b.rows[i].row, cells, b.named ? &b.names[i] : nullptr);
        continue;
      }
      worker_row_.assign(cells.begin(), cells.end());
      std::stable_sort(worker_row_.begin(), worker_row_.end(),
                       [](const CellRef& x, const CellRef& y) { return x.column < y.column; });
      // Of two cells in one column, the later wins.
      const auto last = std::unique(worker_row_.rbegin(), worker_row_.rend(),
                                    [](const CellRef& x, const CellRef& y) { return x.column == y.column; });
      worker_row_.erase(worker_row_.begin(), last.base());
      table_->row(b.rows[i].row, worker_row_);
    }
  }

  // Whether a text is ASCII, which no legacy text is (looks_like_tcvn3 needs
  // a byte C2 or C3): most cells are a few digits, and asked here, inline.
  static bool ascii(std::string_view s) {
    unsigned char any = 0;
    for (const char c : s) any |= static_cast<unsigned char>(c);
    return any < 0x80;
  }

  // The batch's TCVN3 texts decoded (what tcvn3_text does for a Grid's
  // cells), on whichever thread has time (hand_over): the judgement was a
  // fifth of the importer thread's time on a large CSV.
  static void decode_legacy(Batch& b) {
    if (b.judged) return;
    b.judged = true;
    for (std::size_t i = 0; i < b.cells.size(); ++i) {
      // A text of plain digits (plain_digits) is ASCII: no legacy text.
      const auto l = static_cast<Legacy>(b.cells[i].legacy);
      if (l == Legacy::none ||
          (l == Legacy::judge &&
           (b.cells[i].digits_read() >= 0 || ascii(b.cells[i].text) || !looks_like_tcvn3(b.cells[i].text))))
        continue;
      if (auto d = decode_tcvn3(b.cells[i].text, l == Legacy::vn_capitals)) {
        b.decoded.push_back(std::move(*d));
        b.cells[i].text = b.decoded.back();
      }
    }
  }

  // The sheet's first rows are in: find its header, and read on as a stream
  // if it is the best so far.
  void start_streaming() {
    streaming_ = true;
    head_grid_ = std::make_unique<Grid>(*head_);
    merges_when_streamed_ = head_->merges.size();
    used_ = find_header(*head_grid_, cat_, profile_);
    if (names_below(*head_grid_, used_)) tables_.push_back(head_->name);
    if (takes_over(used_)) {
      current_ = std::make_unique<Normalised>();
      if (used_.valid()) {
        for (const auto& [column, field] : used_.columns) {
          if (read_columns_.size() <= column) read_columns_.resize(column + 1, false);
          read_columns_[column] = true;
        }
        table_ = std::make_unique<Table>(cat_, registry_, sub_, policy_, used_, *head_grid_, *current_);
        if (sheet_index_ == 0) current_->records.on_block = on_block;  // issue 18, stream
        table_->rows_below_header(*head_grid_, used_.row);
        start_worker();
        rows_to_table_ = in_sheet_ && !skip_;
      }
    }
  }

  void end_current() {
    if (!in_sheet_) return;
    in_sheet_ = false;
    rows_to_table_ = false;
    if (skip_) return;
    if (merges_seen_.size() <= static_cast<std::size_t>(sheet_index_)) merges_seen_.resize(sheet_index_ + 1);
    merges_seen_[sheet_index_] = head_->merges;
    if (!streaming_) {
      // Small enough to read whole, merged ranges included.
      Grid g(*head_);
      Header h = find_header(g, cat_, profile_);
      if (names_below(g, h)) tables_.push_back(head_->name);
      if (takes_over(h)) {
        auto result = std::make_unique<Normalised>();
        if (h.valid()) {
          Table t(cat_, registry_, sub_, policy_, h, g, *result);
          t.rows_below_header(g, h.row);
          t.finish(g.merges(), hidden_here_.columns);
        }
        best_header_ = std::move(h);
        best_sheet_ = head_->name;
        best_hidden_ = hidden_.count(best_sheet_) != 0;
        best_hidden_cells_ = std::move(hidden_here_);
        best_ = std::move(result);
      }
    } else {
      stop_worker();
      if (table_) table_->finish(head_->merges, hidden_here_.columns);
      if (current_) {
        best_header_ = used_;
        best_sheet_ = head_->name;
        best_hidden_ = hidden_.count(best_sheet_) != 0;
        best_hidden_cells_ = std::move(hidden_here_);
        best_ = std::move(current_);
      }
      // Found again with every merged range: if that reads differently, the
      // first pass was wrong about this sheet. No range came after the
      // header was found (a CSV, a sheet whose ranges came first): the same
      // cells and ranges, the same header, not looked for again (a grid of
      // the first rows' 100,000 cells, on one thread, after the worker).
      if (head_->merges.size() != merges_when_streamed_) {
        const Grid with_merges(*head_);
        const Header again = find_header(with_merges, cat_, profile_);
        if (!again.same_as(used_)) second_pass_ = true;
      }
      table_.reset();
      head_grid_.reset();
    }
    head_.reset();
  }

  // Whether this sheet's header `h` is read rather than the best so far: a
  // visible sheet's table over a hidden one's (last year's copy kept
  // hidden, the form's own workings), else the better header.
  bool takes_over(const Header& h) const {
    const bool hidden = hidden_.count(head_->name) != 0;
    if (h.valid() && best_header_.valid() && hidden != best_hidden_) return !hidden;
    return h.better_than(best_header_);
  }

  // A table and at least one name under its header: a sheet of
  // organisations, not a blank form kept beside the return.
  static bool names_below(const Grid& g, const Header& h) {
    if (!h.valid()) return false;
    std::uint32_t name_col = 0;
    for (const auto& [c, f] : h.columns)
      if (f->id == "org_name") name_col = c;
    for (auto it = g.rows().upper_bound(h.row); it != g.rows().end(); ++it)
      if (!trim_view(g.text(it->first, name_col)).empty()) return true;
    return false;
  }

  const Catalogue& cat_;
  const Registry& registry_;
  Submission sub_;
  Policy policy_;  // the readers below keep a reference
  const Profile* profile_;
  FirstPass known_;

  int sheet_index_ = -1;
  bool in_sheet_ = false, skip_ = false, streaming_ = false;
  // streaming_ && table_ && in_sheet_ && !skip_, asked once per cell (cell())
  // rather than as four tests.
  bool rows_to_table_ = false;
  std::unique_ptr<sdk::Sheet> head_;
  std::size_t rows_in_head_ = 0;
  std::uint32_t last_row_ = 0;
  std::unique_ptr<Grid> head_grid_;
  std::size_t merges_when_streamed_ = 0;  // head_->merges' count when head_grid_ was made
  Header used_;
  std::unique_ptr<Table> table_;
  std::unique_ptr<Normalised> current_;
  detail::BatchPipe<Batch> pipe_;  // rows to the worker, while streaming
  RowCells worker_row_;           // the worker's: a row put in column order
  std::string font_;
  bool vn_font_ = false, vn_capitals_ = false;
  std::string format_;  // the last cell's number format, and what it shows (see_format)
  FormatSight format_sight_;
  // While a sheet is read as a stream: the columns a field is read from, by
  // number (empty before, and for a sheet read whole).
  std::vector<bool> read_columns_;
  static constexpr std::size_t kMaxStyleText = 1024;

  Header best_header_;
  std::string best_sheet_;
  std::vector<std::string> tables_;  // every sheet whose header makes a table, in order
  std::unique_ptr<Normalised> best_;
  std::vector<std::vector<sdk::MergedRange>> merges_seen_;
  bool second_pass_ = false;
  std::set<std::string, std::less<>> hidden_;  // sheets the importer says are hidden
  // The rows and columns the importer says are hidden: of the sheet being
  // read, and of the table's (the best so far).
  HiddenCells hidden_here_, best_hidden_cells_;
  bool best_hidden_ = false;

  std::unique_ptr<TreeReader> tree_;  // a tree document
};

}  // namespace

namespace detail {

namespace {
std::atomic<WorkAhead> work_ahead{WorkAhead::adaptive};
}  // namespace

void set_work_ahead(WorkAhead mode) { work_ahead.store(mode, std::memory_order_relaxed); }
WorkAhead work_ahead_mode() { return work_ahead.load(std::memory_order_relaxed); }

}  // namespace detail

std::unique_ptr<Reader> Normaliser::reader(const Submission& submission, const Profile* profile,
                                           FirstPass known) const {
  return std::make_unique<DocumentReader>(catalogue_, registry_, submission, policy_, profile, std::move(known));
}

}  // namespace tonghop::normalise
