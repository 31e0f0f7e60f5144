"""An SMTP sink in its own process: accepts everything, counts messages per recipient.

    .venv/bin/python -m bench.sink --port 2525 --stats /tmp/sink.json

Nothing is parsed or stored but the envelope's recipients. The counts are
written to ``--stats`` every second and on SIGTERM: total messages, distinct
recipients, and recipients that got more than one message (duplicates).
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
        self.duplicated = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        for address in envelope.rcpt_tos:
            key = address.lower()
            self.recipients[key] += 1
            if self.recipients[key] == 2:
                self.duplicated += 1
        return "250 2.0.0 Accepted"

    def stats(self) -> dict:
        return {
            "messages": self.messages,
            "recipients": len(self.recipients),
            "duplicated_recipients": self.duplicated,
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
