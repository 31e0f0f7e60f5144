"""Pages read a bounded set of rows whatever the size of the archive (issue #8).

The home page's series sections, "Further reading" and search each look at a
fixed number of pieces (the newest few per series, per tag, or matching), so
their cost does not grow with the archive; these tests pin what readers see.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles import related
from articles import search as search_engine
from articles.models import Article
from tests.factories import make_article, make_author, make_series

pytestmark = pytest.mark.django_db


def _ago(days: float):
    return timezone.now() - timedelta(days=days)


def _sections(response):
    return [
        (s["series"].name, [a.title for a in s["articles"]]) for s in response.context["sections"]
    ]


def test_series_sections_show_each_series_newest_live_pieces(client):
    brief, alert = make_series(name="Brief"), make_series(name="Alert")
    for day in range(5, 0, -1):
        make_article(title=f"Brief {day}", series=brief, published_at=_ago(day))
    make_article(title="Brief draft", series=brief, status=Article.Status.DRAFT)
    make_article(title="Brief scheduled", series=brief, published_at=_ago(-1))
    make_article(title="Alert only", series=alert, published_at=_ago(9))
    make_series(name="Empty")
    make_article(title="No series")
    assert _sections(client.get("/")) == [
        ("Alert", ["Alert only"]),
        ("Brief", ["Brief 1", "Brief 2", "Brief 3"]),
    ]


@pytest.mark.parametrize("series_count", [1, 6])
def test_home_query_count_does_not_grow_with_series_or_pieces(
    client, django_assert_max_num_queries, series_count
):
    for n in range(series_count):
        series = make_series()
        for day in range(5):
            make_article(series=series, authors=[make_author()], published_at=_ago(day + n))
    # page of articles, their authors, the series sections' pieces not on the
    # page and their authors (none to read when the page holds them all), the
    # next scheduled piece
    with django_assert_max_num_queries(5):
        response = client.get("/")
    assert len(response.context["sections"]) == series_count


def test_further_reading_scores_only_the_newest_pieces_per_tag(client, monkeypatch):
    monkeypatch.setattr(related, "CANDIDATES_PER_SOURCE", 2)
    article = make_article(tags=["grid"], published_at=_ago(0.5))
    picked = make_article(title="Old but picked", published_at=_ago(30))
    make_article(title="Older on the grid", tags=["grid"], published_at=_ago(20))
    make_article(title="Grid 3", tags=["grid"], published_at=_ago(3))
    make_article(title="Grid 2", tags=["grid"], published_at=_ago(2))
    make_article(title="Grid draft", tags=["grid"], status=Article.Status.DRAFT)
    article.further_reading.add(picked)
    related.refresh(article)
    further = client.get(article.get_absolute_url()).context["further"]
    # The piece itself takes no slot; the older grid piece falls outside the newest two.
    assert [a.title for a in further] == ["Old but picked", "Grid 2", "Grid 3"]


def test_further_reading_ranks_shared_tags_within_the_bound(client, monkeypatch):
    monkeypatch.setattr(related, "CANDIDATES_PER_SOURCE", 2)
    article = make_article(tags=["grid", "hydro"], published_at=_ago(0.5))
    make_article(title="Grid only", tags=["grid"], published_at=_ago(1))
    make_article(title="Both, older", tags=["grid", "hydro"], published_at=_ago(4))
    make_article(title="Hydro only", tags=["hydro"], published_at=_ago(2))
    related.refresh(article)
    further = client.get(article.get_absolute_url()).context["further"]
    assert [a.title for a in further] == ["Both, older", "Grid only", "Hydro only"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranking")
def test_search_ranks_only_the_newest_matches(client, monkeypatch):
    monkeypatch.setattr(search_engine, "RANKED_MATCHES", 2)
    make_article(title="Pipeline", body="<p>x</p>", published_at=_ago(9))
    make_article(title="Notes", body="<p>The pipeline again.</p>", published_at=_ago(2))
    make_article(title="Pipeline review", body="<p>x</p>", published_at=_ago(1))
    make_article(title="Pipeline draft", status=Article.Status.DRAFT)
    response = client.get("/search/", {"q": "pipeline"})
    assert [a.title for a in response.context["results"]] == ["Pipeline review", "Notes"]
    assert "<mark>pipeline</mark>" in response.content.decode()
