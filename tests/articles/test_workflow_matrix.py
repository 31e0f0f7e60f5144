"""Every role by every transition by every state: allowed, PermissionDenied or ValidationError."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent
from tests.articles.conftest import article_in_state

pytestmark = pytest.mark.django_db

ROLES = ["contributor", "other_contributor", "editor", "superuser", "outsider"]
STATES = ["draft", "in_review", "scheduled", "published", "archived"]
TRANSITIONS = ["submit", "request_changes", "publish", "schedule", "unpublish", "archive"]

# For a role allowed to try a transition: the states it applies to, and where it leads.
EDITORIAL = {
    "submit": ({"draft"}, "in_review"),
    "request_changes": ({"in_review"}, "draft"),
    "publish": ({"draft", "in_review", "scheduled", "archived"}, "published"),
    "schedule": ({"draft", "in_review", "scheduled", "archived"}, "scheduled"),
    "unpublish": ({"published", "scheduled"}, "draft"),
    "archive": ({"draft", "in_review", "scheduled", "published"}, "archived"),
}


def expected(role, transition, state):
    """("ok", new state) | ("denied", None) | ("invalid", None): docs/architecture.md, roles."""
    editorial = role in {"editor", "superuser"}
    owner_may = role == "contributor" and transition == "submit"
    if not (editorial or owner_may):
        return "denied", None
    states, to = EDITORIAL[transition]
    return ("ok", to) if state in states else ("invalid", None)


def run(transition, article, user):
    if transition == "submit":
        return workflow.submit(article, user)
    if transition == "request_changes":
        return workflow.request_changes(article, user, "Tighten the second paragraph.")
    if transition == "publish":
        return workflow.publish(article, user)
    if transition == "schedule":
        return workflow.publish(article, user, at=timezone.now() + timedelta(days=5))
    if transition == "unpublish":
        return workflow.unpublish(article, user)
    return workflow.archive(article, user)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(request, contributor, role, transition, state):
    user = request.getfixturevalue(role)
    article = article_in_state(state, created_by=contributor)
    before = Article.objects.values("status", "published_at").get(pk=article.pk)
    outcome, to = expected(role, transition, state)

    if outcome == "denied":
        with pytest.raises(PermissionDenied):
            run(transition, article, user)
    elif outcome == "invalid":
        with pytest.raises(ValidationError):
            run(transition, article, user)
    else:
        run(transition, article, user)

    article.refresh_from_db()
    if outcome == "ok":
        assert article.state == to
        event = ArticleEvent.objects.get(article=article)
        assert (event.actor, event.from_state, event.to_state) == (user, state, to)
    else:
        assert Article.objects.values("status", "published_at").get(pk=article.pk) == before
        assert not ArticleEvent.objects.filter(article=article).exists()


@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("state", STATES)
def test_contributor_crafted_admin_post_changes_only_what_the_matrix_allows(
    client, contributor, transition, state
):
    article = article_in_state(state, created_by=contributor)
    before = Article.objects.values("status", "published_at").get(pk=article.pk)
    client.force_login(contributor)
    url = reverse("admin:articles_article_transition", args=[article.pk, transition])
    response = client.post(url, {"comment": "x", "at": "2099-01-01T09:00"})
    outcome, to = expected("contributor", transition, state)
    article.refresh_from_db()
    if outcome == "denied":
        assert response.status_code == 403
        assert Article.objects.values("status", "published_at").get(pk=article.pk) == before
    elif outcome == "invalid":
        assert response.status_code == 302
        assert Article.objects.values("status", "published_at").get(pk=article.pk) == before
    else:
        assert response.status_code == 302
        assert article.state == to


def test_other_contributors_crafted_post_cannot_reach_the_piece(
    client, contributor, other_contributor
):
    article = article_in_state("draft", created_by=contributor)
    client.force_login(other_contributor)
    url = reverse("admin:articles_article_transition", args=[article.pk, "submit"])
    assert client.post(url).status_code == 404
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
