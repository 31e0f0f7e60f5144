"""The page cache itself (newsroom.page_cache), on both stores: Redis, and files.

Pages here are tiny views (tests/newsroom/page_cache_urls.py) that count their
renders: a page answered from the store does not render.
"""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from newsroom import page_cache
from tests.newsroom.page_cache_urls import renders
from tests.purge import RecordingPurge

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.newsroom.page_cache_urls")]


@pytest.fixture
def redis_store(page_cache_redis):
    """Pages in the real Redis."""
    return page_cache_redis


@pytest.fixture
def file_store(settings, tmp_path):
    """Pages in Django's file cache, as under ``make run``."""
    settings.REDIS_URL = ""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


@pytest.fixture(params=["redis", "file"])
def store(request):
    request.getfixturevalue(f"{request.param}_store")
    return request.param


@pytest.fixture(autouse=True)
def _count_from_zero():
    renders.clear()
    RecordingPurge.purged.clear()


def test_a_second_anonymous_visit_is_answered_from_the_store(client, store):
    first = client.get("/a/")
    second = client.get("/a/")
    assert renders == ["/a/"]
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_signed_in_staff_always_get_a_fresh_private_page(client, store):
    client.get("/a/")
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "staff-session"
    response = client.get("/a/")
    assert renders == ["/a/", "/a/"]
    assert "private" in response["Cache-Control"]


def test_dropping_a_tag_forgets_the_pages_that_carry_it(client, store):
    for url in ("/a/", "/b/", "/ab/"):
        client.get(url)
    page_cache.drop("a")
    renders.clear()
    for url in ("/a/", "/b/", "/ab/"):
        client.get(url)
    if store == "redis":
        assert renders == ["/a/", "/ab/"]  # "/b/" shows nothing tagged "a"
    else:
        assert renders == ["/a/", "/b/", "/ab/"]  # the file cache forgets every page


def test_tags_set_on_the_view_and_by_it_go_out_for_a_cdn(client, store):
    tagged = client.get("/ab/")
    assert tagged["Cache-Tag"] == "a,b"
    assert tagged["Surrogate-Key"] == "a b"
    assert client.get("/ab/")["Cache-Tag"] == "a,b"  # the stored copy too
    assert client.get("/site/")["Surrogate-Key"] == "everything"
    page_cache.drop("everything")
    client.get("/site/")
    assert renders.count("/site/") == 2


def test_cdn_headers_and_conditional_gets(client, store):
    first = client.get("/a/")
    control = first["Cache-Control"]
    assert "public" in control and "max-age=60" in control
    assert "s-maxage=300" in control and "stale-while-revalidate=300" in control
    assert client.get("/a/", headers={"If-None-Match": first["ETag"]}).status_code == 304
    since = client.get("/a/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    assert client.get("/a/", headers={"If-Match": '"other"'}).status_code == 412
    assert renders == ["/a/"]


def test_a_page_whose_data_changed_while_it_rendered_is_not_kept(client, store):
    client.get("/racy/")
    client.get("/racy/")
    assert renders == ["/racy/", "/racy/"]


def test_a_page_that_changes_at_a_known_moment_is_kept_no_longer(client, redis_store):
    client.get("/expiring/")
    assert 0 < redis_store.ttl(page_cache.page_key(RequestFactory().get("/expiring/"))) <= 30


def test_a_page_that_changes_at_a_known_moment_expires_then(client, file_store):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        client.get("/expiring/")
        client.get("/expiring/")
    with time_machine.travel(now.timestamp() + 31, tick=False):
        client.get("/expiring/")
    assert renders == ["/expiring/", "/expiring/"]


def test_turning_the_cache_off_stops_serving_what_it_stored(client, store, settings):
    client.get("/a/")
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/a/")
    client.get("/a/")
    assert renders == ["/a/", "/a/", "/a/"]


def test_responses_that_set_cookies_and_views_not_marked_public_are_not_kept(client, store):
    for url in ("/cookie/", "/cookie/", "/plain/", "/plain/"):
        client.get(url)
    assert renders == ["/cookie/", "/cookie/", "/plain/", "/plain/"]


def test_each_release_has_its_own_pages(client, store, settings):
    settings.RELEASE_ID = "deploy-1"
    client.get("/a/")
    settings.RELEASE_ID = "deploy-2"
    client.get("/a/")
    client.get("/a/")
    assert renders == ["/a/", "/a/"]


def test_a_file_cache_that_lost_its_generation_serves_no_old_page(client, file_store):
    client.get("/a/")
    page_cache.drop("a")
    client.get("/a/")  # stored under the new generation
    cache.delete(page_cache.CachePages.GENERATION)  # evicted, as a full cache does
    client.get("/a/")
    assert renders == ["/a/", "/a/", "/a/"]


def test_the_cdn_hears_of_a_drop_once_the_change_is_committed(
    client, store, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_PURGE_BACKEND = "tests.purge.RecordingPurge"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page_cache.drop("b", "a", "a")
    assert RecordingPurge.purged == []
    for callback in callbacks:
        callback()
    assert RecordingPurge.purged == [["a", "b"]]


class _PurgeEndpoint(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _PurgeEndpoint.received.append(
            {
                "path": self.path,
                "keys": self.headers["Surrogate-Key"],
                "auth": self.headers["Authorization"],
                "body": json.loads(body),
            }
        )
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_endpoint():
    _PurgeEndpoint.received = []
    server = HTTPServer(("127.0.0.1", 0), _PurgeEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/purge"
    server.shutdown()
    server.server_close()


def test_http_purge_names_the_tags_to_a_real_endpoint(
    settings, purge_endpoint, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_PURGE_BACKEND = "newsroom.purge.HTTPPurge"
    settings.PAGE_CACHE_PURGE_URL = purge_endpoint
    settings.PAGE_CACHE_PURGE_TOKEN = "cdn-token"
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.drop("author:5", "article:12")
    assert _PurgeEndpoint.received == [
        {
            "path": "/purge",
            "keys": "article:12 author:5",
            "auth": "Bearer cdn-token",
            "body": {"tags": ["article:12", "author:5"]},
        }
    ]


def test_a_cdn_that_is_down_is_logged_and_the_change_stands(
    settings, caplog, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.PAGE_CACHE_PURGE_BACKEND = "newsroom.purge.HTTPPurge"
    settings.PAGE_CACHE_PURGE_URL = f"http://127.0.0.1:{port}/purge"
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.drop("article:12")
    assert "Purging article:12 from the CDN failed" in caplog.text


def test_a_change_during_an_outage_still_drops_the_pages_it_shows(client, redis_store):
    client.get("/a/")
    page_cache._Outage.failed(OSError("Redis went away a moment ago"))
    try:
        page_cache.drop("a")  # the cache is back, but lookups still skip it
    finally:
        page_cache._Outage.until = 0
    client.get("/a/")
    assert renders == ["/a/", "/a/"]
