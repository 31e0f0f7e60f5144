"""Two editors in the same piece at once, each in their own browser session.

Both open the change form at the same version; A saves first. B's save from the
older form merges with A's: different fields both stay, the same field asks B.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from articles import revisions
from articles.models import Article
from tests.e2e.conftest import DESKTOP
from tests.e2e.staff import DEMO_PASSWORD as PASSWORD
from tests.e2e.staff import log_in
from tests.e2e.test_staff import message
from tests.factories import make_ready_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_editors(live, browser):
    """A's and B's pages, logged in; each session keeps the admin's real CSP."""
    pages = []
    for username, first, last in [("ada", "Ada", "Lovell"), ("bea", "Bea", "Marsh")]:
        make_user("Editors", username=username, first_name=first, last_name=last, password=PASSWORD)
        page = browser.new_context(viewport=DESKTOP).new_page()
        log_in(page, live, username)
        pages.append(page)
    return pages


@pytest.fixture
def piece(two_editors):
    article = make_ready_article(
        status=Article.Status.DRAFT,
        published_at=None,
        title="Ports share a flood warning",
        dek="Three towns, one siren.",
        body="<p>The towns agreed on one warning.</p>",
    )
    revisions.save_revision(article=article, by=AnonymousUser())  # version 1: what both forms open
    return article


def open_piece(page, live, article):
    page.goto(f"{live}/admin/articles/article/{article.pk}/change/")
    page.locator("#cke_id_body iframe.cke_wysiwyg_frame").wait_for()


def save(page):
    page.locator('input[name="_continue"]').click()
    page.wait_for_load_state("load")


def test_a_changes_the_dek_while_b_changes_the_body_and_both_are_kept(live, two_editors, piece):
    a, b = two_editors
    open_piece(a, live, piece)
    open_piece(b, live, piece)

    a.get_by_label("Dek").fill("Three harbour towns, one siren code.")
    save(a)
    assert "was changed successfully" in message(a)

    # B's form still shows the old dek; B only adds to the body.
    body = b.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    b.keyboard.press("Control+End")
    b.keyboard.type(" The tide gauge is shared too.")
    save(b)
    said = message(b)
    assert "Ada Lovell changed the dek since you opened this piece" in said
    assert "their dek is kept and your changes are saved" in said
    b.get_by_role("link", name="Compare the versions").click()
    assert "+ Three harbour towns, one siren code." in b.locator("#content").inner_text()

    article = Article.objects.get(pk=piece.pk)
    assert article.dek == "Three harbour towns, one siren code."
    assert "The tide gauge is shared too." in article.body
    assert "The towns agreed on one warning." in article.body


def test_both_change_the_title_b_chooses_and_nothing_is_lost(live, two_editors, piece, shoot):
    a, b = two_editors
    open_piece(a, live, piece)
    open_piece(b, live, piece)

    a.get_by_label("Title").fill("Harbour towns share one flood siren")
    save(a)

    b.get_by_label("Title").fill("Three ports agree a single flood warning")
    b.get_by_label("Dek").fill("Bea's sharper standfirst.")
    save(b)

    panel = b.locator("section.merge-conflict")
    panel.wait_for()
    assert "Ada Lovell also changed the title" in b.locator("ul.errorlist.nonfield").inner_text()
    theirs, mine = panel.locator(".merge-theirs"), panel.locator(".merge-mine")
    assert "Harbour towns share one flood siren" in theirs.inner_text()
    assert "Three ports agree a single flood warning" in mine.inner_text()
    # B's typed values are still in the form, nothing saved yet.
    assert b.get_by_label("Dek").input_value() == "Bea's sharper standfirst."
    assert Article.objects.get(pk=piece.pk).dek == "Three towns, one siren."
    shot = shoot(b, "merge-conflict")

    panel.get_by_label("Keep theirs").check()
    save(b)
    assert "was changed successfully" in message(b), shot
    article = Article.objects.get(pk=piece.pk)
    assert article.title == "Harbour towns share one flood siren"
    assert article.dek == "Bea's sharper standfirst."
    assert b.get_by_label("Title").input_value() == "Harbour towns share one flood siren"
