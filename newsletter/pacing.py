"""The send rate, shared by every worker through the cache."""

import logging
import threading
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


class Pacer:
    """Keeps every worker together under ``rate`` messages per second (0: no limit).

    The budget is shared through the default cache (Redis when ``REDIS_URL``
    is set), so it is what the SMTP provider sees however many workers run:
    one counter per wall-clock second, ``cache.incr`` taking a token; a
    worker that finds the second's budget spent sleeps until the next one.
    Simple rather than smooth: up to ``rate`` messages may go in a burst at
    the start of a second (so up to 2 x rate across one second's boundary),
    and machines' clocks are assumed NTP-synchronised. With the local-memory
    cache (no Redis) the counter is per process: each process gets ``rate``.
    If the cache fails, each worker falls back to pacing itself at ``rate``.
    """

    KEY = "newsletter:send-rate"

    def __init__(self, rate: float):
        self.rate = rate
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()
        self._lock = threading.Lock()  # one pacer may serve a worker's sending threads

    def wait(self) -> None:
        if not self.rate:
            return
        while True:
            now = time.time()
            second = int(now)
            try:
                taken = self._take(second)
            except Exception:
                logger.warning(
                    "Shared send-rate counter unavailable; pacing locally", exc_info=True
                )
                self._wait_locally()
                return
            if taken <= self.rate:
                return
            time.sleep(max(second + 1 - time.time(), 0.001))

    def _take(self, second: int) -> int:
        key = f"{self.KEY}:{second}"
        # add() creates the counter once (with an expiry); incr() is atomic in Redis.
        cache.add(key, 0, timeout=10)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr: that second is long gone
            return self.rate + 1

    def _wait_locally(self) -> None:
        with self._lock:
            delay = self.next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.next_at = max(self.next_at, time.monotonic()) + self.interval
