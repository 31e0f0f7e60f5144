"""Typed work survives the workflow buttons, and leaving a form with unsaved changes asks first.

Staff contexts keep the site's real Content-Security-Policy: the scripts must work under it.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article
from tests.e2e.conftest import DESKTOP
from tests.e2e.staff import DEMO_PASSWORD as PASSWORD
from tests.e2e.staff import log_in
from tests.e2e.test_staff import message
from tests.factories import make_photo, make_ready_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SEO = "Three harbour towns share one flood siren: what the agreement says."


@pytest.fixture
def staff_page(live, browser):
    """A staff page with the site's real CSP; a contributor and an editor exist to log in as."""
    make_user("Contributors", username="contributor", password=PASSWORD)
    make_user("Editors", username="editor", password=PASSWORD)
    context = browser.new_context(viewport=DESKTOP)
    # Presence and autosave (tested in test_editing_together.py) ping on their own
    # clock and on closing; kept off the server here, so none reaches it while
    # the database is emptied after the test.
    context.route("**/editing/**", lambda route: route.abort())
    yield context.new_page()
    context.close()


def checked(page, typing):
    """Type, and wait for the checklist's answer to what was typed."""
    with page.expect_response(re.compile(r"/readiness/$")):
        typing()


def draft_by(username: str, **fields) -> Article:
    owner = get_user_model().objects.get(username=username)
    fields = {"status": Article.Status.DRAFT, "published_at": None, **fields}
    return make_ready_article(created_by=owner, **fields)


def change_page(live, article) -> str:
    return f"{live}/admin/articles/article/{article.pk}/change/"


def dialogs_of(page) -> list:
    """The dialogs the page opens; each is dismissed, which for "beforeunload" means: stay."""
    seen = []

    def on_dialog(dialog):
        seen.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return seen


def test_submit_for_review_saves_the_typed_seo_description_first(live, staff_page, shoot):
    page = staff_page
    article = draft_by("contributor", title="Harbour towns share a siren")
    log_in(page, live, "contributor")
    page.goto(change_page(live, article))
    checklist = page.locator("#readiness")
    assert "Everything publishing needs is here." in checklist.inner_text()

    # The checklist follows the typing, before anything is saved.
    page.locator("#id_dek").fill("")
    checklist.locator("li.missing", has_text="A dek (the standfirst)").wait_for()
    assert "1 thing still needed" in checklist.inner_text()
    page.locator("#id_dek").fill("Northport, Eastby and Saltmere will sound one siren.")
    checklist.get_by_text("Everything publishing needs is here.").wait_for()

    page.locator("summary", has_text="Search and sharing").click()
    page.locator("#id_seo_description").fill(SEO)
    page.get_by_label("Title:").fill("")  # a moment with the title missing, for the picture
    checklist.locator("li.missing", has_text="A title").wait_for()
    shoot(page, "01-panel-and-checklist")
    page.get_by_label("Title:").fill("Harbour towns share a siren")
    checklist.get_by_text("Everything publishing needs is here.").wait_for()

    dialogs = dialogs_of(page)
    page.get_by_role("button", name="Submit for review").click()
    assert "Your changes were saved" in message(page), message(page)
    assert "was submitted for review" in message(page), message(page)
    assert dialogs == [], "submitting the form itself must not ask to leave"
    article.refresh_from_db()
    assert article.seo_description == SEO
    assert article.dek == "Northport, Eastby and Saltmere will sound one siren."
    assert article.state == "in_review"
    assert article.revisions.count() == 1


def test_submit_with_items_missing_asks_then_submits_on_confirmation(live, staff_page, shoot):
    page = staff_page
    article = draft_by("contributor", dek="")
    log_in(page, live, "contributor")
    page.goto(change_page(live, article))
    page.locator("#id_lead_photo_caption").fill("A caption typed before submitting.")
    page.get_by_role("button", name="Submit for review").click()
    panel = page.get_by_role("region", name="Workflow")
    assert "Still missing: a dek (the standfirst). Submit anyway?" in panel.inner_text()
    assert page.locator("#id_lead_photo_caption").input_value() == (
        "A caption typed before submitting."
    )
    shoot(page, "02-submit-anyway")
    article.refresh_from_db()
    assert article.state == "draft" and article.lead_photo_caption == ""

    page.get_by_role("button", name="Submit anyway").click()
    assert "was submitted for review" in message(page), message(page)
    article.refresh_from_db()
    assert article.state == "in_review"
    assert article.lead_photo_caption == "A caption typed before submitting."


def test_enter_in_a_field_saves_and_does_not_press_a_workflow_button(live, staff_page):
    page = staff_page
    article = draft_by("editor")
    log_in(page, live, "editor")
    page.goto(change_page(live, article))
    page.get_by_label("Title:").fill("Renamed with the Enter key")
    page.get_by_label("Title:").press("Enter")
    assert "was changed successfully" in message(page), message(page)
    article.refresh_from_db()
    assert (article.title, article.state) == ("Renamed with the Enter key", "draft")


def test_leaving_a_changed_article_form_asks_first(live, staff_page):
    page = staff_page
    article = draft_by("editor")
    log_in(page, live, "editor")
    page.goto(change_page(live, article))
    dialogs = dialogs_of(page)

    # Unchanged: the link is simply followed.
    page.locator(".breadcrumbs a[href$='/articles/article/']").click()
    page.wait_for_url(re.compile(r"/admin/articles/article/$"))
    assert dialogs == []

    page.goto(change_page(live, article))
    checked(page, lambda: page.get_by_label("Dek:").fill("A standfirst typed and never saved."))
    page.locator(".breadcrumbs a[href$='/articles/article/']").click()
    page.wait_for_timeout(500)  # the dialog, then staying, is what happens: nothing to wait for
    assert dialogs == ["beforeunload"]
    assert page.url == change_page(live, article)
    assert page.get_by_label("Dek:").input_value() == "A standfirst typed and never saved."


def test_leaving_a_changed_rich_text_body_asks_first(live, staff_page):
    page = staff_page
    article = draft_by("editor")
    log_in(page, live, "editor")
    page.goto(change_page(live, article))
    page.locator("#cke_id_body iframe.cke_wysiwyg_frame").wait_for()
    dialogs = dialogs_of(page)
    editor = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")
    editor.locator("body").click()
    checked(page, lambda: page.keyboard.type(" One more sentence."))
    page.locator(".breadcrumbs").get_by_role("link", name="Home").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == change_page(live, article)


def test_a_form_shown_back_with_errors_counts_as_unsaved(live, staff_page):
    page = staff_page
    article = draft_by("editor")
    log_in(page, live, "editor")
    page.goto(change_page(live, article))
    page.get_by_label("Slug:").fill("not a slug!")
    page.get_by_role("button", name="Save and continue editing").click()
    page.locator(".errornote").first.wait_for()
    dialogs = dialogs_of(page)
    page.locator(".breadcrumbs").get_by_role("link", name="Home").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_leaving_a_changed_photo_form_asks_first(live, staff_page):
    page = staff_page
    photo = make_photo()
    log_in(page, live, "editor")
    page.goto(f"{live}/admin/articles/photo/{photo.pk}/change/")
    dialogs = dialogs_of(page)
    page.locator("#id_caption").fill("A caption typed and never saved.")
    page.locator(".breadcrumbs").get_by_role("link", name="Home").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]

    # Saving it is no reason to ask.
    page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in message(page), message(page)
    assert dialogs == ["beforeunload"]
    photo.refresh_from_db()
    assert photo.caption == "A caption typed and never saved."
