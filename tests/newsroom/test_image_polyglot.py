"""Markup hidden in an image's metadata never reaches a stored file.

A browser that sniffs a stored image as HTML runs whatever script it carries.
The upload check scans only the head of a file, so the guarantee is the
re-encoding: the original and every rendition are written from pixels alone,
converted to sRGB, with no ICC profile, EXIF, XMP, comment or text chunk.
"""

import io
import struct

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageCms, PngImagePlugin

from articles.models import Photo
from articles.renditions import generate_renditions
from authors.models import Author
from newsroom.images.validation import SNIFF_WINDOW
from tests.articles.test_photos import upload

pytestmark = pytest.mark.django_db

SCRIPT = b"<html><script>alert(1)</script></html>"
RED, GREY = (200, 30, 30), (128, 128, 128)
SIZE = (900, 600)
# Markers for the other metadata places; each must be gone as well.
MARKERS = [b"EXIF-MARKER", b"XMP-MARKER", b"COMMENT-MARKER", b"TEXT-CHUNK-MARKER"]


def icc_profile(*, swap_red_and_blue: bool = False, extra_tag: bytes = b"") -> bytes:
    """Pillow's built-in sRGB profile, optionally altered.

    ``swap_red_and_blue`` exchanges the red and blue primaries: a pixel the
    file stores as red is blue on a colour-managed screen, so a conversion to
    sRGB is visible in the pixel values. ``extra_tag`` adds a private text tag
    at the end of the profile (where a payload hides past any head scan).
    """
    base = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    count = int.from_bytes(base[128:132], "big")
    raw_table = base[132 : 132 + 12 * count]
    entries = [list(entry) for entry in struct.iter_unpack(">4sII", raw_table)]
    data = base[132 + 12 * count :]
    if swap_red_and_blue:
        red = next(e for e in entries if e[0] == b"rXYZ")
        blue = next(e for e in entries if e[0] == b"bXYZ")
        red[1], blue[1] = blue[1], red[1]
    if extra_tag:
        count += 1
        for entry in entries:
            entry[1] += 12  # the tag table grows by one entry
        data += b"\x00" * (-len(data) % 4)
        tag = b"text\x00\x00\x00\x00" + extra_tag
        entries.append([b"zscr", 132 + 12 * count + len(data), len(tag)])
        data += tag
    table = b"".join(struct.pack(">4sII", *e) for e in entries)
    profile = bytearray(base[:128] + count.to_bytes(4, "big") + table + data)
    profile[0:4] = len(profile).to_bytes(4, "big")
    profile[84:100] = b"\x00" * 16  # profile ID: "not computed"
    return bytes(profile)


HOSTILE_PROFILE = icc_profile(swap_red_and_blue=True, extra_tag=b"A" * 8192 + SCRIPT)


