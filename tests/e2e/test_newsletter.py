"""The newsletter's journey: a held edition approved in the admin, mailed through real SMTP,
read as the subscriber's mail client would show it, and followed to its web copy."""

import re
import time

import pytest
from django.utils import timezone

from newsletter import schedule
from newsletter.models import Edition, Newsletter, Subscription
from tests.e2e.staff import log_in
from tests.e2e.test_staff import message
from tests.smtp import start_sink

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on a free port, made the site's mailer."""
    sink, controller, port = start_sink()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield sink
    controller.stop()


def wait_for_messages(sink, count: int, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(sink.messages) < count:
        time.sleep(0.1)
    assert len(sink.messages) >= count, (
        f"the SMTP server received {len(sink.messages)} of {count} messages in {timeout}s"
    )
    return list(sink.messages)


def html_part(mail) -> str:
    for part in mail.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("the email has no HTML part")


def test_editor_approves_a_held_edition_and_subscribers_get_it_with_a_working_web_copy(
    demo, page, smtp, settings, shoot
):
    # Sends run in the background task; here it runs at once, unpaced.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.NEWSLETTER_SEND_RATE = 0
    dispatch = Newsletter.objects.get(slug="friday-dispatch")
    assert dispatch.send_mode == Newsletter.SendMode.HOLD
    held = schedule.compose(newsletter=dispatch, slot=timezone.now())
    assert held is not None, "the schedule found nothing new to put in the Friday Dispatch"
    assert held.status == Edition.Status.DRAFT, "a held edition must wait for approval"
    titles = [a.title for a in held.articles.all()]
    audience = Subscription.objects.active().filter(newsletter=dispatch).count()
    assert audience > 0

    # An editor (not a superuser) approves it from the editions list.
    log_in(page, demo, "editor")
    page.goto(demo + "/admin/newsletter/edition/?status__exact=draft")
    page.get_by_role("link", name=held.subject).click()
    shoot(page, "01-held-edition")
    page.get_by_role("button", name="Approve and send").click()
    assert "Sending has started." in message(page), message(page)

    received = wait_for_messages(smtp, audience)
    assert sorted(m["To"] for m in received) == sorted(
        Subscription.objects.active()
        .filter(newsletter=dispatch)
        .values_list("subscriber__email", flat=True)
    )
    held.refresh_from_db()
    assert held.status == Edition.Status.SENT, held.status
    assert held.sent_count == audience

    # One subscriber's copy, shown as a mail client would show it.
    mail = received[0]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page.set_content(html_part(mail))
    for title in titles:
        assert page.get_by_role("link", name=title).count() >= 1, f"{title!r} not in the email"
    shoot(page, "02-email-as-received")
    web_link = page.get_by_role("link", name="View in browser")
    href = web_link.get_attribute("href")
    assert href == demo + held.get_absolute_url(), href

    # "View in browser" opens the public copy with the same pieces.
    with page.expect_navigation():
        web_link.click()
    response = page.request.get(href)
    assert response.status == 200, f"View in browser answered {response.status}"
    assert page.url == href
    for title in titles:
        assert page.get_by_role("link", name=title).count() >= 1, f"{title!r} not on the web copy"
    assert not re.search(r"/newsletters/(unsubscribe|preferences)/", page.content()), (
        "the public web copy carries a subscriber's personal link"
    )
    shoot(page, "03-view-in-browser")
