"""Fixed-window rate limits kept in the cache (files locally, Redis when REDIS_URL is set)."""

import hashlib
import logging

from django.core.cache import cache
from redis.exceptions import RedisError

from newsletter.addresses import mailbox_key

logger = logging.getLogger(__name__)


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on ``key``; False once more than ``limit`` hits fall in ``window`` seconds.

    Fails open: when the cache cannot be reached the hit is allowed, uncounted,
    and a warning logged. A reader must be able to sign up while Redis is down;
    the limits come back with the cache.
    """
    cache_key = f"newsletter:throttle:{key}"
    try:
        return _count(cache_key, limit=limit, window=window)
    # RedisError: the Redis cache refused, dropped or timed out (ConnectionError
    # and TimeoutError are subclasses); OSError: the file cache's disk failed.
    except (RedisError, OSError):
        # The kind of limit only: the key may hold a reader's address.
        kind = key.partition(":")[0]
        logger.warning(
            "Sign-up throttle (%s) not counted: the cache is unavailable", kind, exc_info=True
        )
        return True


def _count(cache_key: str, *, limit: int, window: int) -> bool:
    # add() is atomic on both backends: only the first hit of a window creates
    # the counter, and with it the window's expiry.
    if cache.add(cache_key, 1, timeout=window):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


def address_bucket(address: str) -> str:
    """One counter per mailbox: plus-tagged variants of an address share it."""
    # Hashed so the cache never holds addresses in the clear.
    return f"mailbox:{hashlib.sha256(mailbox_key(address).encode()).hexdigest()}"
