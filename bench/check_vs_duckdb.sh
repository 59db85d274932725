#!/usr/bin/env bash
# Issue 18, item 3, side by side: `tonghopd check` of a CSV (text mode) and
# DuckDB's read_csv + GROUP BY of the same file (every count summed by kind,
# 2 threads: bench/duck_check.js), ROUNDS rounds, the order swapped each
# round. Prints each run's wall (the process's, from /usr/bin/time), user
# and system CPU and peak RSS, DuckDB's own in-process time, then each
# round's ratio tonghop / DuckDB against both of DuckDB's times.
#
#   bench/check_vs_duckdb.sh BUILD FILE ROUNDS
#
# FILE: `BUILD/bin/gen_district_table 1000000 DIR "Than Uyên" csv`. DuckDB
# comes from npm (@duckdb/node-api, which ships its binary), installed once
# into ~/.cache/tonghop-bench as scripts/bench-compare does.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=$(cd "${1:?build dir}" && pwd)
file=$(realpath "${2:?csv file}")
rounds=${3:-5}
cache=${TONGHOP_BENCH_CACHE:-$HOME/.cache/tonghop-bench}
module=$cache/node_modules/@duckdb/node-api
if [ ! -d "$module" ]; then
  mkdir -p "$cache"
  (cd "$cache" && timeout 300 npm install --no-audit --no-fund @duckdb/node-api >/dev/null 2>&1) ||
    { echo "DuckDB not reachable (npm)"; exit 1; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$src/bench/daemon_config.sh"
bench_check_config "$src" > "$work/tonghop.toml"
cat "$file" > /dev/null
tonghop() {
  # %x: check's exit status: 0, the file accepted (gen_district_table's
  # returns keep the rules); any other is not a run to time.
  /usr/bin/time -q -o "$work/t" -f "%e %U %S %M %x" "$build/bin/tonghopd" check "$file" --district "Than Uyên" \
    --period 2018 --format text --config "$work/tonghop.toml" --plugins-dir "$build/plugins" > /dev/null || true
  read -r tw tu ts tm tx < "$work/t"
  echo "round $r tonghop wall $tw s user $tu s sys $ts s peak $((tm / 1024)) MiB"
  if [ "$tx" != 0 ]; then echo "round $r: check exited $tx: not a run to time"; exit 1; fi
}
duck() {
  /usr/bin/time -o "$work/t" -f "%e %U %S %M" env DUCKDB_MODULE="$module" node "$src/bench/duck_check.js" "$file" > "$work/d"
  read -r dw du ds dm < "$work/t"
  di=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['in_process_s'])" "$work/d")
  echo "round $r duckdb  wall $dw s user $du s sys $ds s peak $((dm / 1024)) MiB in-process $di s"
}
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then tonghop; duck; else duck; tonghop; fi
  /usr/bin/python3 -c "import sys; t,w,i=map(float,sys.argv[1:4]); print(f'round {sys.argv[4]} ratio tonghop/duckdb: {t/w:.2f} of its process, {t/i:.2f} of its in-process time')" "$tw" "$dw" "$di" "$r"
done
