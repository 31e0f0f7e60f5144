"""What search engines and social networks read: JSON-LD, canonical links, social cards."""

import json
import re

import pytest
from django.urls import reverse

from tests.factories import make_article, make_author, make_photo, make_program, make_series

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _json_ld(page: str) -> dict:
    return {data["@type"]: data for data in map(json.loads, JSON_LD.findall(page))}


def test_article_carries_news_article_json_ld_with_the_required_fields(client):
    authors = [make_author(name="Ana Ortiz", title="Senior Fellow"), make_author(name="Bo Li")]
    article = make_article(
        title="Title with </script> inside",
        series=make_series(name="Alert"),
        lead_photo=make_photo(),
        authors=authors,
        tags=["energy"],
    )
    data = _json_ld(client.get(article.get_absolute_url()).content.decode())
    news = data["NewsArticle"]
    assert news["headline"] == "Title with </script> inside"
    assert [(p["@type"], p["name"]) for p in news["author"]] == [
        ("Person", "Ana Ortiz"),
        ("Person", "Bo Li"),
    ]
    assert news["author"][0]["jobTitle"] == "Senior Fellow"
    assert news["image"][0]["url"].endswith(".jpg")
    assert news["datePublished"] and news["dateModified"]
    assert news["publisher"]["@type"] == "Organization"
    assert news["mainEntityOfPage"].endswith(article.get_absolute_url())
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Alert", article.title]


def test_article_has_canonical_link_and_social_cards(client):
    article = make_article(lead_photo=make_photo(alt_text="A river at dusk"))
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        f'<link rel="canonical" href="http://127.0.0.1:8000{article.get_absolute_url()}">' in page
    )
    assert re.search(r'<meta property="og:image" content="http://[^"]+\.jpg">', page)
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="og:image:alt" content="A river at dusk">' in page


def test_canonical_override_is_used(client):
    article = make_article(canonical_url="https://elsewhere.example/first")
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="https://elsewhere.example/first">' in page


def test_expert_profile_carries_person_json_ld(client):
    author = make_author(name="Ana Ortiz", title="Fellow", website="https://ana.example")
    make_program(name="Energy Center").experts.add(author)
    data = _json_ld(client.get(author.get_absolute_url()).content.decode())
    person = data["Person"]
    assert person["name"] == "Ana Ortiz" and person["jobTitle"] == "Fellow"
    assert person["sameAs"] == ["https://ana.example"]
    assert person["affiliation"][0]["name"] == "Energy Center"
    assert [c["name"] for c in data["BreadcrumbList"]["itemListElement"]] == [
        "Home",
        "Experts",
        "Ana Ortiz",
    ]


def test_series_page_has_breadcrumbs_and_feed_links(client):
    series = make_series(name="Alert")
    make_article(series=series)
    page = client.get(series.get_absolute_url()).content.decode()
    assert _json_ld(page)["BreadcrumbList"]["itemListElement"][1]["name"] == "Alert"
    assert reverse("articles:series_feed", args=[series.slug]) in page
    assert reverse("articles:series_feed_atom", args=[series.slug]) in page
