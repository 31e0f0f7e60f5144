"""Autosave and recovery: each person's unsaved form kept as their own draft of a piece."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import editing
from articles.models import ArticleDraft, ArticleRevision
from tests.articles.conftest import article_in_state
from tests.articles.test_workflow_admin import change_url, edit_data
from tests.factories import make_photo, make_user

pytestmark = pytest.mark.django_db

# 10:14 in the newsroom (settings.TIME_ZONE).
MORNING = datetime.datetime(2030, 5, 1, 10, 14, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture(autouse=True)
def newsroom_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"


def autosave_url(article):
    return reverse("admin:articles_article_autosave", args=[article.pk])


def discard_url(article):
    return reverse("admin:articles_article_discard_draft", args=[article.pk])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def autosave(client, article, **changes):
    return client.post(autosave_url(article), edit_data(article, article.version, **changes))


def restore_data(page: str) -> dict:
    found = re.search(r'<script id="article-draft" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1)) if found else {}


def test_autosave_keeps_the_form_as_my_draft_and_leaves_the_piece_alone(editor):
    article = article_in_state("draft", dek="The dek as saved.")
    revisions_before = ArticleRevision.objects.count()
    response = autosave(logged_in(editor), article, dek="A dek typed but not saved.")
    assert response.status_code == 200
    draft = ArticleDraft.objects.get(article=article, user=editor)
    assert draft.data["dek"] == ["A dek typed but not saved."]
    assert draft.opened_version == article.version
    article.refresh_from_db()
    assert article.dek == "The dek as saved."
    assert ArticleRevision.objects.count() == revisions_before


def test_a_second_autosave_replaces_the_draft(editor):
    article = article_in_state("draft")
    client = logged_in(editor)
    autosave(client, article, dek="First try.")
    autosave(client, article, dek="Second try.")
    assert ArticleDraft.objects.get(article=article, user=editor).data["dek"] == ["Second try."]


def test_reopening_the_piece_offers_the_restore_with_the_typed_values(editor):
    article = article_in_state("draft")
    with time_machine.travel(MORNING, tick=False):
        client = logged_in(editor)
        autosave(client, article, dek="Typed before the tab closed.", body="<p>New para.</p>")
        page = client.get(change_url(article)).content.decode()
    assert "Restore your unsaved changes from 10:14" in page
    assert ">Discard</button>" in page
    restore = restore_data(page)
    assert restore["fields"]["dek"] == ["Typed before the tab closed."]
    assert restore["fields"]["body"] == ["<p>New para.</p>"]
    assert restore["opened_version"] == article.version


def test_restore_keeps_the_version_the_draft_was_typed_on(editor):
    article = article_in_state("draft")
    typed_on = article.version
    client = logged_in(editor)
    autosave(client, article, dek="Typed on the old version.")
    # A colleague saves meanwhile: the piece moves on.
    colleague = logged_in(make_user("Editors", username="ed2"))
    colleague.post(change_url(article), edit_data(article, typed_on, title="Colleague's title"))
    article.refresh_from_db()
    assert article.version > typed_on
    restore = restore_data(client.get(change_url(article)).content.decode())
    assert restore["opened_version"] == typed_on


def test_restore_names_a_newly_chosen_photo_for_the_autocomplete_box(editor):
    article = article_in_state("draft")
    other = make_photo(caption="Flood barrier at dusk")
    client = logged_in(editor)
    autosave(client, article, lead_photo=str(other.pk))
    restore = restore_data(client.get(change_url(article)).content.decode())
    assert restore["labels"]["lead_photo"] == {str(other.pk): str(other)}


def test_drafts_are_per_person(editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    autosave(logged_in(contributor), article, dek="Cora's unsaved dek.")
    page = logged_in(editor).get(change_url(article)).content.decode()
    assert "Restore your unsaved changes" not in page
    assert "Cora's unsaved dek" not in page
    autosave(logged_in(editor), article, dek="Edna's unsaved dek.")
    drafts = dict(ArticleDraft.objects.values_list("user__username", "data__dek"))
    assert drafts == {"cora": ["Cora's unsaved dek."], "edna": ["Edna's unsaved dek."]}


def test_discard_deletes_only_my_draft(editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    autosave(logged_in(contributor), article, dek="Cora's.")
    client = logged_in(editor)
    autosave(client, article, dek="Edna's.")
    response = client.post(discard_url(article), follow=True)
    assert "Your unsaved changes were discarded." in response.content.decode()
    assert "Restore your unsaved changes" not in response.content.decode()
    assert list(ArticleDraft.objects.values_list("user__username", flat=True)) == ["cora"]


def test_discard_from_the_page_script_answers_json(editor):
    article = article_in_state("draft")
    client = logged_in(editor)
    autosave(client, article, dek="Typed.")
    response = client.post(discard_url(article), headers={"Accept": "application/json"})
    assert response.json() == {"discarded": True}
    assert not ArticleDraft.objects.exists()


def test_a_successful_save_deletes_my_draft_only(editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    autosave(logged_in(contributor), article, dek="Cora's unsaved dek.")
    client = logged_in(editor)
    autosave(client, article, dek="Saved in the end.")
    response = client.post(change_url(article), edit_data(article, article.version, dek="Saved."))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.dek == "Saved."
    assert list(ArticleDraft.objects.values_list("user__username", flat=True)) == ["cora"]


def test_an_action_that_saves_the_form_deletes_my_draft(editor):
    article = article_in_state("draft")
    client = logged_in(editor)
    autosave(client, article, dek="Typed, then archived with it.")
    data = edit_data(article, article.version, dek="Typed, then archived with it.")
    response = client.post(change_url(article), data | {"_workflow": "archive"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "archived" and article.dek == "Typed, then archived with it."
    assert not ArticleDraft.objects.exists()


def test_an_action_refused_after_the_form_was_sent_keeps_my_draft(editor):
    article = article_in_state("draft", lead_photo=make_photo(alt_text=""))
    client = logged_in(editor)
    autosave(client, article, dek="Typed before pressing Publish.")
    data = edit_data(article, article.version, dek="Typed before pressing Publish.")
    response = client.post(change_url(article), data | {"_workflow": "publish"})
    assert response.status_code == 200  # not ready: the form comes back, nothing saved
    assert ArticleDraft.objects.filter(user=editor).exists()


def test_a_refused_save_keeps_the_draft_and_shows_no_offer(editor):
    article = article_in_state("draft")
    client = logged_in(editor)
    autosave(client, article, dek="Kept typing.")
    response = client.post(change_url(article), edit_data(article, article.version, title=""))
    assert response.status_code == 200  # the form again, with the error
    assert "Restore your unsaved changes" not in response.content.decode()
    assert ArticleDraft.objects.filter(user=editor).exists()


def test_autosave_keeps_only_the_article_forms_own_fields(editor):
    article = article_in_state("draft")
    data = edit_data(article, article.version, dek="Typed.") | {
        "status": "published",
        "created_by": str(editor.pk),
        "is_superuser": "on",
        "csrfmiddlewaretoken": "x" * 64,
    }
    assert logged_in(editor).post(autosave_url(article), data).status_code == 200
    kept = ArticleDraft.objects.get(user=editor).data
    assert kept["dek"] == ["Typed."]
    assert {"status", "created_by", "is_superuser", "csrfmiddlewaretoken"}.isdisjoint(kept)
    assert "article_authors-0-author" in kept  # the byline rows are the form's too
    article.refresh_from_db()
    assert article.status == "draft"


def test_autosave_with_none_of_the_forms_fields_is_refused(editor):
    article = article_in_state("draft")
    response = logged_in(editor).post(autosave_url(article), {"status": "published"})
    assert response.status_code == 400
    assert not ArticleDraft.objects.exists()


def test_autosave_naming_a_version_the_piece_never_had_is_refused(editor):
    article = article_in_state("draft")
    data = edit_data(article, article.version + 5, dek="Typed.")
    response = logged_in(editor).post(autosave_url(article), data)
    assert response.status_code == 400
    assert not ArticleDraft.objects.exists()


def test_a_draft_over_the_size_limit_is_refused_with_413(editor):
    article = article_in_state("draft")
    client = logged_in(editor)
    autosave(client, article, dek="A draft that fits.")
    response = autosave(client, article, body="<p>" + "x" * 1_100_000 + "</p>")
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    # The draft that fitted is still there, not replaced or lost.
    assert ArticleDraft.objects.get(user=editor).data["dek"] == ["A draft that fits."]


def test_save_draft_refuses_a_draft_over_the_limit_whoever_calls_it(editor, settings):
    settings.EDITING_DRAFT_MAX_BYTES = 400
    article = article_in_state("draft")
    with pytest.raises(ValidationError) as refused:
        editing.save_draft(
            article=article,
            user=editor,
            data={"dek": ["é" * 300], "opened_version": [str(article.version)]},
            allowed=lambda name: name == "dek",
            now=timezone.now(),
        )
    assert refused.value.code == "too_large"
    assert not ArticleDraft.objects.exists()


def test_autosave_is_refused_to_someone_who_may_not_edit_the_piece(contributor, other_contributor):
    submitted = article_in_state("in_review", created_by=contributor)
    others_draft = article_in_state("draft", created_by=other_contributor)
    client = logged_in(contributor)
    assert autosave(client, submitted, dek="Too late.").status_code == 403
    assert autosave(client, others_draft, dek="Not mine.").status_code == 404
    assert not ArticleDraft.objects.exists()


def test_autosave_and_discard_need_the_csrf_token(editor):
    article = article_in_state("draft")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert autosave(client, article, dek="Forged.").status_code == 403
    assert not ArticleDraft.objects.exists()
    autosave(logged_in(editor), article, dek="Mine.")
    assert client.post(discard_url(article)).status_code == 403
    assert ArticleDraft.objects.filter(user=editor).exists()


def test_prune_deletes_drafts_nobody_came_back_to(editor, settings):
    settings.EDITING_DRAFT_KEEP_DAYS = 30
    old = article_in_state("draft")
    recent = article_in_state("draft")
    with time_machine.travel(MORNING, tick=False):
        autosave(logged_in(editor), old, dek="Long forgotten.")
    with time_machine.travel(MORNING + datetime.timedelta(days=29), tick=False):
        autosave(logged_in(editor), recent, dek="Still wanted.")
    with time_machine.travel(MORNING + datetime.timedelta(days=31), tick=False):
        call_command("prune_editing", verbosity=0)
    assert list(ArticleDraft.objects.values_list("article", flat=True)) == [recent.pk]
