"""Attacks on authentication, HTTP parsing, the inbox and the store (issue 12,
items 5 to 8). Each is bounded in count and time; see scripts/attack."""
import io
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.parse

SAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "tests", "data", "lai-chau", "2018")
DIGITS = "9" * 30000


def wait_for(check, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds} s")


def healthy(d):
    status, _, body = d.request("GET", "/healthz")
    assert status == 200, f"/healthz answered {status}"


def submit(d, district, period, body, filename=None, token=None, headers=None):
    q = "district=" + urllib.parse.quote(district) + "&period=" + urllib.parse.quote(period)
    if filename is not None:
        q += "&filename=" + urllib.parse.quote(filename)
    h = d.auth(token)
    h.update(headers or {})
    return d.request("POST", "/api/v1/submissions?" + q, body, h)


def submissions(d, period="2018"):
    status, _, body = d.request("GET", "/api/v1/submissions?period=" + period, headers=d.auth())
    assert status == 200, f"list answered {status}: {body[:200]!r}"
    return json.loads(body)["submissions"]


# The 30,000-digit count, in the three forms a district can send.
def giant_csv():
    with open(os.path.join(SAMPLES, "sin-ho.csv"), "rb") as f:
        lines = f.read().split(b"\n")
    fields = lines[1].split(b",")
    fields[10] = DIGITS.encode()
    lines[1] = b",".join(fields)
    return b"\n".join(lines)


def giant_json():
    with open(os.path.join(SAMPLES, "tam-duong.json"), "rb") as f:
        text = f.read().decode()
    return text.replace('"tong_so": 13', '"tong_so": "' + DIGITS + '"', 1).encode()


def giant_xlsx():
    code = (
        "import openpyxl, sys\n"
        "wb = openpyxl.load_workbook(sys.argv[1])\n"
        "wb.active.cell(row=10, column=4).value = '9' * 30000\n"
        "wb.save(sys.argv[2])\n")
    with tempfile.TemporaryDirectory() as t:
        out = os.path.join(t, "x.xlsx")
        subprocess.run(["/usr/bin/python3", "-c", code, os.path.join(SAMPLES, "than-uyen.xlsx"), out], check=True,
                       timeout=60)
        with open(out, "rb") as f:
            return f.read()


def giant_count_posted(d):
    for district, name, data in (("Sìn Hồ", "sin-ho.csv", giant_csv()), ("Tam Đường", "tam-duong.json", giant_json()),
                                 ("Than Uyên", "than-uyen.xlsx", giant_xlsx())):
        status, _, body = submit(d, district, "2018", data, name)
        assert status == 422, f"{name} with a 30,000-digit count: {status} {body[:300]!r}"
        assert d.alive(), f"tonghopd died on {name}"
        healthy(d)


def giant_count_in_the_inbox(d):
    folder = os.path.join(d.data_dir, "inbox", "Sìn Hồ", "2018")
    rejected = os.path.join(d.data_dir, "inbox", "rejected", "Sìn Hồ", "2018", "giant.csv")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "giant.csv"), "wb") as f:
        f.write(giant_csv())
    wait_for(lambda: os.path.exists(rejected + ".errors.json"), 20, "the file in rejected/")
    healthy(d)
    # Dropped while the daemon is down: the next start takes it and carries on.
    d.stop()
    with open(os.path.join(folder, "giant-again.csv"), "wb") as f:
        f.write(giant_csv())
    old = time.time() - 60
    os.utime(os.path.join(folder, "giant-again.csv"), (old, old))
    d.start()
    again = os.path.join(os.path.dirname(rejected), "giant-again.csv.errors.json")
    wait_for(lambda: os.path.exists(again), 20, "the second file in rejected/")
    healthy(d)


def unauthenticated_upload_is_refused_from_its_head(d):
    # 50 MB announced, nothing sent: a 401 at once, no "100 Continue".
    head = (b"POST /api/v1/submissions?district=x&period=2018 HTTP/1.1\r\nHost: t\r\n"
            b"Expect: 100-continue\r\nContent-Length: 50000000\r\n\r\n")
    got = d.raw(head, timeout=5, source="127.0.0.3")
    assert got.startswith(b"HTTP/1.1 401"), f"answered {got[:80]!r}"
    assert b"100 Continue" not in got


