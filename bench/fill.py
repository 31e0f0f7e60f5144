"""Fill PostgreSQL with scale data: articles, experts, tags, photos, series, subscribers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \\
        .venv/bin/python -m bench.fill --articles 100000 --subscribers 1000000

Every count is a TOTAL to reach, so the fill is incremental: ``--articles 1000``
then ``--articles 10000`` adds 9,000 older pieces and leaves the newest (what
the home page shows) unchanged. Big tables are written with COPY (psycopg 3
``cursor.copy()``), small ones with one multi-row INSERT; the weighted search
vector is filled afterwards by the same SQL as ``articles/migrations/0002_search``.

Shape of the data (seeded, so reproducible):
- 4 programs, 12 series; 85% of pieces in a series (series-weighted).
- 1,000 experts, 1-3 per piece; ``bench-expert-1`` is on 5% of pieces.
- 5,000 tags, 2-5 per piece; ``policy`` is on 20% of pieces (so page 500 of
  its listing exists at 100,000 pieces), the rest Zipf-like.
- 5 real photos with their renditions, reused as lead photos of 90% of pieces.
- 2% drafts; pieces 400-1,000 words.
- Subscribers ``reader{n}@bench.example``: all on newsletter ``bench-1m``, the
  first 100,000 also on ``bench-100k``.
"""

import argparse
import datetime
import importlib
import io
import os
import random
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# Photo renditions are made in this process, not queued for a worker.
os.environ.setdefault("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

import django

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from articles import related  # noqa: E402
from articles.models import Article, Photo  # noqa: E402
from bench.progress import Bar, step  # noqa: E402
from bench.sql import (  # noqa: E402
    CHUNK,
    copy,
    ids_by_slug,
    insert_missing,
    next_id,
    reset_sequence,
)
from bench.subscribers import add_subscribers, ensure_newsletters  # noqa: E402
from bench.words import FIRST_NAMES, LAST_NAMES, WORDS  # noqa: E402

SEARCH = importlib.import_module("articles.migrations.0002_search")
PAIRS = importlib.import_module("articles.migrations.0008_search_pairs")
PROGRAMS, SERIES_COUNT, PHOTOS = 4, 12, 5
HOT_TAG_SHARE, HOT_EXPERT_SHARE = 0.20, 0.05


def zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(WORDS, k=n))


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def body(rng: random.Random) -> str:
    paragraphs = []
    for index in range(rng.randint(5, 10)):
        if index and rng.random() < 0.2:
            paragraphs.append(f"<h2>{sentence_case(words(rng, 4))}</h2>")
        paragraphs.append(f"<p>{sentence_case(words(rng, rng.randint(70, 100)))}.</p>")
    return "\n".join(paragraphs)


# --- The fixed frame: programs, series, photos, experts, tags -------------------


def ensure_programs_and_series(cursor) -> list[int]:
    programs = [
        (f"Bench Program {n}", f"bench-program-{n}", "Independent research on " + WORDS[n])
        for n in range(1, PROGRAMS + 1)
    ]
    insert_missing(
        cursor,
        "articles_program",
        ["name", "slug", "mission", "website", "x_handle", "linkedin_url", "bluesky_handle"],
        [(*p, "", "", "", "") for p in programs],
    )
    program_ids = ids_by_slug(cursor, "articles_program", [p[1] for p in programs])
    series = [
        (
            f"{WORDS[n * 3].title()} Alert {n}",
            f"bench-series-{n}",
            "Short analysis as events unfold.",
            "The views expressed are the authors' own.",
            program_ids[(n - 1) % PROGRAMS],
        )
        for n in range(1, SERIES_COUNT + 1)
    ]
    insert_missing(
        cursor,
        "articles_series",
        ["name", "slug", "description", "disclaimer", "program_id"],
        series,
    )
    return ids_by_slug(cursor, "articles_series", [s[1] for s in series])


