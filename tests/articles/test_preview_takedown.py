"""A shared preview link follows the piece: it dies when the piece is taken down,
and sends readers to the public page once the piece is live."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import preview, workflow
from articles.models import Article, PreviewLink
from tests.articles.conftest import article_in_state

pytestmark = pytest.mark.django_db

BODY = "<p>The embargoed findings on grid reform.</p>"


def shared_link(article, by):
    return preview.url_for(preview.create_link(article=article, by=by))


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_link_shows_the_body_while_the_piece_is_not_yet_live(client, editor, state):
    article = article_in_state(state, body=BODY)
    response = client.get(shared_link(article, editor))
    assert response.status_code == 200
    assert b"embargoed findings" in response.content


def test_link_to_a_live_piece_redirects_to_the_public_page(client, editor):
    article = article_in_state("draft", body=BODY)
    url = shared_link(article, editor)
    workflow.publish(article, editor)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert b"embargoed findings" not in response.content


def test_link_to_a_scheduled_piece_redirects_once_its_time_comes(client, editor):
    article = article_in_state("scheduled", body=BODY)
    url = shared_link(article, editor)
    with time_machine.travel(article.published_at + timedelta(minutes=1)):
        response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize("state", ["published", "scheduled"])
def test_unpublishing_kills_every_link_for_good(client, editor, state):
    article = article_in_state(state, body=BODY)
    url = shared_link(article, editor)
    workflow.unpublish(article, editor)
    response = client.get(url)
    assert response.status_code == 404
    assert b"embargoed findings" not in response.content
    # A draft again, and still a dead link: it named a piece that was taken down.
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    assert client.get(url).status_code == 404


def test_link_shared_before_publication_dies_when_the_piece_is_unpublished(client, editor):
    article = article_in_state("draft", body=BODY)
    url = shared_link(article, editor)
    workflow.publish(article, editor)
    assert client.get(url).status_code == 302
    workflow.unpublish(article, editor)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "published"])
def test_archiving_kills_every_link(client, editor, state):
    article = article_in_state(state, body=BODY)
    url = shared_link(article, editor)
    workflow.archive(article, editor)
    response = client.get(url)
    assert response.status_code == 404
    assert b"embargoed findings" not in response.content


def test_an_archived_piece_never_previews_whatever_archived_it(client, editor):
    article = article_in_state("draft", body=BODY)
    url = shared_link(article, editor)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.ARCHIVED)
    assert client.get(url).status_code == 404


def test_takedown_clears_the_links_from_the_admin_and_a_new_link_works(client, editor):
    article = article_in_state("published", body=BODY)
    old_url = shared_link(article, editor)
    workflow.unpublish(article, editor)
    assert not PreviewLink.objects.filter(article=article, revoked_at__isnull=True).exists()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert old_url not in page.content.decode()
    client.logout()
    new_url = shared_link(article, editor)
    assert client.get(new_url).status_code == 200
    assert client.get(old_url).status_code == 404


def test_other_transitions_leave_links_working(client, editor, contributor):
    article = article_in_state("draft", created_by=contributor, body=BODY)
    url = shared_link(article, contributor)
    workflow.submit(article, contributor)
    assert client.get(url).status_code == 200
    workflow.request_changes(article, editor, "Tighten the intro.")
    assert client.get(url).status_code == 200
    workflow.publish(article, editor, at=timezone.now() + timedelta(days=1))
    assert client.get(url).status_code == 200


def test_an_archived_piece_cannot_be_shared(client, editor):
    article = article_in_state("archived")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_share_preview", args=[article.pk]), follow=True
    )
    assert "cannot be shared" in response.content.decode()
    assert not PreviewLink.objects.exists()
