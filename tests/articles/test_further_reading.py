"""'Further reading': an editor's picks, then suggestions chosen on save and stored as data.

The suggestions are chosen when a piece is saved through the admin, published
or scheduled, retagged, or by ``refresh_further_reading``; a page read only
reads them, through ``live()``, so a piece taken offline leaves at once.
"""

import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import related, workflow
from articles.models import Article, SuggestedReading
from tests.articles.conftest import article_in_state
from tests.articles.test_workflow_admin import edit_data
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def _ago(days: float):
    return timezone.now() - timedelta(days=days)


def suggested(article) -> list[str]:
    return [row.suggestion.title for row in article.suggestions.select_related("suggestion")]


def shown(client, article) -> list[str]:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return [piece.title for piece in response.context["further"]]


@pytest.fixture
def grid_piece():
    return make_article(title="The grid piece", tags=["grid"], published_at=_ago(0.5))


def test_page_shows_hand_picked_first_then_stored_suggestions(client, grid_piece):
    make_article(title="Grid older", tags=["grid"], published_at=_ago(3))
    make_article(title="Grid newer", tags=["grid"], published_at=_ago(1))
    picked = make_article(title="Picked, unrelated", published_at=_ago(40))
    grid_piece.further_reading.add(picked)
    related.refresh(grid_piece)
    assert shown(client, grid_piece) == ["Picked, unrelated", "Grid newer", "Grid older"]
    page = client.get(grid_piece.get_absolute_url()).content.decode()
    assert page.index("Picked, unrelated") < page.index("Grid newer") < page.index("Grid older")


def test_a_piece_picked_and_suggested_shows_once_and_only_four_show(client, grid_piece):
    for day in range(1, 7):
        make_article(title=f"Grid {day}", tags=["grid"], published_at=_ago(day))
    related.refresh(grid_piece)
    grid_piece.further_reading.add(Article.objects.get(title="Grid 3"))
    assert shown(client, grid_piece) == ["Grid 3", "Grid 1", "Grid 2", "Grid 4"]


def test_a_suggested_piece_taken_offline_leaves_at_once_without_choosing_again(
    client, editor, grid_piece
):
    leaving = make_article(title="Grid leaving", tags=["grid"], published_at=_ago(1))
    make_article(title="Grid staying", tags=["grid"], published_at=_ago(2))
    related.refresh(grid_piece)
    assert shown(client, grid_piece) == ["Grid leaving", "Grid staying"]
    workflow.unpublish(leaving, by=editor)
    assert shown(client, grid_piece) == ["Grid staying"]
    # Nothing was chosen again: the stored suggestion is only hidden.
    assert suggested(grid_piece) == ["Grid leaving", "Grid staying"]


def test_publishing_chooses_the_suggestions(client, editor):
    make_article(title="Grid live", tags=["grid"], published_at=_ago(1))
    draft = article_in_state("draft", tags=["grid"])
    SuggestedReading.objects.filter(article=draft).delete()  # as before this change
    workflow.publish(draft, by=editor)
    assert suggested(draft) == ["Grid live"]
    assert shown(client, draft) == ["Grid live"]


def test_scheduling_chooses_the_suggestions(editor):
    make_article(title="Grid live", tags=["grid"], published_at=_ago(1))
    draft = article_in_state("draft", tags=["grid"])
    SuggestedReading.objects.filter(article=draft).delete()
    workflow.publish(draft, by=editor, at=timezone.now() + timedelta(days=1))
    assert suggested(draft) == ["Grid live"]


def test_a_tag_change_chooses_again(grid_piece):
    make_article(title="Hydro piece", tags=["hydro"], published_at=_ago(1))
    make_article(title="Grid piece", tags=["grid"], published_at=_ago(2))
    grid_piece.tags.add("hydro")
    assert suggested(grid_piece) == ["Hydro piece", "Grid piece"]
    grid_piece.tags.remove("grid")
    assert suggested(grid_piece) == ["Hydro piece"]


def test_saving_in_the_admin_chooses_again(admin_client, grid_piece):
    make_article(title="Grid newcomer", tags=["grid"], published_at=_ago(0.2))
    assert suggested(grid_piece) == []
    url = reverse("admin:articles_article_change", args=[grid_piece.pk])
    response = admin_client.post(url, edit_data(grid_piece, grid_piece.version, dek="Edited."))
    assert response.status_code == 302
    assert suggested(grid_piece) == ["Grid newcomer"]


def test_the_command_lets_newer_pieces_in_and_dry_run_changes_nothing(client, grid_piece):
    make_article(title="Grid newcomer", tags=["grid"], published_at=_ago(0.2))
    old = make_article(title="Old grid piece", tags=["grid"], published_at=_ago(90))
    SuggestedReading.objects.filter(article=old).delete()
    out = io.StringIO()
    call_command("refresh_further_reading", "--dry-run", stdout=out)
    assert "would change for 2 of 2 piece(s)" in out.getvalue()  # the newcomer too
    assert suggested(grid_piece) == []

    call_command("refresh_further_reading", stdout=io.StringIO())
    assert suggested(grid_piece) == ["Grid newcomer", "Old grid piece"]
    assert shown(client, grid_piece) == ["Grid newcomer", "Old grid piece"]
    assert suggested(old) == []  # older than 30 days: only with --all

    call_command("refresh_further_reading", "--all", stdout=io.StringIO())
    assert suggested(old) == ["Grid newcomer", "The grid piece"]


def test_the_scheduler_runs_the_command_daily(settings):
    assert ("refresh_further_reading", 24 * 60 * 60) in settings.SCHEDULED_COMMANDS


@pytest.mark.parametrize("count", [1, 8])
def test_page_query_count_does_not_grow_with_suggestions(
    client, django_assert_num_queries, grid_piece, count
):
    for _ in range(count):
        make_article(tags=["grid"], authors=[make_author()], published_at=_ago(1))
    related.refresh(grid_piece)
    # article with its series and photo, further reading's candidates and the
    # pieces, its and their authors, its tags
    with django_assert_num_queries(5):
        assert client.get(grid_piece.get_absolute_url()).status_code == 200


def test_no_cache_entry_is_written_for_further_reading(client, grid_piece, settings, monkeypatch):
    make_article(title="Grid related", tags=["grid"], published_at=_ago(1))
    related.refresh(grid_piece)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    cache.clear()
    written = []
    monkeypatch.setattr(cache, "set", lambda key, *a, **k: written.append(key))
    monkeypatch.setattr(cache, "set_many", lambda data, *a, **k: written.extend(data))
    monkeypatch.setattr(cache, "add", lambda key, *a, **k: written.append(key))
    assert "Grid related" in client.get(grid_piece.get_absolute_url()).content.decode()
    assert written == []


def test_seed_demo_pieces_have_further_reading(client):
    call_command("seed_demo", stdout=io.StringIO())
    newest = Article.objects.live().first()
    assert SuggestedReading.objects.filter(article=newest).count() == related.SUGGESTIONS
    assert len(shown(client, newest)) == related.FURTHER_READING


def test_the_migration_chooses_what_the_rule_chooses_for_every_live_piece(monkeypatch):
    migration = importlib.import_module("articles.migrations.0012_choose_suggested_reading")
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    pieces = [
        make_article(tags=["grid", "hydro"][: 1 + day % 2], published_at=_ago(day))
        for day in range(1, 6)
    ]
    expected = {piece.pk: related.choose(piece) for piece in pieces}
    SuggestedReading.objects.all().delete()
    migration.choose_all(django_apps, schema_editor=None)
    assert {piece.pk: related.stored(piece) for piece in pieces} == expected
    assert all(expected.values())
