"""Responsive pictures: ``{% picture photo kind="card" sizes="…" lazy=True %}``.

Writes a ``<picture>`` with a WebP and a JPEG ``srcset`` from the renditions
listed on the photo row (no query), and ``width``/``height`` so the browser
reserves the space before the image arrives. Below-the-fold images pass
``lazy=True``; the lead image passes ``lazy=False`` and is fetched first.
Until renditions exist the original is served with its own size.

A listing page draws dozens of cards, so the markup is built here rather
than by an included template, and each photo's source sets are worked out
once per process for a given set of renditions (``_sources``).
"""

from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The fallback <img src> for browsers without srcset: a medium width.
FALLBACK_WIDTH = 800


def _srcset(renditions) -> str:
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


# (image, listed renditions, storage URL, kind) -> source sets. Cleared
# when full: a process sees a few thousand photos at most between restarts.
_SOURCES: dict = {}
_SOURCES_MAX = 4096


def _compute_sources(photo, kind: str):
    """(webp srcset, jpeg srcset, fallback src, width, height), or None without renditions."""
    jpeg = photo.rendition_list(kind, "jpeg")
    if not jpeg:
        return None
    webp = photo.rendition_list(kind, "webp")
    fallback = next((r for r in jpeg if r.width >= FALLBACK_WIDTH), jpeg[-1])
    largest = jpeg[-1]
    return (_srcset(webp), _srcset(jpeg), fallback.url, largest.width, largest.height)


def _sources(photo, kind: str):
    """``_compute_sources``, once per set of renditions: they change only with the list."""
    renditions = photo.renditions or {}
    key = (
        photo.image.name,
        renditions.get("image"),
        tuple(item.get("name") for item in renditions.get("items", ())),
        default_storage.base_url,
        kind,
    )
    try:
        return _SOURCES[key]
    except KeyError:
        if len(_SOURCES) >= _SOURCES_MAX:
            _SOURCES.clear()
        found = _SOURCES[key] = _compute_sources(photo, kind)
        return found


@register.simple_tag
def picture(photo, kind="width", sizes="100vw", lazy=True, css_class=""):
    """One ``<picture>``; ``kind`` is "width" (whole picture) or "card" (16:9)."""
    if photo is None:
        return ""
    found = _sources(photo, kind)
    if found is None:
        webp = srcset = ""
        src, width, height = photo.image.url, photo.width, photo.height
    else:
        webp, srcset, src, width, height = found
    source = (
        format_html('\n  <source type="image/webp" srcset="{}" sizes="{}">', webp, sizes)
        if webp
        else ""
    )
    img_srcset = format_html(' srcset="{}" sizes="{}"', srcset, sizes) if srcset else ""
    css = format_html(' class="{}"', css_class) if css_class else ""
    loading = mark_safe(' loading="lazy" decoding="async"' if lazy else ' fetchpriority="high"')
    return format_html(
        '<picture>{}\n  <img src="{}"{} alt="{}" width="{}" height="{}"{}{}>\n</picture>',
        source,
        src,
        img_srcset,
        photo.alt_text,
        width,
        height,
        css,
        loading,
    )