def ensure_photos() -> list[int]:
    """A handful of real photos with renditions (made in-process), reused across pieces."""
    existing = list(
        Photo.objects.filter(credit="Bench Photographer")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for n in range(len(existing), PHOTOS):
        picture = Image.new("RGB", (1600, 900), (30 + n * 40, 80, 140 - n * 20))
        ImageDraw.Draw(picture).ellipse((500, 200, 1100, 700), fill=(220, 200, 120))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=85)
        photo = Photo(
            caption=f"Delegates arrive for talks, scene {n + 1}.",
            credit="Bench Photographer",
            source="Bench Agency",
            alt_text=f"Delegates walking into a conference hall, scene {n + 1}",
        )
        photo.image.save(f"bench-{n + 1}.jpg", ContentFile(buffer.getvalue()), save=False)
        photo.save()  # renditions run now (immediate task backend)
        existing.append(photo.pk)
    return existing


def ensure_experts(cursor, count: int, program_ids: list[int]) -> list[int]:
    rng = random.Random(8_001)
    rows = []
    for n in range(1, count + 1):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        rows.append(
            (
                f"{name} ({n})" if n > 1 else name,
                f"bench-expert-{n}",
                rng.choice(["Senior Fellow", "Nonresident Fellow", "Director", "Analyst"]),
                f"Expert on {words(rng, 2)}",
                sentence_case(words(rng, 60)) + ".",
                "",
                "",
                "",
                "",
                "",
                True,
            )
        )
    insert_missing(
        cursor,
        "authors_author",
        [
            "name",
            "slug",
            "title",
            "description",
            "bio",
            "headshot",
            "website",
            "x_handle",
            "linkedin_url",
            "bluesky_handle",
            "is_active",
        ],
        rows,
    )
    ids = ids_by_slug(cursor, "authors_author", [row[1] for row in rows])
    insert_missing(
        cursor,
        "articles_program_experts",
        ["program_id", "author_id"],
        [(program_ids[i % PROGRAMS], author_id) for i, author_id in enumerate(ids)],
    )
    return ids


def tag_names(count: int) -> list[str]:
    names = ["Policy"] + [w.title() for w in WORDS if w != "policy"]
    seen = {n.lower() for n in names}
    for first in WORDS:
        for second in WORDS:
            if len(names) >= count:
                return names[:count]
            name = f"{first.title()} {second}"
            if first != second and name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
    return names[:count]


def ensure_tags(cursor, count: int) -> list[int]:
    names = tag_names(count)
    insert_missing(cursor, "taggit_tag", ["name", "slug"], [(n, slugify(n)) for n in names])
    return ids_by_slug(cursor, "taggit_tag", [slugify(n) for n in names])


# --- Articles and their through tables ----------------------------------------


