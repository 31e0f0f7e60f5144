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


def make_user(role: str = "", **fields):
    """A user in the group ``role`` names ("Contributors", "Editors"); staff when in one."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    n = next(_seq)
    defaults = {"username": f"user{n}", "email": f"user{n}@example.org", "is_staff": bool(role)}
    user = get_user_model().objects.create_user(**{**defaults, **fields})
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_ready_article(**fields) -> Article:
    """A piece that passes the ready-to-publish check: author, dek, body, credited photo."""
    if "lead_photo" not in fields:
        fields["lead_photo"] = make_photo()
    fields.setdefault("authors", [make_author()])
    return make_article(**fields)
