"""Every staff change form carries the unsaved-changes warning, watching its own form."""

import pytest
from django.urls import reverse

from tests.factories import (
    make_author,
    make_edition,
    make_newsletter,
    make_photo,
    make_program,
    make_ready_article,
    make_series,
    make_user,
)

pytestmark = pytest.mark.django_db

SCRIPT = "admin/js/unsaved_changes.js"


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "make, model",
    [
        (make_ready_article, "articles_article"),
        (make_photo, "articles_photo"),
        (make_author, "authors_author"),
        (make_series, "articles_series"),
        (make_program, "articles_program"),
        (make_newsletter, "newsletter_newsletter"),
        (make_edition, "newsletter_edition"),
    ],
)
def test_change_and_add_forms_load_the_warning_for_their_form(admin_client, make, model):
    name = model.split("_", 1)[1]
    for url in (
        reverse(f"admin:{model}_change", args=[make().pk]),
        reverse(f"admin:{model}_add"),
    ):
        page = admin_client.get(url).content.decode()
        assert SCRIPT in page, url
        assert f'data-form="{name}_form"' in page and f'id="{name}_form"' in page, url
        assert "data-shown-back" not in page, url


def test_a_form_shown_back_after_a_post_counts_as_unsaved(admin_client):
    response = admin_client.post(reverse("admin:authors_author_add"), {"name": ""})
    assert response.status_code == 200
    assert 'data-shown-back="1"' in response.content.decode()
