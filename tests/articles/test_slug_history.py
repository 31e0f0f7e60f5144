"""An old address of a live piece belongs to that piece: no other piece can take it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from articles import workflow
from articles.models import ArticleSlug
from tests.articles.conftest import article_in_state
from tests.articles.test_workflow_admin import edit_data

pytestmark = pytest.mark.django_db


def rename(article, slug):
    old = article.slug
    article.slug = slug
    article.full_clean()
    article.save()
    workflow.record_slug_change(article=article, old_slug=old)


def article_data(article, **changes):
    """What the article form posts for the piece as it stands, with ``changes``."""
    return edit_data(article, article.version, **changes)


@pytest.fixture
def renamed_live_piece(editor):
    piece = article_in_state("published", slug="x", title="Grid reform explained")
    rename(piece, "y")
    return piece


def test_contributor_cannot_take_a_live_pieces_old_slug_in_the_admin(
    client, contributor, renamed_live_piece
):
    draft = article_in_state("draft", created_by=contributor, slug="b")
    client.force_login(contributor)
    response = client.post(
        reverse("admin:articles_article_change", args=[draft.pk]), article_data(draft, slug="x")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["slug"]
    assert errors == [
        "This address used to belong to another piece and still leads readers to it. "
        "Choose another slug."
    ]
    draft.refresh_from_db()
    assert draft.slug == "b"
    assert ArticleSlug.objects.get(slug="x").article == renamed_live_piece
    redirect = client.get("/articles/x/")
    assert redirect.status_code == 301 and redirect["Location"] == "/articles/y/"


def test_a_new_piece_cannot_be_created_under_an_old_slug(client, editor, renamed_live_piece):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Copycat",
            "slug": "x",
            "opened_version": "0",
            "article_authors-TOTAL_FORMS": "0",
            "article_authors-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert client.get("/articles/x/").status_code == 301


def test_the_service_layer_refuses_another_pieces_old_slug_and_changes_nothing(
    contributor, renamed_live_piece
):
    draft = article_in_state("draft", created_by=contributor, slug="b")
    draft.slug = "x"
    with pytest.raises(ValidationError) as refused:
        draft.full_clean()
    assert "slug" in refused.value.message_dict
    # A caller that skips full_clean() is refused by the history step, and its
    # transaction takes the save back with it.
    with pytest.raises(ValidationError), transaction.atomic():
        draft.save()
        workflow.record_slug_change(article=draft, old_slug="b")
    draft.refresh_from_db()
    assert draft.slug == "b"
    assert ArticleSlug.objects.get(slug="x").article == renamed_live_piece


def test_a_piece_takes_back_its_own_old_slug(client, renamed_live_piece):
    rename(renamed_live_piece, "x")
    assert client.get("/articles/x/").status_code == 200
    response = client.get("/articles/y/")
    assert response.status_code == 301 and response["Location"] == "/articles/x/"
    assert set(ArticleSlug.objects.values_list("slug", flat=True)) == {"y"}


def test_editor_taking_back_an_old_slug_in_the_admin_is_allowed(client, editor, renamed_live_piece):
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[renamed_live_piece.pk])
    response = client.post(url, article_data(renamed_live_piece, slug="x"))
    assert response.status_code == 302
    assert client.get("/articles/x/").status_code == 200
