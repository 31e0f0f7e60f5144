"""The product's settings, with the bench URLconf (the product's URLs plus a reference view).

Everything else — middleware, templates, cache, database — is exactly what
``newsroom.settings`` reads from the environment, so the reference view runs
through the same stack as the pages it is compared with.

With ``BENCH_COUNT_REDIS_URL`` set (``bench.replay`` sets it), the request
counters of ``bench.counting`` join the middleware: one at the very top, one
right after the page-cache middleware of whichever cache design is installed.
"""

import os

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The reference view is no public page: like the admin, it is not looked up.
# The setting belongs to one cache design; with another, the lookup simply misses.
if "PUBLIC_PAGE_CACHE_SKIP_PREFIXES" in globals():
    PUBLIC_PAGE_CACHE_SKIP_PREFIXES = [*PUBLIC_PAGE_CACHE_SKIP_PREFIXES, "/__bench__/"]  # noqa: F405

if os.environ.get("BENCH_COUNT_REDIS_URL"):
    from bench.counting import with_counters

    MIDDLEWARE, BENCH_PAGE_CACHE_MIDDLEWARE = with_counters(MIDDLEWARE)  # noqa: F405
