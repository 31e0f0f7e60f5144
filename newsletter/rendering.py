"""An edition rendered once, and the per-recipient copy made from it.

``render_edition`` turns an edition into subject, plain text and HTML (CSS
inlined with css-inline) with placeholders where the personal links go;
``personalize`` swaps in one subscriber's links with plain string
replacement, so a million recipients cost one template render.

Only live pieces are rendered (``live_links``): a piece unpublished or
archived after the edition was composed is left out of what is sent, and
``web_copy`` renders the public copy again without it if it stops being live
after the send.
"""

from dataclasses import dataclass

import css_inline
from django.conf import settings
from django.template.loader import render_to_string

from articles.models import Article

UNSUBSCRIBE_PLACEHOLDER = "NEWSROOM-PERSONAL-UNSUBSCRIBE-URL"
PREFERENCES_PLACEHOLDER = "NEWSROOM-PERSONAL-PREFERENCES-URL"

# The width the email's images are shown at (600 px card minus padding);
# 1200-wide renditions keep them sharp on high-density screens.
# The file behind the picture in the 600 px layout: wide enough for high-density screens.
EMAIL_SOURCE_WIDTH = 1200
EMAIL_IMAGE_WIDTH = 536

_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def lead_image(article) -> dict | None:
    """The lead photo as the email shows it: absolute URL, display size, alt text.

    The 1200-wide JPEG rendition (sharp on high-density screens at 600 px, and
    JPEG because Outlook shows no WebP); the original until the worker made it.
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
    return {"url": url, "width": width, "height": height, "alt": photo.alt_text}


def live_links(edition):
    """The edition's pieces that the public may see right now, in the edition's order."""
    return edition.edition_articles.filter(article__in=Article.objects.live())


def edition_context(edition) -> dict:
    links = live_links(edition).select_related("article__lead_photo", "article__series")
    items = []
    for link in links.prefetch_related("article__article_authors__author"):
        article = link.article
        items.append(
            {
                "article": article,
                "url": settings.SITE_URL + article.get_absolute_url(),
                "authors": article.ordered_authors(),
                "image": lead_image(article),
            }
        )
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "edition": edition,
        "newsletter": edition.newsletter,
        "items": items,
        "web_url": settings.SITE_URL + edition.get_absolute_url(),
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "preferences_url": PREFERENCES_PLACEHOLDER,
    }


def render_edition(edition) -> Rendered:
    context = edition_context(edition)
    subject = " ".join(render_to_string("newsletter/email/edition_subject.txt", context).split())
    text = render_to_string("newsletter/email/edition.txt", context)
    html = _inliner.inline(render_to_string("newsletter/email/edition.html", context))
    return Rendered(subject=subject, text=text, html=html)


def personalize(body: str, *, unsubscribe_url: str, preferences_url: str) -> str:
    """One recipient's copy: the placeholders replaced by their own links.

    Signed tokens are URL-safe (letters, digits, ``-_:.``), so the same string
    is correct in the text part and inside an HTML attribute.
    """
    return body.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url).replace(
        PREFERENCES_PLACEHOLDER, preferences_url
    )


def web_copy(edition) -> str:
    """The edition's public page: as mailed, unless a piece in it is no longer live.

    The mailed copy is kept as it went out; when one of its pieces has since
    been unpublished or archived, the page is rendered again from the live ones.
    """
    html = edition.rendered_html
    if edition.edition_articles.exclude(article__in=Article.objects.live()).exists():
        html = render_edition(edition).html
    return public_copy(html, newsletter=edition.newsletter)


def public_copy(body: str, *, newsletter) -> str:
    """The web ("View in browser") copy: personal links point at the sign-up page."""
    from django.urls import reverse

    signup = settings.SITE_URL + reverse("newsletter:list")
    return personalize(body, unsubscribe_url=signup, preferences_url=signup)
