"""Two people on one piece: each sees the other is there; a closed tab loses nothing typed."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, ArticleDraft
from tests.articles.conftest import article_in_state
from tests.e2e.conftest import DESKTOP
from tests.e2e.staff import log_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long test passphrase"
TYPED_DEK = "Three harbour towns agree on one flood warning"
TYPED_BODY = "A paragraph typed just before the tab closed."


def hide_tab(page):
    """What the browser tells a page when its tab is switched away from or closed."""
    page.evaluate(
        "() => { Object.defineProperty(document, 'visibilityState',"
        " {value: 'hidden', configurable: true});"
        " document.dispatchEvent(new Event('visibilitychange')); }"
    )


def test_second_person_sees_the_first_and_a_closed_tab_offers_its_text_back(
    live, browser, settings, shoot
):
    # Pings every second, so the test need not wait 15; autosave only when the
    # tab is hidden, the path a closing tab takes.
    settings.EDITING_PING_SECONDS = 1
    settings.EDITING_AUTOSAVE_SECONDS = 3600
    make_user("Editors", username="anna", first_name="Anna", last_name="Lind", password=PASSWORD)
    make_user("Editors", username="ben", first_name="Ben", last_name="Okafor", password=PASSWORD)
    article = article_in_state("draft", title="Flood warnings on the coast")
    url = f"{live}/admin/articles/article/{article.pk}/change/"

    anna_context = browser.new_context(viewport=DESKTOP)
    anna = anna_context.new_page()
    log_in(anna, live, "anna", PASSWORD)
    anna.goto(url)
    ben = browser.new_context(viewport=DESKTOP).new_page()
    log_in(ben, live, "ben", PASSWORD)
    ben.goto(url)

    # Each sees the other, at the top of the form, in a live region.
    notice = ben.get_by_role("status").filter(has_text="is editing this piece")
    expect(notice).to_contain_text("Anna Lind is editing this piece (since ")
    expect(anna.locator("#editing-presence")).to_contain_text("Ben Okafor is editing this piece")
    shoot(ben, "presence-notice")

    # Anna types into a plain field and the rich-text body, then the tab goes away.
    anna.locator("#id_dek").fill(TYPED_DEK)
    editor = anna.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")
    editor.locator("body").click()
    anna.keyboard.press("Control+End")
    anna.keyboard.press("Enter")
    anna.keyboard.type(TYPED_BODY)
    hide_tab(anna)
    expect(anna.locator("#editing-autosave")).to_contain_text("kept as your draft")
    anna.close()

    draft = ArticleDraft.objects.get(article=article, user__username="anna")
    assert draft.data["dek"] == [TYPED_DEK]
    article.refresh_from_db()
    assert article.dek != TYPED_DEK  # the piece itself is untouched

    # Reopening the piece offers the draft back; Ben is offered nothing of Anna's.
    anna = anna_context.new_page()
    anna.goto(url)
    restore = anna.get_by_role("button", name="Restore your unsaved changes from ")
    expect(restore).to_be_visible()
    expect(anna.get_by_role("button", name="Discard")).to_be_visible()
    shoot(anna, "restore-offer")
    ben.reload()
    expect(ben.locator("#editing-restore")).to_have_count(0)

    restore.click()
    expect(anna.locator("#id_dek")).to_have_value(TYPED_DEK)
    body = anna.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame").locator("body")
    expect(body).to_contain_text(TYPED_BODY)
    expect(anna.locator("#editing-restore")).to_have_count(0)
    expect(anna.locator("#id_opened_version")).to_have_value(str(draft.opened_version))

    # Saving keeps the restored text in the piece and drops the draft.
    anna.get_by_role("button", name="Save and continue editing").click()
    expect(anna.locator("ul.messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.dek == TYPED_DEK and TYPED_BODY in article.body
    assert not ArticleDraft.objects.filter(user__username="anna").exists()
    assert Article.objects.get(pk=article.pk).drafts.count() == 0

    # Both forms ping every second: none may reach the server while the test's
    # database is emptied after it.
    for context in (anna_context, ben.context):
        context.route("**/editing/**", lambda route: route.abort())
        context.close()
