"""The reader's journey, checked by axe-core and the Nu HTML Checker at phone and desktop widths."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.e2e.checkers import axe_violations, describe_axe, vnu_errors
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(live):
    call_command("seed_demo", stdout=io.StringIO())
    return live


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_reader_goes_from_home_to_article_to_expert_to_tag(demo, page, shoot, viewport):
    page.set_viewport_size(viewport)
    width = viewport["width"]
    page.goto(demo + "/")
    first = Article.objects.live().first()
    page.get_by_role("link", name=first.title).first.click()
    page.wait_for_url(f"**{first.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == first.title
    assert (
        page.locator("figure figcaption").inner_text().endswith(f"({first.lead_photo.credit_line})")
    )
    shoot(page, f"article-{width}")

    author = first.ordered_authors()[0]
    page.locator(".byline").get_by_role("link", name=author.name).click()
    page.wait_for_url(f"**{author.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == author.name
    shoot(page, f"expert-{width}")

    page.go_back()
    tag = first.tags.order_by("name").first()
    page.get_by_role("list", name="Topics").get_by_role("link", name=tag.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == tag.name
    assert page.get_by_role("link", name=first.title).count() >= 1
    shoot(page, f"tag-{width}")


def _public_pages():
    article = Article.objects.live().select_related("series__program").first()
    author = article.ordered_authors()[0]
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "series": article.series.get_absolute_url(),
        "program": article.series.program.get_absolute_url(),
        "tag": f"/tags/{article.tags.first().slug}/",
        "experts": "/experts/",
        "expert": author.get_absolute_url(),
        "not-found": "/no-such-page/",
    }


def test_public_pages_pass_axe_without_serious_violations(demo, page, shoot):
    failures = []
    for name, path in _public_pages().items():
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            page.goto(demo + path)
            shot = shoot(page, f"{name}-{viewport['width']}")
            found = axe_violations(page)
            if found:
                failures.append(
                    f"{name} ({path}) at {viewport['width']}px, see {shot}:\n" + describe_axe(found)
                )
    assert not failures, "\n\n".join(failures)


def test_public_pages_are_valid_html(demo, page, artifacts):
    files = []
    for name, path in _public_pages().items():
        response = page.request.get(demo + path)
        target = artifacts / f"{name}.html"
        target.write_text(response.text())
        files.append(target)
    errors = vnu_errors(files)
    assert not errors, (
        "Nu HTML Checker errors (sources in " + str(artifacts) + "):\n" + "\n".join(errors)
    )
