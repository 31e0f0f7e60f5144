"""Image handling shared by photos (articles) and headshots (authors).

``validation`` decides what we accept, ``metadata`` strips and reads what files
carry, ``renditions`` plans and cuts the sizes pages use, ``fields`` ties the
first two to a model field. ``UploadTo`` stays here: migrations name it
``newsroom.images.UploadTo``.
"""

import uuid
from pathlib import PurePath

from django.utils import timezone
from django.utils.deconstruct import deconstructible

from newsroom.images.fields import SafeImageField, SafeImageFormField
from newsroom.images.metadata import Credits, read_credits
from newsroom.images.validation import CheckedImage, check_image


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


__all__ = [
    "CheckedImage",
    "Credits",
    "SafeImageField",
    "SafeImageFormField",
    "UploadTo",
    "check_image",
    "read_credits",
]
