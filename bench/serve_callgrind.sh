#!/usr/bin/env bash
# What one cached province report GET costs tonghopd (issue 18, item 7), in
# instructions: the four sample returns stored, the report asked once (the
# cache filled), then N GETs on one keep-alive connection with callgrind
# counting only them. Load on the machine does not change the count.
#   bench/serve_callgrind.sh BUILD [N]     (BUILD: build-ci; N: 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${1:?build dir}" && pwd)
n=${2:-2000}
dir=$(mktemp -d /tmp/tonghop-cg.XXXXXX)
port=18194
token=serve-bench-admin-token-0123456789abcdef
cat > "$dir/tonghop.toml" <<TOML
[server]
listen = "127.0.0.1:$port"
threads = 1
[paths]
data_dir = "$dir/var"
plugins_dir = "$build/plugins"
[inbox]
scan_milliseconds = 0
[normalise]
catalogue = "$PWD/config/indicators.toml"
units = "$PWD/config/units/lai-chau.toml"
profiles = "$PWD/config/profiles"
TOML
TONGHOP_ADMIN_TOKEN=$token valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$dir/cg.%p" \
  "$build"/bin/tonghopd --config "$dir/tonghop.toml" > "$dir/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -sf localhost:$port/healthz >/dev/null && break; sleep 0.2; done
for f in tests/data/lai-chau/2018/*; do
  d=$(basename "$f" | sed 's/\..*//'); case $d in phong-tho) m="Phong%20Th%E1%BB%95";; sin-ho) m="S%C3%ACn%20H%E1%BB%93";; tam-duong) m="Tam%20%C4%90%C6%B0%E1%BB%9Dng";; than-uyen) m="Than%20Uy%C3%AAn";; esac
  curl -s -o /dev/null -w "%{http_code} $d\n" -H "Authorization: Bearer $token" --data-binary @"$f" \
    "http://127.0.0.1:$port/api/v1/submissions?district=$m&period=2018&filename=$(basename "$f")"
done
hammer() {
  /usr/bin/python3 - "$port" "$1" "$token" <<'PY'
import socket, sys
port, n, token = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
req = (f"GET /api/v1/reports/province?period=2018&format=json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
       f"Authorization: Bearer {token}\r\n\r\n").encode()
s = socket.create_connection(("127.0.0.1", port))
buf = b""
for _ in range(n):
    s.sendall(req)
    while True:
        h = buf.find(b"\r\n\r\n")
        if h >= 0:
            head = buf[:h].decode()
            length = int([l.split(":")[1] for l in head.split("\r\n") if l.lower().startswith("content-length")][0])
            if len(buf) >= h + 4 + length:
                assert head.startswith("HTTP/1.1 200"), head
                buf = buf[h + 4 + length:]
                break
        buf += s.recv(65536)
PY
}
hammer 20  # the report made and cached, the connection's first allocations done
callgrind_control -i on $pid >/dev/null
hammer "$n"
callgrind_control -i off $pid >/dev/null
kill $pid; wait $pid 2>/dev/null || true
out=$(ls -S "$dir"/cg.* | head -1)
total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "requests $n  instructions $total  per request $((total / n))"
echo "profile: $out (callgrind_annotate --inclusive=yes $out | head -60)"