def picture() -> Image.Image:
    """Left half red, right half grey."""
    image = Image.new("RGB", SIZE, GREY)
    image.paste(RED, (0, 0, SIZE[0] // 2, SIZE[1]))
    return image


def image_file(fmt: str, profile: bytes) -> bytes:
    """A picture as an editing tool might save it, with every kind of metadata it carries."""
    exif = Image.Exif()
    exif[0x010E] = "EXIF-MARKER"  # ImageDescription
    options = {"icc_profile": profile, "exif": exif}
    if fmt == "JPEG":
        options |= {"xmp": b"<x:xmpmeta>XMP-MARKER</x:xmpmeta>", "comment": b"COMMENT-MARKER"}
    elif fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Comment", "TEXT-CHUNK-MARKER")
        text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>XMP-MARKER</x:xmpmeta>")
        options["pnginfo"] = text
    else:
        options["xmp"] = b"<x:xmpmeta>XMP-MARKER</x:xmpmeta>"
    out = io.BytesIO()
    picture().save(out, fmt, **options)
    return out.getvalue()


def stored_files(photo: Photo) -> dict[str, bytes]:
    """The original and every rendition the worker made, by name."""
    names = [photo.image.name] + [item["name"] for item in photo.renditions["items"]]
    files = {}
    for name in names:
        with default_storage.open(name, "rb") as file:
            files[name] = file.read()
    return files


def uploaded_photo(admin_client, data: bytes, name: str) -> Photo:
    response = upload(admin_client, data, name)
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert generate_renditions(photo_id=photo.pk)  # what the worker runs
    photo.refresh_from_db()
    return photo


def assert_clean(name: str, data: bytes):
    assert b"<script" not in data.lower(), name
    for marker in MARKERS:
        assert marker not in data, (name, marker)
    with Image.open(io.BytesIO(data)) as image:
        assert not {"icc_profile", "exif", "xmp", "comment", "Comment"} & set(image.info), name
        assert len(image.getexif()) == 0, name
        assert image.mode == "RGB", name


def left_and_right(data: bytes) -> tuple[tuple, tuple]:
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        left = image.getpixel((width // 4, height // 2))
        return left, image.getpixel((3 * width // 4, height // 2))


def close(pixel, expected, tolerance=8) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "x.jpg"), ("PNG", "x.png"), ("WEBP", "x.webp")])
def test_script_in_an_icc_profile_past_the_head_reaches_no_stored_file(admin_client, fmt, name):
    data = image_file(fmt, HOSTILE_PROFILE)
    # The case a head scan cannot see (in a PNG the profile is even compressed).
    assert b"<script" not in data[:SNIFF_WINDOW]
    with Image.open(io.BytesIO(data)) as image:
        assert SCRIPT in image.info["icc_profile"]

    photo = uploaded_photo(admin_client, data, name)

    files = stored_files(photo)
    assert len(files) > 5
    for stored_name, stored_data in files.items():
        assert_clean(stored_name, stored_data)


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "x.jpg"), ("PNG", "x.png"), ("WEBP", "x.webp")])
def test_colours_are_converted_to_srgb_from_the_embedded_profile(admin_client, fmt, name):
    # The profile says the file's red channel holds blue: stored as red, shown as blue.
    photo = uploaded_photo(admin_client, image_file(fmt, HOSTILE_PROFILE), name)

    for stored_name, stored_data in stored_files(photo).items():
        left, right = left_and_right(stored_data)
        assert close(left, RED[::-1], tolerance=30), (stored_name, left)
        assert close(right, GREY), (stored_name, right)


def test_an_srgb_picture_keeps_its_colours_without_its_profile(admin_client):
    photo = uploaded_photo(admin_client, image_file("JPEG", icc_profile()), "x.jpg")

    for stored_name, stored_data in stored_files(photo).items():
        assert_clean(stored_name, stored_data)
        left, right = left_and_right(stored_data)
        assert close(left, RED) and close(right, GREY), (stored_name, left, right)


def test_an_unreadable_profile_is_dropped_and_the_pixels_kept_as_they_are(admin_client):
    garbage = b"not a colour profile " + b"A" * 8192 + SCRIPT
    photo = uploaded_photo(admin_client, image_file("JPEG", garbage), "x.jpg")

    for stored_name, stored_data in stored_files(photo).items():
        assert_clean(stored_name, stored_data)
        left, right = left_and_right(stored_data)
        assert close(left, RED) and close(right, GREY), (stored_name, left, right)


def test_a_transparent_png_keeps_its_transparency_and_is_converted(admin_client):
    out = io.BytesIO()
    Image.new("RGBA", SIZE, (*RED, 100)).save(out, "PNG", icc_profile=HOSTILE_PROFILE)

    photo = uploaded_photo(admin_client, out.getvalue(), "x.png")

    with default_storage.open(photo.image.name, "rb") as file:
        data = file.read()
    assert b"<script" not in data.lower()
    with Image.open(io.BytesIO(data)) as image:
        assert "icc_profile" not in image.info
        assert image.mode == "RGBA"
        assert close(image.getpixel((10, 10)), (*RED[::-1], 100), tolerance=30)


def test_a_grey_picture_with_a_colour_profile_is_stored_without_it(admin_client):
    out = io.BytesIO()
    Image.new("L", SIZE, 90).save(out, "JPEG", icc_profile=HOSTILE_PROFILE)

    photo = uploaded_photo(admin_client, out.getvalue(), "x.jpg")

    for stored_name, stored_data in stored_files(photo).items():
        assert b"<script" not in stored_data.lower(), stored_name
        with Image.open(io.BytesIO(stored_data)) as image:
            assert "icc_profile" not in image.info, stored_name
            assert abs(image.convert("L").getpixel((10, 10)) - 90) <= 8, stored_name


def test_a_headshot_keeps_no_profile_either():
    author = Author.objects.create(name="Ana", slug="ana")
    author.headshot.save("ana.png", ContentFile(image_file("PNG", HOSTILE_PROFILE)))
    with author.headshot.open("rb") as file:
        assert_clean(author.headshot.name, file.read())
