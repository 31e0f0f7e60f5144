"""Deciding whether an uploaded file is an image we are willing to store.

Judged by content, never by the name or the browser's content type: Pillow
opens the bytes with an allow-list of formats, the name's extension must agree
with what Pillow found, the pixel count is checked from the header before any
pixel is decoded, and the file must end where the image ends (a JPEG with an
archive or a page appended is a polyglot, not a photo).
"""

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

# Pillow format name -> the extensions a file of that format may carry.
EXTENSIONS = {"JPEG": ("jpg", "jpeg"), "PNG": ("png",), "WEBP": ("webp",)}
FORMATS = list(EXTENSIONS)

# Browsers sniff the first bytes of a response; markup there (in a comment or
# metadata segment) is the classic image/HTML polyglot. Scanning only the head
# keeps compressed pixel data, where short byte patterns occur by chance, out
# of it; appended payloads are caught by the end-of-image check instead.
# Markup deeper inside (an ICC profile, XMP, a text chunk; a PNG's profile is
# even compressed) passes this check but is never stored: the original and
# every rendition are re-encoded from pixels alone (newsroom.images.metadata).
SNIFF_WINDOW = 4096
MARKUP = re.compile(
    rb"<(?:script|html|svg|iframe|body|object|embed|\?php|!doctype)[\s>/]", re.IGNORECASE
)

MESSAGES = {
    "too_large": "This file is %(size)s; images may be at most %(limit)s.",
    "not_an_image": (
        "This file is not a JPEG, PNG or WebP image. Other formats (SVG, HTML, GIF, TIFF, …) "
        "are refused; export the picture as JPEG, PNG or WebP."
    ),
    "bad_extension": (
        "The file name ends in “.%(ext)s” but the file is a %(format)s image; "
        "rename it to “.%(expected)s” and upload it again."
    ),
    "too_many_pixels": (
        "This image is %(width)s x %(height)s pixels (%(megapixels)s megapixels); "
        "the limit is %(limit)s megapixels. Downsize it and upload it again."
    ),
    "bomb": (
        "This image has far more pixels than we accept (the limit is %(limit)s megapixels). "
        "Downsize it and upload it again."
    ),
    "truncated": (
        "This image is damaged or incomplete (the file is truncated). "
        "Export it again and upload the new file."
    ),
    "polyglot": (
        "This file carries data besides the image (it looks like another file disguised "
        "as a picture). Export the picture again and upload the new file."
    ),
}


@dataclass(frozen=True)
class CheckedImage:
    """An upload that passed every check: its bytes and what Pillow found."""

    data: bytes
    format: str  # Pillow's name: JPEG, PNG or WEBP
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format][0]


def _error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params)


def _read(file) -> bytes:
    if hasattr(file, "open") and getattr(file, "closed", False):
        file.open("rb")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def _image_end(data: bytes, fmt: str) -> int | None:
    """Where the image's own bytes end, or None when its end marker is missing."""
    if fmt == "JPEG":
        eoi = data.rfind(b"\xff\xd9")
        return None if eoi < 0 else eoi + 2
    if fmt == "PNG":
        iend = data.rfind(b"IEND")
        return None if iend < 0 else iend + 8  # chunk type + CRC
    # WebP is a RIFF container that states its own length.
    return int.from_bytes(data[4:8], "little") + 8


def _trailing_payload(data: bytes, fmt: str) -> bool:
    end = _image_end(data, fmt)
    if end is None:
        return False  # a missing end marker is reported as truncation by the decoder
    # Some cameras pad JPEGs with zero bytes; anything else after the end is a payload.
    return bool(data[end:].strip(b"\x00"))


def check_image(file, *, name: str | None = None) -> CheckedImage:
    """Check an uploaded file; return its bytes, or raise ``ValidationError``.

    ``file`` is any file-like object (an ``UploadedFile``, ``ContentFile``, …);
    ``name`` defaults to ``file.name``. Nothing is written anywhere.
    """
    max_bytes = settings.IMAGE_MAX_UPLOAD_BYTES
    max_pixels = settings.IMAGE_MAX_PIXELS
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise _error("too_large", size=filesizeformat(size), limit=filesizeformat(max_bytes))
    data = _read(file)
    if len(data) > max_bytes:
        raise _error("too_large", size=filesizeformat(len(data)), limit=filesizeformat(max_bytes))

    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice its limit; a bomb is an error here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Image.open reads the header only: size and format, no pixels yet.
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _error("bomb", limit=f"{max_pixels / 10**6:g}") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise _error("not_an_image") from None

        fmt = image.format
        width, height = image.size
        if width * height > max_pixels:
            raise _error(
                "too_many_pixels",
                width=width,
                height=height,
                megapixels=f"{width * height / 10**6:.1f}",
                limit=f"{max_pixels / 10**6:g}",
            )

        ext = PurePath(name or getattr(file, "name", "") or "").suffix.lower().lstrip(".")
        if ext not in EXTENSIONS[fmt]:
            raise _error(
                "bad_extension", ext=ext or "(none)", format=fmt, expected=EXTENSIONS[fmt][0]
            )

        try:
            image.load()  # decode every pixel: truncated files fail here
        except (OSError, SyntaxError, ValueError):
            raise _error("truncated") from None
        finally:
            image.close()

    if _image_end(data, fmt) is None:
        raise _error("truncated")
    if MARKUP.search(data[:SNIFF_WINDOW]) or _trailing_payload(data, fmt):
        raise _error("polyglot")
    return CheckedImage(data=data, format=fmt, width=width, height=height)
