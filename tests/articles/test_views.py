import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles import related
from articles.models import Article
from articles.views.pages import PAGE_SIZE
from tests.factories import make_article, make_author, make_photo, make_series

DAY = timedelta(days=1)

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
    older = make_series(name="Archive")
    for _ in range(count):
        make_article(series=older, authors=[make_author()], published_at=timezone.now() - DAY)
    for _ in range(PAGE_SIZE):  # newer pieces of no series fill the first page
        make_article()
    # page of articles, their authors, the series sections' pieces not on the
    # page, their authors, the next scheduled piece
    with django_assert_num_queries(5):
        page = client.get("/")
    assert older in [section["series"] for section in page.context["sections"]]


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
    # article with its series and photo, further reading's candidates (none
    # here, so no second query for them), its authors, its tags
    with django_assert_num_queries(4):
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


def test_home_has_a_featured_piece_latest_and_a_section_per_series(client):
    alert, review = make_series(name="Alert"), make_series(name="Review")
    make_article(title="Alert one", series=alert, published_at=timezone.now() - timedelta(days=3))
    make_article(title="Review one", series=review, published_at=timezone.now() - timedelta(days=2))
    make_article(title="Newest", published_at=timezone.now() - timedelta(days=1))
    response = client.get("/")
    assert response.context["featured"].title == "Newest"
    sections = [
        (s["series"].name, [a.title for a in s["articles"]]) for s in response.context["sections"]
    ]
    assert sections == [("Alert", ["Alert one"]), ("Review", ["Review one"])]


def test_listing_pages_go_older_without_counting(client):
    for day in range(25):
        make_article(title=f"Piece {day:02}", published_at=timezone.now() - timedelta(days=day + 1))
    second = client.get("/?page=2")
    assert [a.title for a in second.context["articles"]] == [f"Piece {d:02}" for d in range(20, 25)]
    assert b'rel="prev" href="?"' in second.content and b'rel="next"' not in second.content


def test_article_page_has_byline_titles_share_links_signup_and_reading_time(client):
    author = make_author(name="Ana Ortiz", title="Nonresident Senior Fellow")
    article = make_article(title="Dams", authors=[author], body="<p>" + "word " * 700 + "</p>")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Nonresident Senior Fellow" in page and author.get_absolute_url() in page
    assert "4 min read" in page
    assert "Stay updated" in page and 'href="/newsletters/"' in page
    assert "https://x.com/intent/post?" in page and "mailto:?" in page
    # Share links load no third-party code: every script is one of our own files.
    assert re.findall(r'<script src="([^"]+)"', page) == ["/static/js/newsletter-signup.js"]


def test_article_shows_updated_date_only_after_a_later_edit(client):
    article = make_article(published_at=timezone.now() - timedelta(minutes=1))
    assert b"Updated" not in client.get(article.get_absolute_url()).content
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(days=3))
    article.refresh_from_db()
    article.save()  # an edit now, long after publication
    assert b"Updated" in client.get(article.get_absolute_url()).content


def test_further_reading_puts_hand_picked_first_then_shared_tags_then_series(client):
    series = make_series()
    article = make_article(series=series, tags=["a", "b"])
    picked = make_article(title="Picked", published_at=timezone.now() - timedelta(days=9))
    two_tags = make_article(title="Two tags", tags=["a", "b"])
    same_series = make_article(title="Same series", series=series)
    one_tag = make_article(title="One tag", tags=["b"])
    make_article(title="Unrelated", tags=["z"])
    make_article(title="Draft picked", status=Article.Status.DRAFT)
    article.further_reading.add(picked, Article.objects.get(title="Draft picked"))
    related.refresh(article)  # the others are newer: they join when it is chosen again
    further = client.get(article.get_absolute_url()).context["further"]
    assert further == [picked, two_tags, one_tag, same_series]


@pytest.mark.parametrize("count", [1, 10])
def test_article_query_count_does_not_grow_with_related_pieces(
    client, django_assert_num_queries, count
):
    article = make_article(tags=["t"], series=make_series())
    for _ in range(count):
        article.further_reading.add(make_article(authors=[make_author()], tags=["t"]))
    # article with its series, further reading's candidates and the pieces,
    # its and their authors, its tags
    with django_assert_num_queries(5):
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_series_program_and_tag_query_counts_do_not_grow(client, django_assert_num_queries, count):
    series = make_series()
    for _ in range(count):
        make_article(series=series, authors=[make_author()], tags=["t"], lead_photo=make_photo())
    # object, page of articles, their authors, the next of its pieces to go live
    for url in [series.get_absolute_url(), reverse("articles:tag", args=["t"])]:
        cache.clear()
        with django_assert_num_queries(4):
            assert client.get(url).status_code == 200
    # … plus the program's series
    cache.clear()
    with django_assert_num_queries(5):
        assert client.get(series.program.get_absolute_url()).status_code == 200


def test_tag_used_only_by_drafts_answers_404(client):
    make_article(status=Article.Status.DRAFT, tags=["secret-deal"])
    assert client.get(reverse("articles:tag", args=["secret-deal"])).status_code == 404


def test_series_page_lists_its_live_pieces(client):
    series = make_series(name="Alert", description="Twice-weekly analysis.")
    make_article(title="In the series", series=series)
    make_article(title="Elsewhere")
    page = client.get(series.get_absolute_url()).content.decode()
    assert "In the series" in page and "Elsewhere" not in page and "Twice-weekly analysis." in page


def test_about_the_authors_reads_as_a_sentence(client):
    author = make_author(
        name="Ilona V", description="investigative journalist from Hungary", title="Resident Fellow"
    )
    article = make_article(authors=[author])
    page = client.get(article.get_absolute_url()).content.decode()
    assert "is an investigative journalist from Hungary and resident fellow." in page
