"""One edition email: its headers (RFC 2369 / 8058 / 2919) and personal links.

The edition is rendered once (``newsletter.rendering``); per recipient only the
personal links are put in, here.
"""

import email.policy
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from newsletter import rendering, subscriptions
from newsletter.models import Edition
from newsroom.validators import has_control_characters

# What Django's SMTP backend serialises with (``EditionMessage`` lifts the line length).
SMTP_POLICY = email.policy.SMTP


class EditionMessage(EmailMultiAlternatives):
    """An edition email whose header lines may be up to RFC 5322's 998 characters.

    Python's default 78-character folding turns a long unbroken header (the
    ``List-Unsubscribe`` URL with its signed token) into RFC 2047 encoded
    words, which mail providers do not decode there; the one-click button
    would silently vanish.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def list_id(newsletter) -> str:
    """RFC 2919 List-Id: the newsletter's name and a stable id under our domain."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{newsletter.name} <{newsletter.slug}.{host}>"


def new_message_id(delivery_id: int | None) -> str:
    """``<time.pid.random.d<delivery>@site-host>``: unique, and names the sending process."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return make_msgid(idstring=f"d{delivery_id}" if delivery_id else "test", domain=host)


def header_problem(edition) -> str:
    """Why the edition's headers cannot be written, or "" if they can.

    The fields behind them are validated when saved, but a row written
    otherwise (an ``update()``, an old row, a setting) would fail every single
    message of the send; so the send checks a sample message once, up front.
    """
    links = {"unsubscribe_url": "https://example.invalid/u", "preferences_url": ""}
    try:
        message = compose(edition, to="reader@example.invalid", links=links, bodies=("", ""))
        headers = message.message().items()
    except ValueError as error:  # what email and Django raise for a header they refuse
        return f"The email headers cannot be written ({error}): check {_sender_fields(edition)}."
    for name, value in headers:
        if has_control_characters(str(value)):
            return (
                f"The {name} header would carry a control character: "
                f"check {_sender_fields(edition)}."
            )
    return ""


def _sender_fields(edition) -> str:
    return (
        f"the name, sender name and addresses of newsletter {edition.newsletter_id}, "
        "and the subject of the edition"
    )


def build_message(
    *, edition: Edition, subscriber, delivery_id: int | None = None
) -> EmailMultiAlternatives:
    """One subscriber's copy of the rendered edition, with its headers."""
    newsletter = edition.newsletter
    unsubscribe = subscriptions.unsubscribe_url(subscriber, newsletter.pk)
    preferences = subscriptions.preferences_url(subscriber)
    links = {"unsubscribe_url": unsubscribe, "preferences_url": preferences}
    return compose(edition, to=subscriber.email, links=links, delivery_id=delivery_id)


def compose(
    edition,
    *,
    to: str,
    links: dict,
    delivery_id=None,
    subject_prefix="",
    message_id: str | None = None,
    bodies: tuple[str, str] | None = None,
):
    """The message with its headers; ``links`` fills the personal-link placeholders.

    ``message_id`` and ``bodies`` (text, HTML) replace the generated Message-ID
    and the personalised bodies; ``wire.EditionTemplate`` uses them.
    """
    newsletter = edition.newsletter
    list_unsubscribe = f"<{links['unsubscribe_url']}>"
    if settings.NEWSLETTER_UNSUBSCRIBE_MAILTO:
        list_unsubscribe += f", <mailto:{settings.NEWSLETTER_UNSUBSCRIBE_MAILTO}>"
    headers = {
        "List-Unsubscribe": list_unsubscribe,
        # RFC 8058: mail providers may POST "List-Unsubscribe=One-Click" to the URL.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": list_id(newsletter),
        "Message-ID": message_id or new_message_id(delivery_id),
    }
    if bodies is None:
        bodies = (
            rendering.personalize(edition.rendered_text, **links),
            rendering.personalize(edition.rendered_html, **links),
        )
    message = EditionMessage(
        subject=subject_prefix + edition.rendered_subject,
        body=bodies[0],
        from_email=newsletter.from_header,
        to=[to],
        reply_to=[newsletter.reply_to] if newsletter.reply_to else [],
        headers=headers,
    )
    message.attach_alternative(bodies[1], "text/html")
    return message
