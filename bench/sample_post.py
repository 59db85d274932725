#!/usr/bin/python3
"""A sample return POSTed N times to a fresh tonghopd (issue 12's 5 ms, issue
18's "p50 <= 10 ms"): tests/data's Than Uyên return (45 organisations, xlsx)
by default, each copy made distinct by its zip comment (the same bytes twice
would skip writing the raw file: it is stored once by its hash). One
connection, kept alive; the first 10 POSTs warm up and are not counted.
Prints one JSON line: p50, p90, p99, min and max of the POST in milliseconds,
and the CPU time (user + sys) of tonghopd and its descendants (zygote,
import children) per counted POST, from /proc (1/100 s ticks).

usage: /usr/bin/python3 bench/sample_post.py BUILD_DIR [N] [FILE DISTRICT]   (from the source tree)
"""
import http.client
import json
import os
import sys
import time
import urllib.parse

from benchd import Daemon

build = os.path.abspath(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
src = os.getcwd()
path = sys.argv[3] if len(sys.argv) > 3 else os.path.join(src, "tests/data/lai-chau/2018/than-uyen.xlsx")
district = sys.argv[4] if len(sys.argv) > 4 else "Than Uyên"
daemon = Daemon(build, "sample")  # TONGHOP_BENCH_WRAP: a command put before tonghopd
port, admin = daemon.port, daemon.admin
with open(path, "rb") as f:
    raw = f.read()


def variant(i):
    """The file made distinct: an xlsx's zip comment, a CSV's last line ending."""
    if raw[-22:-18] == b"PK\x05\x06" and raw[-2:] == b"\x00\x00":
        comment = f"copy {i}".encode()
        return raw[:-2] + len(comment).to_bytes(2, "little") + comment
    return raw + b"\n" * (i % 7 + 1) + b" " * (i // 7)


conn = None
for _ in range(200):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        break
    except OSError:
        time.sleep(0.05)
target = ("/api/v1/submissions?district=" + urllib.parse.quote(district) + "&period=2018&filename=" +
          urllib.parse.quote(os.path.basename(path)))
headers = {"Authorization": "Bearer " + admin, "Content-Type": "application/octet-stream"}


def cpu_tree(pid):
    """CPU seconds of pid, its reaped children and its live descendants."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total = sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        kids = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        return 0.0
    return total + sum(cpu_tree(k) for k in kids)


times = []
warm = 10
for i in range(n + warm):
    body = variant(i)
    t0 = time.perf_counter()
    conn.request("POST", target, body=body, headers=headers)
    r = conn.getresponse()
    answer = r.read()
    t1 = time.perf_counter()
    if r.status != 201:
        print(f"POST {i} answered {r.status}: {answer[:500]!r}", file=sys.stderr)
        sys.exit(1)
    if i == 0:
        records = json.loads(answer).get("records")
    if i == warm - 1:
        time.sleep(0.2)  # the last warm-up's child gone
        cpu0 = cpu_tree(daemon.process.pid)
    if i >= warm:
        times.append((t1 - t0) * 1000)
time.sleep(0.2)
cpu = cpu_tree(daemon.process.pid) - cpu0
conn.close()
daemon.stop()
times.sort()


def pct(p):
    return round(times[min(len(times) - 1, int(p / 100 * len(times)))], 2)


print(json.dumps({"file": os.path.basename(path), "bytes": len(raw), "records": records, "posts": n,
                  "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "min_ms": round(times[0], 2),
                  "max_ms": round(times[-1], 2), "cpu_ms_per_post": round(cpu * 1000 / n, 2)}))
