"""Sending an edition through a real SMTP server (aiosmtpd) started by the test."""

import re
import time

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from newsletter import sending, subscriptions, tokens
from newsletter.models import Delivery, Edition, Subscription, Suppression
from tests.factories import make_article, make_edition, make_photo, make_subscriber

pytestmark = pytest.mark.django_db


def body_parts(message):
    parts = {part.get_content_type(): part for part in message.walk()}
    return (
        parts["text/plain"].get_payload(decode=True).decode(),
        parts["text/html"].get_payload(decode=True).decode(),
    )


@pytest.fixture
def audience(briefing, dispatch):
    """Four readers who should get the briefing, and four who must not."""
    readers = [make_subscriber(f"reader{i}@example.org", active=[briefing]) for i in range(4)]
    make_subscriber("other-list@example.org", active=[dispatch])
    pending = make_subscriber("pending@example.org")
    Subscription.objects.create(subscriber=pending, newsletter=briefing)
    gone = make_subscriber("gone@example.org", active=[briefing])
    subscriptions.unsubscribe(subscriber=gone, newsletter_id=briefing.pk)
    blocked = make_subscriber("blocked@example.org", active=[briefing])
    subscriptions.suppress(address=blocked.email, reason="complaint")
    return readers


def test_every_audience_member_gets_exactly_one_message_with_headers_and_personal_links(
    client, briefing, audience, smtp_sink, fast_sending
):
    briefing.reply_to = "editors@example.org"
    briefing.save()
    photo = make_photo(size=(1200, 675), alt_text="Harbour cranes at dawn")
    edition = make_edition(
        briefing, articles=[make_article(series=briefing.series, lead_photo=photo)]
    )

    sending.start_send(edition=edition)
    assert sending.run(edition_id=edition.pk) is True

    assert smtp_sink.recipients() == {reader.email: 1 for reader in audience}
    message_ids = set()
    for message in smtp_sink.messages:
        reader = next(r for r in audience if r.email == message["To"])
        unsubscribe = tokens.unsubscribe_url(reader, briefing)
        assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == f"{briefing.name} <{briefing.slug}.news.example.org>"
        assert message["From"] == "The Newsroom <news@example.org>"
        assert message["Reply-To"] == "editors@example.org"
        message_ids.add(message["Message-ID"])
        text, html = body_parts(message)
        assert unsubscribe in text and unsubscribe in html
        assert tokens.preferences_url(reader) in html
        assert "NEWSROOM-PERSONAL" not in text + html
        assert 'alt="Harbour cranes at dawn"' in html
        assert "Photo by Jane Doe / Agency" in html and "Photo by Jane Doe / Agency" in text
        assert re.search(r'<img [^>]*width="536" height="302"', html)
    assert len(message_ids) == len(audience)

    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert (edition.audience_count, edition.sent_count, edition.failed_count) == (4, 4, 0)
    delivery = edition.deliveries.get(subscriber=audience[0])
    assert delivery.sent_at and delivery.message_id in message_ids

    # The link in the mail unsubscribes that reader, in one POST (RFC 8058).
    path = tokens.unsubscribe_url(audience[0], briefing).removeprefix("https://news.example.org")
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert briefing.subscriptions.get(subscriber=audience[0]).status == "unsubscribed"


def test_one_address_typed_in_two_cases_gets_one_message(briefing, smtp_sink, fast_sending):
    make_subscriber("Ana.Reader@Example.org", active=[briefing])
    subscriptions.request_subscription(email="ana.reader@example.ORG", newsletters=[briefing])
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    sending.run(edition_id=edition.pk)
    assert sum(smtp_sink.recipients().values()) == 1


def test_temporary_failure_is_retried_then_sent(briefing, smtp_sink, fast_sending):
    reader = make_subscriber("greylisted@example.org", active=[briefing])
    smtp_sink.temp_fail.add(reader.email)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)

    assert sending.run(edition_id=edition.pk) is True

    delivery = edition.deliveries.get()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert smtp_sink.refused[reader.email] == 1
    assert smtp_sink.recipients() == {reader.email: 1}
    assert not Suppression.covers(reader.email)


