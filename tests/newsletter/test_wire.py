"""The SMTP fast path: the edition serialised once, each copy filled in as bytes.

Each copy must be the very message the ordinary path (``EmailMultiAlternatives``
through Python's ``email`` package) would have sent.
"""

import email
import email.policy
import re

import pytest

from newsletter import messages, sending, subscriptions, wire
from tests.factories import make_article, make_edition, make_subscriber

pytestmark = pytest.mark.django_db


def ordinary_bytes(edition, reader, message_id: str) -> bytes:
    links = {
        "unsubscribe_url": subscriptions.unsubscribe_url(reader, edition.newsletter),
        "preferences_url": subscriptions.preferences_url(reader),
    }
    message = messages.compose(edition, to=reader.email, links=links, message_id=message_id)
    return message.message(policy=email.policy.SMTP).as_bytes()


def same_date_and_boundary(data: bytes, like: bytes) -> bytes:
    """``data`` with ``like``'s Date line and MIME boundary (both differ per serialisation)."""
    date = re.search(rb"(?m)^Date: [^\r\n]*", like).group(0)
    boundary = re.search(rb'boundary="([^"]+)"', like).group(1)
    theirs = re.search(rb'boundary="([^"]+)"', data).group(1)
    return re.sub(rb"(?m)^Date: [^\r\n]*", date, data).replace(theirs, boundary)


@pytest.fixture
def started(briefing, settings):
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "leave@news.example.org"
    briefing.reply_to = "editors@example.org"
    briefing.save()
    title = "Ports, tariffs — and the région\u2019s future"
    piece = make_article(series=briefing.series, title=title)
    edition = make_edition(briefing, articles=[piece], subject="Ça bouge — this week")
    reader = make_subscriber("ana.reader+news@example.org", active=[briefing])
    sending.start_send(edition=edition, in_process=True)
    edition.refresh_from_db()
    return edition, reader


def test_a_fast_copy_is_byte_for_byte_the_ordinary_message(started):
    edition, reader = started
    copy = wire.EditionTemplate(edition).render(subscriber=reader, delivery_id=42)

    assert copy.envelope_to == reader.email
    assert "d42@news.example.org>" in copy.message_id
    ordinary = ordinary_bytes(edition, reader, copy.message_id)
    assert same_date_and_boundary(copy.data, ordinary) == ordinary
    assert b"Content-Transfer-Encoding: 8bit" in copy.data  # non-ASCII text, as Python sends it
    assert max(len(line) for line in copy.data.split(b"\r\n")) <= 998
    assert b"\n" not in copy.data.replace(b"\r\n", b"")  # CRLF line ends only

    parsed = email.message_from_bytes(copy.data, policy=email.policy.default)
    unsubscribe = subscriptions.unsubscribe_url(reader, edition.newsletter)
    assert parsed["List-Unsubscribe"] == f"<{unsubscribe}>, <mailto:leave@news.example.org>"
    assert parsed["To"] == reader.email
    assert parsed["Subject"] == "Ça bouge — this week"
    assert parsed.get_body(("plain",)).get_content().count(unsubscribe) >= 1
    assert subscriptions.preferences_url(reader) in parsed.get_body(("html",)).get_content()
    assert "NEWSROOM-PLACEHOLDER" not in copy.data.decode()


def test_a_body_line_over_998_octets_goes_quoted_printable_and_reads_the_same(started):
    edition, reader = started
    edition.rendered_html = edition.rendered_html.replace(
        "<body", "<body data-x='" + "é" * 900 + "'"
    )
    copy = wire.EditionTemplate(edition).render(subscriber=reader, delivery_id=7)

    assert b"Content-Transfer-Encoding: quoted-printable" in copy.data
    assert max(len(line) for line in copy.data.split(b"\r\n")) <= 998
    fast = email.message_from_bytes(copy.data, policy=email.policy.default)
    ordinary = email.message_from_bytes(
        ordinary_bytes(edition, reader, copy.message_id), policy=email.policy.default
    )
    for kind in ("plain", "html"):
        assert fast.get_body((kind,)).get_content() == ordinary.get_body((kind,)).get_content()
    assert [k for k, _ in fast.items()] == [k for k, _ in ordinary.items()]


def test_an_address_the_template_cannot_write_is_sent_the_ordinary_way(
    briefing, smtp_sink, fast_sending
):
    plain = make_subscriber("plain@example.org", active=[briefing])
    international = make_subscriber("reader@bücher.example", active=[briefing])
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    template = wire.EditionTemplate(edition)
    assert template.render(subscriber=international, delivery_id=1) is None
    assert template.render(subscriber=plain, delivery_id=2) is not None

    assert sending.run(edition_id=edition.pk) is True

    # The ordinary path writes the international domain as IDNA, as Django does.
    assert smtp_sink.recipients() == {"plain@example.org": 1, "reader@xn--bcher-kva.example": 1}
    assert set(edition.deliveries.values_list("state", flat=True)) == {"sent"}
