#!/usr/bin/env python3
"""Fuzzes the gateway with schemathesis against its own OpenAPI document, all checks on.

Starts the platform (Tests/PythonSupport/expo_platform.py: every backend on a fresh schema, with a
first admin whose token the fuzzer uses), runs schemathesis, stops everything, and exits with
schemathesis' status. Called by `deploy/stack fuzz`.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "PythonSupport"))
from expo_platform import BACKENDS, Platform  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=20, help="examples per operation (default 20; the long form uses 500)")
    parser.add_argument("--schemathesis", default="schemathesis", help="the schemathesis executable")
    parser.add_argument("--seed", help="fixes the generated cases (the test command's short form does, so CI is repeatable)")
    parser.add_argument("--reports", default=tempfile.gettempdir(), help="folder for the JUnit report and the process logs")
    args = parser.parse_args()
    # The fuzzer tries passwords on known emails and current passwords through its session: keep
    # the admin it signs in as unlocked and its address unthrottled; and it
    # sends far more than a person would, so the gateway's rate limits are off.
    env = {"accounts": {"EXPO_LOCKOUT_THRESHOLD": "1000000", "EXPO_SIGN_IN_FAILURES_PER_ADDRESS": "0"},
           "gateway": {"EXPO_RATE_LIMIT_PER_MINUTE": "0", "EXPO_SIGN_IN_RATE_LIMIT_PER_MINUTE": "0",
                       "EXPO_ACCOUNT_RATE_LIMIT_PER_MINUTE": "0"}}
    with Platform("fuzz", args.reports, fresh=BACKENDS, env=env) as platform:
        url, email, password = platform.url, platform.admin_email, platform.admin_password
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
        for name, process, _ in platform.processes:
            if process.poll() is not None:
                print(f"fuzz: {name} died during the run (exit {process.returncode}); see {args.reports}/fuzz-{name}.log")
                status = status or 1
        return status


if __name__ == "__main__":
    sys.exit(main())
