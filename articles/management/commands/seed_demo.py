"""Load original demo content: the newsroom's pieces, fellows, photos, series,
a demo admin and demo staff; then every app that builds on them adds its own
(the newsletter app: newsletters, subscribers and one sent edition).

The newsroom is committed before the other apps are asked, so what they send
(a demo edition's emails) never refers to data that was rolled back.

Idempotent: running it again updates nothing that exists and adds nothing twice.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.demo import demo_seeded, seed_articles


class Command(BaseCommand):
    help = "Load original demo content and a demo admin. Safe to run more than once."

    def handle(self, *args, **options):
        with transaction.atomic():
            seeded = seed_articles(self.stdout, self.style)
        demo_seeded.send(
            sender=self.__class__,
            series=list(seeded["series"].values()),
            stdout=self.stdout,
            style=self.style,
        )
        admin = seeded["admin"]
        self.stdout.write(f"Admin login: {admin.username} / {seeded['password']}  (at /admin/)")
        for group, user in seeded["staff"]:
            self.stdout.write(
                f"{group[:-1]} login: {user.username} / {seeded['password']}  (at /admin/)"
            )
