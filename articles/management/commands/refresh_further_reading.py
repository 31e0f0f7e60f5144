"""Choose the "Further reading" suggestions of recent (or all) pieces again.

A piece's suggestions are chosen when it is saved, published or retagged
(``articles.related``), so a piece published later enters them only when
they are chosen again. Listed daily in settings.SCHEDULED_COMMANDS for the
last ``--since-days`` days of pieces (scheduled ones included); ``--all`` for
every piece, after a change of the rule. Safe to run any time and twice at
once: each piece's choice is replaced whole in one transaction.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import related
from articles.models import Article


class Command(BaseCommand):
    help = (
        'Choose the "Further reading" suggestions of recent pieces again, so newer pieces '
        "can join them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            dest="every_piece",
            help="Every live or scheduled piece, however old.",
        )
        parser.add_argument(
            "--since-days",
            type=int,
            default=30,
            help="Pieces published in the last this many days (default 30); ignored with --all.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the pieces whose choice would change."
        )

    def handle(self, *args, every_piece, since_days, dry_run, verbosity, **options):
        if since_days < 1:
            raise CommandError("--since-days must be at least 1.")
        pieces = Article.objects.live() | Article.objects.scheduled()
        if not every_piece:
            pieces = pieces.filter(published_at__gte=timezone.now() - timedelta(days=since_days))
        total = pieces.count() if verbosity >= 1 else 0

        def progress(seen, changed):
            if verbosity >= 1:
                self.stdout.write(f"\r{seen}/{total} pieces, {changed} changed", ending="")
                self.stdout.flush()

        seen, changed = related.refresh_many(pieces, dry_run=dry_run, on_batch=progress)
        if verbosity >= 1 and seen:
            self.stdout.write("")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(f"Further reading {verb} for {changed} of {seen} piece(s).")
        )
