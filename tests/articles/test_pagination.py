"""Keyset pagination of the date-ordered listings: "Older" and "Newer" links carry a position."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.articles.test_views import NOT_LIVE
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'rel="next" href="([^"]+)"')
PREV = re.compile(r'rel="prev" href="([^"]+)"')


def titles(response) -> list[str]:
    return [a.title for a in response.context["articles"]]


def link(pattern, response) -> str | None:
    found = pattern.search(response.content.decode())
    return html.unescape(found.group(1)) if found else None


def make_pieces(count: int, **fields) -> None:
    now = timezone.now()
    for n in range(count):
        make_article(title=f"Piece {n:02}", published_at=now - timedelta(hours=n + 1), **fields)


def test_older_links_walk_every_piece_once_in_order(client):
    make_pieces(45)
    seen, url, pages = [], "/", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += (
            titles(response) if pages else [response.context["featured"].title, *titles(response)]
        )
        older = link(NEXT, response)
        if older:
            assert "before=" in older and f"page={pages + 2}" in older
        url = "/" + older if older else None
        pages += 1
    assert seen == [f"Piece {n:02}" for n in range(45)]
    assert pages == 3


def test_cursor_page_shows_what_the_numbered_page_shows(client):
    author = make_author(slug="ana")
    make_pieces(30, authors=[author])
    first = client.get("/experts/ana/")
    by_cursor = client.get("/experts/ana/" + link(NEXT, first))
    by_number = client.get("/experts/ana/?page=2")
    assert titles(by_cursor) == titles(by_number) == [f"Piece {n:02}" for n in range(20, 30)]
    assert link(NEXT, by_cursor) is None


def test_newer_link_leads_back_to_the_page_before(client):
    make_pieces(65)
    page2 = client.get("/" + link(NEXT, client.get("/")))
    page3 = client.get("/" + link(NEXT, page2))
    back = link(PREV, page3)
    assert "after=" in back and "page=2" in back
    assert titles(client.get("/" + back)) == titles(page2)
    # The first page is the top of the listing: no cursor needed.
    assert link(PREV, page2) == "?"


def test_pieces_published_at_the_same_moment_are_neither_lost_nor_repeated(client):
    moment = timezone.now() - timedelta(hours=1)
    for n in range(25):
        make_article(title=f"Same {n:02}", published_at=moment)
    page1 = client.get("/")
    page2 = client.get("/" + link(NEXT, page1))
    shown = [page1.context["featured"].title, *titles(page1), *titles(page2)]
    assert sorted(shown) == [f"Same {n:02}" for n in range(25)]


@pytest.mark.parametrize(
    "query",
    ["?page=2&before=nonsense", "?page=2&before=12.x", "?page=2&after=99999999999999999999999.1"],
)
def test_malformed_cursor_is_a_bad_request(client, query):
    make_pieces(3)
    assert client.get("/" + query).status_code == 400


def test_cursor_past_the_oldest_piece_is_not_found(client):
    make_pieces(21)
    last_page = client.get("/" + link(NEXT, client.get("/")))
    oldest = last_page.context["articles"][-1]
    stale = f"/?page=3&before={int(oldest.published_at.timestamp() * 1_000_000)}.{oldest.pk}"
    assert client.get(stale).status_code == 404


def test_deep_tag_page_costs_the_queries_of_the_first(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # measure renders, not cache hits
    make_pieces(45, tags=["energy"])
    first_page = client.get("/tags/energy/")
    with CaptureQueriesContext(connection) as first:
        client.get("/tags/energy/")
    url = "/tags/energy/" + link(NEXT, first_page)
    third = "/tags/energy/" + link(NEXT, client.get(url))
    with CaptureQueriesContext(connection) as deep:
        response = client.get(third)
    assert titles(response) == [f"Piece {n:02}" for n in range(40, 45)]
    assert len(deep) == len(first)


@pytest.mark.parametrize("fields", NOT_LIVE)
def test_numbered_pages_show_what_the_older_links_show(client, fields):
    # Ties at one moment and a piece that is not live in between: the numbered
    # pages read their ids past the OFFSET first, then only those rows.
    moment = timezone.now() - timedelta(minutes=30)
    for n in range(12):
        make_article(title=f"Same {n:02}", published_at=moment, tags=["energy"])
    make_pieces(33, tags=["energy"])
    make_article(title="Not live", tags=["energy"], **{"published_at": moment, **fields})
    by_link, url = [], "/tags/energy/"
    while url:
        response = client.get(url)
        by_link.append(titles(response))
        older = link(NEXT, response)
        url = "/tags/energy/" + older if older else None
    by_number = [titles(client.get(f"/tags/energy/?page={n}")) for n in (2, 3)]
    assert len(by_link) == 3 and by_number == by_link[1:]
    assert all("Not live" not in page for page in by_link)
    assert client.get("/tags/energy/?page=4").status_code == 404


def test_a_numbered_page_costs_one_query_more_than_the_first(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # measure renders, not cache hits
    make_pieces(45, tags=["energy"])
    client.get("/tags/energy/")
    with CaptureQueriesContext(connection) as first:
        client.get("/tags/energy/")
    with CaptureQueriesContext(connection) as numbered:
        response = client.get("/tags/energy/?page=3")
    assert titles(response) == [f"Piece {n:02}" for n in range(40, 45)]
    assert len(numbered) == len(first) + 1
