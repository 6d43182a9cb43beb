#!/usr/bin/env python3
"""The local SMTP sink (deploy/stack starts it with the infrastructure; the tests use it too).

A real SMTP server (aiosmtpd) on 127.0.0.1 that accepts every mail and stores it, exactly as
received, as one `.eml` file per mail in a folder: `<UTC time>-<random>.eml`, written to a
temporary name and renamed, so a reader never sees half a mail. The envelope is kept in two
headers put in front: `X-Sink-Mail-From` and `X-Sink-Rcpt-To` (one per recipient).

It runs `--workers` processes (default 2) sharing the port (SO_REUSEPORT, the kernel spreads the
connections), because one Python process parses SMTP slower than the platform sends it.

Two domains answer like real relays do when something is wrong, so the sender's handling of
both can be tried: recipients `@reject.example` get `550` (a permanent rejection, the address
must be suppressed) and `@defer.example` get `451` (a temporary one, to be retried later).
"""
import argparse
import asyncio
import ctypes
import os
import secrets
import signal
import socket
import sys
import time
import traceback

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder):
        self.folder = folder

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rpartition("@")[2].lower()
        if domain == "reject.example":
            return "550 5.1.1 Mailbox does not exist"
        if domain == "defer.example":
            return "451 4.3.2 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time() % 1:.6f}"[1:]
        name = f"{stamp}Z-{secrets.token_hex(6)}.eml"
        head = f"X-Sink-Mail-From: {envelope.mail_from}\r\n" + "".join(
            f"X-Sink-Rcpt-To: {rcpt}\r\n" for rcpt in envelope.rcpt_tos)
        temporary = os.path.join(self.folder, "." + name + ".tmp")
        with open(temporary, "wb") as file:
            file.write(head.encode())
            file.write(envelope.original_content)
        os.rename(temporary, os.path.join(self.folder, name))
        return "250 2.0.0 Stored as " + name


def serve(arguments):
    """One worker: its own socket on the shared port, served until SIGTERM or its parent is gone.
    No aiosmtpd Controller: its start-up check connects to the port, which may land on another
    worker that is not serving yet."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    loop = asyncio.new_event_loop()
    handler = Sink(arguments.folder)
    hostname = socket.getfqdn()  # once, not for every connection
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, data_size_limit=32 * 1024 * 1024, hostname=hostname, loop=loop),
        host="127.0.0.1", port=arguments.port, reuse_port=True))
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, loop.stop)
    loop.run_forever()
    server.close()
    loop.run_until_complete(server.wait_closed())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", required=True)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    os.makedirs(arguments.folder, exist_ok=True)
    workers = []
    for _ in range(max(1, arguments.workers)):
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                serve(arguments)
            except BaseException:
                traceback.print_exc()
                status = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        workers.append(pid)
    print(f"SMTP sink on 127.0.0.1:{arguments.port} ({len(workers)} workers), mail in {arguments.folder}", flush=True)

    def forward(signum, _frame):
        for worker in workers:
            try:
                os.kill(worker, signal.SIGTERM)
            except ProcessLookupError:
                pass

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)
    # Ends when every worker has; one that dies takes the others down, so a broken sink is seen.
    status = 0
    while workers:
        pid, code = os.wait()
        if pid in workers:
            workers.remove(pid)
            if code != 0 or workers:
                status = status or (1 if code != 0 else 0)
                forward(signal.SIGTERM, None)
    raise SystemExit(status)


if __name__ == "__main__":
    main()
