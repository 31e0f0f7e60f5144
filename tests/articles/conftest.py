"""Named personas for the editorial workflow tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_ready_article, make_user


@pytest.fixture
def contributor(db):
    return make_user("Contributors", username="cora", first_name="Cora", last_name="Writer")


@pytest.fixture
def other_contributor(db):
    return make_user("Contributors", username="otto")


@pytest.fixture
def editor(db):
    return make_user("Editors", username="edna", first_name="Edna", last_name="Desk")


@pytest.fixture
def outsider(db):
    return make_user(username="olive")


def article_in_state(state: str, **fields) -> Article:
    """A ready piece in one of the states a person sees (scheduled included)."""
    now = timezone.now()
    status, published_at = {
        "draft": (Article.Status.DRAFT, None),
        "in_review": (Article.Status.IN_REVIEW, None),
        "scheduled": (Article.Status.PUBLISHED, now + timedelta(days=2)),
        "published": (Article.Status.PUBLISHED, now - timedelta(days=1)),
        "archived": (Article.Status.ARCHIVED, now - timedelta(days=30)),
    }[state]
    return make_ready_article(status=status, published_at=published_at, **fields)
