"""An SMTP sink in its own process: accepts everything, counts messages per recipient.

    .venv/bin/python -m bench.sink --port 2525 --stats /tmp/sink.json

Nothing is stored. The counts are written to ``--stats`` every second and on
SIGTERM: total messages and bytes, distinct recipients, recipients that got
more than one message (duplicates), and messages whose header block does not
name their envelope recipient (a copy not made for that reader).
"""

import argparse
import asyncio
import json
import os
import signal
import time
from collections import Counter

from aiosmtpd.controller import Controller


class Counting:
    def __init__(self):
        self.recipients: Counter = Counter()
        self.messages = 0
        self.bytes = 0
        self.duplicated = 0
        self.not_addressed = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.bytes += len(envelope.content)
        headers = envelope.content[: envelope.content.find(b"\r\n\r\n")].lower()
        for address in envelope.rcpt_tos:
            key = address.lower()
            self.recipients[key] += 1
            if self.recipients[key] == 2:
                self.duplicated += 1
            if key.encode() not in headers:
                self.not_addressed += 1
        return "250 2.0.0 Accepted"

    def stats(self) -> dict:
        return {
            "messages": self.messages,
            "bytes": self.bytes,
            "recipients": len(self.recipients),
            "duplicated_recipients": self.duplicated,
            "not_addressed": self.not_addressed,
            "at": time.time(),
        }


def write(path: str, stats: dict) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w") as handle:
        json.dump(stats, handle)
    os.replace(tmp, path)


def main() -> None:
    parser = argparse.ArgumentParser(description="Counting SMTP sink.")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--stats", required=True)
    args = parser.parse_args()
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=args.port)
    controller.start()
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        write(args.stats, handler.stats())
        time.sleep(1)
    controller.stop()
    write(args.stats, handler.stats())


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
