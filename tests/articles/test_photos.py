"""Photos as editors and readers meet them: uploads, renditions, pictures on pages."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from articles import related
from articles.models import Article, Photo
from articles.renditions import generate_renditions
from tests.factories import (
    camera_jpeg,
    image_bytes,
    make_article,
    make_author,
    make_photo,
    make_series,
    media_files,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_photo_add")


def upload(admin_client, data: bytes, name: str, **fields):
    form = {
        "image": SimpleUploadedFile(name, data),
        "caption": "A caption.",
        "alt_text": "Alt text.",
        "credit": "Jo Snap",
        "source": "",
        "license": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }
    return admin_client.post(ADD_URL, form)


def stored(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
        return image


def photo_with_renditions(size=(2000, 1000), focal=(0.5, 0.5), marker=False) -> Photo:
    image = Image.new("RGB", size, (255, 255, 255))
    if marker:  # a red square at the focal point, to find it in the crops
        x, y = focal[0] * size[0], focal[1] * size[1]
        ImageDraw.Draw(image).rectangle([x - 15, y - 15, x + 15, y + 15], fill=(255, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG")
    photo = Photo(caption="C", credit="Jo", alt_text="A", focal_x=focal[0], focal_y=focal[1])
    photo.image.save("pic.jpg", ContentFile(out.getvalue()), save=False)
    photo.save()
    assert generate_renditions(photo_id=photo.pk)
    photo.refresh_from_db()
    return photo


BAD_UPLOADS = [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg"),
    (b"<!doctype html><html><body>hi</body></html>", "x.jpg"),
    (image_bytes(fmt="PNG"), "x.jpg"),
    (image_bytes()[:-40], "x.jpg"),
    (image_bytes() + b"<html><script>alert(1)</script></html>", "x.jpg"),
]


@pytest.mark.parametrize(("data", "name"), BAD_UPLOADS)
def test_admin_refuses_bad_uploads_with_a_message_and_stores_nothing(
    admin_client, settings, data, name
):
    before = media_files(settings.MEDIA_ROOT)
    response = upload(admin_client, data, name)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["image"]
    assert len(errors) == 1 and "image" in errors[0]
    assert errors[0] in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert not Photo.objects.exists()
    assert media_files(settings.MEDIA_ROOT) == before


def test_admin_refuses_oversized_upload_and_stores_nothing(admin_client, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 200
    before = media_files(settings.MEDIA_ROOT)
    response = upload(admin_client, image_bytes(), "x.jpg")
    assert "images may be at most 200" in str(response.context["adminform"].form.errors["image"])
    assert not Photo.objects.exists() and media_files(settings.MEDIA_ROOT) == before


def test_uploaded_camera_jpeg_is_stored_upright_without_gps(admin_client, superuser):
    response = upload(admin_client, camera_jpeg((60, 30), orientation=6), "DSC_0001.JPG")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (30, 60)
    assert photo.uploaded_by == superuser
    assert "DSC_0001" not in photo.image.name and photo.image.name.endswith(".jpg")
    image = stored(photo.image.name)
    assert image.size == (30, 60)
    assert len(image.getexif()) == 0 and not image.getexif().get_ifd(0x8825)
    assert "exif" not in image.info and "xmp" not in image.info


def test_empty_credit_and_caption_are_filled_from_iptc(admin_client):
    iptc = {(2, 80): "Jo Snap", (2, 110): "Wire Agency", (2, 120): "Crowds at dusk."}
    response = upload(admin_client, camera_jpeg(iptc=iptc), "x.jpg", caption="", credit="")
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.caption, photo.credit, photo.source) == (
        "Crowds at dusk.",
        "Jo Snap",
        "Wire Agency",
    )
    assert photo.credit_line == "Photo by Jo Snap / Wire Agency"


def test_typed_credit_wins_over_metadata_and_missing_credit_is_refused(admin_client, settings):
    iptc = {(2, 80): "Jo Snap"}
    upload(admin_client, camera_jpeg(iptc=iptc), "x.jpg", credit="Our Staff")
    assert Photo.objects.get().credit == "Our Staff"
    before = media_files(settings.MEDIA_ROOT)
    response = upload(admin_client, image_bytes(), "y.jpg", credit="")
    assert "credit" in response.context["adminform"].form.errors
    assert Photo.objects.count() == 1 and media_files(settings.MEDIA_ROOT) == before


def test_renditions_have_the_promised_sizes_and_formats():
    photo = photo_with_renditions((2000, 1000))
    found = {
        (r.kind, r.format, r.width, r.height)
        for k in ("width", "card", "social")
        for r in photo.rendition_list(k)
    }
    expected = {
        ("width", fmt, w, w // 2) for w in (400, 800, 1200, 1600) for fmt in ("webp", "jpeg")
    }
    expected |= {
        ("card", fmt, w, h) for w, h in ((400, 225), (800, 450)) for fmt in ("webp", "jpeg")
    }
    expected |= {("social", "jpeg", 1200, 630)}
    assert found == expected
    for kind in ("width", "card", "social"):
        for rendition in photo.rendition_list(kind):
            image = stored(rendition.name)
            assert image.size == (rendition.width, rendition.height)
            assert image.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
            assert len(image.getexif()) == 0
    assert photo.social_image_url() == photo.rendition_list("social")[0].url


@pytest.mark.parametrize("focal", [(0.9, 0.1), (0.05, 0.95), (0.5, 0.5)])
def test_the_subject_at_the_focal_point_is_in_every_crop(focal):
    photo = photo_with_renditions((2000, 1200), focal=focal, marker=True)
    for rendition in photo.rendition_list("card") + photo.rendition_list("social"):
        image = stored(rendition.name).convert("RGB")
        reds = [p for p in image.get_flattened_data() if p[0] > 200 and p[1] < 80 and p[2] < 80]
        assert reds, rendition


def test_moving_the_focal_point_recuts_only_the_crops_and_removes_the_old_ones():
    # A tall picture: the crops take its full width and slide up and down.
    photo = photo_with_renditions((1200, 2000), focal=(0.5, 0.1))
    old_widths = [r.name for r in photo.rendition_list("width")]
    old_crops = [r.name for r in photo.rendition_list("card") + photo.rendition_list("social")]
    photo.focal_y = 0.9
    photo.save()
    assert generate_renditions(photo_id=photo.pk)
    photo.refresh_from_db()
    assert [r.name for r in photo.rendition_list("width")] == old_widths
    new_crops = [r.name for r in photo.rendition_list("card") + photo.rendition_list("social")]
    assert not set(new_crops) & set(old_crops)
    assert all(default_storage.exists(n) for n in old_widths + new_crops)
    assert not any(default_storage.exists(n) for n in old_crops)
    assert generate_renditions(photo_id=photo.pk) is False  # generated once


def test_saving_a_photo_queues_its_renditions(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        photo = make_photo(size=(900, 600))
    photo.refresh_from_db()
    assert {r.width for r in photo.rendition_list("width", "jpeg")} == {400, 800, 900}


def test_article_page_serves_the_lead_image_as_a_responsive_picture(client):
    photo = photo_with_renditions((2000, 1000))
    photo.caption, photo.credit, photo.source = "Crowds at dusk.", "Jo Snap", "Wire"
    photo.save()
    article = make_article(lead_photo=photo, authors=[make_author()])
    page = client.get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="lead">.*?</figure>', page, re.S).group(0)
    assert '<source type="image/webp"' in figure
    for rendition in photo.rendition_list("width"):
        assert f"{rendition.url} {rendition.width}w" in figure
    assert 'width="1600" height="800"' in figure and 'fetchpriority="high"' in figure
    assert 'loading="lazy"' not in figure
    assert "Crowds at dusk." in figure and "Photo by Jo Snap / Wire" in figure


def test_renditions_made_after_a_page_was_cached_show_on_it(
    client, django_capture_on_commit_callbacks
):
    """The worker makes renditions after the upload: pages cached before then
    must not keep serving the full-size original."""
    photo = make_photo(size=(1200, 800))
    article = make_article(lead_photo=photo)
    before = client.get(article.get_absolute_url()).content.decode()
    assert "srcset" not in before
    with django_capture_on_commit_callbacks(execute=True):
        assert generate_renditions(photo_id=photo.pk)
    after = client.get(article.get_absolute_url()).content.decode()
    assert '<source type="image/webp"' in after and " 800w" in after


def test_cards_use_the_lazy_16_9_crop(client):
    photo = photo_with_renditions((2000, 1500))
    make_article(lead_photo=photo)
    make_article(lead_photo=photo)  # the newest is featured and loads eagerly
    page = client.get("/").content.decode()
    card = photo.rendition_list("card", "jpeg")[-1]
    assert f"{card.url} 800w" in page
    assert 'width="800" height="450"' in page and 'loading="lazy"' in page


def test_pages_with_renditions_keep_their_query_counts(client, django_assert_num_queries):
    series = make_series()
    for _ in range(3):
        make_article(
            lead_photo=photo_with_renditions((800, 600)), series=series, authors=[make_author()]
        )
    # The same counts as without renditions (tests/articles/test_views*.py):
    # the home page holds every piece, so its sections read nothing more.
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200
    article = Article.objects.first()
    related.refresh(article)  # the two others of its series are its further reading
    with django_assert_num_queries(5):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_rights_filter_lists_photos_expiring_within_30_days(admin_client):
    today = timezone.localdate()
    soon = make_photo(caption="Soon gone", rights_expire_on=today + timedelta(days=10))
    make_photo(caption="Long licence", rights_expire_on=today + timedelta(days=90))
    make_photo(caption="Already lapsed", rights_expire_on=today - timedelta(days=1))
    make_photo(caption="Ours forever")
    url = reverse("admin:articles_photo_changelist")
    response = admin_client.get(url, {"rights": "expiring"})
    assert list(response.context["cl"].result_list) == [soon]
    expired = admin_client.get(url, {"rights": "expired"}).context["cl"].result_list
    assert [p.caption for p in expired] == ["Already lapsed"]


def test_photo_library_search_finds_by_credit_caption_and_source(admin_client):
    make_photo(caption="Harbour cranes", credit="Ines Lens", source="Coast Wire")
    make_photo(caption="Parliament steps")
    url = reverse("admin:articles_photo_changelist")
    for query in ["cranes", "Ines", "Coast Wire"]:
        found = admin_client.get(url, {"q": query}).context["cl"].result_list
        assert [p.caption for p in found] == ["Harbour cranes"], query


def test_change_page_has_the_focal_picker_and_lists_the_pieces_using_the_photo(admin_client):
    photo = make_photo(focal_x=0.25, focal_y=0.75)
    make_article(title="First use", lead_photo=photo)
    make_article(title="Second use", lead_photo=photo, status=Article.Status.DRAFT)
    page = admin_client.get(
        reverse("admin:articles_photo_change", args=[photo.pk])
    ).content.decode()
    assert "data-focal-picker" in page and "left:25.0%;top:75.0%" in page
    assert "admin/js/focal_point.js" in page
    assert "First use" in page and "Second use" in page and "Draft" in page


def test_picking_a_focal_point_in_admin_is_stored_and_out_of_range_is_refused(admin_client):
    photo = make_photo()
    url = reverse("admin:articles_photo_change", args=[photo.pk])
    form = {
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "credit": photo.credit,
        "source": photo.source,
        "license": "",
        "focal_x": "0.2",
        "focal_y": "0.8",
    }
    assert admin_client.post(url, form).status_code == 302
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (0.2, 0.8)
    response = admin_client.post(url, {**form, "focal_x": "1.5"})
    assert response.status_code == 200
    photo.refresh_from_db()
    assert photo.focal_x == 0.2


def test_make_renditions_catches_up_photos_stored_without_them():
    from io import StringIO

    from django.core.management import call_command

    first, second = make_photo(size=(500, 300)), make_photo(size=(500, 300))
    out = StringIO()
    call_command("make_renditions", "--dry-run", stdout=out)
    assert "2 photo(s) need renditions" in out.getvalue()
    assert not Photo.objects.get(pk=first.pk).rendition_list("width")
    call_command("make_renditions", stdout=out)
    for photo in (first, second):
        photo.refresh_from_db()
        assert [r.width for r in photo.rendition_list("width", "jpeg")] == [400, 500]
    out = StringIO()
    call_command("make_renditions", stdout=out)
    assert "Renditions made for 0 photo(s)" in out.getvalue()


def test_og_image_is_the_1200x630_social_crop(client):
    photo = photo_with_renditions((2000, 1500))
    article = make_article(lead_photo=photo)
    page = client.get(article.get_absolute_url()).content.decode()
    social = photo.rendition_list("social")[-1]
    assert (social.width, social.height) == (1200, 630)
    assert f'<meta property="og:image" content="http://127.0.0.1:8000{social.url}">' in page
    assert '<meta property="og:image:width" content="1200">' in page


def test_an_admin_upload_is_read_and_checked_once(admin_client, monkeypatch):
    import articles.admin.photo
    import newsroom.images.fields
    from newsroom.images.validation import check_image

    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return check_image(*args, **kwargs)

    monkeypatch.setattr(newsroom.images.fields, "check_image", counting)
    monkeypatch.setattr(articles.admin.photo, "check_image", counting)
    assert upload(admin_client, camera_jpeg(), "shot.jpg").status_code == 302
    assert len(calls) == 1
    assert Photo.objects.get().image.name.endswith(".jpg")


def test_deleting_a_photo_removes_its_files_once_committed(django_capture_on_commit_callbacks):
    photo = photo_with_renditions(size=(900, 600))
    names = [photo.image.name] + [item["name"] for item in photo.renditions["items"]]
    assert len(names) > 5 and all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        photo.delete()
    # Not before the commit: a rolled-back delete keeps the photo's files.
    assert all(default_storage.exists(name) for name in names)
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(name) for name in names)


def test_a_photo_in_use_is_not_deleted_and_keeps_its_files(django_capture_on_commit_callbacks):
    photo = photo_with_renditions(size=(900, 600))
    make_article(lead_photo=photo)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ProtectedError):
        photo.delete()
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert default_storage.exists(photo.image.name)
