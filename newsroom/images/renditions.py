"""Which renditions an image gets, and how each one is cut and encoded.

Pure functions of the image's size and focal point, so a page can describe the
renditions without opening any file and the generator makes exactly those.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from PIL import Image

from newsroom.images.metadata import encode

# Our format names (used in file names and manifests) -> Pillow's and MIME types.
PILLOW_FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}
MIME_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg"}

CARD_ASPECT = (16, 9)


@dataclass(frozen=True)
class Spec:
    """One rendition: what it is, its pixel size, its format and the crop it starts from."""

    kind: str  # "width" (whole picture), "card" (16:9) or "social" (1200x630)
    width: int
    height: int
    format: str  # "webp" or "jpeg"
    box: tuple[int, int, int, int]  # (left, top, right, bottom) in source pixels

    @property
    def label(self) -> str:
        return f"{self.kind}-{self.width}x{self.height}"

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def focal_crop_box(
    width: int, height: int, aspect: tuple[int, int], focal: tuple[float, float]
) -> tuple[int, int, int, int]:
    """The largest box of ``aspect`` inside the image, centred on the focal point.

    Where centring would leave the image the box slides back inside; it still
    contains the focal point because it is never narrower than half of itself
    on the focal point's side.
    """
    aw, ah = aspect
    if width * ah > height * aw:  # image wider than the aspect: full height
        crop_w, crop_h = max(1, round(height * aw / ah)), height
    else:
        crop_w, crop_h = width, max(1, round(width * ah / aw))
    crop_w, crop_h = min(crop_w, width), min(crop_h, height)
    fx, fy = focal[0] * width, focal[1] * height
    left = min(max(math.floor(fx - crop_w / 2), 0), width - crop_w)
    top = min(max(math.floor(fy - crop_h / 2), 0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def _widths(available: int, wanted) -> list[int]:
    """Wanted widths that need no upscaling, plus the full width when it is below the top."""
    widths = sorted({w for w in wanted if w <= available})
    if available < max(wanted) and available not in widths:
        widths.append(available)
    return widths


def plan(width: int, height: int, focal: tuple[float, float]) -> list[Spec]:
    """Every rendition an image of this size and focal point gets (never upscaled)."""
    if width < 1 or height < 1:
        return []
    specs = []
    whole = (0, 0, width, height)
    for w in _widths(width, settings.IMAGE_RENDITION_WIDTHS):
        h = max(1, round(height * w / width))
        specs += [Spec("width", w, h, fmt, whole) for fmt in ("webp", "jpeg")]

    card_box = focal_crop_box(width, height, CARD_ASPECT, focal)
    card_w = card_box[2] - card_box[0]
    for w in _widths(card_w, settings.IMAGE_CARD_WIDTHS):
        h = max(1, round(w * CARD_ASPECT[1] / CARD_ASPECT[0]))
        specs += [Spec("card", w, h, fmt, card_box) for fmt in ("webp", "jpeg")]

    social_w, social_h = settings.IMAGE_SOCIAL_SIZE
    social_box = focal_crop_box(width, height, (social_w, social_h), focal)
    scale = min(1.0, (social_box[2] - social_box[0]) / social_w)
    # JPEG only: link previews on some social networks still ignore WebP.
    specs.append(
        Spec(
            "social",
            max(1, round(social_w * scale)),
            max(1, round(social_h * scale)),
            "jpeg",
            social_box,
        )
    )
    return specs


def render(image: Image.Image, spec: Spec) -> bytes:
    """Cut, scale and encode one rendition from the upright, sRGB, metadata-free image."""
    part = image.crop(spec.box) if spec.box != (0, 0, *image.size) else image
    if part.size != (spec.width, spec.height):
        part = part.resize((spec.width, spec.height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return encode(part, PILLOW_FORMATS[spec.format])
