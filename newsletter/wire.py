"""An edition's message as SMTP bytes: serialised once, filled in per recipient.

Building each copy through ``EmailMultiAlternatives`` and Python's ``email``
package costs milliseconds of header parsing and MIME generation per
recipient, the same work every time. ``EditionTemplate`` does it once per
edition, for a copy whose per-recipient parts are placeholders (To, Date,
Message-ID, the List-Unsubscribe URL and both bodies), and splits the bytes
around them. A recipient's copy is then a few ``bytes.replace`` calls and the
body encoding Python itself would choose (7bit, or 8bit UTF-8 when lines fit
in 998 octets; quoted-printable otherwise), with the same header lines
(unfolded, at most 998 octets).

``render`` returns ``None`` whenever the copy cannot be made this way with
certainty (an address that is not a plain ASCII addr-spec, a header line that
would be too long, the boundary turning up in a body); the caller then builds
that one message the ordinary way.
"""

import binascii
import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from newsletter import messages, rendering, subscriptions

TO = "newsroom-placeholder-to@placeholder.invalid"
MESSAGE_ID = "<newsroom-placeholder-message-id@placeholder.invalid>"
UNSUBSCRIBE = "https://placeholder.invalid/newsroom-placeholder-unsubscribe"
TEXT = "NEWSROOM-PLACEHOLDER-TEXT-BODY"
HTML = "NEWSROOM-PLACEHOLDER-HTML-BODY"
DATE = b"Date: NEWSROOM-PLACEHOLDER-DATE\r\n"

# A dot-atom addr-spec in ASCII: written as is in To and in the envelope.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"
)
_MAX_LINE = 998


@dataclass(frozen=True)
class Copy:
    envelope_to: str
    message_id: str
    data: bytes


class TemplateUnavailable(Exception):
    """The serialised message did not have the expected shape; use the ordinary path."""


class EditionTemplate:
    def __init__(self, edition):
        self.edition = edition
        self.newsletter_id = edition.newsletter_id
        links = {"unsubscribe_url": UNSUBSCRIBE, "preferences_url": UNSUBSCRIBE}
        message = messages.compose(
            edition, to=TO, links=links, message_id=MESSAGE_ID, bodies=(TEXT, HTML)
        )
        raw = message.message(policy=messages.SMTP_POLICY).as_bytes()
        head, sep, body = raw.partition(b"\r\n\r\n")
        if not sep:
            raise TemplateUnavailable("no header/body separator")
        head = re.sub(rb"(?m)^Date: [^\r\n]*\r\n", DATE, head + b"\r\n", count=1)
        for needle in (DATE, TO.encode(), MESSAGE_ID.encode(), UNSUBSCRIBE.encode()):
            if head.count(needle) != 1:
                raise TemplateUnavailable(f"header placeholder {needle!r} not found once")
        self.head = head
        pieces = re.split(
            rb"Content-Transfer-Encoding: 7bit\r\n((?:[^\r\n]+\r\n)*)\r\n"
            rb"(" + TEXT.encode() + rb"|" + HTML.encode() + rb")\r\n",
            body,
        )
        # [before, text headers, TEXT, middle, html headers, HTML, after]
        if len(pieces) != 7 or (pieces[2], pieces[5]) != (TEXT.encode(), HTML.encode()):
            raise TemplateUnavailable("body placeholders not found")
        self.body = pieces
        self.boundary = re.search(rb'boundary="([^"]+)"', head).group(1)

    def render(self, *, subscriber, delivery_id: int) -> Copy | None:
        address = subscriber.email
        if not _PLAIN_ADDRESS.fullmatch(address):
            return None
        unsubscribe = subscriptions.unsubscribe_url(subscriber, self.newsletter_id)
        links = {
            "unsubscribe_url": unsubscribe,
            "preferences_url": subscriptions.preferences_url(subscriber),
        }
        if not unsubscribe.isascii():
            return None
        message_id = messages.new_message_id(delivery_id)
        head = (
            self.head.replace(DATE, b"Date: " + _now().encode() + b"\r\n")
            .replace(TO.encode(), address.encode())
            .replace(MESSAGE_ID.encode(), message_id.encode())
            .replace(UNSUBSCRIBE.encode(), unsubscribe.encode())
        )
        if max(map(len, head.split(b"\r\n"))) > _MAX_LINE:
            return None
        text = _encode(rendering.personalize(self.edition.rendered_text, **links))
        html = _encode(rendering.personalize(self.edition.rendered_html, **links))
        if self.boundary in text(b"")[-1] or self.boundary in html(b"")[-1]:
            return None
        before, text_headers, _, middle, html_headers, _, after = self.body
        data = b"".join(
            [head, b"\r\n", before, *text(text_headers), middle, *html(html_headers), after]
        )
        return Copy(envelope_to=address, message_id=message_id, data=data)


def _now() -> str:
    """The Date header as Django writes it (``EMAIL_USE_LOCALTIME`` respected)."""
    tz = timezone.get_current_timezone() if settings.EMAIL_USE_LOCALTIME else UTC
    return email.utils.format_datetime(datetime.now(tz))


def _encode(body: str):
    """A body part as Python's ``email`` writes it: transfer encoding, other headers, payload."""
    lines = body.encode().splitlines()
    if max(map(len, lines), default=0) <= _MAX_LINE:
        cte = b"7bit" if body.isascii() else b"8bit"
        payload = b"\r\n".join(lines) + b"\r\n"
    else:
        cte = b"quoted-printable"
        payload = binascii.b2a_qp(b"\r\n".join(lines) + b"\r\n", istext=True)

    def part(other_headers: bytes) -> tuple[bytes, ...]:
        return b"Content-Transfer-Encoding: ", cte, b"\r\n", other_headers, b"\r\n", payload

    return part
