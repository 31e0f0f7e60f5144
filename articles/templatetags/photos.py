"""Responsive pictures: ``{% picture photo kind="card" sizes="…" lazy=True %}``.

Writes a ``<picture>`` with a WebP and a JPEG ``srcset`` from the renditions
listed on the photo row (no query), and ``width``/``height`` so the browser
reserves the space before the image arrives. Below-the-fold images pass
``lazy=True``; the lead image passes ``lazy=False`` and is fetched first.
Until renditions exist the original is served with its own size.
"""

from django import template

register = template.Library()

# The fallback <img src> for browsers without srcset: a medium width.
FALLBACK_WIDTH = 800


def _srcset(renditions) -> str:
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


@register.inclusion_tag("includes/picture.html")
def picture(photo, kind="width", sizes="100vw", lazy=True, css_class=""):
    """Context for one ``<picture>``; ``kind`` is "width" (whole picture) or "card" (16:9)."""
    if photo is None:
        return {"photo": None}
    jpeg = photo.rendition_list(kind, "jpeg")
    webp = photo.rendition_list(kind, "webp")
    context = {
        "photo": photo,
        "alt": photo.alt_text,
        "sizes": sizes,
        "lazy": lazy,
        "css_class": css_class,
        "sources": [],
        "srcset": "",
    }
    if not jpeg:
        return {**context, "src": photo.image.url, "width": photo.width, "height": photo.height}
    fallback = next((r for r in jpeg if r.width >= FALLBACK_WIDTH), jpeg[-1])
    largest = jpeg[-1]
    if webp:
        context["sources"] = [{"type": "image/webp", "srcset": _srcset(webp)}]
    return {
        **context,
        "src": fallback.url,
        "srcset": _srcset(jpeg),
        "width": largest.width,
        "height": largest.height,
    }
