// Developer aid: prints what the importers make of a file.
// usage: build/bin/dump_document FILE [MAX_CELLS_PER_SHEET]
#include <cstdio>
#include "support/importing.hpp"
#include "support/process.hpp"
int main(int argc, char** argv) {
  auto r = tonghop::test::import_file(argv[1]);
  std::printf("plugin=%s status=%s %s row=%u col=%u\n", r.plugin.c_str(), std::string(tonghop::sdk::code_name(r.status.code())).c_str(), r.status.message().c_str(), r.status.where().row, r.status.where().column);
  for (auto& p : r.doc.properties) std::printf("prop %s=%s\n", p.key.c_str(), p.value.c_str());
  int limit = argc > 2 ? atoi(argv[2]) : 40;
  for (auto& s : r.doc.sheets) {
    std::printf("sheet '%s' cells=%zu merges=%zu\n", s.name.c_str(), s.cells.size(), s.merges.size());
    int n = 0;
    for (auto& c : s.cells) { if (n++ >= limit) break; std::printf("  %u,%u t%d [%s] font=%s fmt=%s\n", c.row, c.column, static_cast<int>(c.type), c.text.c_str(), c.font.c_str(), c.number_format.c_str()); }
    for (auto& m : s.merges) std::printf("  merge %u,%u-%u,%u\n", m.first_row, m.first_column, m.last_row, m.last_column);
  }
}
