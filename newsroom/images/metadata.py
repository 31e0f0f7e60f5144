"""What we keep from an image's metadata, and how we get rid of the rest.

Photographers' files carry EXIF (camera, time, often GPS), XMP and IPTC blocks,
comments, text chunks and an ICC colour profile. None of it is published: the
stored original and every rendition are re-encoded from pixels alone, turned
upright by the EXIF orientation and converted to sRGB by the ICC profile.
Each of those blocks is free-form bytes where markup can hide (an HTML page
inside an ICC profile, past what any head scan reads), so none is written,
whatever the upload check saw. Credit and caption survive in our own fields
instead, pre-filled from the IPTC/EXIF fields agencies fill in.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, IptcImagePlugin

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

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# The colour space an ICC profile describes -> the image modes it can apply to.
PROFILE_MODES = {"RGB": {"RGB", "RGBA"}, "GRAY": {"L", "LA"}, "CMYK": {"CMYK"}}


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


def to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The image's colours converted to sRGB from its ICC profile.

    sRGB is what browsers assume for an image with no profile, so the stored
    files need none and look as the photographer's file did. A profile that
    cannot be read, or that does not describe the image's mode, is ignored:
    the pixels are taken as sRGB already, as a browser would take them.
    """
    if not icc:
        return image
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError):
        return image
    if image.mode not in PROFILE_MODES.get(profile.profile.xcolor_space.strip(), ()):
        return image
    alpha = image.getchannel("A") if image.mode.endswith("A") else None
    colour = image.convert(image.mode[:-1]) if alpha is not None else image
    try:
        image = ImageCms.profileToProfile(colour, profile, SRGB, outputMode="RGB")
    except ImageCms.PyCMSError:
        return image
    if alpha is not None:
        image.putalpha(alpha)
    return image


def open_upright(checked: CheckedImage) -> Image.Image:
    """Decode the image, upright by its EXIF orientation, in sRGB, with no metadata.

    Palette images become RGB(A) so transparency survives losing ``info``.
    """
    with Image.open(io.BytesIO(checked.data), formats=[checked.format]) as source:
        source.seek(0)  # the first frame of an animation is the picture
        image = ImageOps.exif_transpose(source)
        icc = source.info.get("icc_profile")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    image = to_srgb(image, icc)
    if image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    image.info = {}
    return image


def encode(image: Image.Image, fmt: str) -> bytes:
    """Encode the pixels alone: no ICC profile, EXIF, XMP, IPTC, comment or text chunk."""
    if fmt == "JPEG" and image.mode not in {"RGB", "L"}:
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = flat
    # Pillow copies a PNG's ICC profile and a JPEG's comment from image.info
    # unless told otherwise; the other blocks are only written when passed.
    options = {"icc_profile": None, "comment": None}
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
