#!/usr/bin/env python3
"""The local SMTP sink (deploy/stack starts it with the infrastructure; the tests use it too).

A real SMTP server (aiosmtpd) on 127.0.0.1 that accepts every mail and stores it, exactly as
received, as one `.eml` file per mail in a folder: `<UTC time>-<random>.eml`, written to a
temporary name and renamed, so a reader never sees half a mail. The envelope is kept in two
headers put in front: `X-Sink-Mail-From` and `X-Sink-Rcpt-To` (one per recipient).

Two domains answer like real relays do when something is wrong, so the sender's handling of
both can be tried: recipients `@reject.example` get `550` (a permanent rejection, the address
must be suppressed) and `@defer.example` get `451` (a temporary one, to be retried later).
"""
import argparse
import os
import secrets
import signal
import threading
import time

from aiosmtpd.controller import Controller


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.folder, exist_ok=True)
    controller = Controller(Sink(arguments.folder), hostname="127.0.0.1", port=arguments.port,
                            data_size_limit=32 * 1024 * 1024)
    controller.start()
    print(f"SMTP sink on 127.0.0.1:{arguments.port}, mail in {arguments.folder}", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
