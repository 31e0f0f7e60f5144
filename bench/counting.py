"""Request counters for ``bench.replay``: how many public GETs the page cache answered.

``bench.settings`` puts ``CountRequestsMiddleware`` at the top of the stack
and ``MarkMissMiddleware`` right after the product's page-cache middleware
(whichever design is installed), only when ``BENCH_COUNT_REDIS_URL`` is set.
A request that gets as far as ``MarkMissMiddleware`` was not answered by the
page cache: a miss. The top middleware counts every public GET, its misses,
and the cache answers that still ran SQL (a stored page checked against the
database before it is served, not a plain lookup), with one pipelined INCR
round trip per request to a Redis database of their own: gunicorn's workers
are separate processes.
"""

import os
import threading

import redis
from django.conf import settings
from django.db import connection

PREFIX = "bench:count:"
TOTAL = PREFIX + "requests"
MISSES = PREFIX + "misses"
ANSWERED_WITH_SQL = PREFIX + "answered-with-sql"
NON_200 = PREFIX + "non-200"
COUNTERS = (TOTAL, MISSES, ANSWERED_WITH_SQL, NON_200)
# Which code the server runs: the path of the ``newsroom`` package it imported
# and the page-cache middleware the counters sit behind.
SERVED_BY = "bench:served-by"

_client = None
_client_lock = threading.Lock()
_announced = False


def client() -> redis.Redis:
    """One client per process (made after gunicorn forks), shared by its threads."""
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                _client = redis.Redis.from_url(os.environ["BENCH_COUNT_REDIS_URL"])
    return _client


def _announce() -> None:
    global _announced
    if _announced:
        return
    _announced = True
    import newsroom

    client().hset(
        SERVED_BY,
        mapping={
            "newsroom": os.path.dirname(newsroom.__file__),
            "page_cache_middleware": settings.BENCH_PAGE_CACHE_MIDDLEWARE,
            "pid": os.getpid(),
        },
    )


def _is_public(request) -> bool:
    """A reader's GET of a public page, not of static files, media, the admin or the bench."""
    if request.method != "GET":
        return False
    skip = ("/admin/", "/healthz", "/newsletters/", "/preview/", "/__bench__/")
    skip += (settings.STATIC_URL or "/static/", settings.MEDIA_URL or "/media/")
    return not request.path_info.startswith(skip)


class CountRequestsMiddleware:
    """At the very top: counts the public GETs, and which of them missed the page cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_public(request):
            return self.get_response(request)
        _announce()
        queries = 0

        def count_query(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count_query):
            response = self.get_response(request)
        missed = getattr(request, "bench_page_cache_missed", False)
        pipe = client().pipeline(transaction=False)
        pipe.incr(TOTAL)
        if missed:
            pipe.incr(MISSES)
        elif queries:
            pipe.incr(ANSWERED_WITH_SQL)
        if response.status_code != 200:
            pipe.incr(NON_200)
        pipe.execute()
        return response


class MarkMissMiddleware:
    """Right after the page-cache middleware: whatever reaches it was not answered by the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.bench_page_cache_missed = True
        return self.get_response(request)


# The page-cache middleware of each design; the counters go right after it.
PAGE_CACHE_MIDDLEWARE = (
    "newsroom.page_cache.PageCacheMiddleware",
    "newsroom.http_cache.PublicPageCacheMiddleware",
)


def with_counters(middleware: list[str]) -> tuple[list[str], str]:
    """``middleware`` with the two counters in place, and the page-cache entry they follow."""
    found = [entry for entry in middleware if entry in PAGE_CACHE_MIDDLEWARE]
    if len(found) != 1:
        raise RuntimeError(
            f"bench counters: expected exactly one of {PAGE_CACHE_MIDDLEWARE} in MIDDLEWARE, "
            f"found {found}"
        )
    entry = found[0]
    at = middleware.index(entry)
    counted = [
        "bench.counting.CountRequestsMiddleware",
        *middleware[: at + 1],
        "bench.counting.MarkMissMiddleware",
        *middleware[at + 1 :],
    ]
    return counted, entry
