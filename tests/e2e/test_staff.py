"""The staff's journey in the admin: a contributor writes, an editor reviews and publishes.

Two people, two browser sessions side by side; readers are a third, with no cookies.
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from PIL import Image

from articles.models import Article, Photo, Series
from authors.models import Author
from tests.e2e.conftest import DESKTOP
from tests.e2e.staff import log_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Harbour towns test a shared flood warning"
WORD = "harbour"


def message(page) -> str:
    """The admin's message after an action (success or error), as text."""
    return page.locator("ul.messagelist").inner_text()


def pick(page, select_id: str, typed: str, option: str):
    """Choose in one of the admin's autocomplete (select2) boxes, as a person does."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()


def photo_file(tmp_path):
    path = tmp_path / "harbour.jpg"
    image = Image.new("RGB", (1200, 800), (30, 80, 130))
    image.paste((220, 200, 120), (0, 500, 1200, 800))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    path.write_bytes(out.getvalue())
    return path


def type_body(page):
    """A heading, a paragraph with a link and a bulleted list, typed into CKEditor 4."""
    editor = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")
    editor.locator("body").click()
    # Format ▸ Heading 2 (the combo's list is a panel in its own iframe).
    page.locator("#cke_id_body .cke_combo__format .cke_combo_button").click()
    page.frame_locator("iframe.cke_panel_frame").get_by_text("Heading 2").click()
    page.keyboard.type("What the towns agreed")
    page.keyboard.press("Enter")
    page.keyboard.type("Three harbour towns now share one flood warning. Read the full agreement")
    # Select the last two words and make them a link through the Link dialog.
    for _ in range(len("full agreement")):
        page.keyboard.press("Shift+ArrowLeft")
    page.locator("#cke_id_body .cke_button__link").click()
    url = page.locator(".cke_dialog").get_by_label("URL")
    url.wait_for()
    url.press_sequentially("https://example.org/harbour-agreement")
    page.locator(".cke_dialog").get_by_role("button", name="OK").click()
    page.keyboard.press("End")
    page.keyboard.type(" for the details.")
    page.keyboard.press("Enter")
    page.locator("#cke_id_body .cke_button__bulletedlist").click()
    page.keyboard.type("One siren code for all three towns")
    page.keyboard.press("Enter")
    page.keyboard.type("A shared tide gauge")


def test_contributor_writes_editor_reviews_schedules_and_publishes(
    demo, browser, new_context, shoot, settings, tmp_path
):
    # Renditions are made by a task; run tasks at once so the piece shows them.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    fellow = Author.objects.order_by("name").first()
    series = Series.objects.order_by("name").first()
    reader = new_context().new_page()
    # Staff sessions keep the site's real Content-Security-Policy: the editor must work under it.
    contributor = browser.new_context(viewport=DESKTOP).new_page()

    # The contributor uploads a photo with its credit and alt text.
    log_in(contributor, demo, "contributor")
    contributor.goto(demo + "/admin/articles/photo/add/")
    contributor.locator("#id_image").set_input_files(photo_file(tmp_path))
    contributor.locator("#id_caption").fill("The harbour wall at high tide.")
    contributor.locator("#id_alt_text").fill("A grey sea wall under a blue sky at high tide")
    contributor.locator("#id_credit").fill("Test Photographer")
    contributor.get_by_role("button", name="Save", exact=True).click()
    assert "was added successfully" in message(contributor), message(contributor)
    photo = Photo.objects.get(caption="The harbour wall at high tide.")
    assert photo.rendition_list("width", "jpeg"), "no renditions were made for the upload"

    # … creates the piece: text in CKEditor, the photo, an author, tags.
    contributor.goto(demo + "/admin/articles/article/add/")
    contributor.locator("#id_title").fill(TITLE)
    contributor.locator("#id_dek").fill("A first draft of the standfirst.")
    type_body(contributor)
    pick(contributor, "id_lead_photo", "harbour wall", "harbour wall")
    pick(contributor, "id_series", series.name.split()[0], series.name)
    contributor.locator("#id_tags").fill("flooding, coastal towns")
    pick(contributor, "id_article_authors-0-author", fellow.name.split()[-1], fellow.name)
    shoot(contributor, "01-contributor-writes")
    contributor.get_by_role("button", name="Save and continue editing").click()
    assert "was added successfully" in message(contributor), message(contributor)
    article = Article.objects.get(title=TITLE)
    assert re.search(r"<h2>What the towns agreed</h2>", article.body), article.body
    assert 'href="https://example.org/harbour-agreement"' in article.body, article.body
    assert re.search(r"<ul>\s*<li>One siren code", article.body), article.body
    assert [a.pk for a in article.ordered_authors()] == [fellow.pk]
    assert sorted(article.tags.names()) == ["coastal towns", "flooding"]
    assert article.lead_photo == photo
    change_url = contributor.url

    # A shared preview opens for someone not logged in; the public URL stays 404.
    contributor.get_by_role("button", name="Share preview").click()
    preview_url = contributor.get_by_label("Preview link").first.input_value()
    reader.goto(preview_url)
    assert reader.get_by_role("heading", level=1).inner_text() == TITLE
    assert "Preview — not published" in reader.get_by_role("status").first.inner_text()
    shoot(reader, "02-shared-preview")
    assert reader.goto(demo + article.get_absolute_url()).status == 404

    contributor.get_by_role("button", name="Submit for review").click()
    assert "was submitted for review" in message(contributor), message(contributor)

    # The editor asks for changes, with a comment.
    editor = browser.new_context(viewport=DESKTOP).new_page()
    log_in(editor, demo, "editor")
    editor.goto(change_url)
    editor.get_by_label("What needs to change").fill("The standfirst needs the towns' names.")
    editor.get_by_role("button", name="Request changes").click()
    assert "Changes were requested" in message(editor), message(editor)

    # The contributor reads the comment, fixes the piece, submits again.
    contributor.goto(change_url)
    timeline = contributor.get_by_role("region", name="Timeline")
    assert "The standfirst needs the towns' names." in timeline.inner_text()
    contributor.locator("#id_dek").fill("Northport, Eastby and Saltmere will sound one siren.")
    contributor.get_by_role("button", name="Save and continue editing").click()
    assert "was changed successfully" in message(contributor), message(contributor)
    contributor.get_by_role("button", name="Submit for review").click()
    assert "was submitted for review" in message(contributor), message(contributor)

    # The editor schedules it for tomorrow: not public yet.
    editor.goto(change_url)
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    editor.get_by_label(re.compile("Publish at")).fill(tomorrow.strftime("%Y-%m-%dT09:00"))
    editor.get_by_role("button", name="Schedule").click()
    assert "is scheduled for" in message(editor), message(editor)
    shoot(editor, "03-editor-scheduled")
    assert reader.goto(demo + article.get_absolute_url()).status == 404

    # … then publishes it now.
    editor.get_by_role("button", name="Publish now").click()
    assert "is published" in message(editor), message(editor)
    article.refresh_from_db()
    assert Article.objects.live().filter(pk=article.pk).exists()

    # Readers find it on the home page, in the feed and in search.
    reader.goto(demo + "/")
    assert reader.get_by_role("link", name=TITLE).count() >= 1, "not on the home page"
    reader.get_by_role("link", name=TITLE).first.click()
    assert reader.get_by_role("heading", level=1).inner_text() == TITLE
    assert reader.get_by_role("heading", level=2, name="What the towns agreed").count() == 1
    link = reader.locator(".body").get_by_role("link", name="full agreement")
    assert link.get_attribute("href") == "https://example.org/harbour-agreement"
    image = reader.locator("figure.lead img")
    assert image.get_attribute("alt") == "A grey sea wall under a blue sky at high tide"
    caption = reader.locator("figure.lead figcaption").inner_text()
    assert caption == "The harbour wall at high tide. Photo by Test Photographer", caption
    shoot(reader, "04-published-article")
    feed = reader.request.get(demo + "/feed/")
    assert feed.status == 200 and TITLE in feed.text(), "not in the RSS feed"
    reader.goto(demo + f"/search/?q={WORD}")
    results = reader.get_by_role("region", name=re.compile("Results for"))
    assert results.get_by_role("link", name=TITLE).count() >= 1, "not found by search"
