"""The product's settings, with the bench URLconf (the product's URLs plus a reference view).

Everything else — middleware, templates, cache, database — is exactly what
``newsroom.settings`` reads from the environment, so the reference view runs
through the same stack as the pages it is compared with.
"""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The reference view is no public page: like the admin, it is not looked up.
PUBLIC_PAGE_CACHE_SKIP_PREFIXES = [*PUBLIC_PAGE_CACHE_SKIP_PREFIXES, "/__bench__/"]  # noqa: F405
