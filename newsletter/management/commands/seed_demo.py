"""Load original demo content: the newsroom's articles, fellows and admin, then
two newsletters (one per series), a few confirmed demo subscribers, and one
sent edition of the auto-send newsletter so its archive is not empty.

The demo edition goes through the real sending path (``newsletter.sending``)
to whatever mailer is configured: locally the file backend writes the
messages to ``var/mail``. It is sent after the rest is committed, so a
failed seed never leaves mail behind for data that was rolled back.

Idempotent: running it again updates nothing that exists and adds nothing
twice. It lives in the newsletter app because that app may import every
other one (newsletter → articles → authors).
"""

from datetime import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.demo import seed_articles
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


class Command(BaseCommand):
    help = "Load original demo content, newsletters and a demo admin. Safe to run more than once."

    def handle(self, *args, **options):
        with transaction.atomic():
            seeded = seed_articles(self.stdout, self.style)
            newsletters = self.newsletters(list(seeded["series"].values()))
            subscribers = [self.subscriber(address, newsletters) for address in DEMO_SUBSCRIBERS]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo newsletters ready: {len(newsletters)} newsletters, "
                f"{len(subscribers)} subscribers."
            )
        )
        auto = next(n for n in newsletters if n.send_mode == Newsletter.SendMode.AUTO)
        self.demo_edition(auto)
        admin = seeded["admin"]
        self.stdout.write(f"Admin login: {admin.username} / {seeded['password']}  (at /admin/)")
        for group, user in seeded["staff"]:
            self.stdout.write(
                f"{group[:-1]} login: {user.username} / {seeded['password']}  (at /admin/)"
            )

    def newsletters(self, series):
        made = []
        for series_index, name, slug, weekdays, mode, description in DEMO_NEWSLETTERS:
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
            made.append(newsletter)
        return made

    def subscriber(self, address, newsletters):
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

    def demo_edition(self, newsletter):
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
        self.stdout.write(
            f"Demo edition of {newsletter.name}: {edition.get_status_display().lower()}, "
            f"{edition.sent_count} of {edition.audience_count} sent "
            f"(at {edition.get_absolute_url()})."
        )
