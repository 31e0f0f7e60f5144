"""A send that fails for a permanent reason stops once, says why, and is not revived."""

import io
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from newsletter import schedule, sending
from newsletter.models import Delivery, Edition, Newsletter, Subscriber, Suppression
from tests.factories import make_article, make_edition, make_newsletter, make_subscriber
from tests.smtp import SmtpSink, free_port

pytestmark = pytest.mark.django_db


def readers_of(newsletter, count=3):
    return [make_subscriber(f"r{i}@example.org", active=[newsletter]) for i in range(count)]


def states(edition) -> dict[str, int]:
    return {state: n for state, n in edition.ledger_counts().items() if n}


def revived_an_hour_later(edition) -> list:
    """What the tick would requeue once every lease has long run out."""
    return schedule.tick(now=timezone.now() + timedelta(hours=1))["revived"]


class RefusingSink(SmtpSink):
    """An SMTP server that answers MAIL FROM with ``mail_answer`` when it is set."""

    mail_answer = ""

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mail_answer:
            return self.mail_answer
        envelope.mail_from = address
        return "250 OK"


@pytest.fixture
def strict_server(settings):
    """A real SMTP server that takes only the login ``newsroom`` / ``right``."""

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"newsroom", b"right")
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535

    sink = RefusingSink()
    port = free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()

    def use(password="right"):
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "127.0.0.1",
                    "port": port,
                    "timeout": 10,
                    "username": "newsroom",
                    "password": password,
                },
            }
        }

    sink.use = use
    use()
    yield sink
    controller.stop()


def test_a_bad_sender_name_in_the_database_fails_the_send_once_with_its_reason(
    briefing, smtp_sink, fast_sending
):
    readers_of(briefing)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    # Written behind the models' back (validation would refuse it).
    Newsletter.objects.filter(pk=briefing.pk).update(from_name="Desk\r\nBcc: all@example.net")

    assert sending.run(edition_id=edition.pk) is False

    edition.refresh_from_db()
    assert edition.status == Edition.Status.FAILED
    assert "headers cannot be written" in edition.failure_reason
    assert smtp_sink.messages == []
    assert states(edition) == {"queued": 3}
    assert revived_an_hour_later(edition) == []
    assert sending.run(edition_id=edition.pk) is False  # a stray task sends nothing either
    assert smtp_sink.messages == []


def test_a_scheduled_edition_of_a_newsletter_with_a_bad_name_fails_at_the_tick(
    briefing, smtp_sink, fast_sending
):
    readers_of(briefing)
    Newsletter.objects.filter(pk=briefing.pk).update(name="Tuesday\nBriefing")
    edition = make_edition(
        briefing,
        status=Edition.Status.SCHEDULED,
        scheduled_for=timezone.now() - timedelta(minutes=1),
    )

    first = schedule.tick()
    second = schedule.tick()

    edition.refresh_from_db()
    assert edition.status == Edition.Status.FAILED
    assert "headers cannot be written" in edition.failure_reason
    assert [e.pk for e in first["failed"]] == [edition.pk]
    assert second["failed"] == second["started"] == second["revived"] == []
    assert not edition.deliveries.exists() and smtp_sink.messages == []


def test_an_auto_sent_edition_of_a_newsletter_with_a_bad_name_is_composed_failed_once(
    smtp_sink, fast_sending
):
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC), tick=False):
        newsletter = make_newsletter(
            send_weekdays="2", send_time=time(9, 0), time_zone="UTC", send_mode="auto"
        )
    readers_of(newsletter)
    make_article(series=newsletter.series, published_at=datetime(2026, 3, 9, 12, tzinfo=UTC))
    Newsletter.objects.filter(pk=newsletter.pk).update(from_name="Desk\r\nBcc: x@example.net")

    with time_machine.travel(datetime(2026, 3, 10, 9, 0, 30, tzinfo=UTC), tick=False):
        [edition] = schedule.tick()["composed"]
    with time_machine.travel(datetime(2026, 3, 10, 9, 5, tzinfo=UTC), tick=False):
        again = schedule.tick()

    edition.refresh_from_db()
    assert edition.status == Edition.Status.FAILED
    assert "headers cannot be written" in edition.failure_reason
    assert again["composed"] == again["started"] == again["revived"] == []
    assert Edition.objects.count() == 1 and smtp_sink.messages == []


