"""Compose and queue what the newsletters' schedules say is due.

Safe to run every minute, from cron or the Procfile's scheduler (it is in
``settings.SCHEDULED_COMMANDS``), and safe to run twice at once: each slot is
dealt with once, and re-enqueueing a send never sends a row twice.
"""

from django.core.management.base import BaseCommand

from newsletter import schedule


class Command(BaseCommand):
    help = "Compose editions for due schedule slots, start scheduled sends, revive stuck ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list the slots that are due."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        report = schedule.tick(dry_run=dry_run)
        if verbosity < 1:
            return
        for newsletter, slot in report["due_slots"]:
            self.stdout.write(f"Due: {newsletter} at {slot:%Y-%m-%d %H:%M} UTC")
        for edition in report["failed"]:
            self.stdout.write(
                self.style.ERROR(
                    f"Failed: edition {edition.pk} {edition}: {edition.failure_reason}"
                )
            )
        for key in ("composed", "started", "revived"):
            for edition in report[key]:
                self.stdout.write(
                    self.style.SUCCESS(f"{key.title()}: edition {edition.pk} {edition}")
                )