def token_guessing_is_limited(d):
    statuses = []
    for i in range(25):
        status, headers, _ = d.request("GET", "/api/v1/submissions?period=2018",
                                       headers={"Authorization": f"Bearer guess-{i}"}, source="127.0.0.2")
        statuses.append(status)
        if status == 429:
            assert headers.get("retry-after", "").isdigit(), "429 without Retry-After"
            break
    assert statuses[-1] == 429, f"25 wrong tokens, no 429: {statuses}"
    assert len(statuses) <= 11, f"429 only after {len(statuses)} tries"
    # Even the right token waits now, from that address; others are served.
    status, _, _ = d.request("GET", "/api/v1/submissions?period=2018", headers=d.auth(), source="127.0.0.2")
    assert status == 429, status
    submissions(d)
    assert "authentication failed from 127.0.0.2" in d.output(), "failed attempts are not logged"


def only_viewer_and_district_tokens(d):
    status, _, body = d.request("POST", "/api/v1/tokens", b'{"role":"admin"}', d.auth())
    assert status == 422, f"an admin token was made: {status} {body!r}"
    status, _, _ = d.request("POST", "/api/v1/tokens", b'{"role":"viewer"}', d.auth())
    assert status == 201


def http11_without_host(d):
    got = d.raw(b"GET /healthz HTTP/1.1\r\n\r\n")
    assert got.startswith(b"HTTP/1.1 400"), got[:80]


def ids_are_strict(d):
    for target in ("/api/v1/submissions/1abc", "/api/v1/submissions/+1", "/api/v1/submissions/%201",
                   "/api/v1/submissions/01", "/api/v1/submissions/-1", "/api/v1/submissions/99999999999999999999"):
        status, _, _ = d.request("GET", target, headers=d.auth())
        assert status in (400, 404), f"{target}: {status}"


def periods_are_strict(d):
    for period in ("9999", "0000", "-2018", " 2018", "2018\n", "2018 ", "+2018", "1929", "2018-13", "2018-Q5",
                   "2018-h1", "Năm 9999", " Năm 2018", "Năm 2018\n"):
        q = urllib.parse.quote(period)
        status, _, _ = d.request("GET", "/api/v1/submissions?period=" + q, headers=d.auth())
        assert status == 400, f"list with period {period!r}: {status}"
        status, _, _ = submit(d, "Sìn Hồ", period, open(os.path.join(SAMPLES, "sin-ho.csv"), "rb").read(), "s.csv")
        assert status == 422, f"submit with period {period!r}: {status}"


