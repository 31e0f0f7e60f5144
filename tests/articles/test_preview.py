from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles import preview
from articles.models import PreviewLink
from tests.articles.conftest import article_in_state

pytestmark = pytest.mark.django_db


def assert_private(response):
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert b'<meta name="robots" content="noindex, nofollow">' in response.content


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "archived"])
def test_staff_preview_renders_the_public_page_with_a_banner(client, editor, state):
    article = article_in_state(state, title="Unreleased analysis")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert response.status_code == 200
    assert b"Preview \xe2\x80\x94 not published" in response.content
    assert b"Unreleased analysis" in response.content
    assert_private(response)


def test_the_public_page_has_no_banner_and_no_noindex(client):
    article = article_in_state("published")
    response = client.get(article.get_absolute_url())
    assert b"not published" not in response.content and b"noindex" not in response.content


def test_contributor_cannot_preview_someone_elses_piece(client, contributor, other_contributor):
    article = article_in_state("draft", created_by=other_contributor)
    client.force_login(contributor)
    assert (
        client.get(reverse("admin:articles_article_preview", args=[article.pk])).status_code == 404
    )


def test_shared_link_lets_a_fellow_without_an_account_read_the_draft(client, editor):
    article = article_in_state("draft", title="Fellow's draft")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_share_preview", args=[article.pk]), follow=True
    )
    link = PreviewLink.objects.get(article=article)
    url = preview.url_for(link)
    assert url in response.content.decode()
    client.logout()
    shared = client.get(url)
    assert shared.status_code == 200
    assert b"Preview \xe2\x80\x94 not published" in shared.content
    assert_private(shared)


def test_shared_link_expires_after_seven_days(client, editor):
    article = article_in_state("draft")
    link = preview.create_link(article=article, by=editor)
    url = preview.url_for(link)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        assert client.get(url).status_code == 404


def test_revoked_link_answers_404(client, editor):
    article = article_in_state("draft")
    link = preview.create_link(article=article, by=editor)
    client.force_login(editor)
    client.post(reverse("admin:articles_article_revoke_preview", args=[article.pk, link.pk]))
    client.logout()
    assert client.get(preview.url_for(link)).status_code == 404


def test_forged_or_altered_tokens_answer_404(client, editor):
    article = article_in_state("draft")
    other = article_in_state("draft")
    link = preview.create_link(article=article, by=editor)
    token = preview.token_for(link)
    forged = signing.dumps({"link": link.pk, "article": link.article_id}, salt="other")
    swapped = signing.Signer(salt=preview.SALT).sign_object({"link": link.pk, "article": other.pk})
    timestamped = signing.dumps({"link": link.pk, "article": other.pk}, salt=preview.SALT)
    for bad in [token[:-2] + "xx", forged, swapped, timestamped, "nonsense"]:
        assert client.get(reverse("articles:preview", args=[bad])).status_code == 404


def test_contributor_cannot_share_someone_elses_piece(contributor, other_contributor):
    article = article_in_state("draft", created_by=other_contributor)
    with pytest.raises(preview.PermissionDenied):
        preview.create_link(article=article, by=contributor)
    assert not PreviewLink.objects.exists()


def test_shared_preview_query_count_does_not_grow_with_authors(
    client, editor, django_assert_num_queries
):
    from tests.factories import make_author

    article = article_in_state("draft", authors=[make_author() for _ in range(6)])
    url = preview.url_for(preview.create_link(article=article, by=editor))
    # link, article, authors, tags
    # link, article, authors, tags, further reading (the public page's own context)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
