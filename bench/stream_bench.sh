#!/usr/bin/env bash
# Every output streams (issue 18, item 1): what a million-row return costs
# read back through each route that lists records or is made from them,
# against `tonghopd check` of the same file in text mode.
#
#   bench/stream_bench.sh BUILD DATA_DIR [ROUNDS [ONLY]]
#
# ONLY (optional): the figures to take, names separated by commas
# (check_text,submission,dry_run,dry_run_first,report_json,report_csv,report_xlsx); all
# when not given. `... 3 check_text,dry_run` times the dry run against its peer.
#
# BUILD: a build tree (build-ci); DATA_DIR holds district.csv from
# `BUILD/bin/gen_district_table 1000000 DATA_DIR "Than Uyên" csv` (made once).
# Each figure is from a tonghopd started afresh on the stored data, so that
# its peak RSS (VmHWM) is that request's alone; cpu_s is the daemon's user +
# sys (with its import children for the dry run). Rounds alternate the order.
# The dry run's file is sent as a browser sends one, read from disk as it
# goes (curl -T): `--data-binary @file` first reads all of it into curl's
# memory, 0.1-0.3 s of the client's before the daemon sees a byte.
# TONGHOP_BENCH_UPLOAD=memory sends it that way instead.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${1:?build dir}" && pwd)
data=$(cd "${2:?data dir}" && pwd)
rounds=${3:-3}
only=${4:-}
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
src=$PWD
file=$data/district.csv
work=$data/bench
mkdir -p "$work"
token=stream-bench-admin-token-0123456789abcdef
port=18192
. "$src/bench/daemon_config.sh"
bench_daemon_config "$port" "$work/var" "$build/plugins" "$src" > "$work/tonghop.toml"
pid=
start() {
  TONGHOP_ADMIN_TOKEN=$token "$build"/bin/tonghopd --config "$work/tonghop.toml" >>"$work/tonghopd.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -sf localhost:$port/healthz >/dev/null && return; sleep 0.05; done
  echo "tonghopd did not start"; exit 1
}
stop() { [ -n "$pid" ] || return 0; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=; }
trap 'stop' EXIT
cpu_tree() {  # clock ticks of a process, what it reaped, and its live descendants
  local p=$1 t kids k
  t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}')
  kids=$(cat /proc/"$p"/task/*/children 2>/dev/null || true)
  for k in $kids; do t=$((t + $(cpu_tree "$k"))); done
  echo "${t:-0}"
}
cat "$file" > /dev/null
if [ ! -f "$work/id" ]; then
  rm -rf "$work/var"
  start
  curl -sf -o "$work/submission.json" -H "Authorization: Bearer $token" -H "Content-Type: text/csv" --data-binary @"$file" \
    "http://127.0.0.1:$port/api/v1/submissions?district=Than%20Uyen&period=2018&filename=district.csv"
  /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$work/submission.json" > "$work/id"
  stop
fi
id=$(cat "$work/id")

# One request on a fresh daemon: wall s, daemon cpu s, daemon peak RSS MiB, bytes.
measure() {
  local name=$1; shift
  start
  local c0 t0 t1 c1 hwm
  c0=$(cpu_tree "$pid"); t0=$(date +%s.%N)
  curl -sf -o "$work/out.$name" -H "Authorization: Bearer $token" "$@"
  t1=$(date +%s.%N); sleep 0.3; c1=$(cpu_tree "$pid")
  hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  stop
  printf '%-14s wall %6.2f s  cpu %6.2f s  rss %7.1f MiB  %s bytes\n' "$name" "$(echo "$t1 - $t0" | bc)" \
    "$(echo "($c1 - $c0) / $(getconf CLK_TCK)" | bc -l)" "$(echo "$hwm / 1024" | bc -l)" "$(stat -c %s "$work/out.$name")"
}
check_text() {
  /usr/bin/time -f "check_text     wall %e s  cpu %U+%S s  rss %M KB" "$build"/bin/tonghopd check "$file" \
    --district "Than Uyen" --period 2018 --format text --config "$work/tonghop.toml" >/dev/null 2>"$work/time.txt" || true
  tail -1 "$work/time.txt"
}
u="http://127.0.0.1:$port"
upload=(-X POST -T "$file")
[ "${TONGHOP_BENCH_UPLOAD:-}" != memory ] || upload=(--data-binary @"$file")
for round in $(seq "$rounds"); do
  echo "== round $round (load $(cut -d' ' -f1-3 /proc/loadavg))"
  ! wanted check_text || check_text
  ! wanted submission || measure submission "$u/api/v1/submissions/$id"
  # Against the stored 2018 return of the same million organisations (the previous period of 2019).
  ! wanted dry_run || measure dry_run -H "Content-Type: text/csv" "${upload[@]}" "$u/api/v1/check?district=Than%20Uyen&period=2019"
  # The same file as a district's first return (2017: nothing of 2016 to
  # compare with): the dry run doing what `check` does, in a child, over HTTP.
  ! wanted dry_run_first || measure dry_run_first -H "Content-Type: text/csv" "${upload[@]}" "$u/api/v1/check?district=Than%20Uyen&period=2017"
  ! wanted report_json || measure report_json "$u/api/v1/reports/province?period=2018&format=json"
  ! wanted report_csv || measure report_csv "$u/api/v1/reports/province?period=2018&format=csv"
  ! wanted report_xlsx || measure report_xlsx "$u/api/v1/reports/province?period=2018&format=xlsx"
done
# The streamed submission must hold every record; the dry run counts them all and shows 200.
if wanted submission; then
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('submission records:', len(d['records']))" "$work/out.submission"
fi
for name in dry_run dry_run_first; do
  if wanted $name; then
    /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[2] + ':', d['verdict'], d['records_total'], 'records,', len(d['records']), 'shown,', len(d['warnings']), 'warnings')" "$work/out.$name" $name
  fi
done
