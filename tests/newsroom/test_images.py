"""The shared image helper: what it accepts, what it strips, how it crops."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from authors.models import Author
from newsroom.images import check_image, read_credits
from newsroom.images.metadata import strip
from newsroom.images.renditions import focal_crop_box, plan
from tests.factories import camera_jpeg, image_bytes, media_files, noisy_image_bytes


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a size its (empty) pixel data does not have."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def refusal(data: bytes, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_image(ContentFile(data, name=name))
    return caught.value


@pytest.mark.parametrize(
    ("fmt", "name"), [("JPEG", "a.jpg"), ("JPEG", "a.JPEG"), ("PNG", "a.png"), ("WEBP", "a.webp")]
)
def test_jpeg_png_and_webp_with_matching_names_are_accepted(fmt, name):
    checked = check_image(ContentFile(image_bytes((30, 20), fmt), name=name))
    assert (checked.format, checked.width, checked.height) == (fmt, 30, 20)


BAD_INPUTS = {
    "svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "x.svg",
        "not_an_image",
    ),
    "svg named jpg": (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "x.jpg", "not_an_image"),
    "html": (b"<!doctype html><html><script>alert(1)</script></html>", "x.jpg", "not_an_image"),
    "gif": (image_bytes(fmt="GIF"), "x.gif", "not_an_image"),
    "png named jpg": (image_bytes(fmt="PNG"), "x.jpg", "bad_extension"),
    "jpeg named png": (image_bytes(), "x.png", "bad_extension"),
    "truncated jpeg": (noisy_image_bytes()[:-900], "x.jpg", "truncated"),
    "truncated png": (noisy_image_bytes(fmt="PNG")[:-900], "x.png", "truncated"),
    "html appended": (
        image_bytes() + b"<html><script>alert(1)</script></html>",
        "x.jpg",
        "polyglot",
    ),
    "zip appended": (image_bytes() + b"PK\x03\x04" + b"\x01" * 40, "x.jpg", "polyglot"),
    "script in comment": (
        noisy_image_bytes(fmt="JPEG", comment=b"<script>alert(1)</script>"),
        "x.jpg",
        "polyglot",
    ),
    "9000x9000 header": (png_header_only(9000, 9000), "x.png", "too_many_pixels"),
    "decompression bomb": (png_header_only(100_000, 100_000), "x.png", "bomb"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_inputs_are_refused_with_a_reason(case):
    data, name, code = BAD_INPUTS[case]
    error = refusal(data, name)
    assert error.code == code
    assert error.messages[0]  # a sentence an editor can act on


def test_the_pixel_limit_is_enforced_from_the_header_before_decoding(settings):
    # The claimed 9000x9000 image has almost no pixel data: decoding it would
    # report truncation, so the pixel message proves the header was checked first.
    error = refusal(png_header_only(9000, 9000), "x.png")
    assert "9000 x 9000 pixels (81.0 megapixels); the limit is 50 megapixels" in error.messages[0]


def test_pillows_decompression_bomb_warning_is_an_error(settings):
    settings.IMAGE_MAX_PIXELS = 500_000_000  # above Pillow's own warning threshold
    assert refusal(png_header_only(10_000, 10_000), "x.png").code == "bomb"


def test_files_over_the_size_limit_are_refused(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    error = refusal(noisy_image_bytes((64, 64)), "x.jpg")
    assert error.code == "too_large"
    assert "images may be at most 1000" in error.messages[0]


def test_stripping_removes_exif_gps_xmp_and_iptc_and_applies_orientation():
    data = camera_jpeg((60, 30), orientation=6, iptc={(2, 80): "Jo Snap"})
    clean, width, height = strip(check_image(ContentFile(data, name="x.jpg")))
    image = Image.open(io.BytesIO(clean))
    assert (width, height) == image.size == (30, 60)  # turned upright
    assert image.getpixel((15, 5))[0] > 200  # the red left half is now on top
    assert len(image.getexif()) == 0
    assert not {"exif", "xmp", "photoshop", "comment"} & set(image.info)
    assert b"CameraMaker" not in clean and b"Jo Snap" not in clean


def test_credits_are_read_from_iptc_first_then_exif():
    iptc = {(2, 80): "Jo Snap", (2, 110): "Wire Agency", (2, 120): "Crowds at dusk."}
    data = camera_jpeg(iptc=iptc, artist="Exif Name", description="Exif caption")
    credits = read_credits(check_image(ContentFile(data, name="x.jpg")))
    assert (credits.caption, credits.credit, credits.source) == (
        "Crowds at dusk.",
        "Jo Snap",
        "Wire Agency",
    )
    exif_only = camera_jpeg(artist="Exif Name", description="Exif caption")
    credits = read_credits(check_image(ContentFile(exif_only, name="x.jpg")))
    assert (credits.caption, credits.credit, credits.source) == ("Exif caption", "Exif Name", "")


@pytest.mark.parametrize("size", [(2000, 1000), (1000, 2000), (640, 360), (300, 900), (1, 1)])
@pytest.mark.parametrize("aspect", [(16, 9), (1200, 630), (1, 1)])
def test_the_focal_point_stays_inside_every_crop(size, aspect):
    width, height = size
    for fx in (0.0, 0.03, 0.25, 0.5, 0.77, 0.99, 1.0):
        for fy in (0.0, 0.1, 0.5, 0.9, 1.0):
            left, top, right, bottom = focal_crop_box(width, height, aspect, (fx, fy))
            assert 0 <= left < right <= width and 0 <= top < bottom <= height
            assert left <= fx * width <= right and top <= fy * height <= bottom
            ratio = (right - left) / (bottom - top)
            assert abs(ratio - aspect[0] / aspect[1]) <= max(0.02, 2 / min(size))


def test_renditions_are_never_upscaled():
    specs = plan(1000, 500, (0.5, 0.5))
    assert max(s.width for s in specs) == 1000
    assert sorted({s.width for s in specs if s.kind == "width"}) == [400, 800, 1000]
    social = next(s for s in specs if s.kind == "social")
    assert (social.width, social.height) == (952, 500)


@pytest.mark.django_db
def test_a_fake_headshot_is_refused_and_nothing_is_stored(settings):
    author = Author.objects.create(name="Ana", slug="ana")
    before = media_files(settings.MEDIA_ROOT)
    with pytest.raises(ValidationError):
        author.headshot.save("ana.jpg", ContentFile(b"<html>not a picture</html>"))
    assert media_files(settings.MEDIA_ROOT) == before


@pytest.mark.django_db
def test_a_headshot_is_stored_without_location_data():
    author = Author.objects.create(name="Ana", slug="ana")
    author.headshot.save("ana.jpg", ContentFile(camera_jpeg()))
    with author.headshot.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert len(image.getexif()) == 0 and "exif" not in image.info
