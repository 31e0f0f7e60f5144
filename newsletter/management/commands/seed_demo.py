"""Load original demo content: the newsroom's articles, fellows and admin, then
two newsletters (one per series) and a few confirmed demo subscribers.

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
from newsletter.models import Newsletter, Subscriber, Subscription

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


class Command(BaseCommand):
    help = "Load original demo content, newsletters and a demo admin. Safe to run more than once."

    @transaction.atomic
    def handle(self, *args, **options):
        seeded = seed_articles(self.stdout, self.style)
        newsletters = self.newsletters(list(seeded["series"].values()))
        subscribers = [self.subscriber(address, newsletters) for address in DEMO_SUBSCRIBERS]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo newsletters ready: {len(newsletters)} newsletters, "
                f"{len(subscribers)} subscribers."
            )
        )
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
