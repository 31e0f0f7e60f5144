"""What we keep from an image's metadata, and how we get rid of the rest.

Photographers' files carry EXIF (camera, time, often GPS), XMP and IPTC blocks.
None of it is published: the stored original is re-encoded from its pixels
after the EXIF orientation is applied. Credit and caption survive in our own
fields instead, pre-filled from the IPTC/EXIF fields agencies fill in.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, IptcImagePlugin

from newsroom.images.validation import CheckedImage

JPEG_QUALITY = 90
WEBP_QUALITY = 88

# IPTC IIM record 2 datasets (IPTC Photo Metadata Standard).
IPTC_BYLINE = (2, 80)
IPTC_CREDIT = (2, 110)
IPTC_SOURCE = (2, 115)
IPTC_CAPTION = (2, 120)
# EXIF tags in the main IFD.
EXIF_DESCRIPTION = 0x010E
EXIF_ARTIST = 0x013B


@dataclass(frozen=True)
class Credits:
    """Credit lines found in a file's metadata; empty strings when absent."""

    caption: str = ""
    credit: str = ""
    source: str = ""


def _text(value) -> str:
    if isinstance(value, list):
        value = b"; ".join(value) if value and isinstance(value[0], bytes) else "; ".join(value)
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return " ".join(str(value or "").replace("\x00", " ").split())


def read_credits(checked: CheckedImage) -> Credits:
    """Caption, photographer and agency from IPTC (preferred) or EXIF."""
    with Image.open(io.BytesIO(checked.data), formats=[checked.format]) as image:
        iptc = IptcImagePlugin.getiptcinfo(image) or {}
        exif = image.getexif()
        return Credits(
            caption=_text(iptc.get(IPTC_CAPTION)) or _text(exif.get(EXIF_DESCRIPTION)),
            credit=_text(iptc.get(IPTC_BYLINE)) or _text(exif.get(EXIF_ARTIST)),
            source=_text(iptc.get(IPTC_CREDIT)) or _text(iptc.get(IPTC_SOURCE)),
        )


def open_upright(checked: CheckedImage) -> Image.Image:
    """Decode the image, turned the way its EXIF orientation says, with no metadata.

    Palette images become RGB(A) so transparency survives losing ``info``; the
    ICC profile is kept (it is colour, not personal data).
    """
    with Image.open(io.BytesIO(checked.data), formats=[checked.format]) as source:
        source.seek(0)  # the first frame of an animation is the picture
        image = ImageOps.exif_transpose(source)
        icc = source.info.get("icc_profile")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    image.info = {"icc_profile": icc} if icc else {}
    return image


def encode(image: Image.Image, fmt: str) -> bytes:
    """Encode with no EXIF, XMP, IPTC or comment: only pixels (and the ICC profile)."""
    if fmt == "JPEG" and image.mode not in {"RGB", "L"}:
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        flat.info = image.info
        image = flat
    options = {"icc_profile": image.info["icc_profile"]} if image.info.get("icc_profile") else {}
    if fmt == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "WEBP":
        options.update(quality=WEBP_QUALITY, method=4)
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def strip(checked: CheckedImage) -> tuple[bytes, int, int]:
    """The upload re-encoded upright and without metadata: (bytes, width, height)."""
    image = open_upright(checked)
    return encode(image, checked.format), image.width, image.height
