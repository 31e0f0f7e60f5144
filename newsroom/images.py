"""Image handling shared by photos (articles) and headshots (authors)."""

import uuid
from pathlib import PurePath

from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible
class UploadTo:
    """Store uploads as ``<folder>/YYYY/MM/<random>.<ext>``.

    Random names keep uploaders' file names (which may carry personal data or
    path tricks) out of public URLs and make collisions impossible.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        ext = PurePath(filename).suffix.lower().lstrip(".") or "bin"
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other):
        return isinstance(other, UploadTo) and other.folder == self.folder
