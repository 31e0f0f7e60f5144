"""Make the renditions photos lack, in this process (no worker needed).

Saving a photo queues its renditions as a task; this command catches up photos
stored before renditions existed, or after the rendition settings changed.
Safe to run any time: photos whose renditions are current are skipped.
"""

from django.core.management.base import BaseCommand

from articles.models import Photo
from articles.renditions import generate_renditions


class Command(BaseCommand):
    help = "Make missing or outdated photo renditions now. Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the photos that need renditions."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        due = [
            photo.pk
            for photo in Photo.objects.exclude(image="").only(
                "pk", "image", "focal_x", "focal_y", "renditions"
            )
            if photo.renditions.get("key") != photo.rendition_key()
        ]
        if dry_run:
            self.stdout.write(f"{len(due)} photo(s) need renditions.")
            return
        made = 0
        for done, photo_id in enumerate(due, start=1):
            made += generate_renditions(photo_id=photo_id)
            if verbosity >= 1:
                self.stdout.write(f"\r{done}/{len(due)} photos", ending="")
                self.stdout.flush()
        if verbosity >= 1 and due:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Renditions made for {made} photo(s)."))