def test_temporary_failure_is_retried_at_its_backoff_time(
    briefing, smtp_sink, settings, fast_sending
):
    """The worker waits the backoff and tries again then: not at the next tick or lease."""
    settings.NEWSLETTER_RETRY_BACKOFF = 2
    reader = make_subscriber("greylisted@example.org", active=[briefing])
    smtp_sink.temp_fail.add(reader.email)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    started = time.monotonic()

    assert sending.run(edition_id=edition.pk) is True

    [accepted_at] = smtp_sink.received_at
    assert 2.0 <= accepted_at - started < 4.0
    delivery = edition.deliveries.get()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert smtp_sink.refused[reader.email] == 1


def test_a_long_backoff_is_left_to_a_task_deferred_until_then(
    briefing, smtp_sink, settings, fast_sending
):
    """The task worker is not held for a two-minute wait: a later task takes the retry."""
    from django_tasks_db.models import DBTaskResult

    from newsletter import schedule, tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NEWSLETTER_RETRY_BACKOFF = 120
    reader = make_subscriber("greylisted@example.org", active=[briefing])
    smtp_sink.temp_fail.add(reader.email)
    edition = make_edition(briefing)
    sending.start_send(edition=edition, in_process=True)
    started = time.monotonic()

    assert tasks.deliver_edition.call(edition.pk) is False

    assert time.monotonic() - started < 5
    delivery = edition.deliveries.get()
    assert delivery.state == "queued" and "451" in delivery.error
    [later] = DBTaskResult.objects.filter(task_path="newsletter.tasks.deliver_edition")
    assert later.run_after == delivery.next_attempt_at
    assert later.args_kwargs["args"] == [edition.pk]
    edition.refresh_from_db()
    assert edition.status == "sending" and edition.last_activity_at == delivery.next_attempt_at
    # Not a stalled send: the tick sends no second worker and /healthz stays calm.
    assert schedule.tick()["revived"] == []
    assert not Edition.objects.silent()


def test_permanent_failure_fails_the_row_and_suppresses_the_address(
    briefing, dispatch, smtp_sink, fast_sending
):
    good = make_subscriber("good@example.org", active=[briefing])
    bad = make_subscriber("nobody@example.org", active=[briefing, dispatch])
    smtp_sink.reject.add(bad.email)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)

    assert sending.run(edition_id=edition.pk) is True

    assert smtp_sink.recipients() == {good.email: 1}
    failed = edition.deliveries.get(subscriber=bad)
    assert failed.state == "failed" and failed.error.startswith("550")
    assert Suppression.covers(bad.email)
    assert not bad.subscriptions.filter(status="active").exists()
    edition.refresh_from_db()
    assert (edition.audience_count, edition.sent_count, edition.failed_count) == (2, 1, 1)


def test_someone_who_unsubscribes_mid_send_gets_nothing(briefing, smtp_sink, fast_sending):
    readers = [make_subscriber(f"r{i}@example.org", active=[briefing]) for i in range(6)]
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    token, first = sending.claim_batch(edition_id=edition.pk, size=2)
    sending.send_batch(edition=edition, token=token, rows=first)

    leaver = readers[5]
    subscriptions.unsubscribe(subscriber=leaver, newsletter_id=briefing.pk)
    sending.run(edition_id=edition.pk)

    assert leaver.email not in smtp_sink.recipients()
    assert sum(smtp_sink.recipients().values()) == 5
    edition.refresh_from_db()
    assert (edition.sent_count, edition.skipped_count, edition.audience_count) == (5, 1, 6)
    assert edition.deliveries.get(subscriber=leaver).state == "skipped"


def test_an_edition_cannot_be_started_twice(briefing, fast_sending):
    make_subscriber(active=[briefing])
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    with pytest.raises(ValidationError, match="only a draft or scheduled edition"):
        sending.start_send(edition=edition)
    assert Delivery.objects.filter(edition=edition).count() == 1


def test_an_empty_edition_is_refused_and_changes_nothing(briefing):
    make_subscriber(active=[briefing])
    edition = make_edition(briefing, articles=[], intro="")
    with pytest.raises(ValidationError, match="no introduction and no articles"):
        sending.start_send(edition=edition)
    edition.refresh_from_db()
    assert edition.status == "draft" and not edition.deliveries.exists()


