"""Starts the seven executables from EXPO_BIN_PATH against the local stack, for the Python suites
(fuzzing, the browser tests): chosen services on fresh schemas, a first admin, the gateway on a
free port. Every process gets EXPO_PARENT_PID, so none outlives the script that started it, however
that script dies, and none goes on consuming the next run's queues.
"""
import os
import secrets
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

BACKENDS = ["accounts", "matchmaking", "messaging", "marketing", "complaints", "data-rights"]


_next_port = 26000 + os.getpid() * 97 % 6000


def free_port():
    """A port for a child to listen on, from below the kernel's ephemeral range (which every outgoing
    connection also draws from, so the kernel's pick could be taken before the child binds it)."""
    global _next_port
    while True:
        port = _next_port
        _next_port = port + 1 if port + 1 < 32000 else 26000
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue


def psql(sql):
    subprocess.run(["psql", os.environ["EXPO_POSTGRES_ADMIN_URL"], "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                   check=True, stdout=subprocess.DEVNULL)


def test_role_url():
    parts = urllib.parse.urlsplit(os.environ["EXPO_POSTGRES_URL"])
    netloc = f"expo_test:expo-local-expo_test@{parts.hostname}:{parts.port or 5432}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


class Platform:
    """`with Platform("fuzz", fresh=[...], logs=folder) as platform:` runs it; `platform.url`, `.admin_email`,
    `.admin_password`. `env` maps a service name to extra environment for it."""

    def __init__(self, label, logs, fresh=(), env=None):
        self.label = label
        self.logs = logs
        suffix = secrets.token_hex(4)
        self.schemas = {name: f"{label}_{name.replace('-', '_')}_{suffix}" for name in fresh}
        self.extra = env or {}
        self.admin_email = f"{label}-admin-{suffix}@example.com"
        self.admin_password = secrets.token_urlsafe(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes = []

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_):
        self.stop()

    def start(self):
        binaries = os.environ["EXPO_BIN_PATH"]
        for schema in self.schemas.values():
            psql(f"CREATE SCHEMA {schema} AUTHORIZATION expo_test")
        password_file = os.path.join(tempfile.mkdtemp(), "admin-password")
        with open(password_file, "w") as f:
            f.write(self.admin_password)
        os.makedirs(self.logs, exist_ok=True)
        for name in BACKENDS + ["gateway"]:
            env = dict(os.environ, EXPO_INSTANCE_ID=f"{self.label}-{name}", EXPO_OPS_PORT=str(free_port()),
                       EXPO_PARENT_PID=str(os.getpid()))
            if name in self.schemas:
                prefix = f"EXPO_{name.upper().replace('-', '_')}_POSTGRES_"
                env[prefix + "URL"] = test_role_url()
                env[prefix + "SCHEMA"] = self.schemas[name]
            if name == "accounts":
                env.update(EXPO_BOOTSTRAP_ADMIN_EMAIL=self.admin_email, EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE=password_file)
            if name == "gateway":
                env["EXPO_HTTP_PORT"] = str(self.port)
            env.update(self.extra.get(name, {}))
            log = open(os.path.join(self.logs, f"{self.label}-{name}.log"), "w")
            self.processes.append((name, subprocess.Popen([os.path.join(binaries, name)], env=env, stdout=log, stderr=log), log))
        self.wait_ready()

    def wait_ready(self, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.check_alive()
            try:
                with urllib.request.urlopen(self.url + "/health/ready", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.label}: the platform was not ready within {timeout} s; logs in {self.logs}")

    def check_alive(self):
        for name, process, _ in self.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{self.label}: {name} exited with {process.returncode}; see {self.logs}/{self.label}-{name}.log")

    def stop(self):
        for _, process, _ in self.processes:
            process.terminate()
        for _, process, log in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
        self.processes = []
        for schema in self.schemas.values():
            psql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
