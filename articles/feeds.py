"""RSS and Atom feeds over live pieces: the whole site, each series, each expert, each tag."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from taggit.models import Tag

from articles.models import Article, Series
from authors.models import Author

FEED_SIZE = 30


class LatestFeed(Feed):
    """The site feed: the newest live pieces."""

    description = "Analysis and commentary from our fellows."

    def title(self, obj=None):
        return settings.SITE_NAME

    def link(self, obj=None):
        return reverse("articles:home")

    def articles(self, obj):
        return Article.objects.live()

    def items(self, obj=None):
        return self.articles(obj).for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"{settings.SITE_URL}{item.get_absolute_url()}"

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.ordered_authors()) or None

    def item_categories(self, item):
        return [item.series.name] if item.series else []


class _ScopedFeed(LatestFeed):
    """A feed of one object's pieces; subclasses say which object and how pieces point at it."""

    model_queryset = None
    lookup = ""

    def get_object(self, request, slug):
        return get_object_or_404(self.model_queryset, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} — {settings.SITE_NAME}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return getattr(obj, "description", "") or f"New pieces: {obj.name}."

    def articles(self, obj):
        return Article.objects.live().filter(**{self.lookup: obj})


class SeriesFeed(_ScopedFeed):
    model_queryset = Series.objects.all()
    lookup = "series"


class ExpertFeed(_ScopedFeed):
    model_queryset = Author.objects.active()
    lookup = "article_authors__author"


class TagFeed(_ScopedFeed):
    model_queryset = Tag.objects.all()
    lookup = "tags"

    def link(self, obj=None):
        return reverse("articles:tag", args=[obj.slug])


def atom(feed_class):
    """The Atom twin of an RSS feed class."""
    return type(f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": Atom1Feed})
