"""Demo newsletters on top of the demo newsroom: two newsletters (one per series),
a few confirmed demo subscribers, and one sent edition of the auto-send
newsletter so its archive is not empty.

``seed_newsletters`` answers ``articles.demo.demo_seeded``, sent by
``manage.py seed_demo`` once the newsroom is committed. The demo edition goes
through the real sending path (``newsletter.sending``) to whatever mailer is
configured: locally the file backend writes the messages to ``var/mail``. It is
sent after the newsletters and subscribers are committed, so a failed seed never
leaves mail behind for data that was rolled back.

Idempotent: running it again updates nothing that exists and adds nothing twice.
"""

from datetime import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from newsletter import sending
from newsletter.models import Edition, EditionArticle, Newsletter, Subscriber, Subscription

# (series index, name, slug, weekdays, send mode, description)
DEMO_NEWSLETTERS = [
    (
        0,
        "Tuesday Briefing",
        "tuesday-briefing",
        "2",
        Newsletter.SendMode.AUTO,
        "The week's first analysis from our fellows, every Tuesday morning.",
    ),
    (
        1,
        "Friday Dispatch",
        "friday-dispatch",
        "5",
        Newsletter.SendMode.HOLD,
        "The pieces that shaped the week, chosen by our editors, every Friday morning.",
    ),
]
DEMO_SUBSCRIBERS = [
    "ada.reader@example.org",
    "ben.policy@example.org",
    "chloe.analyst@example.net",
    "dev.journalist@example.com",
    "eve.student@example.edu",
]
# How many of the series' latest pieces the demo edition carries.
DEMO_EDITION_PIECES = 3


def seed_newsletters(sender, *, series, stdout, style, **kwargs):
    """Create the demo newsletters and subscribers if missing, then send the demo edition."""
    with transaction.atomic():
        newsletters = [_newsletter(series, *row) for row in DEMO_NEWSLETTERS]
        subscribers = [_subscriber(address, newsletters) for address in DEMO_SUBSCRIBERS]
    stdout.write(
        style.SUCCESS(
            f"Demo newsletters ready: {len(newsletters)} newsletters, "
            f"{len(subscribers)} subscribers."
        )
    )
    auto = next(n for n in newsletters if n.send_mode == Newsletter.SendMode.AUTO)
    _demo_edition(auto, stdout)


def _newsletter(series, series_index, name, slug, weekdays, mode, description):
    newsletter, _ = Newsletter.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "description": description,
            "series": series[series_index % len(series)],
            "send_weekdays": weekdays,
            "send_time": time(9, 0),
            "time_zone": settings.TIME_ZONE,
            "from_name": f"{settings.SITE_NAME} — {name}",
            "from_address": "newsletters@example.org",
            "reply_to": "editors@example.org",
            "send_mode": mode,
        },
    )
    return newsletter


def _subscriber(address, newsletters):
    now = timezone.now()
    subscriber, _ = Subscriber.objects.get_or_create(
        email_key=address.lower(),
        defaults={
            "email": address,
            "source": Subscriber.Source.IMPORT,
            "source_detail": "seed_demo",
            "consent_at": now,
            "consent_method": Subscriber.ConsentMethod.IMPORT_ON_RECORD,
            "consent_source": "demo data",
        },
    )
    for newsletter in newsletters:
        Subscription.objects.get_or_create(
            subscriber=subscriber,
            newsletter=newsletter,
            defaults={"status": Subscription.Status.ACTIVE, "confirmed_at": now},
        )
    return subscriber


def _demo_edition(newsletter, stdout):
    """Compose and send one edition of ``newsletter``, unless it already has one."""
    edition = newsletter.editions.order_by("pk").first()
    if edition is None:
        pieces = list(
            Article.objects.live()
            .filter(series_id=newsletter.series_id)
            .order_by("-published_at", "-pk")[:DEMO_EDITION_PIECES]
        )
        if not pieces:
            return
        with transaction.atomic():
            edition = Edition.objects.create(
                newsletter=newsletter,
                subject=f"{newsletter.name}: {pieces[0].title}"[:200],
                preheader=f"The latest from {newsletter.series.name}"[:200],
                intro="<p>This week's analysis from our fellows, in brief.</p>",
            )
            EditionArticle.objects.bulk_create(
                EditionArticle(edition=edition, article=article, position=position)
                for position, article in enumerate(pieces)
            )
            edition = sending.start_send(edition=edition, in_process=True)
    if edition.status == Edition.Status.SENDING:  # new, or an earlier run was cut short
        sending.run(edition_id=edition.pk)
    edition.refresh_from_db()
    stdout.write(
        f"Demo edition of {newsletter.name}: {edition.get_status_display().lower()}, "
        f"{edition.sent_count} of {edition.audience_count} sent "
        f"(at {edition.get_absolute_url()})."
    )