def multipart_without_file(d):
    boundary = "attackboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--{boundary}--\r\n").encode()
    status, _, text = submit(d, "Sìn Hồ", "2018", body, headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 400, f"{status} {text[:200]!r}"


def bytes_no_plugin_reads(d):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000
    status, _, body = submit(d, "Sìn Hồ", "2018", png, "report.xlsx")
    assert status == 415, f"a PNG named .xlsx: {status} {body[:300]!r}"


def echoed_values_are_cut(d):
    status, _, body = submit(d, "x" * 12000, "2018", b"a,b\n1,2\n", "a.csv")
    assert status == 422, status
    assert len(body) < 2000, f"the error echoes {len(body)} bytes"
    json.loads(body)
    # A cell of 900 KB where a count should be: refused at the cell, echoed short.
    with open(os.path.join(SAMPLES, "sin-ho.csv"), "rb") as f:
        lines = f.read().split(b"\n")
    fields = lines[1].split(b",")
    fields[10] = b"x" * 900_000
    lines[1] = b",".join(fields)
    status, _, body = submit(d, "Sìn Hồ", "2018", b"\n".join(lines), "wide.csv")
    assert status == 422, f"{status} {body[:300]!r}"
    assert len(body) < 20000, f"the refusal echoes {len(body)} bytes"
    json.loads(body)


def names_that_are_not_utf8(d):
    name = "b%E1o%FFc%C3o.csv"  # Latin-1 and a stray 0xFF
    status, _, body = d.request(
        "POST", "/api/v1/submissions?district=" + urllib.parse.quote("Sìn Hồ") + "&period=2018&filename=" + name,
        open(os.path.join(SAMPLES, "sin-ho.csv"), "rb").read(), d.auth())
    assert status == 201, f"{status} {body[:300]!r}"
    json.loads(body.decode("utf-8"))
    status, _, body = d.request("GET", "/api/v1/submissions?period=2018", headers=d.auth())
    listed = json.loads(body.decode("utf-8"))["submissions"]
    assert any("\ufffd" in s["filename"] for s in listed), [s["filename"] for s in listed]


def slowloris_is_bounded(d):
    socks = []
    try:
        for _ in range(40):
            s = socket.create_connection(("127.0.0.1", int(d.url.rsplit(":", 1)[1])), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            socks.append(s)
        healthy(d)
        # Each is cut at the read timeout (5 s here).
        deadline = time.time() + 15
        open_ones = list(socks)
        while open_ones and time.time() < deadline:
            still = []
            for s in open_ones:
                s.settimeout(0.05)
                try:
                    if s.recv(4096) == b"":
                        continue
                except socket.timeout:
                    still.append(s)
                    continue
                except OSError:
                    continue
            open_ones = still
        assert not open_ones, f"{len(open_ones)} slow connections still open after 15 s"
    finally:
        for s in socks:
            s.close()


def the_connection_cap_holds(d):
    # 64 allowed (scripts/attack's configuration): 100 idle connections, of
    # which the daemon holds at most 64; the rest wait in the backlog. Then
    # /healthz is answered once the read timeout frees room, and the daemon
    # has not spun meanwhile.
    socks = []
    try:
        for _ in range(100):
            socks.append(socket.create_connection(("127.0.0.1", int(d.url.rsplit(":", 1)[1])), timeout=5))
        time.sleep(0.5)
        held = sockets_of(d.pid)
        assert held <= 64 + 4, f"the daemon holds {held} sockets with a cap of 64"
        before = cpu_seconds(d.pid)
        status, _, _ = d.request("GET", "/healthz", timeout=20)
        assert status == 200
        used = cpu_seconds(d.pid) - before
        assert used < 3, f"the daemon used {used:.1f} s of CPU while at its connection cap"
    finally:
        for s in socks:
            s.close()


def sockets_of(pid):
    n = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


def emfile_does_not_spin(d):
    # The daemon's descriptors cut to 48: accept fails with EMFILE long before
    # the cap of 64. It must back off, not spin, and serve again once
    # descriptors are free.
    import resource
    old = resource.prlimit(d.pid, resource.RLIMIT_NOFILE)
    socks = []
    try:
        resource.prlimit(d.pid, resource.RLIMIT_NOFILE, (48, old[1]))
        for _ in range(80):
            socks.append(socket.create_connection(("127.0.0.1", int(d.url.rsplit(":", 1)[1])), timeout=5))
        time.sleep(0.5)
        before = cpu_seconds(d.pid)
        time.sleep(3)
        used = cpu_seconds(d.pid) - before
        assert used < 1.0, f"{used:.2f} s of CPU in 3 s while out of descriptors: the accept loop spins"
    finally:
        for s in socks:
            s.close()
        resource.prlimit(d.pid, resource.RLIMIT_NOFILE, old)
    wait_for(lambda: d.request("GET", "/healthz", timeout=5)[0] == 200, 15, "/healthz after descriptors came back")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def inbox(d, *parts):
    return os.path.join(d.data_dir, "inbox", *parts)


def symlinked_period_folder(d):
    os.makedirs(inbox(d, "Phong Thổ"), exist_ok=True)
    os.symlink(d.data_dir, inbox(d, "Phong Thổ", "2019"))
    time.sleep(2.5)  # a dozen scans
    for name in ("tonghop.db",):
        assert os.path.exists(os.path.join(d.data_dir, name)), f"{name} was moved"
    assert not os.path.exists(inbox(d, "rejected", "Phong Thổ", "2019")), "something was moved from the link"
    assert "is a symbolic link" in d.output()
    os.unlink(inbox(d, "Phong Thổ", "2019"))
    # The store still answers with what it had.
    submissions(d)


def symlinked_file(d):
    secret = os.path.join(d.work, "secret.csv")
    with open(secret, "wb") as f:
        f.write(open(os.path.join(SAMPLES, "phong-tho.csv"), "rb").read())
    os.makedirs(inbox(d, "Phong Thổ", "2018"), exist_ok=True)
    os.symlink(secret, inbox(d, "Phong Thổ", "2018", "secret.csv"))
    time.sleep(2.5)
    assert os.path.exists(secret)
    assert os.path.islink(inbox(d, "Phong Thổ", "2018", "secret.csv")), "the link was moved"
    assert not any(s["district"] == "Phong Thổ" for s in submissions(d)), "the linked file was imported"
    os.unlink(inbox(d, "Phong Thổ", "2018", "secret.csv"))


def hard_linked_file(d):
    secret = os.path.join(d.work, "secret-hard.csv")
    with open(secret, "wb") as f:
        f.write(open(os.path.join(SAMPLES, "phong-tho.csv"), "rb").read())
    old = time.time() - 60
    os.utime(secret, (old, old))
    os.makedirs(inbox(d, "Phong Thổ", "2018"), exist_ok=True)
    link = inbox(d, "Phong Thổ", "2018", "hard.csv")
    os.link(secret, link)
    time.sleep(2.5)
    assert os.path.exists(link), "the hard link was moved"
    assert not [s for s in submissions(d) if s["filename"] == "hard.csv"], "the hard-linked file was imported"
    assert "has other hard links" in d.output()
    os.unlink(link)


def crlf_name(d):
    folder = inbox(d, "Than Uyên", "2017")
    os.makedirs(folder, exist_ok=True)
    name = "than-uyen\r\nSet-Cookie: pwn=1\r\nX-Evil: 1.csv"
    with open(os.path.join(os.path.dirname(SAMPLES), "2017", "than-uyen.csv"), "rb") as f:
        data = f.read()
    path = os.path.join(folder, name)
    with open(path + ".part", "wb") as f:
        f.write(data)
    os.rename(path + ".part", path)
    wait_for(lambda: os.path.exists(inbox(d, "processed", "Than Uyên", "2017", name)), 20, "the file stored")
    taken = [s for s in submissions(d, "2017") if "Evil" in s["filename"]]
    assert taken, "the file with CR LF in its name was not stored: " + d.output()[-1500:]
    status, headers, _ = d.request("GET", f"/api/v1/submissions/{taken[-1]['id']}/raw", headers=d.auth())
    assert status == 200, status
    assert "set-cookie" not in headers and "x-evil" not in headers, headers
    assert "\r" not in taken[-1]["filename"] and "\n" not in taken[-1]["filename"]


def slow_copy(d):
    with open(os.path.join(SAMPLES, "phong-tho.csv"), "rb") as f:
        data = f.read()
    folder = inbox(d, "Phong Thổ", "2018")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "slow.csv")
    with open(path, "wb") as f:
        cut = data.rfind(b"\n", 0, len(data) // 2) + 1
        f.write(data[:cut])
        f.flush()
        time.sleep(0.7)  # three scans see the half
        f.write(data[cut:])
    wait_for(lambda: os.path.exists(inbox(d, "processed", "Phong Thổ", "2018", "slow.csv")), 20, "the file stored")
    stored = [s for s in submissions(d) if s["filename"] == "slow.csv"]
    assert stored, "not stored: " + d.output()[-1500:]
    status, _, raw = d.request("GET", f"/api/v1/submissions/{stored[-1]['id']}/raw", headers=d.auth())
    assert raw == data, f"stored {len(raw)} bytes of {len(data)}"


def unmovable_file(d):
    folder = inbox(d, "Mường Tè", "2018")
    os.makedirs(folder, exist_ok=True)
    os.makedirs(inbox(d, "rejected", "Mường Tè"), exist_ok=True)
    blocker = inbox(d, "rejected", "Mường Tè", "2018")
    with open(blocker, "w") as f:
        f.write("a file where the folder would go\n")
    path = os.path.join(folder, "stuck.csv")
    with open(path, "wb") as f:
        f.write(open(os.path.join(SAMPLES, "phong-tho.csv"), "rb").read())
    old = time.time() - 60
    os.utime(path, (old, old))
    time.sleep(3)  # 15 scans
    assert os.path.exists(path), "the file went"
    assert not [s for s in submissions(d) if s["filename"] == "stuck.csv"], "imported although it cannot be moved"
    assert d.output().count("stuck.csv cannot be moved") == 1, "not logged exactly once"
    os.unlink(path)
    os.unlink(blocker)


def attacks():
    return [
        ("giant_count_posted", giant_count_posted),
        ("giant_count_in_the_inbox", giant_count_in_the_inbox),
        ("unauthenticated_upload_is_refused_from_its_head", unauthenticated_upload_is_refused_from_its_head),
        ("token_guessing_is_limited", token_guessing_is_limited),
        ("only_viewer_and_district_tokens", only_viewer_and_district_tokens),
        ("http11_without_host", http11_without_host),
        ("ids_are_strict", ids_are_strict),
        ("periods_are_strict", periods_are_strict),
        ("multipart_without_file", multipart_without_file),
        ("bytes_no_plugin_reads", bytes_no_plugin_reads),
        ("echoed_values_are_cut", echoed_values_are_cut),
        ("names_that_are_not_utf8", names_that_are_not_utf8),
        ("symlinked_period_folder", symlinked_period_folder),
        ("symlinked_file", symlinked_file),
        ("hard_linked_file", hard_linked_file),
        ("crlf_name", crlf_name),
        ("slow_copy", slow_copy),
        ("unmovable_file", unmovable_file),
        ("slowloris_is_bounded", slowloris_is_bounded),
        ("the_connection_cap_holds", the_connection_cap_holds),
        ("emfile_does_not_spin", emfile_does_not_spin),
    ]
