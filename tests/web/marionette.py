"""Headless Firefox for the browser tests, driven through Firefox's own
Marionette protocol (Debian 12 has firefox-esr but no geckodriver).

The protocol is small: a TCP connection to 127.0.0.1, each message a JSON
value prefixed by its length in bytes and a colon. Firefox starts with
`--marionette --headless --profile DIR` and a profile whose user.js sets
`marionette.port` to 0; it then picks a free port and writes it into the
profile (MarionetteActivePort, and prefs.js). A command is
[0, id, "WebDriver:Name", {params}], its answer [1, id, error, result].

FirefoxBrowser offers what the scenarios use of harness.Browser (find, js,
wait, page, sign_in, drop, pick, verdict, shot, ...), so a scenario runs
unchanged in either browser.
"""
import base64
import json
import os
import re
import socket
import subprocess
import time

from harness import WAIT, Browser, Skip

FIREFOX = ("/usr/bin/firefox-esr", "/usr/bin/firefox")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"

PREFS = {
    "marionette.port": 0,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "startup.homepage_welcome_url": "about:blank",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False,
    "browser.aboutwelcome.enabled": False,
    "intl.accept_languages": "vi-VN, vi",
    "browser.download.folderList": 2,
    "browser.download.useDownloadDir": True,
    "ui.prefersReducedMotion": 1,
}


class MarionetteError(Exception):
    pass


