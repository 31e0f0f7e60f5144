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


def media_files(root) -> set[str]:
    """Every file under the media folder, to show an action wrote nothing."""
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


def noisy_image_bytes(size=(64, 64), fmt="JPEG", **save_options) -> bytes:
    """Incompressible pixels, so a cut-off file is cut inside its image data."""
    out = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(out, fmt, **save_options)
    return out.getvalue()


def iptc_segment(records: dict[tuple[int, int], str]) -> bytes:
    """A JPEG APP13 segment carrying IPTC IIM datasets, as agencies' tools write it."""
    iim = b"".join(
        b"\x1c" + bytes(key) + len(value.encode()).to_bytes(2, "big") + value.encode()
        for key, value in records.items()
    )
    resource = b"8BIM\x04\x04\x00\x00" + len(iim).to_bytes(4, "big") + iim
    resource += b"\x00" * (len(iim) % 2)
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload


def camera_jpeg(size=(60, 30), *, orientation=1, iptc=None, artist="", description="") -> bytes:
    """A JPEG as a camera or agency delivers it: EXIF with GPS, XMP, optional IPTC.

    The left half is red and the right half blue, so orientation can be seen.
    """
    from PIL import ExifTags

    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "CameraMaker"
    exif[ExifTags.Base.Orientation] = orientation
    if artist:
        exif[ExifTags.Base.Artist] = artist
    if description:
        exif[ExifTags.Base.ImageDescription] = description
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    image.save(out, "JPEG", exif=exif, xmp=xmp, quality=95)
    data = out.getvalue()
    if iptc:
        data = data[:2] + iptc_segment(iptc) + data[2:]
    return data


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
    """A piece that passes the ready-to-publish check: author, dek, body, series, credited photo."""
    if "lead_photo" not in fields:
        fields["lead_photo"] = make_photo()
    if "series" not in fields:
        fields["series"] = make_series()
    fields.setdefault("authors", [make_author()])
    return make_article(**fields)


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


def make_audience(size: int):
    """A newsletter with ``size`` active subscribers; returns it and their addresses."""
    newsletter = make_newsletter()
    readers = [make_subscriber(f"a{i}@example.org", active=[newsletter]) for i in range(size)]
    return newsletter, {r.email for r in readers}
