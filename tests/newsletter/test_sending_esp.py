"""Sending through an ESP with django-anymail: batch calls, per-reader copies, its answers.

The ESP is anymail's test backend (``tests.newsletter.esp``), which records
the API call an ESP would get; "as received" is that call with the ESP's
merge done the way the ESP does it.
"""

import pytest
from django.core import mail

from newsletter import emails, schedule, sending, tokens
from newsletter.models import Edition, Suppression
from tests.factories import make_article, make_edition, make_photo, make_subscriber
from tests.newsletter import esp

pytestmark = pytest.mark.django_db


def use(settings, backend):
    settings.MAILERS = {"default": {"BACKEND": f"tests.newsletter.esp.{backend}"}}


@pytest.fixture(autouse=True)
def _esp(settings, fast_sending):
    use(settings, "ScriptedESP")
    esp.reject.clear()
    esp.answers.clear()
    mail.outbox = []


def readers(newsletter, count):
    return [make_subscriber(f"r{i}@example.org", active=[newsletter]) for i in range(count)]


def as_received(call, address) -> str:
    """The HTML one reader gets: the ESP fills its merge fields from that reader's data."""
    html = call.alternatives[0].content
    for name, value in call.anymail_test_params["merge_data"][address].items():
        html = html.replace(emails.BATCH_MERGE_FIELDS["Test"].format(name), value)
    return html


def test_one_api_call_per_claimed_batch_with_each_readers_links_and_headers(briefing):
    audience = readers(briefing, 6)  # the fixture's batches hold 4
    photo = make_photo(credit="Ana Lima", source="Harbour Agency")
    edition = make_edition(
        briefing, articles=[make_article(series=briefing.series, lead_photo=photo)]
    )
    sending.start_send(edition=edition)

    assert sending.run(edition_id=edition.pk) is True

    assert [len(call.to) for call in mail.outbox] == [4, 2]
    for call in mail.outbox:
        params = call.anymail_test_params
        assert params["is_batch_send"]
        assert call.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    received = {}
    for call in mail.outbox:
        for address in call.to:
            received[address] = (call, as_received(call, address))
    assert set(received) == {reader.email for reader in audience}
    for reader in audience:
        call, html = received[reader.email]
        unsubscribe = tokens.unsubscribe_url(reader, briefing)
        assert call.merge_headers[reader.email] == {"List-Unsubscribe": f"<{unsubscribe}>"}
        assert unsubscribe in html and tokens.preferences_url(reader) in html
        assert "{{" not in html and "NEWSROOM-PERSONAL" not in html
        assert "Photo by Ana Lima / Harbour Agency" in html
        delivery = edition.deliveries.get(subscriber=reader)
        assert call.merge_metadata[reader.email] == {"delivery": str(delivery.pk)}
        assert delivery.state == "sent" and delivery.message_id == str(mail.outbox.index(call))
    edition.refresh_from_db()
    assert (edition.status, edition.sent_count, edition.audience_count) == ("sent", 6, 6)


def test_an_esp_without_batch_merge_gets_one_message_per_reader(briefing, settings):
    use(settings, "OneByOneESP")
    audience = readers(briefing, 3)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)

    assert sending.run(edition_id=edition.pk) is True

    assert sorted(call.to[0] for call in mail.outbox) == sorted(r.email for r in audience)
    for call in mail.outbox:
        reader = next(r for r in audience if r.email == call.to[0])
        unsubscribe = tokens.unsubscribe_url(reader, briefing)
        assert call.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert unsubscribe in call.alternatives[0].content
        delivery = edition.deliveries.get(subscriber=reader)
        assert call.anymail_test_params["metadata"] == {"delivery": str(delivery.pk)}
        assert delivery.state == "sent"


def test_an_address_the_esp_rejects_fails_and_is_suppressed_the_rest_go(briefing):
    audience = readers(briefing, 3)
    esp.reject.add("r1@example.org")
    edition = make_edition(briefing)
    sending.start_send(edition=edition)

    assert sending.run(edition_id=edition.pk) is True

    states = dict(edition.deliveries.values_list("subscriber__email", "state"))
    assert states == {
        "r0@example.org": "sent",
        "r1@example.org": "failed",
        "r2@example.org": "sent",
    }
    assert Suppression.covers("r1@example.org")
    assert not Suppression.covers("r0@example.org")
    assert briefing.subscriptions.get(subscriber=audience[1]).status != "active"


@pytest.mark.parametrize("status", [429, 503])
def test_an_esp_that_is_busy_or_down_is_retried_and_nobody_is_lost(briefing, status):
    audience = readers(briefing, 3)
    esp.answers.extend([status, status])
    edition = make_edition(briefing)
    sending.start_send(edition=edition)

    assert sending.run(edition_id=edition.pk) is True

    assert len(mail.outbox) == 3  # two refused calls, then the one that went
    assert mail.outbox[-1].to == [r.email for r in audience]
    assert set(edition.deliveries.values_list("state", "attempts")) == {("sent", 3)}
    assert not Suppression.objects.exists()


def test_a_message_the_esp_refuses_fails_the_edition_once_with_its_reason(
    briefing, admin_user, django_capture_on_commit_callbacks
):
    """A 4xx API answer (a header the ESP will not take, say) is ours to fix: no loop, no blame."""
    readers(briefing, 3)
    esp.answers.append(422)
    edition = make_edition(briefing)
    sending.start_send(edition=edition, by=admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        assert sending.run(edition_id=edition.pk) is False

    edition.refresh_from_db()
    assert edition.status == Edition.Status.FAILED
    assert "refused the message" in edition.failure_reason and "422" in edition.failure_reason
    assert set(edition.deliveries.values_list("state", "attempts")) == {("queued", 0)}
    assert not Suppression.objects.exists()
    [approver_mail] = [m for m in mail.outbox if m.to == [admin_user.email]]
    assert edition.failure_reason in approver_mail.body
    # The tick leaves a failed edition alone: it is not retried every minute.
    assert schedule.tick()["revived"] == []
    assert sending.run(edition_id=edition.pk) is False
    assert len([m for m in mail.outbox if m.to != [admin_user.email]]) == 1


def test_a_backend_that_raises_stops_the_edition_once_and_blames_no_reader(briefing, settings):
    use(settings, "BrokenBackend")
    readers(briefing, 3)
    edition = make_edition(briefing)
    sending.start_send(edition=edition)

    assert sending.run(edition_id=edition.pk) is False

    edition.refresh_from_db()
    assert edition.status == Edition.Status.FAILED
    assert "RuntimeError: the backend broke" in edition.failure_reason
    assert set(edition.deliveries.values_list("state", flat=True)) == {"queued"}
    assert not Suppression.objects.exists()
    assert schedule.tick()["revived"] == []
