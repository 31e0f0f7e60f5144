"""With JavaScript off, a reader can still read, search and subscribe."""

import pytest
from django.core import mail

from articles.models import Article
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_without_javascript_reads_searches_and_subscribes(
    demo, browser, artifacts, settings
):
    # The sign-up's task (which sends the mail) runs at once, not in a worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    article = Article.objects.live().first()

    page.goto(demo + "/")
    page.get_by_role("link", name=article.title).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == article.title

    page.get_by_role("searchbox").first.fill(article.title.split()[-1])
    page.get_by_role("button", name="Search").first.click()
    assert page.get_by_role("link", name=article.title).count() >= 1

    page.goto(demo + article.get_absolute_url())
    box = page.locator(".stay-updated")
    box.get_by_label("Email address").fill("no-script@example.org")
    box.get_by_role("button", name="Subscribe").click()
    page.screenshot(path=str(artifacts / "subscribed-without-js.png"), full_page=True)
    assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"
    assert [m.to for m in mail.outbox if "no-script@example.org" in m.to] == [
        ["no-script@example.org"]
    ]
    context.close()
