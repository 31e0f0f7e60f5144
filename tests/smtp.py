"""A real SMTP server for tests (aiosmtpd in a thread), with scripted answers.

``SmtpSink`` records every accepted message; ``temp_fail`` addresses get a
451 at RCPT the first time and are accepted after; ``reject`` addresses get
550; ``delay`` slows each DATA so a test can kill a sender mid-send.
"""

import asyncio
import bisect
import email
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller


class SmtpSink:
    def __init__(self, *, delay: float = 0.0):
        self.delay = delay
        self.temp_fail: set[str] = set()
        self.reject: set[str] = set()
        self.refused: Counter = Counter()
        self.messages: list[email.message.Message] = []
        self.received_at: list[float] = []  # time.monotonic() of each accepted message
        self.in_data = 0  # messages being received right now
        self.most_at_once = 0  # the most received at the same moment (parallel senders)
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        if key in self.reject:
            return "550 5.1.1 No such mailbox here"
        if key in self.temp_fail and not self.refused[key]:
            self.refused[key] += 1
            return "451 4.3.0 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.in_data += 1
        self.most_at_once = max(self.most_at_once, self.in_data)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            self.in_data -= 1
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            self.messages.append(message)
            self.received_at.append(time.monotonic())
        return "250 2.0.0 Accepted"

    def most_in_one_second(self) -> int:
        """The most messages taken within any one second (a window from each arrival)."""
        with self._lock:
            moments = sorted(self.received_at)
        return max(bisect.bisect_left(moments, t + 1.0) - i for i, t in enumerate(moments))

    def recipients(self) -> Counter:
        with self._lock:
            return Counter(m["To"].lower() for m in self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(**kwargs) -> tuple[SmtpSink, Controller, int]:
    sink = SmtpSink(**kwargs)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller, port
