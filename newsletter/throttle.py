"""Fixed-window rate limits kept in the cache (files locally, Redis when REDIS_URL is set)."""

import hashlib

from django.core.cache import cache

from newsletter.addresses import mailbox_key


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on ``key``; False once more than ``limit`` hits fall in ``window`` seconds."""
    cache_key = f"newsletter:throttle:{key}"
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
