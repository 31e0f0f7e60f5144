"""The reader's journey: reading, finding, subscribing, confirming, choosing, leaving.

Once at a phone's width (390 px) and once at a desktop's (1280 px). Emails are
captured by Django's in-memory mailer, which the live server shares with the test.
"""

import re
import time

import pytest
from django.core import mail

from articles.models import Article
from newsletter import sending
from newsletter.models import Edition, EditionArticle, Newsletter, Subscription
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_mail(to: str, *, timeout: float = 10.0):
    """The first captured email to ``to`` (sent after commit, so it may trail the page)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if to in message.to:
                return message
        time.sleep(0.1)
    raise AssertionError(
        f"No email to {to} within {timeout}s; outbox holds: {[m.to for m in mail.outbox]}"
    )


def send_edition_to_subscribers(newsletter: Newsletter, article: Article, settings) -> Edition:
    """What the schedule does on send day, run in-process to the end."""
    settings.NEWSLETTER_SEND_RATE = 0
    edition = Edition.objects.create(newsletter=newsletter, subject=f"{newsletter.name}: e2e")
    EditionArticle.objects.create(edition=edition, article=article, position=0)
    sending.start_send(edition=edition)
    assert sending.run(edition_id=edition.pk), "the edition did not finish sending"
    return edition


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_reader_reads_finds_subscribes_confirms_and_unsubscribes_in_one_click(
    demo, page, playwright, shoot, settings, viewport
):
    # The sign-up's task (which stores it and sends the mail) runs at once, not in a worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    page.set_viewport_size(viewport)
    width = viewport["width"]
    reader = f"reader-{width}@example.org"

    # Home → article.
    page.goto(demo + "/")
    first = Article.objects.live().select_related("lead_photo", "series").first()
    page.get_by_role("link", name=first.title).first.click()
    page.wait_for_url(f"**{first.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == first.title
    caption = page.locator("figure figcaption").inner_text()
    assert caption.endswith(first.lead_photo.credit_line), caption
    shoot(page, f"01-article-{width}")

    # Article → its expert.
    author = first.ordered_authors()[0]
    page.locator(".byline").get_by_role("link", name=author.name).click()
    page.wait_for_url(f"**{author.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == author.name
    assert page.get_by_role("link", name=first.title).count() >= 1
    shoot(page, f"02-expert-{width}")

    # Back to the article → one of its topics.
    page.go_back()
    tag = first.tags.order_by("name").first()
    page.get_by_role("list", name="Topics").get_by_role("link", name=tag.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == tag.name
    assert page.get_by_role("link", name=first.title).count() >= 1
    shoot(page, f"03-tag-{width}")

    # The header's search box finds the piece by a word of its title.
    word = max(re.findall(r"[A-Za-z]{5,}", first.title), key=len)
    page.get_by_role("searchbox", name="Search the site").fill(word)
    page.get_by_role("searchbox", name="Search the site").press("Enter")
    page.wait_for_url(f"**/search/?q={word}")
    results = page.get_by_role("region", name=re.compile("Results for"))
    assert results.get_by_role("link", name=first.title).count() >= 1, f"no hit for {word!r}"
    shoot(page, f"04-search-{width}")

    # Subscribe from the article's "Stay updated" box (it answers in place).
    page.goto(demo + first.get_absolute_url())
    box = page.get_by_role("region", name="Stay updated")
    box.get_by_label("Email address").fill(reader)
    box.get_by_role("button", name="Subscribe").click()
    notice = box.get_by_role("status")
    notice.get_by_text("Check your inbox").wait_for()
    shoot(page, f"05-subscribed-{width}")
    newsletter = Newsletter.objects.get(series=first.series)
    assert Subscription.objects.filter(
        subscriber__email=reader, newsletter=newsletter, status="pending"
    ).exists()

    # The confirmation email's link → a page with a button; nothing happens before it.
    message = wait_for_mail(reader)
    link = re.search(rf"{re.escape(demo)}/newsletters/confirm/\S+/", message.body)
    assert link, f"no confirmation link in:\n{message.body}"
    page.goto(link.group(0))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm your subscription"
    assert Subscription.objects.get(subscriber__email=reader, newsletter=newsletter).status == (
        "pending"
    )
    shoot(page, f"06-confirm-{width}")
    page.get_by_role("button", name="Yes, subscribe me").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You're subscribed"
    shoot(page, f"07-confirmed-{width}")

    # Preferences show the newsletter chosen.
    page.get_by_role("link", name="Manage your newsletters").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your newsletters"
    assert page.get_by_role("checkbox", name=newsletter.name).is_checked()
    preferences = page.url
    shoot(page, f"08-preferences-{width}")

    # An edition arrives; its List-Unsubscribe header is what a mail provider POSTs to.
    mail.outbox.clear()
    send_edition_to_subscribers(newsletter, first, settings)
    edition_mail = wait_for_mail(reader)
    header = edition_mail.extra_headers["List-Unsubscribe"]
    assert edition_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    target = re.match(r"<(https?://[^>]+)>", header)
    assert target, f"no https URL in List-Unsubscribe: {header}"
    provider = playwright.request.new_context()  # no cookies, no browser: a mail provider
    try:
        answer = provider.post(target.group(1), form={"List-Unsubscribe": "One-Click"})
        assert answer.status == 200, f"one-click unsubscribe answered {answer.status}"
    finally:
        provider.dispose()

    # The reader sees it on the preference page.
    page.goto(preferences)
    assert not page.get_by_role("checkbox", name=newsletter.name).is_checked()
    assert Subscription.objects.get(subscriber__email=reader, newsletter=newsletter).status == (
        "unsubscribed"
    )
    shoot(page, f"09-preferences-after-unsubscribe-{width}")
