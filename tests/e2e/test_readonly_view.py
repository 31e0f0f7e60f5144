"""A contributor reads their submitted piece as a page, not as HTML; an editor is told a live
address will redirect."""

import pytest

from tests.articles.conftest import article_in_state
from tests.e2e.staff import log_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-readonly-123"


def test_submitted_piece_reads_formatted_with_tag_chips(live, page, shoot):
    cora = make_user("Contributors", username="cora", password=PASSWORD)
    piece = article_in_state(
        "in_review",
        created_by=cora,
        body='<p>See <a href="https://example.org/report">the report</a>.</p><p>Then this.</p>',
        tags=["European Union", "Belarus"],
    )
    log_in(page, live, "cora", PASSWORD)
    page.goto(f"{live}/admin/articles/article/{piece.pk}/change/")
    body = page.locator(".field-body .readonly")
    link = body.get_by_role("link", name="the report")
    assert link.get_attribute("href") == "https://example.org/report"
    assert body.locator("p").count() == 2
    assert "<p>" not in body.inner_text()
    chips = page.locator(".field-tags .tag-chip")
    assert chips.all_inner_texts() == ["Belarus", "European Union"]
    # Styled as chips: the stylesheet loaded under the page's CSP.
    radius = chips.first.evaluate("chip => getComputedStyle(chip).borderTopLeftRadius")
    assert radius not in ("", "0px")
    shoot(page, "readonly-submitted")


def test_live_slug_says_the_old_address_will_redirect(live, page):
    make_user("Editors", username="edna", password=PASSWORD)
    live_piece = article_in_state("published", slug="belarus-vote")
    log_in(page, live, "edna", PASSWORD)
    page.goto(f"{live}/admin/articles/article/{live_piece.pk}/change/")
    hint = page.locator(".field-slug .help")
    assert "This piece is live at /articles/belarus-vote/." in hint.inner_text()
    assert "the old one will redirect here (301)" in hint.inner_text()
    page.locator("#id_slug").fill("belarus-poll")
    page.get_by_role("button", name="Save", exact=True).click()
    assert "/articles/belarus-vote/ now redirects to /articles/belarus-poll/" in (
        page.locator("ul.messagelist").inner_text()
    )
