"""Scale data for the newsletter: bench newsletters and a million subscribers (COPY)."""

import uuid

from django.db import transaction
from django.utils import timezone

from bench.progress import Bar
from bench.sql import CHUNK, copy, ids_by_slug, insert_missing, next_id, reset_sequence


def ensure_newsletters(cursor, series_id: int) -> dict[str, int]:
    rows = [
        (f"Bench Weekly {label}", f"bench-{label}", "Benchmark list.", series_id)
        for label in ("1m", "100k")
    ]
    insert_missing(
        cursor,
        "newsletter_newsletter",
        [
            "name",
            "slug",
            "description",
            "series_id",
            "send_weekdays",
            "send_time",
            "time_zone",
            "from_name",
            "from_address",
            "reply_to",
            "send_mode",
            "is_active",
            "created_at",
        ],
        [
            (
                *r,
                "2,5",
                "09:00",
                "America/New_York",
                "The Newsroom",
                "news@bench.example",
                "",
                "hold",
                True,
                timezone.now(),
            )
            for r in rows
        ],
    )
    return dict(
        zip(
            ["1m", "100k"],
            ids_by_slug(cursor, "newsletter_newsletter", [r[1] for r in rows]),
            strict=True,
        )
    )


def add_subscribers(cursor, target: int, newsletters: dict[str, int]) -> int:
    cursor.execute(
        "SELECT count(*) FROM newsletter_subscriber WHERE email LIKE 'reader%%@bench.example'"
    )
    have = cursor.fetchone()[0]
    if have >= target:
        return 0
    now = timezone.now()
    first_id = next_id(cursor, "newsletter_subscriber")
    sub_id = next_id(cursor, "newsletter_subscription")
    bar = Bar("subscribers", target - have)
    for start in range(have, target, CHUNK * 4):
        stop = min(start + CHUNK * 4, target)
        people, subscriptions = [], []
        for index in range(start, stop):
            pk = first_id + index - have
            address = f"reader{index + 1}@bench.example"
            people.append(
                (
                    pk,
                    address,
                    address,
                    uuid.uuid4(),
                    "import",
                    "bench",
                    now,
                    "import_on_record",
                    "bench",
                    now,
                )
            )
            lists = ["1m"] + (["100k"] if index < 100_000 else [])
            for label in lists:
                subscriptions.append((sub_id, pk, newsletters[label], "active", now, now))
                sub_id += 1
        with transaction.atomic():
            copy(
                cursor,
                "newsletter_subscriber",
                [
                    "id",
                    "email",
                    "email_key",
                    "uid",
                    "source",
                    "source_detail",
                    "consent_at",
                    "consent_method",
                    "consent_source",
                    "created_at",
                ],
                people,
            )
            copy(
                cursor,
                "newsletter_subscription",
                ["id", "subscriber_id", "newsletter_id", "status", "created_at", "confirmed_at"],
                subscriptions,
            )
        bar.advance(stop - start)
    bar.close()
    for table in ("newsletter_subscriber", "newsletter_subscription"):
        reset_sequence(cursor, table)
    return target - have
