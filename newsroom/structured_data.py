"""Schema.org JSON-LD helpers shared by the public pages.

Built as plain dicts, serialised by ``json_ld`` with the same escaping as
Django's ``json_script`` so no stored text can close the script element.
"""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data) -> SafeString:
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def publisher() -> dict:
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL + "/"}


def person(author, *, programs=()) -> dict:
    data = {
        "@type": "Person",
        "name": author.name,
        "url": absolute(author.get_absolute_url()),
    }
    if author.title:
        data["jobTitle"] = author.title
    if author.description:
        data["description"] = author.description
    if author.headshot:
        data["image"] = absolute(author.headshot.url)
    same_as = [
        u for u in (author.website, author.x_url, author.linkedin_url, author.bluesky_url) if u
    ]
    if same_as:
        data["sameAs"] = same_as
    if programs:
        data["affiliation"] = [{"@type": "Organization", "name": p.name} for p in programs]
    return data


def breadcrumbs(*crumbs: tuple[str, str]) -> dict:
    """BreadcrumbList from (name, url) pairs, starting after the home page."""
    items = [("Home", reverse("articles:home")), *crumbs]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": absolute(url)}
            for i, (name, url) in enumerate(items, start=1)
        ],
    }
