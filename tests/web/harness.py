"""The harness of the browser tests (browser_test.py): the built tonghopd
on a free port with its own data directory, configuration and admin token,
and headless Debian chromium driven through chromedriver by python3-selenium
with its own profile directory, at 1366x768. Every wait is bounded (WAIT)."""
import base64
import http.client
import json
import os
import re
import secrets
import subprocess
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data", "lai-chau")
SKIP = 77
WAIT = 20


class Skip(Exception):
    pass


def quote(s):
    return urllib.parse.quote(s, safe="")


class Daemon:
    """The built tonghopd with a data directory, configuration and admin token of its own."""

    def __init__(self, build, work):
        self.work = work
        self.admin = "web-" + secrets.token_hex(24)
        self.config = os.path.join(work, "tonghop.toml")
        with open(self.config, "w") as f:
            f.write(f"""[server]
listen = "127.0.0.1:0"
threads = 2
[paths]
data_dir = "{os.path.join(work, 'var')}"
plugins_dir = "{os.path.join(build, 'plugins')}"
[normalise]
catalogue = "{ROOT}/config/indicators.toml"
units = "{ROOT}/config/units/lai-chau.toml"
profiles = "{ROOT}/config/profiles"
[inbox]
scan_milliseconds = 0
[limits]
max_input_size = "2 MiB"
""")
        self.log_path = os.path.join(work, "tonghopd.out")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([os.path.join(build, "bin", "tonghopd"), "--config", self.config], cwd=work,
                                     env=dict(os.environ, TONGHOP_ADMIN_TOKEN=self.admin),
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.port = 0
        deadline = time.time() + WAIT
        while time.time() < deadline and not self.port:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", self.output())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None:
                break
            else:
                time.sleep(0.05)
        if not self.port:
            raise RuntimeError("tonghopd did not start:\n" + self.output())
        self.url = f"http://127.0.0.1:{self.port}"

    def output(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def request(self, method, path, body=b"", headers=None, token="admin"):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + (self.admin if token == "admin" else token)
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, r.headers, data

    def json(self, method, path, body=b"", token="admin"):
        status, _, data = self.request(method, path, body, token=token)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, data.decode("utf-8", "replace")

    def has_route(self, method, path):
        """False when no route serves METHOD PATH (404 "no such resource" or 405)."""
        status, data = self.json(method, path, b"{}" if method != "GET" else b"")
        if status == 405:
            return False
        if status == 404 and isinstance(data, dict):
            return not any("no such resource" in e.get("message", "") for e in data.get("errors", []))
        return True

    def need(self, *routes):
        missing = [f"{m} {p}" for m, p in routes if not self.has_route(m, p)]
        if missing:
            raise Skip("this daemon has no route for " + ", ".join(missing) +
                       " (built by the other helpers of this wave; merged in the branch 'integration')")

    def user(self, name, role, password, district=None):
        body = {"name": name, "role": role, "password": password}
        if district:
            body["district"] = district
        status, data = self.json("POST", "/api/v1/users", body)
        assert status in (200, 201), f"creating user {name}: {status} {data}"

    def submit(self, district, period, path, token="admin"):
        with open(path, "rb") as f:
            body = f.read()
        status, data = self.json("POST", f"/api/v1/submissions?district={quote(district)}&period={period}"
                                 f"&filename={quote(os.path.basename(path))}", body, token=token)
        assert status == 201, f"submitting {path}: {status} {data}"
        return data

    def submissions(self, period, district=None):
        status, data = self.json("GET", f"/api/v1/submissions?period={period}")
        assert status == 200, data
        return [s for s in data["submissions"] if district is None or s["district"] == district]


class Browser:
    def __init__(self, daemon, work, shots):
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError as e:
            raise Skip(f"python3-selenium is not installed ({e}); scripts/setup installs it")
        for exe in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
            if not os.access(exe, os.X_OK):
                raise Skip(f"{exe} is missing; scripts/setup installs chromium and chromium-driver")
        self.daemon = daemon
        self.shots = shots
        self.downloads = os.path.join(work, "downloads")
        os.makedirs(self.downloads)
        o = webdriver.ChromeOptions()
        o.binary_location = "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                  "--window-size=1366,768", f"--user-data-dir={os.path.join(work, 'profile')}", "--lang=vi-VN",
                  "--disable-extensions", "--disable-background-networking", "--hide-scrollbars"):
            o.add_argument(a)
        o.add_experimental_option("prefs", {"download.default_directory": self.downloads,
                                            "download.prompt_for_download": False,
                                            "intl.accept_languages": "vi-VN,vi"})
        o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.d = webdriver.Chrome(service=Service("/usr/bin/chromedriver", log_output=os.path.join(work, "chromedriver.log")),
                                  options=o)
        self.d.set_page_load_timeout(WAIT)
        self.d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": self.downloads})
        # The page's own area at 1366x768, whatever the window's frame takes.
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
        from selenium.webdriver.common.by import By
        self.By = By

    def quit(self):
        try:
            for entry in self.d.get_log("browser"):
                if entry.get("level") == "SEVERE" and "favicon" not in entry.get("message", ""):
                    print("browser console:", entry.get("message"))
        except Exception:
            pass
        self.d.quit()

    # --- waiting and reading -------------------------------------------------
    def wait(self, predicate, what):
        deadline = time.time() + WAIT
        last = None
        while time.time() < deadline:
            try:
                v = predicate()
                if v:
                    return v
            except Exception as e:  # an element not there yet, or replaced
                last = e
            time.sleep(0.05)
        raise AssertionError(f"waited {WAIT} s for {what}; page: {self.d.current_url}\n"
                             f"{self.text('main')[:1500] if self.exists('main') else ''}\nlast: {last}")

    def find(self, css):
        return self.d.find_element(self.By.CSS_SELECTOR, css)

    def all(self, css):
        return self.d.find_elements(self.By.CSS_SELECTOR, css)

    def exists(self, css):
        return bool(self.all(css))

    def el(self, css):
        return self.wait(lambda: self.find(css), css)

    def text(self, css):
        return self.find(css).text

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def fetch(self, method, path, headers=None, body=None):
        """fetch() from inside the page (its cookie): [status, text]."""
        return self.d.execute_async_script(
            "const [m, p, h, b, done] = arguments;"
            "fetch(p, {method: m, headers: h || {}, body: b, credentials: 'same-origin'})"
            ".then(async r => done([r.status, await r.text()])).catch(e => done([0, String(e)]));",
            method, path, headers, body)

    def shot(self, name, top=True):
        if self.shots:
            if top:
                self.js("window.scrollTo(0, 0)")
            time.sleep(0.2)  # let the last paint land; not a timing
            self.d.save_screenshot(os.path.join(self.shots, f"web-{name}.png"))

    # --- the page ------------------------------------------------------------
    def go(self, hash_):
        self.d.get(f"{self.daemon.url}/{hash_}")

    def settled(self):
        """True once the page has drawn the route its address names (app.js: data-route, data-busy)."""
        return self.js("const m = document.getElementById('main');"
                       "return !!m && m.dataset.busy === '' && m.dataset.route === location.hash;")

    def page(self, page):
        self.wait(lambda: self.settled() and self.find("main").get_attribute("data-page") == page, f"the page {page}")
        # At 1366x768 no page scrolls sideways; a wide sheet or table scrolls in its own box.
        w = self.js("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert w[0] <= w[1], f"the page {page} scrolls sideways at {w[1]} px wide (scrollWidth {w[0]})"

    def sign_in(self, name, password):
        self.go("#/dang-nhap")
        self.page("dang-nhap")
        self.el("#login-name").send_keys(name)
        self.find("#login-password").send_keys(password)
        self.find("#sign-in").click()
        self.wait(lambda: self.text("#user-name") == name, f"{name} signed in")

    def sign_out(self):
        self.el("#sign-out").click()
        self.page("dang-nhap")
        self.el("#sign-in-form")

    def drop(self, path):
        """Drops a file on the drop zone, as a drag from the desktop does."""
        with open(path, "rb") as f:
            data = base64.b64encode(f.read()).decode()
        self.js("""const [b64, name] = arguments;
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name));
            document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));""",
                data, os.path.basename(path))

    def pick(self, path):
        """Picks a file with the file chooser."""
        # The same file picked again is a change only once the chooser is emptied.
        self.js("document.getElementById('result').replaceChildren(); document.getElementById('file').value = ''")
        self.find("#file").send_keys(path)

    def verdict(self):
        return self.wait(lambda: self.find("#verdict").get_attribute("data-verdict"), "the dry run's verdict")

    def download(self, css, suffix):
        before = set(os.listdir(self.downloads))
        self.find(css).click()

        def done():
            new = [f for f in set(os.listdir(self.downloads)) - before if f.endswith(suffix)]
            return os.path.join(self.downloads, new[0]) if new else None
        return self.wait(done, f"the {suffix} download")
