"""Forget every cached public page and every kept page part.

The signals do this on every save through Django. Run it after changing
content behind their back: SQL by hand, ``QuerySet.update()`` in a shell.
"""

from django.core.management.base import BaseCommand

from newsroom import http_cache


class Command(BaseCommand):
    help = "Forget every cached public page and kept page part (after editing rows by hand)."

    def handle(self, *args, **options):
        http_cache.invalidate(parts=True)
        self.stdout.write("Dropped the public page cache and the kept page parts.")
