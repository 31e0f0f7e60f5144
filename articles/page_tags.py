"""The page cache's tags (``newsroom.page_cache``) for what the public pages show.

- An object's tag (``article:12``, ``author:5``, ``series:3``, ``program:2``,
  ``tag:9``, ``photo:7``) is on every page that shows any of its fields: the
  piece's own page and every card of it, a byline, a kicker.
- A listing's tag (``series:3:pieces``, ``latest``, …) is on every page whose
  list of pieces changes when a piece enters or leaves it (published,
  scheduled, unpublished, moved to another series, retagged).
- Pages that draw on the whole site (feeds, sitemaps, search results, the
  experts directory) carry one broad tag each, dropped by any change.

Views call ``newsroom.page_cache.tag`` with these; ``articles.signals`` drops them.
"""

from datetime import datetime

from articles.models import Article
from newsroom.page_cache import public_page

LATEST = "latest"  # every list of the newest pieces: home and its later pages
HOME = "home"
# Dropped by any change to what readers see.
FEED, SITEMAP, SEARCH, EXPERTS = "feed", "sitemap", "search", "experts"
BROAD = (FEED, SITEMAP, SEARCH, EXPERTS)


def of(kind: str, pk) -> str:
    """An object's tag: ``of("article", 12)`` → ``"article:12"``."""
    return f"{kind}:{pk}"


def pieces_of(kind: str, pk) -> str:
    """The tag of the pages listing an object's pieces: ``"series:3:pieces"``."""
    return f"{kind}:{pk}:pieces"


def card(article: Article) -> list[str]:
    """What a piece's card shows: the piece, its series, lead photo and authors
    (read from the byline prefetch, as the card does)."""
    tags = [of("article", article.pk)]
    if article.series_id:
        tags.append(of("series", article.series_id))
    if article.lead_photo_id:
        tags.append(of("photo", article.lead_photo_id))
    tags.extend(of("author", author.pk) for author in article.ordered_authors())
    return tags


def cards(articles) -> list[str]:
    return [name for article in articles for name in card(article)]


def next_go_live(**lookups) -> datetime | None:
    """When the next scheduled piece matching ``lookups`` goes live: a page
    listing such pieces changes then, with nothing saved."""
    scheduled = Article.objects.scheduled().filter(**lookups).order_by("published_at")
    return scheduled.values_list("published_at", flat=True).first()


# Feeds, sitemaps and search: pages drawn from the whole site, with their broad
# tag; they change by themselves when any scheduled piece goes live.
feed_page = public_page(tags=(FEED,), expires=next_go_live)
sitemap_page = public_page(tags=(SITEMAP,), expires=next_go_live)
search_page = public_page(tags=(SEARCH,), expires=next_go_live)
