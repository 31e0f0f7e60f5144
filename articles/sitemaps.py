"""sitemap.xml sections: live articles (with lastmod), series, programs, experts, tags in use.

Every location is absolute on ``SITE_URL``, never on the request's Host: a
sitemap is cached and served to every later crawler.
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Program, Series
from authors.models import Author
from newsroom import site_url


class SiteURLSitemap(Sitemap):
    """A section whose locations are on ``SITE_URL``; Django's follow the request's host."""

    def get_protocol(self, protocol=None):
        return site_url.scheme()

    def get_domain(self, site=None):
        return site_url.domain()


class ArticleSitemap(SiteURLSitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Article.objects.live().only("slug", "published_at", "updated_at")

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


class _LiveOnlySitemap(SiteURLSitemap):
    """Objects that have at least one live piece (an empty page is not worth indexing)."""

    changefreq = "daily"
    priority = 0.5
    lookup = ""

    def live_ids(self):
        return Article.objects.live().values(self.lookup)


class SeriesSitemap(_LiveOnlySitemap):
    lookup = "series_id"

    def items(self):
        return Series.objects.filter(pk__in=self.live_ids()).order_by("slug")


class ProgramSitemap(_LiveOnlySitemap):
    lookup = "series__program_id"

    def items(self):
        return Program.objects.filter(pk__in=self.live_ids()).order_by("slug")


class ExpertSitemap(_LiveOnlySitemap):
    lookup = "article_authors__author_id"

    def items(self):
        return Author.objects.active().filter(pk__in=self.live_ids()).order_by("slug")


class TagSitemap(_LiveOnlySitemap):
    lookup = "tags__id"

    def items(self):
        return Tag.objects.filter(pk__in=self.live_ids()).order_by("slug")

    def location(self, item):
        return reverse("articles:tag", args=[item.slug])


class HomeSitemap(SiteURLSitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self):
        return ["articles:home", "authors:list"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "series": SeriesSitemap,
    "programs": ProgramSitemap,
    "experts": ExpertSitemap,
    "tags": TagSitemap,
}


def index(request, sitemaps, sitemap_url_name):
    """Django's sitemap index, each section's URL moved from the request's host to ``SITE_URL``."""
    response = sitemap_views.index(request, sitemaps, sitemap_url_name=sitemap_url_name)
    for entry in response.context_data["sitemaps"]:
        parts = urlsplit(entry.location)
        entry.location = site_url.absolute(parts.path + (f"?{parts.query}" if parts.query else ""))
    return response