class Marionette:
    """One Firefox and its Marionette connection."""

    def __init__(self, work):
        exe = next((e for e in FIREFOX if os.access(e, os.X_OK)), None)
        if not exe:
            raise Skip("firefox is not installed (Debian: apt-get install --no-install-recommends firefox-esr)")
        self.profile = os.path.join(work, "firefox-profile")
        os.makedirs(self.profile)
        with open(os.path.join(self.profile, "user.js"), "w") as f:
            for k, v in PREFS.items():
                f.write(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n")
        self.log_path = os.path.join(work, "firefox.log")
        self.log = open(self.log_path, "wb")
        env = dict(os.environ, MOZ_HEADLESS="1", MOZ_CRASHREPORTER_DISABLE="1", HOME=work)
        self.proc = subprocess.Popen([exe, "--headless", "--marionette", "--no-remote", "--profile", self.profile,
                                      "--width", "1366", "--height", "768", "about:blank"],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        port = self._port()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT * 3)
        self.buf = b""
        hello = self._read()
        if hello.get("marionetteProtocol") != 3:
            raise MarionetteError(f"unexpected Marionette greeting: {hello}")
        self.id = 0
        self.command("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {"pageLoadStrategy": "normal"}}})

    def _port(self):
        deadline = time.time() + WAIT * 3
        active = os.path.join(self.profile, "MarionetteActivePort")
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise MarionetteError("firefox ended at start:\n" + open(self.log_path, errors="replace").read()[-2000:])
            try:
                port = int(open(active).read().strip())
                if port:
                    return port
            except (OSError, ValueError):
                pass
            try:  # older releases: only prefs.js names the port
                m = re.search(r'"marionette\.port",\s*(\d+)', open(os.path.join(self.profile, "prefs.js")).read())
                if m and int(m.group(1)):
                    return int(m.group(1))
            except OSError:
                pass
            time.sleep(0.1)
        raise MarionetteError("firefox never opened its Marionette port")

    def _read(self):
        while b":" not in self.buf:
            self._recv()
        n, _, rest = self.buf.partition(b":")
        n = int(n)
        while len(rest) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise MarionetteError("firefox closed the Marionette connection")
            rest += chunk
        self.buf = rest[n:]
        return json.loads(rest[:n])

    def _recv(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise MarionetteError("firefox closed the Marionette connection")
        self.buf += chunk

    def command(self, name, params=None):
        self.id += 1
        data = json.dumps([0, self.id, name, params or {}]).encode()
        self.sock.sendall(str(len(data)).encode() + b":" + data)
        while True:
            msg = self._read()
            if msg[0] == 1 and msg[1] == self.id:
                break
        if msg[2]:
            raise MarionetteError(f"{name}: {msg[2].get('error')}: {msg[2].get('message')}")
        return msg[3]

    @property
    def current_url(self):
        return self.command("WebDriver:GetCurrentURL")["value"]

    def quit(self):
        try:
            self.command("Marionette:Quit", {"flags": ["eForceQuit"]})
        except Exception:
            pass
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        self.log.close()


def _unwrap(v, m):
    if isinstance(v, dict) and ELEMENT in v:
        return Element(m, v[ELEMENT])
    if isinstance(v, list):
        return [_unwrap(x, m) for x in v]
    if isinstance(v, dict):
        return {k: _unwrap(x, m) for k, x in v.items()}
    return v


def _wrap(v):
    if isinstance(v, Element):
        return {ELEMENT: v.id}
    if isinstance(v, (list, tuple)):
        return [_wrap(x) for x in v]
    return v


class Element:
    def __init__(self, m, id_):
        self.m, self.id = m, id_

    def get_attribute(self, name):
        return self.m.command("WebDriver:ExecuteScript", {"script": "return arguments[0].getAttribute(arguments[1]);",
                                                          "args": [{ELEMENT: self.id}, name]})["value"]

    @property
    def text(self):
        return self.m.command("WebDriver:GetElementText", {"id": self.id})["value"]

    def send_keys(self, text):
        self.m.command("WebDriver:ElementSendKeys", {"id": self.id, "text": text})

    def click(self):
        self.m.command("WebDriver:ElementClick", {"id": self.id})

    def find_element(self, _by, css):
        return _unwrap(self.m.command("WebDriver:FindElement", {"using": "css selector", "value": css, "element": self.id})["value"],
                       self.m)


class FirefoxBrowser(Browser):
    """harness.Browser's page helpers over Marionette."""

    def __init__(self, daemon, work, shots):
        self.daemon = daemon
        self.shots = shots
        self.d = Marionette(work)
        self.By = None
        self.d.command("WebDriver:SetTimeouts", {"pageLoad": WAIT * 1000, "script": WAIT * 1000, "implicit": 0})
        # The page's own area at 1366x768, whatever the window's frame takes.
        self.d.command("WebDriver:SetWindowRect", {"width": 1366, "height": 768})
        inner = self.js("return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]")
        if inner != [0, 0]:
            self.d.command("WebDriver:SetWindowRect", {"width": 1366 + inner[0], "height": 768 + inner[1]})

    def quit(self):
        self.d.quit()

    def js(self, script, *args):
        return _unwrap(self.d.command("WebDriver:ExecuteScript", {"script": script, "args": _wrap(args)})["value"], self.d)

    def find(self, css):
        return _unwrap(self.d.command("WebDriver:FindElement", {"using": "css selector", "value": css})["value"], self.d)

    def all(self, css):
        return _unwrap(self.d.command("WebDriver:FindElements", {"using": "css selector", "value": css}), self.d)

    def go(self, hash_):
        self.d.command("WebDriver:Navigate", {"url": f"{self.daemon.url}/{hash_}"})

    def pick(self, path):
        self.js("document.getElementById('result').replaceChildren(); document.getElementById('file').value = ''")
        self.find("#file").send_keys(path)

    def shot(self, name, top=True):
        if self.shots:
            if top:
                self.js("window.scrollTo(0, 0)")
            time.sleep(0.2)  # let the last paint land; not a timing
            png = base64.b64decode(self.d.command("WebDriver:TakeScreenshot", {"full": False})["value"])
            with open(os.path.join(self.shots, f"web-{name}.png"), "wb") as f:
                f.write(png)

    def save_failure(self, path):
        png = base64.b64decode(self.d.command("WebDriver:TakeScreenshot", {"full": False})["value"])
        with open(path, "wb") as f:
            f.write(png)

    def press(self, key, shift=False):
        """One key pressed and released (WebDriver key codes: Tab is \\ue004), Shift held when asked."""
        down = [{"type": "keyDown", "value": "\ue008"}] if shift else []
        up = [{"type": "keyUp", "value": "\ue008"}] if shift else []
        self.d.command("WebDriver:PerformActions", {"actions": [{"type": "key", "id": "keyboard", "actions":
            down + [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}] + up}]})
        self.d.command("WebDriver:ReleaseActions")

    def version(self):
        return self.js("return navigator.userAgent")
