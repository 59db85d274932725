#!/usr/bin/env bash
# Where one dry run of a large return spends its time (issue 18, item 1):
# the upload (the daemon's memfd for the body to curl's last send), the
# hand-over to the import's child, the child's import (its first message to
# its last), and what follows until the answer is sent. From kernel
# tracepoints (`perf record -a -e syscalls:…`, root), so that nothing in the
# daemon is changed to take them.
#
#   bench/dry_run_timeline.sh BUILD DATA_DIR [PERIOD [RUNS]]
#
# DATA_DIR as for bench/stream_bench.sh, which must have run once on it (its
# store holds the 2018 return of DATA_DIR/district.csv). PERIOD 2017 (the
# default): a first return, nothing to compare; 2019: against that 2018
# return. Each run on a daemon started afresh on that store.
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
data=$(cd "${2:?data dir}" && pwd)
cd "$(dirname "$0")/.."
period=${3:-2017}
runs=${4:-1}
[ -f "$data/bench/tonghop.toml" ] && [ -d "$data/bench/var" ] || { echo "run bench/stream_bench.sh $build $data 1 check_text first"; exit 1; }
work=$(mktemp -d)
token=dry-run-timeline-admin-token-0123456789abcdef
port=18194
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# stream_bench.sh's configuration (its store), with this build's plugins and a port of its own.
sed -e "s|^plugins_dir = .*|plugins_dir = \"$build/plugins\"|" -e "s|^listen = .*|listen = \"127.0.0.1:$port\"|" \
  "$data/bench/tonghop.toml" > "$work/tonghop.toml"
cat "$data/district.csv" > /dev/null
for _ in $(seq "$runs"); do
  TONGHOP_ADMIN_TOKEN=$token "$build/bin/tonghopd" --config "$work/tonghop.toml" > "$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -sf "localhost:$port/healthz" > /dev/null && break; sleep 0.05; done
  perf record -q -a -e syscalls:sys_enter_memfd_create,syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg \
    -o "$work/perf.data" -- curl -s -o "$work/answer.json" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $token" -H "Content-Type: text/csv" -X POST -T "$data/district.csv" \
    "http://127.0.0.1:$port/api/v1/check?district=Than%20Uyen&period=$period" > "$work/code"
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=
  # The daemon's first memfd is the body's, its second the result's (made as
  # the child is asked); the import's child says P (begun) first, D (done) last.
  perf script -i "$work/perf.data" -F comm,time,event 2>/dev/null |
    awk -v code="$(cat "$work/code")" '
      $1 == "tonghopd" && /memfd_create/ { if (!body) body = $2; else if (!result) result = $2 }
      $1 == "curl" && /sendto/ { sent = $2 }
      $1 == "tonghopd-import" && /sendto/ { if (!begun) begun = $2; done = $2 }
      $1 == "tonghopd" && /sendmsg/ { answered = $2 }
      END { if (!body || !result || !begun) { print code "  (no memfd or no import child seen: not a dry run of a return in a memfd)"; exit }
            printf "%s  upload %.3f s  to the child %.3f s  import %.3f s  after %.3f s\n",
                   code, sent - body, result - sent, done - begun, answered - done }'
done
