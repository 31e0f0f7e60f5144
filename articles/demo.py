"""Original demo content: a program, two series, fellows, 30+ published pieces, an admin.

``seed_articles`` is idempotent: running it again updates nothing that exists and
adds nothing twice. ``manage.py seed_demo`` calls it, then sends ``demo_seeded``
so the apps above this one (which it may not import) seed what builds on it.
"""

import io
import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.base import ContentFile
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from articles import demo_content as demo
from articles import related, revisions
from articles.models import Article, ArticleAuthor, Photo, Program, Series
from authors.models import Author

# Sent once the demo newsroom is committed, with ``series`` (the demo series),
# ``stdout`` and ``style``; a receiver must be idempotent, as the command is.
demo_seeded = Signal()

DEMO_ADMIN = ("admin", "newsroom-demo")
# Staff in the workflow's groups (articles/migrations/0005_workflow_roles.py).
DEMO_STAFF = [("editor", "Editors"), ("contributor", "Contributors")]
PICTURE_SIZE = (1600, 900)
PALETTES = [
    ((28, 56, 92), (214, 160, 82)),
    ((44, 82, 62), (230, 210, 150)),
    ((92, 36, 48), (240, 190, 170)),
    ((30, 30, 40), (120, 170, 210)),
    ((70, 60, 110), (250, 220, 120)),
]


def draw_picture(seed: int, size=PICTURE_SIZE) -> bytes:
    """A landscape-like JPEG: sky gradient, sun, hills. Deterministic per seed."""
    rnd = random.Random(seed)
    top, bottom = PALETTES[seed % len(PALETTES)]
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    sun_x, sun_y = rnd.randint(200, width - 200), rnd.randint(120, height // 2)
    draw.ellipse([sun_x - 90, sun_y - 90, sun_x + 90, sun_y + 90], fill=(255, 236, 180))
    for layer in range(3):
        base = int(height * (0.55 + 0.13 * layer))
        shade = tuple(max(0, c - 40 * (layer + 1)) for c in top)
        points = [(0, height)]
        for x in range(0, width + 100, 100):
            points.append((x, base + rnd.randint(-60, 60)))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def seed_articles(stdout, style=None) -> dict:
    """Create the demo newsroom if missing; write a summary to ``stdout``.

    Returns the series by slug and the demo admin, for seeding what builds on them.
    """
    program = _program()
    series = {data["slug"]: _series(program, data) for data in demo.SERIES}
    fellows = [_fellow(program, *row) for row in demo.FELLOWS]
    created = sum(_article(index, row, series, fellows) for index, row in enumerate(demo.ARTICLES))
    # Again once all exist: each piece's suggestions may be any of the others.
    for article in Article.objects.filter(slug__in=[slugify(row[0]) for row in demo.ARTICLES]):
        related.refresh(article)
    username, password = DEMO_ADMIN
    admin = _admin(username, password)
    staff = [(group, _staff(name, group, password)) for name, group in DEMO_STAFF]
    summary = (
        f"Demo content ready: {len(demo.ARTICLES)} articles ({created} new), "
        f"{len(fellows)} fellows, {len(series)} series."
    )
    stdout.write(style.SUCCESS(summary) if style else summary)
    return {"series": series, "admin": admin, "staff": staff, "password": password}


def _program():
    fields = dict(demo.PROGRAM)
    program, _ = Program.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)
    return program


def _series(program, data):
    fields = dict(data)
    series, _ = Series.objects.get_or_create(
        slug=fields.pop("slug"), defaults={**fields, "program": program}
    )
    return series


def _fellow(program, name, title, description, bio):
    author, _ = Author.objects.get_or_create(
        slug=slugify(name),
        defaults={
            "name": name,
            "title": title,
            "description": description,
            "bio": bio,
            "website": f"https://example.org/people/{slugify(name)}",
        },
    )
    program.experts.add(author)
    if not author.headshot:
        author.headshot.save(f"{author.slug}.jpg", ContentFile(draw_headshot(name)), save=True)
    return author


def draw_headshot(name: str, size: int = 400) -> bytes:
    """A portrait placeholder: the person's initials on a colour of their own."""
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    background = PALETTES[sum(map(ord, name)) % len(PALETTES)][0]
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), initials, fill=(255, 255, 255), font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _article(index, row, series, fellows) -> bool:
    title, dek, series_slug, tags, author_indexes = row
    slug = slugify(title)
    if Article.objects.filter(slug=slug).exists():
        return False
    rnd = random.Random(index)
    topic = tags[0]
    paragraphs = [rnd.choice(demo.OPENINGS).format(topic=topic), dek]
    paragraphs += rnd.sample(demo.MIDDLES, 4)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    body += f"<h2>What to watch</h2><ul><li>Budgets for {topic}</li><li>Who is accountable</li>"
    body += f"<li>What partners do next</li></ul><p>{rnd.choice(demo.CLOSINGS)}</p>"
    published_at = timezone.now() - timedelta(days=index * 1.4, hours=rnd.randint(0, 8))
    article = Article.objects.create(
        title=title,
        slug=slug,
        dek=dek,
        body=body,
        series=series[series_slug],
        lead_photo=_photo(index, title),
        status=Article.Status.PUBLISHED,
        published_at=published_at,
    )
    for position, fellow_index in enumerate(author_indexes):
        ArticleAuthor.objects.create(
            article=article, author=fellows[fellow_index], position=position
        )
    article.tags.add(*tags)
    # Version 1 on record: two people editing a demo piece at once are merged
    # against it, field by field, instead of meeting a conflict on every field.
    revisions.save_revision(article=article, by=AnonymousUser(), note="Demo content")
    # A piece seeded today "as of" an earlier date was not edited since: no "Updated" line.
    Article.objects.filter(pk=article.pk).update(updated_at=published_at)
    return True


def _photo(index, title):
    photo = Photo(
        caption=f"An illustration drawn for the demo piece “{title}”.",
        credit="Demo Illustrator",
        source="Newsroom Studio",
        alt_text="A stylised landscape of hills under a low sun.",
        license="Demo content, free to use",
        focal_x=0.5,
        focal_y=0.4,
    )
    photo.image.save(f"demo-{index}.jpg", ContentFile(draw_picture(index)), save=False)
    # Saving from a ContentFile leaves the dimension fields unset in Django 6.1.
    photo.width, photo.height = PICTURE_SIZE
    photo.save()
    return photo


def _admin(username, password):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True},
    )
    if created:
        user.set_password(password)
        user.save()
    return user


def _staff(username, group_name, password):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org", "is_staff": True}
    )
    if created:
        user.set_password(password)
        user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user
