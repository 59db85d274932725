#!/usr/bin/python3
"""Latency of /healthz and of a cached province report while two of the
heaviest hostile imports run (docs/isolation.md): idle first, then with two
importers looping at full CPU (tests/plugins/loop_importer.cpp, killed at
max_seconds), then with two CSVs of two very wide rows each (39 MB, the
issue's reproduction; their children hit limits.max_memory). Prints one JSON
line per case: p50, p99 and max in milliseconds over N requests of each kind.

usage: /usr/bin/python3 bench/isolation_latency.py BUILD_DIR [N]   (from the source tree)
"""
import http.client
import json
import os
import shutil
import sys
import tempfile
import threading
import time

from benchd import Daemon

build = os.path.abspath(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
src = os.getcwd()
plugins = tempfile.mkdtemp(prefix="tonghop-latency-plugins-")
for f in os.listdir(os.path.join(build, "plugins")):
    if f.endswith(".so"):
        os.symlink(os.path.join(build, "plugins", f), os.path.join(plugins, f))
os.symlink(os.path.join(build, "tests/plugins/tonghop-test-loop-importer.so"), os.path.join(plugins, "loop.so"))
daemon = Daemon(build, "latency", plugins_dir=plugins, limits="max_seconds = 30")
port, admin = daemon.port, daemon.admin
auth = {"Authorization": "Bearer " + admin}


def call(method, path, body=b"", headers=None, timeout=120):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


for _ in range(100):
    try:
        call("GET", "/healthz")
        break
    except OSError:
        time.sleep(0.05)
submit = "/api/v1/submissions?district=Phong%20Th%E1%BB%95&period=2018&filename="
with open(os.path.join(src, "tests/data/lai-chau/2018/phong-tho.csv"), "rb") as f:
    assert call("POST", submit + "phong-tho.csv", f.read(), auth)[0] == 201
report = "/api/v1/reports/province?period=2018&format=json"
assert call("GET", report, headers=auth)[0] == 200  # now cached


def measure(case, busy=None):
    times = {"healthz": [], "report": []}
    for i in range(n):
        for kind, path in (("healthz", "/healthz"), ("report", report)):
            t0 = time.perf_counter()
            status, _ = call("GET", path, headers=auth)
            times[kind].append((time.perf_counter() - t0) * 1000)
            assert status == 200, (kind, status)
        time.sleep(0.005)
    out = {"case": case, "n": n}
    for kind, v in times.items():
        v.sort()
        out[kind] = {"p50": round(v[len(v) // 2], 2), "p99": round(v[int(len(v) * 0.99) - 1], 2),
                     "max": round(v[-1], 2)}
    if busy is not None:
        out["imports_still_running_at_end"] = busy()
    print(json.dumps(out), flush=True)


def with_imports(case, body, name):
    results = []
    threads = [threading.Thread(target=lambda: results.append(call("POST", submit + name, body, auth, 300)))
               for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    measure(case, lambda: sum(t.is_alive() for t in threads))
    for t in threads:
        t.join()
    print(json.dumps({"case": case, "answers": [(s, json.loads(b)["errors"][0]["code"]) for s, b in results]}), flush=True)


try:
    measure("idle")
    with_imports("two importers looping at full CPU", b"TONGHOP TEST LOOP\n", "loop.txt")
    row = b",".join([b"12"] * 6_500_000)
    with_imports("two CSVs of two 6,500,000-cell rows (39 MB each)", b"ten,so\n" + row + b"\n" + row + b"\n", "wide.csv")
finally:
    daemon.stop()
    shutil.rmtree(plugins, ignore_errors=True)
