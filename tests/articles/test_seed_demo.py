import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands

from articles.models import Article, Photo, Series
from authors.models import Author

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Article.objects.count(),
        Photo.objects.count(),
        Author.objects.count(),
        Series.objects.count(),
        get_user_model().objects.count(),
    )


def test_seed_demo_loads_a_realistic_newsroom_and_can_run_twice(client):
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first

    assert Article.objects.live().count() >= 30
    assert Author.objects.filter(title__gt="", bio__gt="").count() >= 6
    assert Series.objects.count() == 2
    for article in Article.objects.for_listing().select_related("lead_photo"):
        assert article.ordered_authors(), article
        assert article.tags.exists(), article
        photo = article.lead_photo
        assert photo.credit and photo.alt_text and photo.caption and photo.width == 1600
    dates = sorted(Article.objects.values_list("published_at", flat=True))
    assert (dates[-1] - dates[0]).days >= 21  # spread over recent weeks
    assert get_user_model().objects.get(username="admin").is_superuser
    assert client.get("/").status_code == 200
    assert client.get(Article.objects.live().first().get_absolute_url()).status_code == 200


def test_seed_demo_is_a_command_of_the_app_that_owns_the_demo_content():
    assert get_commands()["seed_demo"] == "articles"


def test_demo_pieces_do_not_claim_an_update(client):
    call_command("seed_demo", stdout=io.StringIO())
    article = Article.objects.live().order_by("published_at").first()
    assert article.updated_at == article.published_at
    assert b"Updated" not in client.get(article.get_absolute_url()).content


def test_demo_fellows_have_headshots(client):
    call_command("seed_demo", stdout=io.StringIO())
    author = Author.objects.get(slug="marta-kowalczyk")
    assert author.headshot and author.headshot.width == 400
    assert author.headshot.url in client.get(author.get_absolute_url()).content.decode()


def test_two_people_editing_a_demo_piece_are_merged_not_stopped_on_every_field(client):
    from tests.articles.test_workflow_admin import change_url, edit_data

    call_command("seed_demo", stdout=io.StringIO())
    article = Article.objects.order_by("pk").first()
    opened = article.version
    assert article.revisions.filter(number=opened).exists()

    client.force_login(get_user_model().objects.get(username="editor"))
    first = edit_data(article, opened, dek="The editor's new dek.")
    assert client.post(change_url(article), first).status_code == 302
    # A colleague's form, opened at the same version, changes only the title.
    second = edit_data(article, opened, title="A colleague's new title")
    client.force_login(get_user_model().objects.get(username="admin"))
    assert client.post(change_url(article), second).status_code == 302

    article.refresh_from_db()
    assert (article.title, article.dek) == ("A colleague's new title", "The editor's new dek.")
