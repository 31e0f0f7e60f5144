"""Making a photo's renditions and recording them on the photo.

Renditions are generated once per (image, focal point) and written through the
image field's storage (Django's default storage, so S3 through django-storages
needs no code change). The list of what exists is kept on the photo row
(``Photo.renditions``) so pages learn every URL from the row they already
load: no query per picture.
"""

import hashlib
import io
import logging
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.tasks import task
from PIL import Image

from articles import page_tags
from articles.models import Photo
from newsroom import page_cache
from newsroom.images.metadata import open_upright
from newsroom.images.renditions import Spec, plan, render
from newsroom.images.validation import FORMATS, CheckedImage

logger = logging.getLogger(__name__)


def rendition_name(image_name: str, spec: Spec) -> str:
    """A stable name per (original, crop, size, format).

    Whole-picture renditions keep their names when only the focal point moves,
    so a focal change regenerates just the crops.
    """
    fingerprint = hashlib.sha256(
        f"{image_name}|{spec.box}|{spec.width}x{spec.height}|{spec.format}".encode()
    ).hexdigest()[:10]
    return f"renditions/{PurePath(image_name).stem}/{spec.label}-{fingerprint}.{spec.extension}"


def _open_original(photo: Photo) -> Image.Image:
    with photo.image.open("rb") as file:
        data = file.read()
    with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
        checked = CheckedImage(
            data=data, format=probe.format, width=probe.width, height=probe.height
        )
    return open_upright(checked)


def generate_renditions(*, photo_id: int) -> bool:
    """Make whatever renditions the photo lacks for its image and focal point.

    Returns False when there was nothing to do (photo gone, no image, already
    current). If the photo changes while we work, the conditional update
    touches no row and the files we made are removed: the newer save has
    queued its own run.
    """
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or not photo.image:
        return False
    key = photo.rendition_key()
    if photo.renditions.get("key") == key:
        return False
    storage = photo.image.storage
    image = _open_original(photo)
    old_names = {item["name"] for item in photo.renditions.get("items", [])}
    items, made = [], []
    for spec in plan(image.width, image.height, (photo.focal_x, photo.focal_y)):
        name = rendition_name(photo.image.name, spec)
        if name not in old_names or not storage.exists(name):
            name = storage.save(name, ContentFile(render(image, spec)))
            made.append(name)
        items.append(
            {
                "kind": spec.kind,
                "format": spec.format,
                "width": spec.width,
                "height": spec.height,
                "name": name,
            }
        )
    manifest = {"key": key, "image": photo.image.name, "items": items}
    updated = Photo.objects.filter(
        pk=photo.pk, image=photo.image.name, focal_x=photo.focal_x, focal_y=photo.focal_y
    ).update(renditions=manifest, width=image.width, height=image.height)
    kept = {item["name"] for item in items}
    for name in (old_names - kept) if updated else made:
        storage.delete(name)
    if not updated:
        logger.info("Photo %s changed while its renditions were made; discarded them.", photo_id)
        return False
    # The row was written with update() (no signal): pages cached since the
    # upload show the full-size original until they are dropped.
    page_cache.drop(page_tags.of("photo", photo.pk))
    return True


def delete_files(*, image_name: str, renditions: dict, storage) -> None:
    """Remove a deleted photo's original and every rendition listed for it."""
    names = [image_name] if image_name else []
    names += [item["name"] for item in (renditions or {}).get("items", [])]
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete %s of a deleted photo.", name, exc_info=True)


@task
def make_renditions(photo_id: int) -> bool:
    return generate_renditions(photo_id=photo_id)