def ten_readers_one_batch_sent(briefing) -> Edition:
    """An edition to ten readers whose first batch (four, with fast_sending) has gone out."""
    for i in range(10):
        make_subscriber(f"r{i}@example.org", active=[briefing])
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    token, rows = sending.claim_batch(edition_id=edition.pk)
    sending.send_batch(edition=edition, token=token, rows=rows)
    return edition


def test_pause_stops_the_send_and_resume_finishes_it(briefing, smtp_sink, fast_sending):
    edition = ten_readers_one_batch_sent(briefing)

    assert sending.pause(edition=edition)
    assert sending.run(edition_id=edition.pk) is False
    assert sum(smtp_sink.recipients().values()) == 4

    assert sending.resume(edition=edition)
    assert sending.run(edition_id=edition.pk) is True
    assert smtp_sink.recipients() == {f"r{i}@example.org": 1 for i in range(10)}


def test_cancel_skips_everyone_not_yet_sent_and_counters_add_up(briefing, smtp_sink, fast_sending):
    edition = ten_readers_one_batch_sent(briefing)

    assert sending.cancel(edition=edition)
    assert sending.run(edition_id=edition.pk) is True
    assert sum(smtp_sink.recipients().values()) == 4
    edition.refresh_from_db()
    assert edition.status == "cancelled"
    assert (edition.sent_count, edition.skipped_count, edition.audience_count) == (4, 6, 10)


def test_a_lost_lease_is_taken_back_by_another_worker(briefing, smtp_sink, fast_sending, settings):
    for i in range(3):
        make_subscriber(f"r{i}@example.org", active=[briefing])
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    _, held = sending.claim_batch(edition_id=edition.pk)  # this worker then "dies"
    assert len(held) == 3
    assert sending.claim_batch(edition_id=edition.pk)[1] == []  # nobody else may take them yet

    Delivery.objects.filter(edition=edition).update(lease_until=timezone.now())
    assert sending.run(edition_id=edition.pk) is True
    assert smtp_sink.recipients() == {f"r{i}@example.org": 1 for i in range(3)}


def test_send_a_test_goes_only_to_the_given_address(briefing, smtp_sink):
    make_subscriber(active=[briefing])
    edition = make_edition(briefing, subject="Ports and power")
    sending.send_test(edition=edition, to="editor@example.org")
    [message] = smtp_sink.messages
    assert message["To"] == "editor@example.org"
    assert message["Subject"] == "[Test] Ports and power"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    edition.refresh_from_db()
    assert edition.status == "draft" and not edition.rendered_html


def test_locmem_backend_works_too(briefing, mailoutbox, fast_sending):
    reader = make_subscriber(active=[briefing])
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    sending.run(edition_id=edition.pk)
    [message] = mailoutbox
    assert message.to == [reader.email]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_without_redis_the_send_rate_holds_at_the_sink(
    briefing, smtp_sink, fast_sending, settings, tmp_path
):
    """The file cache cannot count across processes: the worker keeps the rate by itself."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    settings.NEWSLETTER_SEND_RATE = 10
    for i in range(25):
        make_subscriber(f"r{i}@example.org", active=[briefing])
    edition = make_edition(briefing)
    sending.start_send(edition=edition)

    assert sending.run(edition_id=edition.pk) is True

    assert len(smtp_sink.messages) == 25
    # Counted in a one-second window from each arrival: one more than the rate
    # is the network's jitter at the window's edge, not a burst.
    assert smtp_sink.most_in_one_second() <= 11
    assert max(smtp_sink.received_at) - min(smtp_sink.received_at) >= 2.3


def test_pacers_sharing_redis_keep_one_budget(page_cache_redis, settings):
    """Two pacers at 5 a second through Redis: 11 messages need three seconds' budgets.

    Each pacing itself, they would be done within a second.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,  # the fixture's own Redis database
        }
    }
    first, second = sending.Pacer(5), sending.Pacer(5)
    assert first.shared and second.shared
    started = time.monotonic()
    for i in range(11):
        (first if i % 2 else second).wait()
    assert time.monotonic() - started > 1.0


def test_pacing_goes_on_locally_when_the_cache_is_down(caplog):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    with override_settings(CACHES=unreachable):
        pacer = sending.Pacer(10)
        started = time.monotonic()
        for _ in range(5):
            pacer.wait()
        elapsed = time.monotonic() - started
    assert elapsed >= 0.4
    assert "pacing locally" in caplog.text
