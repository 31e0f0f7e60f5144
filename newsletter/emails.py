"""Every email we send, rendered by one helper and given its headers here.

``render`` turns three templates — ``templates/newsletter/email/<name>_subject.txt``,
``<name>.txt`` and ``<name>.html`` — into a subject, a plain-text body and an
HTML body whose ``<style>`` is inlined (css-inline; many mail clients drop
style sheets). Confirmations and staff notices are ``build_email``; an
edition is rendered once when its send starts (``render_edition``), with
placeholders where a reader's own links go, and each reader's copy is made
from that by plain string replacement (``reader_message``), so a million
recipients cost one template render.

Edition messages carry RFC 8058 one-click unsubscribe (``List-Unsubscribe``
with the reader's own URL, ``List-Unsubscribe-Post``), RFC 2919 ``List-Id``
and a ``Message-ID`` naming the delivery. Through an ESP whose batch API
merges per-reader fields into the message's own body (``batch_merge_field``),
``batch_message`` makes one message for a whole claimed batch: anymail sends
each reader their copy with their links (``merge_data``) and headers
(``merge_headers``).

Only live pieces are rendered (``live_links``): a piece unpublished or archived
after the edition was composed is left out of what is sent, and ``web_copy``
renders the public copy again without it if it stops being live after the send.
"""

import email.policy
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Article
from newsletter import tokens
from newsroom.validators import has_control_characters

UNSUBSCRIBE_PLACEHOLDER = "NEWSROOM-PERSONAL-UNSUBSCRIBE-URL"
PREFERENCES_PLACEHOLDER = "NEWSROOM-PERSONAL-PREFERENCES-URL"

# The email's picture is shown 536 px wide (the 600 px card minus padding);
# the file behind it is up to 1200 px, sharp on high-density screens.
EMAIL_SOURCE_WIDTH = 1200
EMAIL_IMAGE_WIDTH = 536

# How an ESP's batch API writes a merge field inside the message's own body
# (anymail passes merge_data through and translates no template syntax), by
# anymail's ``esp_name``. Only ESPs whose batch API also takes per-reader
# headers (anymail's merge_headers) are here: each copy needs its own
# List-Unsubscribe. Any other backend gets one message per reader.
BATCH_MERGE_FIELDS = {
    "Mailgun": "%recipient.{}%",
    "SparkPost": "{{{{{}}}}}",
    "Brevo": "{{{{ params.{} }}}}",
    "Test": "{{{{{}}}}}",  # anymail's test backend, which records what an ESP would get
}

_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(name: str, context: dict) -> Rendered:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = render_to_string(f"newsletter/email/{name}_subject.txt", context)
    return Rendered(
        subject=" ".join(subject.split()),  # a header is one line
        text=render_to_string(f"newsletter/email/{name}.txt", context),
        html=_inliner.inline(render_to_string(f"newsletter/email/{name}.html", context)),
    )


def build_email(
    name: str,
    context: dict,
    *,
    to: list[str],
    from_email: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict | None = None,
) -> EmailMultiAlternatives:
    """A message from the ``name`` templates, with its plain-text and HTML parts."""
    rendered = render(name, context)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or [],
        headers=headers or {},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


# --- An edition's content ------------------------------------------------------


def lead_image(article) -> dict | None:
    """The lead photo as the email shows it: absolute URL, display size, alt text, credit.

    The widest JPEG rendition up to 1200 px (JPEG: Outlook shows no WebP); the
    original until the worker has made it.
    """
    photo = article.lead_photo
    if photo is None or not photo.image:
        return None
    width = EMAIL_IMAGE_WIDTH
    height = round(width * photo.height / photo.width) if photo.width else 0
    jpegs = [r for r in photo.rendition_list("width", "jpeg") if r.width <= EMAIL_SOURCE_WIDTH]
    url = jpegs[-1].url if jpegs else photo.image.url
    if not url.startswith(("http://", "https://")):
        url = settings.SITE_URL + url
    return {
        "url": url,
        "width": width,
        "height": height,
        "alt": photo.alt_text,
        "credit": photo.credit_line,
    }


def live_links(edition):
    """The edition's pieces that the public may see right now, in the edition's order."""
    return edition.edition_articles.filter(article__in=Article.objects.live())


def edition_context(edition) -> dict:
    links = live_links(edition).select_related("article__lead_photo", "article__series")
    items = [
        {
            "article": link.article,
            "url": settings.SITE_URL + link.article.get_absolute_url(),
            "authors": link.article.ordered_authors(),
            "image": lead_image(link.article),
        }
        for link in links.prefetch_related("article__article_authors__author")
    ]
    return {
        "edition": edition,
        "newsletter": edition.newsletter,
        "items": items,
        "web_url": settings.SITE_URL + edition.get_absolute_url(),
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "preferences_url": PREFERENCES_PLACEHOLDER,
    }


def render_edition(edition) -> Rendered:
    return render("edition", edition_context(edition))


def fill_rendering(edition) -> None:
    """Render the edition onto its ``rendered_*`` fields (the caller saves them, or not)."""
    rendered = render_edition(edition)
    edition.rendered_subject = rendered.subject
    edition.rendered_text = rendered.text
    edition.rendered_html = rendered.html


def personalize(body: str, *, unsubscribe_url: str, preferences_url: str) -> str:
    """One reader's copy: the placeholders replaced by their own links.

    Signed tokens are URL-safe (letters, digits, ``-_:.``), so the same string
    is correct in the text part and inside an HTML attribute.
    """
    return body.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url).replace(
        PREFERENCES_PLACEHOLDER, preferences_url
    )


