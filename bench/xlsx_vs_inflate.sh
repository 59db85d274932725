#!/bin/sh
# Issue 18 item 5: the xlsx importer alone against the floor of reading the
# same file, zlib inflate + CRC-32 of its sheet XML (bench/inflate_bench.cpp),
# run side by side: ROUNDS rounds, the order turned each round, medians of
# wall and CPU seconds, and the ratios of the medians.
# usage: bench/xlsx_vs_inflate.sh BUILD_DIR FILE.xlsx [ROUNDS]
#   (BUILD_DIR with `cmake --build --preset ci --target import_bench inflate_bench`)
set -eu
build=$1 file=$2 rounds=${3:-5}
out=$(mktemp)
i=0
while [ "$i" -lt "$rounds" ]; do
  if [ $((i % 2)) -eq 0 ]; then
    "$build/bin/import_bench" "$build/plugins" "$file" >>"$out"
    "$build/bin/inflate_bench" "$file" >>"$out"
  else
    "$build/bin/inflate_bench" "$file" >>"$out"
    "$build/bin/import_bench" "$build/plugins" "$file" >>"$out"
  fi
  i=$((i + 1))
done
cat "$out"
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
imp = [r for r in runs if "plugin" in r]
inf = [r for r in runs if "part" in r]
def med(rs, k): return statistics.median(r[k] for r in rs)
for k in ("seconds", "cpu_seconds"):
    a, b = med(imp, k), med(inf, k)
    print(f"{k}: importer median {a:.3f}, inflate+CRC median {b:.3f}, ratio {a / b:.2f}")
PY
rm -f "$out"
