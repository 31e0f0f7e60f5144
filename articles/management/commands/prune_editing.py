"""Delete aged-out "who is editing" rows and autosave drafts nobody came back to.

Listed in settings.SCHEDULED_COMMANDS; safe to run any time and twice at once
(each run deletes only rows already past their age).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles import editing


class Command(BaseCommand):
    help = "Delete stale editing presence rows and old autosave drafts."

    def handle(self, *args, verbosity=1, **options):
        presences, drafts = editing.prune(now=timezone.now())
        if verbosity >= 2 or (verbosity >= 1 and (presences or drafts)):
            self.stdout.write(f"Pruned {presences} presence row(s) and {drafts} draft(s).")
