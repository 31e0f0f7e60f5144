"""Small ``make_*`` factories: each makes a valid object, and any field can be overridden."""

import io
import itertools
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleAuthor, Photo, Program, Series
from authors.models import Author

_seq = itertools.count(1)


def image_bytes(size=(64, 36), fmt="JPEG", color=(40, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def make_author(**fields) -> Author:
    n = next(_seq)
    defaults = {"name": f"Fellow {n}", "slug": f"fellow-{n}", "title": "Senior Fellow"}
    return Author.objects.create(**{**defaults, **fields})


def make_program(**fields) -> Program:
    n = next(_seq)
    defaults = {"name": f"Program {n}", "slug": f"program-{n}", "mission": "Our mission."}
    return Program.objects.create(**{**defaults, **fields})


def make_series(**fields) -> Series:
    n = next(_seq)
    defaults = {"name": f"Series {n}", "slug": f"series-{n}", "disclaimer": "Views are our own."}
    if "program" not in fields:
        defaults["program"] = make_program()
    return Series.objects.create(**{**defaults, **fields})


def make_photo(**fields) -> Photo:
    n = next(_seq)
    size = fields.pop("size", (64, 36))
    photo = Photo(
        **{
            "caption": f"Caption {n}",
            "credit": "Jane Doe",
            "source": "Agency",
            "alt_text": f"Alt text {n}",
            **fields,
        }
    )
    photo.image.save(f"photo-{n}.jpg", ContentFile(image_bytes(size)), save=False)
    photo.width, photo.height = size
    photo.save()
    return photo


def make_article(*, authors=(), tags=(), **fields) -> Article:
    """A live article by default (published an hour ago)."""
    n = next(_seq)
    defaults = {
        "title": f"Article {n}",
        "slug": f"article-{n}",
        "dek": "A short standfirst.",
        "body": "<p>Body text.</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=1),
    }
    article = Article.objects.create(**{**defaults, **fields})
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.add(*tags)
    return article


def make_newsletter(**fields):
    from newsletter.models import Newsletter

    n = next(_seq)
    defaults = {
        "name": f"Newsletter {n}",
        "slug": f"newsletter-{n}",
        "from_name": "The Newsroom",
        "from_address": "news@example.org",
    }
    if "series" not in fields:
        defaults["series"] = make_series()
    return Newsletter.objects.create(**{**defaults, **fields})


def make_subscriber(email=None, *, active=(), **fields):
    """A subscriber, active (confirmed) on each newsletter in ``active``."""
    from newsletter.models import Subscriber, Subscription

    n = next(_seq)
    subscriber = Subscriber.objects.create(email=email or f"reader{n}@example.org", **fields)
    for newsletter in active:
        Subscription.objects.create(
            subscriber=subscriber,
            newsletter=newsletter,
            status=Subscription.Status.ACTIVE,
            confirmed_at=timezone.now(),
        )
    return subscriber


def make_edition(newsletter=None, *, articles=None, **fields):
    """A draft edition of ``newsletter`` holding ``articles`` (one live piece by default)."""
    from newsletter.models import Edition, EditionArticle

    newsletter = newsletter or make_newsletter()
    newsletter.refresh_from_db(fields=["send_time"])  # a Time, not the "09:00" default string
    n = next(_seq)
    edition = Edition.objects.create(
        **{"newsletter": newsletter, "subject": f"Edition {n}", "intro": "<p>Hello.</p>", **fields}
    )
    if articles is None:
        articles = [make_article(series=newsletter.series)]
    for position, article in enumerate(articles):
        EditionArticle.objects.create(edition=edition, article=article, position=position)
    return edition
