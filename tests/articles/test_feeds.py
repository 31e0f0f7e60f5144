from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.articles.test_views import NOT_LIVE
from tests.factories import make_article, make_author, make_series

pytestmark = pytest.mark.django_db


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def _ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.mark.parametrize("name", ["articles:feed", "articles:feed_atom"])
def test_site_feeds_list_exactly_the_live_pieces_newest_first(client, name):
    old = make_article(title="Old piece", published_at=_ago(3))
    new = make_article(title="New piece", published_at=_ago(1))
    for fields in NOT_LIVE:
        make_article(title="Not for readers", **fields)
    feed = _parse(client, reverse(name))
    assert [e.title for e in feed.entries] == ["New piece", "Old piece"]
    assert feed.entries[0].link.endswith(new.get_absolute_url())
    assert feed.entries[1].link.endswith(old.get_absolute_url())


def test_atom_feed_is_atom_and_names_the_authors(client):
    make_article(title="Bylined", authors=[make_author(name="Ana Ortiz")])
    feed = _parse(client, reverse("articles:feed_atom"))
    assert feed.version == "atom10"
    assert feed.entries[0].author == "Ana Ortiz"


FEEDS = {"series": "articles:series_feed", "expert": "authors:feed", "tag": "articles:tag_feed"}


@pytest.mark.parametrize("kind", FEEDS)
@pytest.mark.parametrize("atom", [False, True])
def test_scoped_feeds_list_only_their_own_live_pieces(client, kind, atom):
    series, author = make_series(), make_author()
    mine = {"series": series, "authors": [author], "tags": ["energy"]}
    make_article(title="Mine older", published_at=_ago(2), **mine)
    make_article(title="Mine newer", published_at=_ago(1), **mine)
    make_article(title="Mine but draft", status="draft", **mine)
    make_article(title="Somebody else's", series=make_series(), authors=[make_author()], tags=["x"])
    slug = {"series": series.slug, "expert": author.slug, "tag": "energy"}[kind]
    name = FEEDS[kind] + ("_atom" if atom else "")
    feed = _parse(client, reverse(name, args=[slug]))
    assert [e.title for e in feed.entries] == ["Mine newer", "Mine older"]


def test_feeds_of_unknown_or_hidden_objects_answer_404(client):
    hidden = make_author(is_active=False)
    assert client.get(reverse("articles:series_feed", args=["nope"])).status_code == 404
    assert client.get(reverse("authors:feed", args=[hidden.slug])).status_code == 404


PAGES = {"series": "articles:series", "expert": "authors:detail", "tag": "articles:tag"}


def _object_with(kind, pieces):
    """A series, expert or tag that exactly ``pieces`` (article fields) use; its slug."""
    series, author = make_series(), make_author()
    for fields in pieces:
        make_article(series=series, authors=[author], tags=["Embargoed Deal"], **fields)
    return {"series": series.slug, "expert": author.slug, "tag": "embargoed-deal"}[kind]


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("pieces", [[{}], NOT_LIVE, []], ids=["live", "unpublished-only", "unused"])
def test_scoped_feeds_answer_404_exactly_when_their_page_does(client, kind, pieces):
    slug = _object_with(kind, pieces)
    page = client.get(reverse(PAGES[kind], args=[slug])).status_code
    rss = client.get(reverse(FEEDS[kind], args=[slug])).status_code
    atom = client.get(reverse(f"{FEEDS[kind]}_atom", args=[slug])).status_code
    assert rss == atom == page


@pytest.mark.parametrize("fields", NOT_LIVE)
@pytest.mark.parametrize("name", ["articles:tag_feed", "articles:tag_feed_atom"])
def test_tag_feed_of_a_tag_only_unpublished_pieces_use_answers_404(client, fields, name):
    make_article(tags=["Embargoed Deal"], **fields)
    response = client.get(reverse(name, args=["embargoed-deal"]))
    assert response.status_code == 404
    assert b"Embargoed Deal" not in response.content
    assert client.get(reverse("articles:tag", args=["embargoed-deal"])).status_code == 404
