"""Every public URL pattern, thrown generated query strings and path arguments, answers below 500.

The patterns come from the URL resolver, so a page added later is swept too
(and ``test_every_public_pattern_reaches_its_view`` asks for a real path
argument for it). Path arguments are the slugs, ids and tokens of seeded
objects, or random ones; query strings mix the parameters the site reads with
random ones, and values with NUL and other control characters, digits of
other scripts, huge and negative numbers, long text and raw percent-encoded
bytes (%00, %FF).
"""

import re
from datetime import timedelta
from urllib.parse import quote, quote_from_bytes

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles import preview
from articles.models import PreviewLink
from articles.sitemaps import SITEMAPS
from newsletter import tokens
from tests.factories import (
    make_article,
    make_author,
    make_edition,
    make_newsletter,
    make_program,
    make_series,
    make_subscriber,
    make_user,
)

SKIPPED_PREFIXES = ("admin/", "media/")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def public_patterns(patterns=None, prefix="", namespace=""):
    """(route, name, converters) of every URL pattern outside the admin and media."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from public_patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, namespace + (entry.name or ""), dict(entry.pattern.converters)


PATTERNS = sorted(public_patterns())


def seed() -> dict[str, dict[str, list[str]]]:
    """Real path arguments per URL name, from one of each public object."""
    program = make_program(slug="energy")
    series = make_series(slug="alerts", program=program)
    author = make_author(slug="ana")
    program.experts.add(author)
    article = make_article(slug="grid-piece", series=series, authors=[author], tags=["grids"])
    draft = make_article(slug="draft-piece", status="draft", authors=[author])
    link = PreviewLink.objects.create(
        article=draft, created_by=make_user(), expires_at=timezone.now() + timedelta(days=1)
    )
    newsletter = make_newsletter(slug="weekly", series=series)
    edition = make_edition(
        newsletter,
        articles=[article],
        status="sent",
        rendered_html="<p>This week.</p>",
        started_at=timezone.now(),
    )
    reader = make_subscriber(active=[newsletter])
    personal = tokens.personal_token(reader.uid)
    return {
        "sitemap_section": {"section": list(SITEMAPS)},
        "authors:detail": {"slug": [author.slug]},
        "authors:feed": {"slug": [author.slug]},
        "authors:feed_atom": {"slug": [author.slug]},
        "newsletter:confirm": {"token": [tokens.confirm_token(reader.uid, [newsletter.pk])]},
        "newsletter:preferences": {"token": [personal]},
        "newsletter:erase": {"token": [personal]},
        "newsletter:unsubscribe": {"token": [tokens.unsubscribe_token(reader.uid, newsletter.pk)]},
        "newsletter:archive": {"slug": [newsletter.slug]},
        "newsletter:edition": {"slug": [newsletter.slug], "pk": [str(edition.pk)]},
        "articles:detail": {"slug": [article.slug]},
        "articles:preview": {"token": [preview.token_for(link)]},
        "articles:series": {"slug": [series.slug]},
        "articles:series_feed": {"slug": [series.slug]},
        "articles:series_feed_atom": {"slug": [series.slug]},
        "articles:program": {"slug": [program.slug]},
        "articles:tag": {"slug": ["grids"]},
        "articles:tag_feed": {"slug": ["grids"]},
        "articles:tag_feed_atom": {"slug": ["grids"]},
    }


@pytest.fixture
def real(db):
    return seed()


def fill(route: str, arguments: dict[str, str]) -> str:
    """The path of ``route`` with each ``<converter:name>`` replaced, percent-encoded."""
    return "/" + CONVERTER.sub(lambda match: quote(arguments[match[1]], safe=""), route)


def answer(client: Client, url: str):
    response = client.get(url)
    exc = getattr(response, "exc_info", None)
    assert response.status_code < 500, f"{url} answered {response.status_code}: {exc}"
    return response


# --- What the sweep throws --------------------------------------------------------------

HUGE_NUMBERS = ["99999999999999999999", str(2**63), str(-(2**63) - 1), "9" * 5000]
NASTY = [
    "\x00",
    "a\x00b",
    "\x1b[2J",
    "\x7f",
    "\u0085",
    "\u202e",
    "²",
    "①",
    "٣",
    "1²",
    "-1",
    "0",
    "-0",
    "+2",
    " 2",
    "2.5",
    "1e9",
    "'\"\\<script>",
    "x" * 5000,
    *HUGE_NUMBERS,
]
# Cursors are <microseconds since 1970>.<id> (newsroom.pagination).
NASTY_CURSORS = ["①.1", "²1.1", "1.²", "1.①", "1.0", "1.-1", "-.1", ".", "1.", *HUGE_NUMBERS]
NASTY_CURSORS += [f"1.{number}" for number in HUGE_NUMBERS] + [f"{n}.1" for n in HUGE_NUMBERS]
RAW_PIECES = ["%00", "%FF", "%C2%B2", "%E2%91%A0", "%", "%zz", "&&", "=", "==", "page", "q="]


def encoded(text: str) -> str:
    return quote(text, safe="")


numbers = st.integers(min_value=-(2**80), max_value=2**80).map(str)
# Each value comes out percent-encoded, or as raw bytes percent-encoded (%FF, %00).
anything = st.one_of(
    st.sampled_from(NASTY).map(encoded),
    st.text(max_size=40).map(encoded),
    numbers,
    st.binary(max_size=12).map(lambda raw: quote_from_bytes(raw, safe="")),
)
page_numbers = st.one_of(st.sampled_from(["2", "3"]), anything)
cursors = st.one_of(
    st.sampled_from(NASTY_CURSORS).map(encoded), st.tuples(numbers, numbers).map(".".join), anything
)
# The parameters the public views read, and Django's sitemap view (``p``).
known = st.fixed_dictionaries(
    {},
    optional={
        "page": page_numbers,
        "before": cursors,
        "after": cursors,
        "p": page_numbers,
        **{name: anything for name in ("q", "series", "expert", "program")},
    },
)
unknown = st.one_of(
    st.tuples(st.text(min_size=1, max_size=10).map(encoded), anything).map("=".join),
    st.sampled_from(RAW_PIECES),
)
query_strings = st.tuples(known, st.lists(unknown, max_size=3)).map(
    lambda parts: "&".join([*(f"{k}={v}" for k, v in parts[0].items()), *parts[1]])
)
# Path arguments: for each of a pattern's converters (two at most), its real
# value (``pick`` chooses among several) or a random one of its kind.
path_arguments = st.fixed_dictionaries(
    {
        "real": st.tuples(st.booleans(), st.booleans()),
        "pick": st.integers(min_value=0, max_value=10),
        "SlugConverter": st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True),
        "IntConverter": st.one_of(
            st.just("0"), st.integers(min_value=0, max_value=10**25).map(str)
        ),
        "StringConverter": st.text(min_size=1, max_size=60).filter(lambda text: "/" not in text),
    }
)
REAL = {"real": (True, True), "pick": 0}


def arguments_for(path: dict, name: str, converters: dict, real: dict) -> dict[str, str]:
    arguments = {}
    for index, (arg, converter) in enumerate(converters.items()):
        if path["real"][index]:
            choices = real[name][arg]
            arguments[arg] = choices[path["pick"] % len(choices)]
        else:
            arguments[arg] = path[type(converter).__name__]
    return arguments


@pytest.mark.parametrize(("route", "name", "converters"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_every_public_pattern_reaches_its_view(real, route, name, converters):
    """The real path arguments give a page (or a 405 for POST-only URLs): the sweep
    below reaches each view, not only the resolver's 404."""
    assert len(converters) <= len(REAL["real"])
    assert not converters or name in real, f"give {name} real path arguments in seed()"
    url = fill(route, arguments_for(REAL, name, converters, real))
    assert answer(Client(), url).status_code in (200, 301, 302, 405), url


@pytest.mark.parametrize(("route", "name", "converters"), PATTERNS, ids=[p[0] for p in PATTERNS])
@settings(
    max_examples=25,
    deadline=None,
    database=None,  # nothing stored in .hypothesis/: each run draws afresh
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=path_arguments, query=query_strings)
# The inputs that once answered 500, on every pattern, besides what is generated.
@example(path=REAL, query="q=grid%00&series=alerts%00&expert=ana%00&program=energy%00")
@example(path=REAL, query="q=grid&page=%C2%B2")
@example(path=REAL, query="q=grid&page=%E2%91%A0")
@example(path=REAL, query="q=grid&page=99999999999999999999")
@example(path=REAL, query="page=2&before=%E2%91%A0.1")
@example(path=REAL, query="page=2&after=1.%C2%B2")
@example(path=REAL, query="page=2&before=1.99999999999999999999")
def test_generated_query_strings_never_answer_5xx(real, route, name, converters, path, query):
    url = f"{fill(route, arguments_for(path, name, converters, real))}?{query}"
    # A fresh client per example: no cookie carries over, and an exception in
    # the view comes back as the 500 a reader would get, not raised here.
    answer(Client(raise_request_exception=False), url)
