import datetime
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleEvent, ArticleSlug
from tests.articles.conftest import article_in_state
from tests.factories import make_article, make_photo, make_ready_article

pytestmark = pytest.mark.django_db


def test_migrate_creates_the_two_groups_and_only_editors_may_publish():
    contributors = Group.objects.get(name="Contributors")
    editors = Group.objects.get(name="Editors")
    assert not contributors.permissions.filter(codename="publish_article").exists()
    assert editors.permissions.filter(codename="publish_article").exists()
    assert contributors.permissions.filter(codename="add_article").exists()


def test_one_error_lists_everything_a_piece_lacks(editor):
    photo = make_photo(credit="", alt_text="")
    article = make_article(
        status=Article.Status.DRAFT, published_at=None, dek="", body="<p> </p>", lead_photo=photo
    )
    with pytest.raises(ValidationError) as error:
        workflow.publish(article, editor)
    message = error.value.messages[0]
    for missing in ["a dek", "body text", "at least one author", "a credit", "alt text"]:
        assert missing in message
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_a_piece_without_a_lead_photo_is_not_ready(editor):
    article = article_in_state("draft", lead_photo=None)
    with pytest.raises(ValidationError, match="a lead photo"):
        workflow.publish(article, editor)


def test_photo_rights_are_checked_on_the_publish_date_not_today(editor):
    expires = timezone.localdate() + timedelta(days=3)
    article = article_in_state("draft", lead_photo=make_photo(rights_expire_on=expires))
    with pytest.raises(ValidationError, match="rights last until"):
        workflow.publish(article, editor, at=timezone.now() + timedelta(days=10))
    workflow.publish(article, editor)
    assert Article.objects.live().filter(pk=article.pk).exists()


def test_scheduling_in_the_past_is_refused(editor):
    article = article_in_state("draft")
    with pytest.raises(ValidationError, match="future"):
        workflow.publish(article, editor, at=timezone.now() - timedelta(minutes=1))


def test_request_changes_needs_a_comment_and_records_it(editor):
    article = article_in_state("in_review")
    with pytest.raises(ValidationError, match="comment is required"):
        workflow.request_changes(article, editor, "  ")
    workflow.request_changes(article, editor, "Cite the 2024 budget figures.")
    event = article.events.get()
    assert event.comment == "Cite the 2024 budget figures."
    assert (event.from_state, event.to_state) == ("in_review", "draft")


def test_inactive_editor_is_refused(editor):
    editor.is_active = False
    editor.save()
    with pytest.raises(PermissionDenied):
        workflow.publish(article_in_state("draft"), editor)


