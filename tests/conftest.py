import os
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads in tests go to a throwaway folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-chief-123")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def pytest_configure(config):
    """Tests use an in-process cache (unless REDIS_URL says otherwise), not the file
    cache that ``make run``'s processes share: nothing a development server cached is
    served to a test, and no test writes into it."""
    from django.conf import settings

    if not settings.REDIS_URL:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so no page cached by another test is served."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@contextmanager
def emptied_redis(url: str):
    """A client of a database of the real Redis, emptied before and after."""
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def rq_redis(settings):
    """Tasks go to RQ on the real Redis, in a database of their own (``TEST_REDIS_URL``,
    DB 11 on the local Redis by default)."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    with emptied_redis(url):
        yield url


@pytest.fixture
def page_cache_redis(settings):
    """The page cache on the real Redis, in a database of its own
    (``TEST_PAGE_CACHE_REDIS_URL``, DB 12 on the local Redis by default)."""
    url = os.environ.get("TEST_PAGE_CACHE_REDIS_URL", "redis://127.0.0.1:6379/12")
    settings.REDIS_URL = url
    with emptied_redis(url) as client:
        yield client
