"""Send one edition in this process, with a progress bar.

Resumable: run it again after a crash (or alongside task workers) and it
carries on from the ledger; rows left ``sending`` by a dead process are taken
back after ``NEWSLETTER_LEASE_SECONDS``. A draft or scheduled edition is
started first (its audience frozen into the ledger).
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newsletter import sending
from newsletter.models import Edition


class Command(BaseCommand):
    help = "Send an edition now, in-process, showing progress; safe to re-run to resume."

    def add_arguments(self, parser):
        parser.add_argument("edition_id", type=int)

    def handle(self, *args, edition_id, verbosity=1, **options):
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise CommandError(f"There is no edition {edition_id}.")
        never_started = edition.status == Edition.Status.FAILED and not edition.started_at
        if edition.status in (Edition.Status.DRAFT, Edition.Status.SCHEDULED) or never_started:
            try:
                edition = sending.start_send(edition=edition)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        elif edition.status != Edition.Status.SENDING:
            raise CommandError(f"Edition {edition_id} is {edition.get_status_display().lower()}.")
        self.verbosity = verbosity
        self.edition = edition
        self.counted_at = -1.0
        finished = sending.run(edition_id=edition_id, on_batch=self.progress)
        edition.refresh_from_db()
        if edition.status == Edition.Status.FAILED:
            raise CommandError(f"Edition {edition_id} failed: {edition.failure_reason}")
        if verbosity:
            self.stdout.write("")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Edition {edition_id} {edition.get_status_display().lower()}: "
                    f"{edition.sent_count} sent, {edition.failed_count} failed, "
                    f"{edition.skipped_count} skipped of {edition.audience_count}."
                )
                if finished
                else f"Edition {edition_id} is {edition.get_status_display().lower()}; stopped."
            )

    def progress(self, outcome):
        # Counting the ledger reads an index entry per recipient of the edition,
        # so its cost grows with the audience: at most once a second, whatever
        # the batch rate.
        if not self.verbosity or time.monotonic() - self.counted_at < 1:
            return
        self.counted_at = time.monotonic()
        counts = self.edition.ledger_counts()
        total = sum(counts.values()) or 1
        done = counts["sent"] + counts["failed"] + counts["skipped"]
        filled = round(30 * done / total)
        self.stdout.write(
            f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} "
            f"sent {counts['sent']} failed {counts['failed']} skipped {counts['skipped']}",
            ending="",
        )
        self.stdout.flush()