def web_copy(edition) -> str:
    """The edition's public page: as mailed, unless a piece in it is no longer live."""
    html = edition.rendered_html
    if edition.edition_articles.exclude(article__in=Article.objects.live()).exists():
        html = render_edition(edition).html
    return public_copy(html)


def signup_url() -> str:
    return settings.SITE_URL + reverse("newsletter:list")


def public_copy(body: str) -> str:
    """The web ("View in browser") copy: personal links point at the sign-up page."""
    return personalize(body, unsubscribe_url=signup_url(), preferences_url=signup_url())


# --- An edition's messages -----------------------------------------------------


class EditionMessage(EmailMultiAlternatives):
    """An edition email whose header lines may be up to RFC 5322's 998 characters.

    Python's default 78-character folding turns a long unbroken header (the
    ``List-Unsubscribe`` URL with its signed token) into RFC 2047 encoded
    words, which mail providers do not decode there: the one-click button
    would silently vanish.
    """

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def list_id(newsletter) -> str:
    """RFC 2919 List-Id: the newsletter's name and a stable id under our domain."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{newsletter.name} <{newsletter.slug}.{host}>"


def new_message_id(delivery_id: int | None) -> str:
    """``<time.pid.random.d<delivery>@site-host>``: unique, and names the delivery."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return make_msgid(idstring=f"d{delivery_id}" if delivery_id else "test", domain=host)


def reader_links(subscriber, newsletter_id: int) -> dict[str, str]:
    return {
        "unsubscribe_url": tokens.unsubscribe_url(subscriber, newsletter_id),
        "preferences_url": tokens.preferences_url(subscriber),
    }


def list_unsubscribe(unsubscribe_url: str) -> str:
    value = f"<{unsubscribe_url}>"
    if settings.NEWSLETTER_UNSUBSCRIBE_MAILTO:
        value += f", <mailto:{settings.NEWSLETTER_UNSUBSCRIBE_MAILTO}>"
    return value


def edition_message(
    edition, *, to: list[str], links: dict[str, str], headers=None, subject_prefix=""
) -> EditionMessage:
    """The rendered edition for ``to``, its link placeholders filled in from ``links``."""
    newsletter = edition.newsletter
    message = EditionMessage(
        subject=subject_prefix + edition.rendered_subject,
        body=personalize(edition.rendered_text, **links),
        from_email=newsletter.from_header,
        to=to,
        reply_to=[newsletter.reply_to] if newsletter.reply_to else [],
        headers={
            # RFC 8058: mail providers may POST "List-Unsubscribe=One-Click" to the URL.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": list_id(newsletter),
            **(headers or {}),
        },
    )
    message.attach_alternative(personalize(edition.rendered_html, **links), "text/html")
    return message


def reader_message(edition, *, subscriber, delivery_id: int | None) -> EditionMessage:
    """One reader's copy, with their links and a Message-ID naming the delivery.

    ``metadata`` is anymail's: an ESP hands it back with tracking events, so a
    bounce finds its delivery row (other backends ignore it).
    """
    links = reader_links(subscriber, edition.newsletter_id)
    headers = {
        "List-Unsubscribe": list_unsubscribe(links["unsubscribe_url"]),
        "Message-ID": new_message_id(delivery_id),
    }
    message = edition_message(edition, to=[subscriber.email], links=links, headers=headers)
    message.metadata = {"delivery": str(delivery_id)}
    return message


def test_message(edition, *, to: str) -> EditionMessage:
    """The edition for one staff address, marked as a test; its personal links
    point at the public sign-up page, since staff need not be subscribers."""
    signup = signup_url()
    return edition_message(
        edition,
        to=[to],
        links={"unsubscribe_url": signup, "preferences_url": signup},
        headers={"List-Unsubscribe": list_unsubscribe(signup)},
        subject_prefix="[Test] ",
    )


def batch_merge_field(mailer) -> str | None:
    """How ``mailer``'s ESP writes a merge field in a batch send, or None: one message each."""
    return BATCH_MERGE_FIELDS.get(getattr(mailer, "esp_name", None))


def batch_message(edition, *, rows, merge_field: str) -> EditionMessage:
    """One message for the ``rows``' readers, for an ESP batch API; each gets their own copy.

    The ESP assigns each copy's Message-ID; anymail reports it per reader.
    """
    fields = {name: merge_field.format(name) for name in ("unsubscribe_url", "preferences_url")}
    message = edition_message(edition, to=[row.subscriber.email for row in rows], links=fields)
    message.merge_data, message.merge_headers, message.merge_metadata = {}, {}, {}
    for row in rows:
        links = reader_links(row.subscriber, edition.newsletter_id)
        message.merge_data[row.subscriber.email] = links
        message.merge_headers[row.subscriber.email] = {
            "List-Unsubscribe": list_unsubscribe(links["unsubscribe_url"])
        }
        message.merge_metadata[row.subscriber.email] = {"delivery": str(row.pk)}
    return message


def header_problem(edition) -> str:
    """Why the edition's headers cannot be written, or "" if they can.

    The fields behind them are validated when saved, but a row written
    otherwise (an ``update()``, an old row, a setting) would fail every single
    message of the send; so the send checks a sample message once, up front.
    """
    links = {"unsubscribe_url": "https://example.invalid/u", "preferences_url": ""}
    headers = {"List-Unsubscribe": list_unsubscribe(links["unsubscribe_url"])}
    try:
        message = edition_message(
            edition, to=["reader@example.invalid"], links=links, headers=headers
        )
        written = message.message().items()
    except ValueError as error:  # what email and Django raise for a header they refuse
        return f"The email headers cannot be written ({error}): check {_sender_fields(edition)}."
    for name, value in written:
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
