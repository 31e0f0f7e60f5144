from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.articles.test_views import NOT_LIVE
from tests.factories import make_article, make_author, make_series

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def _xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return ElementTree.fromstring(response.content)


def _all_urls(client):
    """Follow the sitemap index into every section: {loc: lastmod or None}."""
    urls = {}
    index = _xml(client, reverse("sitemap"))
    for loc in index.findall("sm:sitemap/sm:loc", NS):
        section = _xml(client, loc.text.removeprefix(settings.SITE_URL))
        for url in section.findall("sm:url", NS):
            lastmod = url.find("sm:lastmod", NS)
            urls[url.find("sm:loc", NS).text] = None if lastmod is None else lastmod.text
    return urls


def test_sitemap_lists_exactly_the_live_urls(client):
    author, series = make_author(), make_series()
    live = make_article(authors=[author], series=series, tags=["energy"])
    hidden_series, hidden_author = make_series(), make_author()
    for fields in NOT_LIVE:
        make_article(series=hidden_series, authors=[hidden_author], tags=["secret"], **fields)
    expected = {
        reverse("articles:home"),
        reverse("authors:list"),
        live.get_absolute_url(),
        series.get_absolute_url(),
        series.program.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:tag", args=["energy"]),
    }
    urls = _all_urls(client)
    assert {u.removeprefix(settings.SITE_URL) for u in urls} == expected
    assert urls[f"{settings.SITE_URL}{live.get_absolute_url()}"].startswith(
        str(timezone.now().year)
    )


def test_news_sitemap_lists_live_pieces_of_the_last_48_hours(client):
    fresh = make_article(title="Fresh & new", published_at=timezone.now() - timedelta(hours=3))
    make_article(title="Last week", published_at=timezone.now() - timedelta(days=7))
    for fields in NOT_LIVE:
        make_article(**fields)
    root = _xml(client, reverse("news_sitemap"))
    locs = [loc.text for loc in root.findall("sm:url/sm:loc", NS)]
    assert len(locs) == 1 and locs[0].endswith(fresh.get_absolute_url())
    assert root.find("sm:url/news:news/news:title", NS).text == "Fresh & new"


def test_robots_txt_points_at_the_sitemaps_and_keeps_crawlers_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "/sitemap.xml" in text and "/news-sitemap.xml" in text
