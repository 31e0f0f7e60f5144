"""The anonymous page cache and the HTTP caching headers of public pages."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_second_anonymous_visit_is_served_from_the_cache(client, django_assert_num_queries):
    make_article(title="Cached piece")
    client.get("/")
    with django_assert_num_queries(0):
        response = client.get("/")
    assert b"Cached piece" in response.content


def test_publishing_editing_and_unpublishing_show_at_once(
    client, django_capture_on_commit_callbacks
):
    article = make_article(title="First title", status=Article.Status.DRAFT)
    assert b"First title" not in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.PUBLISHED
        article.save()
    assert b"First title" in client.get("/").content
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Second title"
        article.save()
    assert b"Second title" in client.get(article.get_absolute_url()).content
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.ARCHIVED
        article.save()
    assert b"Second title" not in client.get("/").content
    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_piece_appears_when_its_time_comes_with_no_job(client):
    now = timezone.now()
    make_article(title="Tomorrow's piece", published_at=now + timedelta(hours=2))
    with time_machine.travel(now, tick=False):
        assert b"Tomorrow&#x27;s piece" not in client.get("/").content
    with time_machine.travel(now + timedelta(hours=2, seconds=1), tick=False):
        assert b"Tomorrow&#x27;s piece" in client.get("/").content


def test_conditional_get_answers_304(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(article.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    since = client.get(
        article.get_absolute_url(), headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304


def test_conditional_get_of_a_changed_page_answers_it_in_full_or_412(client):
    article = make_article()
    client.get(article.get_absolute_url())  # cached
    stale = client.get(article.get_absolute_url(), headers={"If-None-Match": '"old"'})
    assert stale.status_code == 200 and stale.content
    guarded = client.get(article.get_absolute_url(), headers={"If-Match": '"old"'})
    assert guarded.status_code == 412
    earlier = client.get(
        article.get_absolute_url(),
        headers={"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    )
    assert earlier.status_code == 412


def test_public_pages_are_cdn_cacheable_for_anonymous_readers(client):
    response = client.get("/")
    cache_control = response["Cache-Control"]
    assert (
        "public" in cache_control and "s-maxage=" in cache_control and "max-age=" in cache_control
    )


def test_logged_in_staff_get_private_uncached_pages(admin_client):
    make_article(title="Staff view")
    response = admin_client.get("/")
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/", "/search/?q=x", "/experts/", "/feed/"])
def test_public_pages_carry_a_strict_content_security_policy(client, url):
    make_article()
    response = client.get(url)
    # WSGI servers reject non-str header names (an enum key once slipped through).
    assert all(type(name) is str for name in response.headers)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_a_cached_page_carries_no_nonce_every_reader_would_share(client):
    article = make_article(tags=["a"])
    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())
    assert first.content == second.content
    for response in (first, second):
        assert "nonce" not in response["Content-Security-Policy"]
        assert b"nonce" not in response.content


def test_public_pages_have_no_inline_script_or_style(client):
    article = make_article(tags=["a"])
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>" not in page and " style=" not in page and "<style" not in page
    # Scripts are either JSON-LD data (never run) or files of our own.
    assert page.count("<script") == page.count('<script type="application/ld+json">') + page.count(
        '<script src="/static/'
    )


def test_page_past_the_end_answers_404_and_a_bad_page_number_400(client):
    make_article()
    assert client.get("/?page=2").status_code == 404
    assert client.get("/?page=abc").status_code == 400
    assert client.get(reverse("articles:home"), {"page": "0"}).status_code == 400


def test_links_with_tracking_parameters_share_the_cached_page(client, django_assert_num_queries):
    article = make_article(title="Shared piece")
    url = article.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(0):
        shared = client.get(
            url, {"utm_source": "newsletter", "utm_medium": "email", "fbclid": "x1"}
        )
    assert b"Shared piece" in shared.content


def test_parameters_a_page_reads_still_make_their_own_entries(client):
    make_article(title="Front piece")
    assert b"Front piece" in client.get("/").content
    assert client.get("/", {"page": "2"}).status_code == 404
    assert client.get("/", {"page": "2", "utm_source": "x"}).status_code == 404
    found = client.get("/search/", {"q": "front", "utm_campaign": "c"})
    assert b"Front piece" in found.content
    assert b"Front piece" not in client.get("/search/", {"q": "nothing-like-it"}).content
