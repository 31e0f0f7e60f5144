"""RSS and Atom feeds over live pieces: the whole site, each series, each expert, each tag.

Every text these classes hand the feed generator is plain text (titles, names,
the dek or SEO description, a series' or expert's description); the generators
below encode it as text for their format. Every link is absolute on
``SITE_URL``, never on the request's Host (a feed is cached for all readers).
"""

from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from taggit.models import Tag

from articles.models import Article, Series
from authors.models import Author
from newsroom.site_url import absolute
from newsroom.validators import strip_control_characters

FEED_SIZE = 30


def _as_text(text: str | None) -> str | None:
    """Plain text XML can carry: a control character saved behind the models'
    validators (SQL, ``update()``) is dropped rather than making the feed unwritable."""
    return None if text is None else strip_control_characters(text)


def _as_html(text: str | None) -> str | None:
    """Plain text inside an element a reader renders as HTML: it shows as typed, never as markup."""
    return None if text is None else escape(strip_control_characters(text))


class PlainTextRss(Rss201rev2Feed):
    """RSS with plain-text titles and descriptions.

    RSS leaves open whether ``<title>`` and ``<description>`` hold text or
    HTML, and readers render both as HTML, so plain text goes out HTML-escaped.
    """

    def __init__(self, title, link, description, **kwargs):
        super().__init__(_as_html(title), link, _as_html(description), **kwargs)

    def add_item(self, title, link, description, **kwargs):
        super().add_item(_as_html(title), link, _as_html(description), **kwargs)


class PlainTextAtom(Atom1Feed):
    """Atom with plain-text summaries: titles are ``type="text"`` already, but
    Django writes the summary as ``type="html"``, so it goes out HTML-escaped."""

    def __init__(self, title, link, description, **kwargs):
        super().__init__(_as_text(title), link, _as_text(description), **kwargs)

    def add_item(self, title, link, description, **kwargs):
        super().add_item(_as_text(title), link, _as_html(description), **kwargs)


class LatestFeed(Feed):
    """The site feed: the newest live pieces."""

    feed_type = PlainTextRss
    url_name = "articles:feed"
    description = "Analysis and commentary from our fellows."

    def title(self, obj=None):
        return settings.SITE_NAME

    def link(self, obj=None):
        return absolute(reverse("articles:home"))

    def feed_url(self, obj=None):
        return absolute(reverse(self.url_name, args=[obj.slug] if obj else []))

    def articles(self, obj):
        return Article.objects.live()

    def items(self, obj=None):
        return self.articles(obj).for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return _as_text(", ".join(author.name for author in item.ordered_authors())) or None

    def item_categories(self, item):
        return [_as_text(item.series.name)] if item.series else []


class _ScopedFeed(LatestFeed):
    """A feed of one object's pieces; subclasses say which object and how pieces point at it.

    It answers 404 exactly when the object's page does.
    """

    model_queryset = None
    lookup = ""

    def get_object(self, request, slug):
        return get_object_or_404(self.model_queryset, slug=slug)

    def title(self, obj=None):
        return f"{obj.name} — {settings.SITE_NAME}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def description(self, obj=None):
        return getattr(obj, "description", "") or f"New pieces: {obj.name}."

    def articles(self, obj):
        return Article.objects.live().filter(**{self.lookup: obj})


class SeriesFeed(_ScopedFeed):
    url_name = "articles:series_feed"
    model_queryset = Series.objects.all()
    lookup = "series"


class ExpertFeed(_ScopedFeed):
    url_name = "authors:feed"
    model_queryset = Author.objects.active()
    lookup = "article_authors__author"


class TagFeed(_ScopedFeed):
    url_name = "articles:tag_feed"
    model_queryset = Tag.objects.all()
    lookup = "tags"

    def get_object(self, request, slug):
        tag = super().get_object(request, slug)
        # As on the tag page: a tag only unpublished pieces use is not public
        # (its name alone can leak a story).
        if not self.articles(tag).exists():
            raise Http404("No live pieces with this tag.")
        return tag

    def link(self, obj=None):
        return absolute(reverse("articles:tag", args=[obj.slug]))


def atom(feed_class):
    """The Atom twin of an RSS feed class, at the RSS feed's URL name plus ``_atom``."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": PlainTextAtom, "url_name": f"{feed_class.url_name}_atom"},
    )
