#!/usr/bin/env python3
"""A loopback SMTP server for the browser tests (aiosmtpd, Debian's python3-aiosmtpd).

Usage: smtp_sink.py PORT DIR. Listens on 127.0.0.1:PORT only, accepts every message without
authentication, and writes message N as DIR/N.txt (the decoded text/plain part), DIR/N.html
(the decoded text/html part, when there is one) and last DIR/N.eml (the raw message, renamed
into place so that a reader never sees half a file). Prints READY once listening; stops when
its standard input closes or it is terminated.
"""

import email
import email.policy
import itertools
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)

    def write(self, name, data):
        path = os.path.join(self.directory, name)
        with open(path + ".part", "wb") as out:
            out.write(data)
        os.replace(path + ".part", path)

    async def handle_DATA(self, server, session, envelope):
        number = next(self.numbers)
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        for kind in ("plain", "html"):
            part = message.get_body(preferencelist=(kind,))
            if part is not None:
                suffix = "txt" if kind == "plain" else "html"
                self.write(f"{number}.{suffix}", part.get_content().encode("utf-8"))
        self.write(f"{number}.eml", raw)
        return "250 OK"


def main():
    port = int(sys.argv[1])
    directory = sys.argv[2]
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
