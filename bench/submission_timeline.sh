#!/usr/bin/env bash
# Where one submission of a large return spends its time and CPU (issue 18,
# item 2): the POST's wall, the import child's span (its first message to
# its last, from kernel tracepoints: `perf record -a`, root), what follows
# until the answer, and the daemon's own CPU (its threads, not the import's
# child: /proc/PID/stat before and after), with the bytes its threads read
# and wrote with pread/pwrite (SQLite's pages, the result's blocks).
#
#   bench/submission_timeline.sh BUILD FILE [RUNS]
#
# FILE: a return of Than Uyên (`BUILD/bin/gen_district_table 1000000 DIR
# "Than Uyên" csv`). Each run on a daemon started afresh on an empty store
# (the same period each time, nothing to compare), as scripts/bench-submit.
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
file=$(realpath "${2:?file}")
runs=${3:-1}
cd "$(dirname "$0")/.."
src=$PWD
. bench/daemon_config.sh
work=$(mktemp -d)
token=submission-timeline-admin-token-0123456789
port=18197
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cat "$file" > /dev/null
tick=$(getconf CLK_TCK)
for _ in $(seq "$runs"); do
  rm -rf "$work/var"
  bench_daemon_config "$port" "$work/var" "$build/plugins" "$src" > "$work/tonghop.toml"
  TONGHOP_ADMIN_TOKEN=$token "$build/bin/tonghopd" --config "$work/tonghop.toml" > "$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -sf "localhost:$port/healthz" > /dev/null && break; sleep 0.05; done
  curl -sf "localhost:$port/healthz" > /dev/null || { echo "tonghopd did not start:"; cat "$work/log"; exit 1; }
  daemon=$pid
  read -r user0 sys0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  perf record -q -a -e syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg,syscalls:sys_enter_pread64,syscalls:sys_enter_pwrite64 \
    -o "$work/perf.data" -- curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $token" -X POST -T "$file" \
    "http://127.0.0.1:$port/api/v1/submissions?district=Than%20Uyen&period=2018" > "$work/code"
  sleep 0.3  # the commit's checkpoint, on the store's own thread, after the answer
  read -r user1 sys1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=
  # The import's child sends its first and last messages; the daemon's
  # last sendmsg is the answer. pread/pwrite: the daemon's threads only.
  # (Only this daemon's threads: another tonghopd may run beside it.)
  perf script -i "$work/perf.data" -F comm,pid,time,event,trace 2>/dev/null |
    awk -v code="$(cat "$work/code")" -v daemon="$daemon" \
        -v cpu="$(( (user1 - user0) * 1000 / tick )) $(( (sys1 - sys0) * 1000 / tick ))" '
      { t = $3 + 0 }
      $1 == "tonghopd-import" && /sendto/ { if (!begun) begun = t; done = t }
      $2 == daemon && /sendmsg/ { answered = t }
      $2 == daemon && /pread64|pwrite64/ {
        split($0, f, "count: "); c = substr(f[2], 1, index(f[2], ",") - 1)
        bytes = 0; c = tolower(substr(c, 3))
        for (i = 1; i <= length(c); i++) bytes = bytes * 16 + index("0123456789abcdef", substr(c, i, 1)) - 1
        if (/pread64/) { reads += bytes; preads++ } else { writes += bytes; pwrites++ }
      }
      END { split(cpu, used, " ")
            printf "%s  import %.3f s  after it %.3f s  daemon cpu user %.2f s sys %.2f s  pread %d (%.1f MB)  pwrite %d (%.1f MB)\n",
                   code, done - begun, answered - done, used[1] / 1000, used[2] / 1000, preads, reads / 1e6, pwrites, writes / 1e6 }'
done
