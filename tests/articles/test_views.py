from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article, make_author, make_photo, make_series

pytestmark = pytest.mark.django_db

NOT_LIVE = [
    {"status": Article.Status.DRAFT},
    {"status": Article.Status.IN_REVIEW},
    {"status": Article.Status.ARCHIVED},
    {"status": Article.Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=1)},
]


def test_home_lists_live_pieces_newest_first(client):
    older = make_article(title="Older", published_at=timezone.now() - timedelta(days=2))
    newer = make_article(title="Newer", published_at=timezone.now() - timedelta(days=1))
    make_article(title="Hidden draft", status=Article.Status.DRAFT)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["featured"] == newer
    assert list(response.context["articles"]) == [older]
    assert b"Hidden draft" not in response.content


def test_article_page_shows_what_the_reader_needs(client):
    author = make_author(name="Hanna Fellow", title="Nonresident Senior Fellow")
    series = make_series(name="Borderlands", disclaimer="Views are the authors' own.")
    photo = make_photo(caption="Protesters in a square.", credit="Jo Snap", source="Wire")
    article = make_article(
        title="A turn in policy",
        dek="Why it matters.",
        series=series,
        lead_photo=photo,
        authors=[author],
        tags=["diplomacy"],
    )
    page = client.get(article.get_absolute_url()).content.decode()
    for expected in [
        "A turn in policy",
        "Why it matters.",
        "Borderlands",
        "Hanna Fellow",
        "Protesters in a square.",
        "Photo by Jo Snap / Wire",
        "diplomacy",
        "Views are the authors&#x27; own.",
        series.program.mission,
    ]:
        assert expected in page


@pytest.mark.parametrize("fields", NOT_LIVE)
def test_pieces_that_are_not_live_answer_404(client, fields):
    article = make_article(**fields)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("fields", NOT_LIVE)
def test_pieces_that_are_not_live_stay_off_every_list(client, fields):
    author = make_author()
    series = make_series()
    make_article(title="Secret piece", authors=[author], series=series, tags=["t"], **fields)
    for url in [
        "/",
        series.get_absolute_url(),
        series.program.get_absolute_url(),
        reverse("articles:tag", args=["t"]),
        author.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert b"Secret piece" not in response.content, url


def _fill(count):
    series = make_series()
    for _ in range(count):
        make_article(
            series=series,
            lead_photo=make_photo(),
            authors=[make_author(), make_author()],
            tags=["a", "b"],
        )


@pytest.mark.parametrize("count", [1, 10])
def test_home_query_count_does_not_grow_with_the_list(client, django_assert_num_queries, count):
    _fill(count)
    # cache state (next scheduled piece), page of articles, their authors,
    # the series sections, their authors
    with django_assert_num_queries(5):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_article_query_count_does_not_grow_with_authors_or_tags(
    client, django_assert_num_queries, count
):
    article = make_article(
        lead_photo=make_photo(),
        series=make_series(),
        authors=[make_author() for _ in range(count)],
        tags=[f"tag{i}" for i in range(count)],
    )
    # cache state, article, its authors, its tags, further reading (none here)
    with django_assert_num_queries(5):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/articles/no-such-piece/")
    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_expert_profile_lists_their_live_pieces(client):
    author = make_author(name="Ana Expert", bio="Writes about grids.")
    make_article(title="Grid piece", authors=[author])
    page = client.get(author.get_absolute_url()).content.decode()
    assert "Ana Expert" in page and "Writes about grids." in page and "Grid piece" in page
    assert client.get(reverse("authors:list")).status_code == 200


def test_inactive_expert_has_no_public_profile(client):
    author = make_author(is_active=False)
    assert client.get(author.get_absolute_url()).status_code == 404
