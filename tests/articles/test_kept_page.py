"""An article page kept whole for anonymous readers (newsroom.kept_pages).

After a change elsewhere drops the page cache, one query checks the versions
the kept page was rendered from and the stored page answers; whatever it shows
that changed must show at once, and a piece that moved or went offline must
never be served from it.
"""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles import related, workflow
from articles.models import Article
from newsroom import kept_pages
from tests.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece():
    return make_article(
        title="The piece",
        slug="the-piece",
        body="<p>Original body.</p>",
        authors=[make_author(name="Ada Fellow")],
        tags=["trade"],
    )


def publish_another(capture, **fields):
    with capture(execute=True):
        return make_article(**{"title": "Another piece", **fields})


def get(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response


def nonces(response) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', response.content.decode()))


def test_after_another_publish_the_kept_page_answers_with_one_query(
    client, piece, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = get(client, piece.get_absolute_url())
    publish_another(django_capture_on_commit_callbacks)
    # the cache state (next scheduled piece); the versions, in one query
    with django_assert_num_queries(2):
        kept = get(client, piece.get_absolute_url())
    assert kept.content == first.content
    assert "Original body." in kept.content.decode()
    # The policy names the nonce the stored markup carries, as for a page-cache hit.
    (nonce,) = nonces(kept)
    assert f"'nonce-{nonce}'" in kept["Content-Security-Policy"]
    assert kept["ETag"] == first["ETag"]


def test_an_edit_of_the_piece_shows_at_once(client, piece, django_capture_on_commit_callbacks):
    get(client, piece.get_absolute_url())
    publish_another(django_capture_on_commit_callbacks)
    get(client, piece.get_absolute_url())  # answered from the kept page
    with django_capture_on_commit_callbacks(execute=True):
        piece.body = "<p>Edited body.</p>"
        piece.save()
    shown = get(client, piece.get_absolute_url()).content.decode()
    assert "Edited body." in shown and "Original body." not in shown


def test_a_piece_taken_offline_is_not_served_from_its_kept_page(
    client, piece, django_capture_on_commit_callbacks
):
    get(client, piece.get_absolute_url())
    publish_another(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(piece, make_user("Editors"))
    assert client.get(piece.get_absolute_url()).status_code == 404


def test_a_renamed_piece_redirects_from_the_slug_it_was_kept_under(
    client, piece, django_capture_on_commit_callbacks
):
    get(client, "/articles/the-piece/")
    with django_capture_on_commit_callbacks(execute=True):
        piece.slug = "a-better-name"
        piece.save()
        workflow.record_slug_change(article=piece, old_slug="the-piece")
    response = client.get("/articles/the-piece/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/a-better-name/"
    assert "Original body." in get(client, "/articles/a-better-name/").content.decode()


def test_a_further_reading_piece_taken_offline_leaves_the_page_at_once(
    client, piece, django_capture_on_commit_callbacks
):
    leaving = make_article(title="Related, soon gone", tags=["trade"])
    related.refresh(piece)
    assert "Related, soon gone" in get(client, piece.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        leaving.status = Article.Status.ARCHIVED
        leaving.save()
    assert "Related, soon gone" not in get(client, piece.get_absolute_url()).content.decode()


def test_further_reading_chosen_again_reaches_the_kept_page(
    client, piece, django_capture_on_commit_callbacks
):
    get(client, piece.get_absolute_url())
    publish_another(django_capture_on_commit_callbacks, title="Newly related", tags=["trade"])
    assert "Newly related" not in get(client, piece.get_absolute_url()).content.decode()
    # The piece's own version is unchanged, but the page shows the new choice.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refresh_further_reading", verbosity=0)
    assert "Newly related" in get(client, piece.get_absolute_url()).content.decode()


def test_staff_are_never_answered_from_the_kept_page(
    client, piece, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    get(client, piece.get_absolute_url())
    publish_another(django_capture_on_commit_callbacks)
    client.force_login(make_user("Editors"))
    with django_assert_max_num_queries(20) as queries:
        get(client, piece.get_absolute_url())
    assert any('"articles_article"."body"' in q["sql"] for q in queries.captured_queries)


def test_a_deploy_of_new_static_files_alone_does_not_use_kept_pages(monkeypatch):
    from django.contrib.staticfiles.storage import staticfiles_storage

    before = kept_pages.key("/articles/the-piece/")
    monkeypatch.setattr(staticfiles_storage, "manifest_hash", "new-styles", raising=False)
    assert kept_pages.key("/articles/the-piece/") != before


def test_with_the_setting_at_zero_no_page_is_kept(client, piece, settings):
    settings.PAGE_PARTS_CACHE_SECONDS = 0
    get(client, piece.get_absolute_url())
    assert cache.get(kept_pages.key("/articles/the-piece/")) is None


def test_the_kept_page_answers_before_the_view_with_the_headers_it_was_sent_with(
    client, piece, monkeypatch, django_capture_on_commit_callbacks
):
    from articles.views.article import ArticleDetailView

    first = get(client, piece.get_absolute_url())
    publish_another(django_capture_on_commit_callbacks)

    def no_view(*args, **kwargs):
        raise AssertionError("the view ran")

    monkeypatch.setattr(ArticleDetailView, "get", no_view)
    kept = get(client, piece.get_absolute_url())
    assert kept.content == first.content
    for header in ("Content-Security-Policy", "X-Frame-Options", "ETag", "Cache-Control"):
        assert kept[header] == first[header]