def add_articles(cursor, target: int, frame: dict) -> int:
    cursor.execute("SELECT count(*) FROM articles_article WHERE slug LIKE 'bench-%%'")
    have = cursor.fetchone()[0]
    if have >= target:
        return 0
    now = timezone.now().replace(microsecond=0)
    first_id = next_id(cursor, "articles_article")
    link_id = next_id(cursor, "articles_articleauthor")
    tagged_id = next_id(cursor, "taggit_taggeditem")
    series_w = zipf_weights(len(frame["series"]), 0.8)
    expert_ids, expert_w = frame["experts"][1:], zipf_weights(len(frame["experts"]) - 1, 0.7)
    tag_ids, tag_w = frame["tags"][1:], zipf_weights(len(frame["tags"]) - 1, 0.9)
    bar = Bar("articles", target - have)
    for start in range(have, target, CHUNK):
        stop = min(start + CHUNK, target)
        articles, links, tagged = [], [], []
        for index in range(start, stop):
            rng = random.Random(index)  # each piece the same whatever the chunking
            pk = first_id + index - have
            title = sentence_case(words(rng, rng.randint(6, 10)))
            draft = index % 50 == 7
            published = None if draft else now - datetime.timedelta(minutes=47 * (index + 1))
            series = rng.choices(frame["series"], series_w)[0] if rng.random() < 0.85 else None
            photo = rng.choice(frame["photos"]) if rng.random() < 0.9 else None
            articles.append(
                (
                    pk,
                    title,
                    f"bench-{index + 1}-{slugify(title)[:80]}",
                    sentence_case(words(rng, rng.randint(20, 30))) + ".",
                    body(rng),
                    "",
                    "draft" if draft else "published",
                    published,
                    published or now,
                    published or now,
                    "",
                    "",
                    photo,
                    series,
                    1,
                )
            )
            authors = set(rng.choices(expert_ids, expert_w, k=rng.randint(1, 3)))
            if rng.random() < HOT_EXPERT_SHARE:
                authors.add(frame["experts"][0])
            for position, author in enumerate(sorted(authors)):
                links.append((link_id, pk, author, position))
                link_id += 1
            tags = set(rng.choices(tag_ids, tag_w, k=rng.randint(2, 5)))
            if rng.random() < HOT_TAG_SHARE:
                tags.add(frame["tags"][0])
            for tag in tags:
                tagged.append((tagged_id, pk, frame["content_type"], tag))
                tagged_id += 1
        with transaction.atomic():
            copy(cursor, "articles_article", ARTICLE_COLUMNS, articles)
            copy(
                cursor,
                "articles_articleauthor",
                ["id", "article_id", "author_id", "position"],
                links,
            )
            copy(
                cursor,
                "taggit_taggeditem",
                ["id", "object_id", "content_type_id", "tag_id"],
                tagged,
            )
        bar.advance(stop - start)
    bar.close()
    for table in ("articles_article", "articles_articleauthor", "taggit_taggeditem"):
        reset_sequence(cursor, table)
    return target - have


ARTICLE_COLUMNS = [
    "id",
    "title",
    "slug",
    "dek",
    "body",
    "lead_photo_caption",
    "status",
    "published_at",
    "created_at",
    "updated_at",
    "seo_description",
    "canonical_url",
    "lead_photo_id",
    "series_id",
    "version",
]


def fill_search_vectors(cursor) -> None:
    """The weighted vector for every piece that has none (its word pairs follow,
    by the trigger), indexes dropped and rebuilt around it."""
    done = step("search vectors")
    cursor.execute(SEARCH.DROP_INDEX)
    cursor.execute(PAIRS.DROP_INDEX)
    cursor.execute(SEARCH.BACKFILL + " WHERE a.search_vector IS NULL")
    cursor.execute(SEARCH.CREATE_INDEX)
    cursor.execute(PAIRS.CREATE_INDEX)
    done()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--experts", type=int, default=1_000)
    parser.add_argument("--tags", type=int, default=5_000)
    parser.add_argument("--subscribers", type=int, default=0)
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        sys.exit("bench.fill needs PostgreSQL: set DATABASE_URL=postgres://…")
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg 3 cursor, for COPY
        done = step("frame")
        series = ensure_programs_and_series(cursor)
        frame = {
            "series": series,
            "photos": ensure_photos(),
            "experts": ensure_experts(
                cursor,
                args.experts,
                ids_by_slug(
                    cursor,
                    "articles_program",
                    [f"bench-program-{n}" for n in range(1, PROGRAMS + 1)],
                ),
            ),
            "tags": ensure_tags(cursor, args.tags),
            "content_type": ContentType.objects.get_for_model(Article).pk,
        }
        done()
        if add_articles(cursor, args.articles, frame):
            fill_search_vectors(cursor)
            # What the site stores on publish: each piece's "Further reading"
            # suggestions (the same as `manage.py refresh_further_reading --all`).
            done = step("further reading")
            related.refresh_many(Article.objects.live() | Article.objects.scheduled())
            done()
        if args.subscribers:
            add_subscribers(cursor, args.subscribers, ensure_newsletters(cursor, series[0]))
        done = step("analyze")
        cursor.execute("ANALYZE")
        done()
    from django.core.cache import cache

    cache.clear()  # pages cached before the fill are stale


if __name__ == "__main__":
    main()
