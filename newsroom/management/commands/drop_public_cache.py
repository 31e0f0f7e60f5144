"""Forget every cached public page.

The signals drop exactly the pages a change shows on every save through
Django. Run this after changing content behind their back: SQL by hand,
``QuerySet.update()`` in a shell.
"""

from django.core.management.base import BaseCommand

from newsroom import page_cache


class Command(BaseCommand):
    help = "Forget every cached public page (after editing rows by hand)."

    def handle(self, *args, **options):
        page_cache.clear()
        self.stdout.write("Dropped the public page cache.")
