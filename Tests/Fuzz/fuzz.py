#!/usr/bin/env python3
"""Fuzzes the gateway with schemathesis against its own OpenAPI document, all checks on.

Starts the seven executables from EXPO_BIN_PATH against the local stack (accounts, matchmaking and marketing
on fresh schemas, with a first admin whose token the fuzzer uses), runs schemathesis, stops
everything, and exits with schemathesis' status. Called by `deploy/stack fuzz`.
"""
import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

BACKENDS = ["accounts", "matchmaking", "messaging", "marketing", "complaints", "data-rights"]
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql):
    subprocess.run(["psql", os.environ["EXPO_POSTGRES_ADMIN_URL"], "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                   check=True, stdout=subprocess.DEVNULL)


def test_role_url():
    parts = urllib.parse.urlsplit(os.environ["EXPO_POSTGRES_URL"])
    netloc = f"expo_test:expo-local-expo_test@{parts.hostname}:{parts.port or 5432}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def wait_ready(url, processes, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for name, process, _ in processes:
            if process.poll() is not None:
                sys.exit(f"fuzz: {name} exited with {process.returncode} before the platform was ready")
        try:
            with urllib.request.urlopen(url + "/health/ready", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    sys.exit("fuzz: the platform was not ready within 90 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=20, help="examples per operation (default 20; the long form uses 500)")
    parser.add_argument("--schemathesis", default="schemathesis", help="the schemathesis executable")
    parser.add_argument("--seed", help="fixes the generated cases (the test command's short form does, so CI is repeatable)")
    parser.add_argument("--reports", default=tempfile.gettempdir(), help="folder for the JUnit report and the process logs")
    args = parser.parse_args()
    binaries = os.environ["EXPO_BIN_PATH"]

    suffix = secrets.token_hex(4)
    schemas = {name: f"fuzz_{name}_{suffix}" for name in ["accounts", "matchmaking", "marketing"]}
    for schema in schemas.values():
        psql(f"CREATE SCHEMA {schema} AUTHORIZATION expo_test")
    email = f"fuzz-admin-{suffix}@example.com"
    password = secrets.token_urlsafe(24)
    password_file = os.path.join(tempfile.mkdtemp(), "admin-password")
    with open(password_file, "w") as f:
        f.write(password)

    http_port = free_port()
    url = f"http://127.0.0.1:{http_port}"
    processes = []
    try:
        for name in BACKENDS + ["gateway"]:
            # EXPO_PARENT_PID: a service exits when this script dies, however it dies, so no stray
            # process of a killed run goes on consuming the next run's queues.
            env = dict(os.environ, EXPO_INSTANCE_ID=f"fuzz-{name}", EXPO_OPS_PORT=str(free_port()), EXPO_PARENT_PID=str(os.getpid()))
            if name in schemas:
                prefix = f"EXPO_{name.upper()}_POSTGRES_"
                env[prefix + "URL"] = test_role_url()
                env[prefix + "SCHEMA"] = schemas[name]
            if name == "accounts":
                # The fuzzer tries passwords on known emails: keep the admin it signs in as unlocked.
                env.update(EXPO_BOOTSTRAP_ADMIN_EMAIL=email, EXPO_BOOTSTRAP_ADMIN_PASSWORD_FILE=password_file,
                           EXPO_LOCKOUT_THRESHOLD="100")
            if name == "gateway":
                env.update(EXPO_HTTP_PORT=str(http_port), EXPO_RATE_LIMIT_PER_MINUTE="0",
                           EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE="0", EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE="0")
            log = open(os.path.join(args.reports, f"fuzz-{name}.log"), "w")
            processes.append((name, subprocess.Popen([os.path.join(binaries, name)], env=env, stdout=log, stderr=log), log))
        wait_ready(url, processes)

        env = dict(os.environ, SCHEMATHESIS_HOOKS="hooks", PYTHONPATH=HERE, EXPO_FUZZ_URL=url,
                   EXPO_FUZZ_EMAIL=email, EXPO_FUZZ_PASSWORD=password)
        # One worker: with two threads, Hypothesis's ast.parse calls race on the AST module's state,
        # which CPython 3.11 shares between threads ("SystemError: AST constructor recursion depth
        # mismatch", CPython gh-106905): CI failed at random on it. One is as fast here (~110 s).
        command = [args.schemathesis, "run", url + "/openapi.json", "--checks", "all", "--max-examples", str(args.examples),
                   "--workers", "1", "--report", "junit", "--report-junit-path", os.path.join(args.reports, "fuzz-junit.xml")]
        # The live socket is a WebSocket upgrade, which the fuzzer cannot make: EndToEndTests cover it.
        command += ["--exclude-operation-id", "openLiveSocket"]
        if args.seed:
            command += ["--seed", args.seed]
        print("fuzz:", " ".join(command), flush=True)
        # Its caches (.schemathesis, .hypothesis) go with the reports, not into the checkout.
        status = subprocess.run(command, env=env, cwd=args.reports).returncode
        for name, process, _ in processes:
            if process.poll() is not None:
                print(f"fuzz: {name} died during the run (exit {process.returncode}); see {args.reports}/fuzz-{name}.log")
                status = status or 1
        return status
    finally:
        for _, process, _ in processes:
            process.terminate()
        for _, process, log in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
        for schema in schemas.values():
            psql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


if __name__ == "__main__":
    sys.exit(main())
