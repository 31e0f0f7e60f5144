"""Suppress addresses reported as bouncing or complaining.

For bounce and complaint notifications from the mail provider or a mailbox
parser: one address per argument, or one per line on standard input with
``-``. Each is suppressed (hashed) and its subscriptions end, through
``newsletter.subscriptions.suppress``, so no later edition goes to it.
"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from newsletter import subscriptions
from newsletter.addresses import normalize_address
from newsletter.models import Suppression

REASONS = [Suppression.Reason.BOUNCE, Suppression.Reason.COMPLAINT]


class Command(BaseCommand):
    help = "Suppress bounced or complaining addresses (arguments, or '-' for stdin)."

    def add_arguments(self, parser):
        parser.add_argument("addresses", nargs="+", help="Addresses, or '-' to read stdin.")
        parser.add_argument("--reason", choices=REASONS, default=Suppression.Reason.BOUNCE)
        parser.add_argument("--dry-run", action="store_true", help="Only check the addresses.")

    def handle(self, *args, addresses, reason, dry_run=False, verbosity=1, **options):
        if addresses == ["-"]:
            addresses = [line.strip() for line in sys.stdin if line.strip()]
        valid, bad = [], []
        for raw in addresses:
            try:
                valid.append(normalize_address(raw))
            except ValidationError:
                bad.append(raw)
        if bad:
            raise CommandError(f"Not valid addresses (nothing suppressed): {', '.join(bad)}")
        if not dry_run:
            for address in valid:
                subscriptions.suppress(address=address, reason=reason)
        if verbosity:
            verb = "Would suppress" if dry_run else "Suppressed"
            self.stdout.write(self.style.SUCCESS(f"{verb} {len(valid)} addresses ({reason})."))
