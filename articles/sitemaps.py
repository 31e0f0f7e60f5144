"""sitemap.xml sections: live articles (with lastmod), series, programs, experts, tags in use."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Program, Series
from authors.models import Author


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Article.objects.live().only("slug", "published_at", "updated_at")

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


class _LiveOnlySitemap(Sitemap):
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


class HomeSitemap(Sitemap):
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
