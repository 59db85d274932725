#!/usr/bin/python3
"""Every lai-chau sample POSTed to a fresh tonghopd of BUILD; writes one JSON
document into OUT: each POST's status and body, each stored submission's detail
(records), and the province report of 2017 and 2018, ids and times left out.
usage: /usr/bin/python3 bench/same_answers.py BUILD OUT.json   (from the source tree; then cmp two OUTs)
(branch post3: the proof that a faster POST answers and stores the same)"""
import http.client, json, os, sys, time, urllib.parse
from benchd import Daemon
build = os.path.abspath(sys.argv[1]); out = sys.argv[2]; src = os.getcwd()
d = Daemon(build, "same-answers")
port, admin = d.port, d.admin
names = {"than-uyen": "Than Uyên", "phong-tho": "Phong Thổ", "sin-ho": "Sìn Hồ", "tam-duong": "Tam Đường"}
H = {"Authorization": "Bearer " + admin}
def req(method, path, body=None, headers={}):
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request(method, path, body=body, headers={**H, **headers})
            r = c.getresponse(); b = r.read(); c.close()
            return r.status, b
        except OSError:
            time.sleep(0.05)
    raise SystemExit("no daemon")
DROP = {"id", "received_at", "submission", "superseded_by", "at", "generated_at", "seconds", "time", "etag"}
def clean(v):
    if isinstance(v, dict): return {k: clean(x) for k, x in v.items() if k not in DROP}
    if isinstance(v, list): return [clean(x) for x in v]
    return v
req("GET", "/healthz")
files = []
for period in ("2017", "2018"):
    for f in sorted(os.listdir(f"tests/data/lai-chau/{period}")):
        files.append((period, f"tests/data/lai-chau/{period}/{f}"))
for f in sorted(os.listdir("tests/data/lai-chau/bad")):
    if not f.endswith(".json"): files.append(("2018", f"tests/data/lai-chau/bad/{f}"))
result = {"posts": [], "details": [], "reports": {}}
for period, path in files:
    base = os.path.basename(path)
    district = next(v for k, v in names.items() if base.startswith(k))
    q = urllib.parse.urlencode({"district": district, "period": period, "filename": base})
    st, body = req("POST", "/api/v1/submissions?" + q, open(path, "rb").read(), {"Content-Type": "application/octet-stream"})
    j = json.loads(body)
    result["posts"].append({"file": path, "status": st, "body": clean(j)})
    if st == 201:
        st2, b2 = req("GET", f"/api/v1/submissions/{j['id']}")
        result["details"].append({"file": path, "status": st2, "body": clean(json.loads(b2))})
for period in ("2017", "2018"):
    st, b = req("GET", f"/api/v1/reports/province?period={period}")
    result["reports"][period] = {"status": st, "body": clean(json.loads(b))}
d.stop()
json.dump(result, open(out, "w"), ensure_ascii=False, indent=1, sort_keys=True)
print(out, len(result["posts"]), "posts,", sum(p["status"] == 201 for p in result["posts"]), "stored,", len(result["details"]), "details")
