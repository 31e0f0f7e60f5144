from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor
from tests.factories import make_article, make_author, make_photo, make_series

pytestmark = pytest.mark.django_db


def test_article_slugs_are_unique():
    make_article(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(slug="same")


def test_series_slugs_are_unique():
    make_series(slug="alerts")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_series(slug="alerts")


def test_author_slugs_are_unique():
    make_author(slug="jane")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_author(slug="jane")


def test_an_author_appears_once_per_article():
    author = make_author()
    article = make_article(authors=[author])
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleAuthor.objects.create(article=article, author=author, position=1)


def test_authors_keep_their_byline_order_not_their_creation_order():
    first, second, third = make_author(name="Zed"), make_author(name="Amy"), make_author(name="Bo")
    article = make_article()
    ArticleAuthor.objects.create(article=article, author=first, position=2)
    ArticleAuthor.objects.create(article=article, author=second, position=0)
    ArticleAuthor.objects.create(article=article, author=third, position=1)
    fetched = Article.objects.for_listing().get(pk=article.pk)
    assert [a.name for a in fetched.ordered_authors()] == ["Amy", "Bo", "Zed"]


def test_a_published_article_must_have_a_publication_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(status=Article.Status.PUBLISHED, published_at=None)


def test_photo_focal_point_must_lie_inside_the_image():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_photo(focal_x=1.5)


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.ARCHIVED]
)
def test_only_published_pieces_are_live(status):
    make_article(status=status, published_at=timezone.now() - timedelta(days=1))
    assert not Article.objects.live().exists()


def test_a_scheduled_piece_goes_live_exactly_at_its_time():
    at = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    article = make_article(published_at=at)
    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        assert list(Article.objects.live()) == []
        assert list(Article.objects.scheduled()) == [article]
        assert article.is_scheduled and not article.is_live
    with time_machine.travel(at, tick=False):
        assert list(Article.objects.live()) == [article]
        assert article.is_live


def test_credit_line_names_photographer_and_agency():
    assert (
        make_photo(credit="Ana Lee", source="Reuters").credit_line == "Photo by Ana Lee / Reuters"
    )
    assert make_photo(credit="Ana Lee", source="").credit_line == "Photo by Ana Lee"


def test_caption_override_wins_over_the_photos_caption():
    photo = make_photo(caption="Original")
    assert make_article(lead_photo=photo).caption == "Original"
    assert make_article(lead_photo=photo, lead_photo_caption="Edited").caption == "Edited"


def test_reading_time_counts_words_of_the_body():
    article = make_article(body="<p>" + "word " * 460 + "</p>")
    assert article.reading_minutes == 2
