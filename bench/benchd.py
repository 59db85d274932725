"""A fresh tonghopd for a bench of bench/ (run from the source tree): its own
data directory and configuration under a temporary directory, a port the
kernel chose (other sessions may run the same bench at once), an admin token.
The daemon runs in its own process group, so that stop() reaches it under a
wrapper too (TONGHOP_BENCH_WRAP, e.g. "perf record -g -o FILE --": `strace
-o FILE` ignores SIGTERM and waits for tonghopd)."""
import os
import shutil
import socket
import subprocess
import tempfile


class Daemon:
    def __init__(self, build, name, plugins_dir=None, limits=""):
        """plugins_dir: BUILD/plugins unless given; limits: lines for [limits]."""
        self.build = os.path.abspath(build)
        self.tmp = tempfile.mkdtemp(prefix=f"tonghop-{name}-")
        plugins_dir = plugins_dir or os.path.join(self.build, "plugins")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        src = os.getcwd()
        config = os.path.join(self.tmp, "tonghop.toml")
        with open(config, "w") as f:
            f.write(f'''[server]
listen = "127.0.0.1:{self.port}"
[paths]
data_dir = "{self.tmp}/var"
plugins_dir = "{plugins_dir}"
[limits]
{limits}
[inbox]
scan_milliseconds = 0
[normalise]
catalogue = "{src}/config/indicators.toml"
units = "{src}/config/units/lai-chau.toml"
profiles = "{src}/config/profiles"
''')
        self.admin = f"{name}-bench-admin-token-0123456789abcdef"
        wrap = os.environ.get("TONGHOP_BENCH_WRAP", "").split()
        self.process = subprocess.Popen(wrap + [os.path.join(self.build, "bin/tonghopd"), "--config", config],
                                        env=dict(os.environ, TONGHOP_ADMIN_TOKEN=self.admin),
                                        stdout=open(os.path.join(self.tmp, "log"), "w"), stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def stop(self):
        os.killpg(self.process.pid, 15)
        self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)
