"""Plain-text fields readers see refuse invisible control characters, and a feed
stays writable even when one was stored behind the models' back."""

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Article
from tests.articles.test_workflow_admin import change_url, edit_data
from tests.factories import make_article, make_author, make_photo, make_series

pytestmark = pytest.mark.django_db

VERTICAL_TAB = "\x0b"  # what a line break pasted from a word processor often becomes


@pytest.mark.parametrize(
    "make, field",
    [
        (make_article, "title"),
        (make_article, "dek"),
        (make_article, "seo_description"),
        (make_author, "name"),
        (make_author, "description"),
        (make_series, "name"),
        (make_series, "description"),
        (make_photo, "credit"),
        (make_photo, "alt_text"),
        (make_photo, "caption"),
    ],
)
def test_control_characters_are_refused_with_a_clear_message(make, field):
    obj = make()
    setattr(obj, field, f"Before{VERTICAL_TAB}after")
    with pytest.raises(ValidationError) as refused:
        obj.full_clean()
    assert "control character" in str(refused.value.message_dict[field])


def test_line_breaks_and_tabs_stay_allowed_in_plain_text():
    article = make_article(dek="First line.\r\nSecond\tline.")
    article.full_clean()


def test_the_admin_form_refuses_a_pasted_control_character_and_saves_nothing(client, superuser):
    article = make_article(title="Clean title")
    client.force_login(superuser)
    response = client.post(
        change_url(article), edit_data(article, article.version, title=f"Bad{VERTICAL_TAB}title")
    )
    assert response.status_code == 200
    assert "control character" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Clean title"


def test_a_feed_drops_a_control_character_stored_behind_the_models_back(client):
    article = make_article(title="Sanctions", dek="A dek")
    Article.objects.filter(pk=article.pk).update(
        title=f"Sanc{VERTICAL_TAB}tions", dek=f"A{VERTICAL_TAB} dek"
    )
    for name in ("articles:feed", "articles:feed_atom"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        entry = feedparser.parse(response.content).entries[0]
        assert entry.title == "Sanctions"
        assert entry.summary == "A dek"
