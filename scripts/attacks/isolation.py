"""Attacks on the isolation of imports (issue 12, docs/isolation.md), for
scripts/attack. Each function takes the runner's daemon `d` (d.url, d.admin,
d.data_dir, d.pid, d.build_dir, d.request(method, path, body, headers) ->
(status, headers, body)) and raises AssertionError when the daemon failed.
Every loop is bounded in count and time."""

import json
import os
import threading
import time

DISTRICT = "Phong%20Th%E1%BB%95"


def _auth(d, extra=None):
    h = {"Authorization": "Bearer " + d.admin}
    if extra:
        h.update(extra)
    return h


def _submit(d, name, body, period="2018"):
    return d.request("POST", "/api/v1/submissions?district=%s&period=%s&filename=%s" % (DISTRICT, period, name),
                     body, _auth(d, {"Content-Type": "application/octet-stream"}))


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def _children(pid):
    out = []
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def _healthz_while(d, busy, count=40, bound=2.0):
    """GET /healthz `count` times (at most 30 s) while busy() is true: every
    answer 200 within `bound` seconds. Returns how many were made while busy."""
    during = 0
    deadline = time.monotonic() + 30
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        t0 = time.monotonic()
        status, _, _ = d.request("GET", "/healthz")
        took = time.monotonic() - t0
        assert status == 200, "/healthz answered %s during heavy imports" % status
        assert took < bound, "/healthz took %.2f s during heavy imports" % took
        if busy():
            during += 1
        time.sleep(0.05)
    return during


def two_wide_row_csvs_leave_healthz_answering(d):
    # The reproduction: two CSVs of two very wide rows (each cell
    # costs memory in the normaliser); with imports in child processes the
    # I/O threads stay free and the children are bounded by limits.max_memory.
    row = b",".join([b"12"] * 2_000_000)
    body = b"ten,so\n" + row + b"\n" + row + b"\n"
    results = []

    def upload():
        results.append(_submit(d, "wide.csv", body))

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    _healthz_while(d, lambda: any(t.is_alive() for t in threads))
    for t in threads:
        t.join(timeout=200)
        assert not t.is_alive(), "a wide-row upload never ended"
    for status, _, text in results:
        assert status in (413, 422), "a wide-row CSV got %s: %r" % (status, text[:300])
    assert _alive(d.pid), "the daemon died"


def garbage_named_as_every_format_is_refused(d):
    # Bytes that no importer can read, under each format's name: each gets a
    # 4xx refusal, none brings the daemon (or its import zygote) down.
    seed = 12345
    for name in ("x.xlsx", "x.xls", "x.json", "x.csv", "x.txt", "x.xlsm"):
        blob = bytearray()
        for _ in range(4096):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            blob.append(seed >> 16 & 0xFF)
        for prefix in (b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\"a\":"):
            status, _, text = _submit(d, name, prefix + bytes(blob))
            assert 400 <= status < 500, "%s with %r got %s: %r" % (name, prefix, status, text[:300])
            if status == 422:
                errors = json.loads(text)["errors"]
                assert errors, "a 422 without errors"
    status, _, _ = d.request("GET", "/healthz")
    assert status == 200
    assert _alive(d.pid), "the daemon died"


def the_import_zygote_survives_refusals(d):
    # The zygote is the daemon's child that forks every import; after the
    # refusals above it is still there, and imports still work.
    zygotes = _children(d.pid)
    assert zygotes, "the daemon has no import zygote (child process)"
    for _ in range(3):
        status, _, _ = _submit(d, "empty.csv", b"\n\n")
        assert 400 <= status < 500, "an empty CSV got %s" % status
    assert sorted(_children(d.pid)) == sorted(zygotes), "the zygote changed: %s -> %s" % (zygotes, _children(d.pid))


def attacks():
    return [
        ("isolation: two wide-row CSVs leave /healthz answering", two_wide_row_csvs_leave_healthz_answering),
        ("isolation: garbage named as every format is refused", garbage_named_as_every_format_is_refused),
        ("isolation: the import zygote survives refusals", the_import_zygote_survives_refusals),
    ]
