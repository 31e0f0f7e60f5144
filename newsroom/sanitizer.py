"""The one allow-list for HTML we store and show.

Every rich-text value goes through :func:`sanitize_html` before it is saved
(see :mod:`newsroom.richtext`), so no stored HTML can run script, whatever the
editor in the browser sent.
"""

from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}

# Only https and mailto: no javascript:, data:, vbscript:, or plain http.
ALLOWED_URL_SCHEMES = {"https", "mailto"}

# Tags removed together with everything inside them (not unwrapped to text).
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript"}


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """Drop relative image sources: images come only from absolute https URLs."""
    if element == "img" and attribute == "src":
        return value if urlsplit(value).scheme == "https" else None
    return value


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the allow-list; links get ``rel="noopener noreferrer"``."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        url_relative="deny",
        strip_comments=True,
    ).strip()
