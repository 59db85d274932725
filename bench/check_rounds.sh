#!/usr/bin/env bash
# `tonghopd check` of one file by several builds in turn, ROUNDS rounds:
# each run's wall, user and system time and peak RSS, then the medians of
# wall and CPU per build (issue 18: only runs interleaved on the same
# machine compare; this machine's speed changes from minute to minute).
#
#   bench/check_rounds.sh FILE DISTRICT PERIOD ROUNDS BUILD...
#
# BUILD: a build tree or a copy of one (bin/tonghopd and plugins/). Each run
# prints BUILD, wall, user and system seconds, peak KB and check's exit status.
# Example: bench/check_rounds.sh /work/data/q/district.csv "Than Uyên" 2018 16 /work/data/base build-ci
set -euo pipefail
file=$(realpath "${1:?file}")
district=${2:?district}
period=${3:?period}
rounds=${4:?rounds}
shift 4
builds=()
for b in "$@"; do builds+=("$(cd "$b" && pwd)"); done
cd "$(dirname "$0")/.."
src=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$src/bench/daemon_config.sh"
bench_check_config "$src" > "$work/tonghop.toml"
cat "$file" > /dev/null  # in the page cache, as for every run after
for _ in $(seq "$rounds"); do
  for build in "${builds[@]}"; do
    # %x: check's exit status (0 accepted, 1 refused: timed all the same, and said).
    /usr/bin/time -q -o "$work/time" -f "$build %e %U %S %M %x" "$build/bin/tonghopd" check "$file" --district "$district" \
      --period "$period" --format text --config "$work/tonghop.toml" --plugins-dir "$build/plugins" > /dev/null || true
    tee -a "$work/runs" < "$work/time"
  done
done
/usr/bin/python3 - "$work/runs" <<'PY'
import collections, statistics, sys
wall, cpu = collections.defaultdict(list), collections.defaultdict(list)
status = collections.defaultdict(set)
for line in open(sys.argv[1]):
    b, w, u, s, _, x = line.split()
    wall[b].append(float(w)); cpu[b].append(float(u) + float(s)); status[b].add(x)
for b in wall:
    print(f"{b}: wall median {statistics.median(wall[b]):.3f} s (min {min(wall[b]):.2f}), "
          f"cpu median {statistics.median(cpu[b]):.3f} s (min {min(cpu[b]):.2f}), {len(wall[b])} runs, "
          f"exit {'/'.join(sorted(status[b]))}")
PY
