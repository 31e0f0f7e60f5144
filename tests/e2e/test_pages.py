"""Every public page type, checked by tools we did not write, with screenshots.

axe-core (serious and critical violations) at 390 and 1280 px, and the Nu HTML
Checker on each page's source as served. One seeded database for all of it.
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles import preview
from articles.models import Article
from newsletter import schedule, sending, subscriptions, tokens
from newsletter.models import Newsletter, Subscriber
from tests.e2e.checkers import axe_violations, describe_axe, vnu_errors
from tests.e2e.conftest import DESKTOP, PHONE
from tests.factories import make_ready_article

pytestmark = pytest.mark.django_db(transaction=True)


def _sent_edition(newsletter, settings):
    settings.NEWSLETTER_SEND_RATE = 0
    edition = schedule.compose(newsletter=newsletter, slot=timezone.now())
    assert edition is not None, f"nothing new to send in {newsletter}"
    edition = sending.start_send(edition=edition)
    assert sending.run(edition_id=edition.pk)
    return edition


def _pending_confirm_url(newsletter, address):
    subscriptions.request_subscription(email=address, newsletters=[newsletter])
    subscriber = Subscriber.objects.get(email=address)
    return subscriptions.confirm_url(subscriber, [newsletter])


def get(path):
    """A page reached by following a link."""

    def visit(page, base):
        return page.goto(base + path)

    return visit


def post_from(path, button, *, fill=None, check=()):
    """A page that answers a form: open ``path``, fill it in, press ``button``.

    Submits natively (``form.submit()`` skips the sign-up box's in-place script),
    so the answer is the page a reader without JavaScript gets.
    """

    def visit(page, base):
        page.goto(base + path)
        for label, value in (fill or {}).items():
            page.get_by_label(label).first.fill(value)
        for label in check:
            page.get_by_label(label).check()
        form = page.get_by_role("button", name=button).first
        with page.expect_navigation(wait_until="load") as answer:
            form.evaluate(
                "b => { setTimeout(() => HTMLFormElement.prototype.submit.call(b.form), 0); }"
            )
        assert answer.value.request.method == "POST", answer.value.request.method
        return answer.value

    return visit


@pytest.fixture
def site(demo, settings):
    """Every public page type of the seeded site, as ``name: visit(page, base)``."""
    article = Article.objects.live().select_related("series__program").first()
    author = article.ordered_authors()[0]
    dispatch = Newsletter.objects.get(slug="friday-dispatch")
    edition = _sent_edition(dispatch, settings)
    reader = Subscriber.objects.get(email="ada.reader@example.org")
    editor = get_user_model().objects.get(username="editor")
    draft = make_ready_article(title="A draft on tidal energy", series=article.series)
    link = preview.create_link(article=draft, by=editor)
    base = len(settings.SITE_URL)
    confirm = {
        width: _pending_confirm_url(dispatch, f"new-{width}@example.org")[base:]
        for width in (PHONE["width"], DESKTOP["width"])
    }
    unsubscribe = tokens.unsubscribe_url(reader, dispatch)[base:]
    return {
        "home": lambda width: get("/"),
        "article": lambda width: get(article.get_absolute_url()),
        "series": lambda width: get(article.series.get_absolute_url()),
        "program": lambda width: get(article.series.program.get_absolute_url()),
        "tag": lambda width: get(f"/tags/{article.tags.first().slug}/"),
        "experts": lambda width: get("/experts/"),
        "expert": lambda width: get(author.get_absolute_url()),
        "search": lambda width: get("/search/?q=water"),
        "search-empty": lambda width: get("/search/?q=zzzqqq"),
        "not-found": lambda width: get("/no-such-page/"),
        "preview": lambda width: get(preview.url_for(link)),
        "newsletters": lambda width: get("/newsletters/"),
        "subscribe-result": lambda width: post_from(
            "/newsletters/",
            "Subscribe",
            fill={"Email address": f"list-{width}@example.org"},
            check=["Friday Dispatch"],
        ),
        "archive": lambda width: get(f"/newsletters/{dispatch.slug}/archive/"),
        "edition": lambda width: get(edition.get_absolute_url()),
        "confirm": lambda width: get(confirm[width]),
        "confirmed": lambda width: post_from(confirm[width], "Yes, subscribe me"),
        "preferences": lambda width: get(tokens.preferences_url(reader)[base:]),
        "unsubscribe": lambda width: get(unsubscribe),
        "unsubscribed": lambda width: post_from(unsubscribe, "Unsubscribe"),
        "bad-link": lambda width: get("/newsletters/confirm/not-a-token/"),
    }


EXPECTED_STATUS = {"not-found": 404, "bad-link": 400}


def test_every_public_page_type_passes_axe_and_the_nu_html_checker(
    site, demo, page, shoot, artifacts
):
    failures, sources = [], []
    for viewport in (PHONE, DESKTOP):
        width = viewport["width"]
        page.set_viewport_size(viewport)
        for name, visit_for in site.items():
            response = visit_for(width)(page, demo)
            shot = shoot(page, f"{name}-{width}")
            status = EXPECTED_STATUS.get(name, 200)
            if response.status != status:
                failures.append(f"{name} answered {response.status}, not {status}; see {shot}")
                continue
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            if overflow > width:
                failures.append(f"{name} is {overflow}px wide at {width}px; see {shot}")
            found = axe_violations(page)
            if found:
                failures.append(
                    f"axe: {name} at {width}px ({page.url}), see {shot}:\n" + describe_axe(found)
                )
            if viewport is DESKTOP:
                source = artifacts / f"{name}.html"
                source.write_text(response.text())
                sources.append(source)
    errors = vnu_errors(sources)
    if errors:
        failures.append(
            f"Nu HTML Checker (sources and screenshots in {artifacts}):\n" + "\n".join(errors)
        )
    assert not failures, "\n\n".join(failures)
