"""Every absolute URL the site emits is on SITE_URL, whatever Host the request named.

The page cache keys on the path, so a link built from one request's Host would
be served to every later reader: a request naming another allowed host must
get links on SITE_URL all the same.
"""

import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from articles import preview
from articles.models import PreviewLink
from tests.factories import make_article, make_author, make_series

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example.org"
OTHER_HOST = "allowed-host:6666"

# Namespace and schema identifiers name no page of ours.
NOT_LINKS = (
    "http://www.w3.org/",
    "http://www.sitemaps.org/schemas/",
    "http://www.google.com/schemas/",
    "http://purl.org/dc/",
)
URL = re.compile(r"""https?://[^\s<>"']+""")


@pytest.fixture
def other_host(settings):
    settings.SITE_URL = SITE_URL
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "allowed-host"]
    return OTHER_HOST


@pytest.fixture
def content():
    series, author = make_series(), make_author()
    make_article(series=series, authors=[author], tags=["energy"])
    make_article(series=series, authors=[author], tags=["energy"])
    return {"series": series.slug, "expert": author.slug, "tag": "energy"}


def _get(client, url, host):
    response = client.get(url, headers={"Host": host})
    assert response.status_code == 200, url
    return response.content.decode()


def _links(body: str) -> list[str]:
    return [url for url in URL.findall(body) if not url.startswith(NOT_LINKS)]


FEEDS = {"series": "articles:series_feed", "expert": "authors:feed", "tag": "articles:tag_feed"}


def _feed_urls(content) -> list[str]:
    urls = [reverse("articles:feed"), reverse("articles:feed_atom")]
    for kind, slug in content.items():
        urls += [reverse(FEEDS[kind], args=[slug]), reverse(f"{FEEDS[kind]}_atom", args=[slug])]
    return urls


def _sitemap_urls(client, host) -> list[str]:
    index = ElementTree.fromstring(_get(client, reverse("sitemap"), host))
    locs = [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) >= 6
    return [reverse("sitemap"), *(loc.removeprefix(SITE_URL) for loc in locs)]


def test_feeds_link_only_to_site_url_whatever_the_host(client, content, other_host):
    for url in _feed_urls(content):
        body = _get(client, url, other_host)
        links = _links(body)
        assert links, url
        assert all(link.startswith(SITE_URL + "/") for link in links), (url, links)
        assert "allowed-host" not in body


def test_sitemaps_and_robots_txt_link_only_to_site_url_whatever_the_host(
    client, content, other_host
):
    urls = [*_sitemap_urls(client, other_host), reverse("news_sitemap"), "/robots.txt"]
    for url in urls:
        body = _get(client, url, other_host)
        links = _links(body)
        assert links, url
        assert all(link.startswith(SITE_URL + "/") for link in links), (url, links)
        assert "allowed-host" not in body


def test_a_feed_first_requested_under_another_host_is_not_cached_with_its_links(
    client, content, other_host
):
    url = reverse("articles:feed")
    _get(client, url, other_host)
    assert "allowed-host" not in _get(client, url, "testserver")
    assert SITE_URL in _get(client, url, "testserver")


def test_public_pages_name_no_other_host(client, content, other_host):
    article = make_article(series=make_series(), tags=["energy"])
    pages = [
        reverse("articles:home"),
        article.get_absolute_url(),
        reverse("articles:series", args=[content["series"]]),
        reverse("articles:program", args=[article.series.program.slug]),
        reverse("articles:tag", args=[content["tag"]]),
        reverse("authors:detail", args=[content["expert"]]),
        reverse("authors:list"),
    ]
    for url in pages:
        assert "allowed-host" not in _get(client, url, other_host), url


def test_a_shared_preview_link_is_on_site_url_whatever_host_staff_use(client, editor, other_host):
    article = make_article(status="draft")
    client.force_login(editor)
    url = reverse("admin:articles_article_share_preview", args=[article.pk])
    response = client.post(url, headers={"Host": other_host}, follow=True)
    link = PreviewLink.objects.get(article=article)
    body = response.content.decode()
    assert SITE_URL + preview.url_for(link) in body
    assert "allowed-host" not in body