def test_the_admin_shows_a_failed_edition_and_its_reason(admin_client, briefing, fast_sending):
    readers_of(briefing, 1)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    Newsletter.objects.filter(pk=briefing.pk).update(from_name="Desk\nX")
    sending.run(edition_id=edition.pk)

    page = admin_client.get(reverse("admin:newsletter_edition_change", args=[edition.pk]))

    assert page.status_code == 200
    assert "Sending stopped" in page.text
    assert "headers cannot be written" in page.text
    resume = reverse("admin:newsletter_edition_resume", args=[edition.pk])
    assert f'formaction="{resume}"' in page.text
    listing = admin_client.get(reverse("admin:newsletter_edition_changelist"))
    assert "Failed" in listing.text


def test_a_refused_login_stops_the_send_suppresses_no_one_and_resumes_once_fixed(
    briefing, strict_server, fast_sending
):
    readers = readers_of(briefing)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    strict_server.use(password="wrong")

    assert sending.run(edition_id=edition.pk) is False

    edition.refresh_from_db()
    assert edition.status == Edition.Status.FAILED
    assert "refused our login: 535" in edition.failure_reason
    assert states(edition) == {"queued": 3}
    assert set(edition.deliveries.values_list("attempts", flat=True)) == {0}
    assert not Suppression.objects.exists()
    assert revived_an_hour_later(edition) == []

    strict_server.use(password="right")
    assert sending.resume(edition=edition)
    assert sending.run(edition_id=edition.pk) is True
    assert strict_server.recipients() == {reader.email: 1 for reader in readers}
    edition.refresh_from_db()
    assert (edition.status, edition.failure_reason, edition.sent_count) == ("sent", "", 3)


def test_a_sender_refused_with_5xx_stops_the_send_and_suppresses_no_one(
    briefing, strict_server, fast_sending
):
    readers_of(briefing)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    strict_server.mail_answer = "550 5.7.1 Sender address not allowed"

    assert sending.run(edition_id=edition.pk) is False

    edition.refresh_from_db()
    assert edition.status == Edition.Status.FAILED
    assert "refused our sender address: 550" in edition.failure_reason
    assert states(edition) == {"queued": 3}
    assert not Suppression.objects.exists()
    assert strict_server.messages == []


def test_a_sender_refused_with_4xx_is_only_retried(briefing, strict_server, fast_sending, settings):
    """A 4xx to our sender is temporary: retried until the attempts run out, never a stop."""
    settings.NEWSLETTER_MAX_ATTEMPTS = 3
    readers_of(briefing, 1)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    strict_server.mail_answer = "451 4.3.0 Try again later"

    assert sending.run(edition_id=edition.pk) is True

    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    delivery = edition.deliveries.get()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    assert delivery.error.startswith("Gave up after 3 attempts")
    assert not Suppression.objects.exists()


def test_one_reader_whose_stored_address_cannot_be_written_fails_alone(
    briefing, smtp_sink, fast_sending
):
    good, broken = readers_of(briefing, 2)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    Subscriber.objects.filter(pk=broken.pk).update(email="r1@example.org\r\nBcc: x@example.net")

    assert sending.run(edition_id=edition.pk) is True

    assert smtp_sink.recipients() == {good.email: 1}
    row = edition.deliveries.get(subscriber=broken)
    assert row.state == "failed" and "could not be built" in row.error
    assert not Suppression.objects.exists()
    edition.refresh_from_db()
    assert (edition.status, edition.sent_count, edition.failed_count) == ("sent", 1, 1)


def test_cancelling_leaves_no_row_sending(briefing, smtp_sink, fast_sending):
    readers_of(briefing, 6)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    _, held = sending.claim_batch(edition_id=edition.pk)  # this worker then "dies"
    assert len(held) == 4

    assert sending.cancel(edition=edition)

    assert not Delivery.objects.filter(state="sending").exists()
    assert states(edition) == {"skipped": 6}
    edition.refresh_from_db()
    assert (edition.status, edition.skipped_count, edition.audience_count) == ("cancelled", 6, 6)
    assert sending.run(edition_id=edition.pk) is True
    assert smtp_sink.messages == []


def test_cancelling_a_failed_edition_skips_its_waiting_rows(briefing, smtp_sink, fast_sending):
    readers_of(briefing, 2)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    Newsletter.objects.filter(pk=briefing.pk).update(from_name="Desk\nX")
    sending.run(edition_id=edition.pk)

    assert sending.cancel(edition=edition)

    assert states(edition) == {"skipped": 2}
    edition.refresh_from_db()
    assert edition.status == Edition.Status.CANCELLED


def test_send_edition_says_why_it_stopped(briefing, smtp_sink, fast_sending):
    readers_of(briefing, 1)
    edition = make_edition(briefing)
    Newsletter.objects.filter(pk=briefing.pk).update(from_name="Desk\nX")

    with pytest.raises(CommandError, match="headers cannot be written"):
        call_command("send_edition", edition.pk, stdout=io.StringIO())

    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT and not edition.deliveries.exists()