def test_scheduled_piece_appears_at_its_time_with_nothing_run(client, editor):
    at = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    article = article_in_state("in_review", title="Grid storage bill")
    workflow.publish(article, editor, at=at)
    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
        assert b"Grid storage bill" not in client.get("/").content
    with time_machine.travel(at, tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert b"Grid storage bill" in client.get("/").content


def test_unpublished_and_archived_pieces_answer_404(client, editor):
    live, other = article_in_state("published"), article_in_state("published")
    workflow.unpublish(live, editor)
    workflow.archive(other, editor)
    assert client.get(live.get_absolute_url()).status_code == 404
    assert client.get(other.get_absolute_url()).status_code == 404


def test_correction_shows_on_the_page_and_moves_the_updated_date(client, editor):
    article = article_in_state("published")
    with time_machine.travel(datetime.datetime(2031, 3, 4, 15, tzinfo=datetime.UTC)):
        workflow.add_correction(
            article=article,
            by=editor,
            note="An earlier version misstated the year.",
            kind="correction",
        )
    article.refresh_from_db()
    assert article.last_updated.date() == datetime.date(2031, 3, 4)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Updated <time" in page and "March 4, 2031" in page
    assert "An earlier version misstated the year." in page
    assert article.events.get().action == ArticleEvent.Action.CORRECTED


def test_corrections_need_an_editor_a_note_and_a_live_piece(editor, contributor):
    live = article_in_state("published", created_by=contributor)
    with pytest.raises(PermissionDenied):
        workflow.add_correction(article=live, by=contributor, note="Fix")
    with pytest.raises(ValidationError):
        workflow.add_correction(article=live, by=editor, note=" ")
    with pytest.raises(ValidationError, match="live pieces only"):
        workflow.add_correction(article=article_in_state("draft"), by=editor, note="Fix")
    assert not live.corrections.exists()


def _queries_for(client, url) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # measure the render, not the page cache
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_page_with_a_correction_costs_one_more_query_whatever_the_number(client, editor):
    article = article_in_state("published")
    without = _queries_for(client, article.get_absolute_url())
    workflow.add_correction(article=article, by=editor, note="Note 0")
    with_one = _queries_for(client, article.get_absolute_url())
    for n in range(1, 4):
        workflow.add_correction(article=article, by=editor, note=f"Note {n}")
    assert with_one == without + 1
    assert _queries_for(client, article.get_absolute_url()) == with_one


def test_old_slug_of_a_live_piece_redirects_permanently(client):
    article = make_ready_article(slug="first-name")
    article.slug = "second-name"
    article.save()
    workflow.record_slug_change(article=article, old_slug="first-name")
    article.slug = "third-name"
    article.save()
    workflow.record_slug_change(article=article, old_slug="second-name")
    for old in ["first-name", "second-name"]:
        response = client.get(f"/articles/{old}/?utm=x")
        assert response.status_code == 301
        assert response["Location"] == "/articles/third-name/?utm=x"
    assert client.get("/articles/third-name/").status_code == 200


def test_renaming_a_never_published_draft_keeps_no_old_url(client):
    article = article_in_state("draft", slug="draft-name")
    article.slug = "better-name"
    article.save()
    workflow.record_slug_change(article=article, old_slug="draft-name")
    assert not ArticleSlug.objects.exists()
    assert client.get("/articles/draft-name/").status_code == 404


def test_old_slug_of_a_piece_taken_offline_does_not_redirect(client, editor):
    article = make_ready_article(slug="old")
    article.slug = "new"
    article.save()
    workflow.record_slug_change(article=article, old_slug="old")
    workflow.unpublish(article, editor)
    assert client.get("/articles/old/").status_code == 404


def test_taking_back_an_old_slug_serves_the_piece_itself(client):
    article = make_ready_article(slug="a")
    article.slug = "b"
    article.save()
    workflow.record_slug_change(article=article, old_slug="a")
    article.slug = "a"
    article.save()
    workflow.record_slug_change(article=article, old_slug="b")
    assert client.get("/articles/a/").status_code == 200
    assert client.get("/articles/b/").status_code == 301


def test_renaming_in_the_admin_keeps_the_old_url(admin_client):
    article = make_ready_article(slug="before")
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if isinstance(v, str | int)}
    data.update(
        {
            "title": article.title,
            "slug": "after",
            "dek": article.dek,
            "body": article.body,
            "opened_version": "0",
            "article_authors-TOTAL_FORMS": "0",
            "article_authors-INITIAL_FORMS": "0",
        }
    )
    data.pop("lead_photo", None)
    data["lead_photo"] = str(article.lead_photo_id)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert admin_client.get("/articles/before/")["Location"] == "/articles/after/"


def test_seed_demo_adds_an_editor_and_a_contributor_who_can_log_in(client):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    assert "Editor login: editor / newsroom-demo" in out.getvalue()
    assert "Contributor login: contributor / newsroom-demo" in out.getvalue()
    for username, group in [("editor", "Editors"), ("contributor", "Contributors")]:
        # Through the admin's log-in form: the log-in throttle needs the request.
        form = {"username": username, "password": "newsroom-demo"}
        assert client.post(reverse("admin:login"), form).status_code == 302
        assert Group.objects.get(name=group).user_set.filter(username=username).exists()
        assert client.get(reverse("admin:index")).status_code == 200
        assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
