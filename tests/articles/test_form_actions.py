"""The workflow panel's buttons submit the article form: what was typed is saved with the action,
or the action is refused and the typed values come back. Nothing typed is lost either way."""

import datetime

import pytest
from django.utils import timezone

from articles import revisions
from articles.models import Article, ArticleEvent, Correction, PreviewLink
from tests.articles.conftest import article_in_state
from tests.articles.test_workflow_admin import change_url, edit_data
from tests.factories import make_photo

pytestmark = pytest.mark.django_db

TYPED_DEK = "A dek typed just now and never saved separately."
LATER = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT09:00")


def press(client, article, action, **fields):
    """Post the open change form, with ``fields`` typed into it, by pressing a panel button."""
    article.refresh_from_db()
    data = edit_data(article, article.version, **fields)
    return client.post(change_url(article), {**data, "_workflow": action})


def state_of(article) -> tuple:
    article.refresh_from_db()
    return article.state, article.dek, article.version, article.revisions.count()


# (action, state before, who presses, extra fields posted, what the action leaves behind)
ACTIONS = [
    ("submit", "draft", "contributor", {}, lambda a: a.state == "in_review"),
    (
        "request_changes",
        "in_review",
        "editor",
        {"comment": "Name the towns."},
        lambda a: a.state == "draft" and a.events.filter(comment="Name the towns.").exists(),
    ),
    ("publish", "draft", "editor", {}, lambda a: a.is_live),
    ("schedule", "in_review", "editor", {"at": LATER}, lambda a: a.is_scheduled),
    ("unpublish", "published", "editor", {}, lambda a: a.state == "draft"),
    ("archive", "published", "editor", {}, lambda a: a.state == "archived"),
    ("share_preview", "draft", "contributor", {}, lambda a: a.preview_links.count() == 1),
    (
        "add_correction",
        "published",
        "editor",
        {"kind": "update", "note": "Figures updated."},
        lambda a: Correction.objects.filter(article=a, note="Figures updated.").exists(),
    ),
]


@pytest.mark.parametrize("action, before, who, extra, done", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_panel_action_saves_the_typed_changes_and_acts_as_one_revision(
    client, request, action, before, who, extra, done
):
    person = request.getfixturevalue(who)
    article = article_in_state(before, created_by=person)
    version, count = article.version, article.revisions.count()
    client.force_login(person)

    response = press(client, article, action, dek=TYPED_DEK, **extra)

    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.dek == TYPED_DEK
    assert done(article)
    assert (article.version, article.revisions.count()) == (version + 1, count + 1)
    assert article.revisions.first().snapshot["dek"] == TYPED_DEK


def test_revoking_a_preview_link_from_the_form_saves_the_typed_changes(client, contributor):
    article = article_in_state("draft", created_by=contributor)
    link = PreviewLink.objects.create(
        article=article, created_by=contributor, expires_at=timezone.now() + datetime.timedelta(1)
    )
    client.force_login(contributor)
    response = press(client, article, f"revoke_preview:{link.pk}", dek=TYPED_DEK)
    assert response.status_code == 302
    link.refresh_from_db()
    article.refresh_from_db()
    assert link.revoked_at is not None and article.dek == TYPED_DEK
    assert article.revisions.count() == 1


def test_success_message_says_both_the_save_and_the_action(client, contributor):
    article = article_in_state("draft", created_by=contributor, title="Harbour towns")
    client.force_login(contributor)
    article.refresh_from_db()
    data = {**edit_data(article, 0, dek=TYPED_DEK), "_workflow": "submit"}
    page = client.post(change_url(article), data, follow=True).content.decode()
    assert "Your changes were saved" in page
    assert "“Harbour towns” was submitted for review." in page


def test_action_with_nothing_changed_just_happens_without_an_empty_revision(client, editor):
    article = article_in_state("in_review")
    revisions.save_revision(article=article, by=editor)
    client.force_login(editor)
    response = press(client, article, "publish")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_live
    assert (article.version, article.revisions.count()) == (1, 1)


def test_invalid_input_refuses_the_action_and_shows_the_typed_values(client, contributor):
    article = article_in_state("draft", created_by=contributor)
    client.force_login(contributor)
    before = state_of(article)
    response = press(client, article, "submit", dek=TYPED_DEK, slug="not a slug!")
    assert response.status_code == 200
    page = response.content.decode()
    assert TYPED_DEK in page and 'value="not a slug!"' in page
    assert "Enter a valid “slug”" in page
    assert "was not done" in page and "Submit for review" in page
    assert state_of(article) == before
    assert not ArticleEvent.objects.filter(article=article).exists()


@pytest.mark.parametrize(
    "action, fields, reason",
    [
        ("schedule", {"at": "next tuesday"}, "Enter the date and time to publish"),
        ("request_changes", {"comment": "  "}, "the comment is required"),
        ("add_correction", {"note": "A note."}, "Corrections and updates go on live pieces only"),
        ("revoke_preview:999999", {}, "That preview link is not one of this piece"),
        ("no_such_thing", {}, "There is no such action"),
    ],
)
def test_action_refused_by_the_workflow_saves_nothing_and_keeps_the_typed_values(
    client, editor, action, fields, reason
):
    article = article_in_state("in_review")
    client.force_login(editor)
    before = state_of(article)
    response = press(client, article, action, dek=TYPED_DEK, **fields)
    assert response.status_code == 200
    page = response.content.decode()
    assert reason in page
    assert TYPED_DEK in page
    assert state_of(article) == before
    assert not ArticleEvent.objects.filter(article=article).exists()


def test_publish_refused_as_not_ready_rolls_the_typed_changes_back_and_shows_them(client, editor):
    article = article_in_state("draft", lead_photo=make_photo(alt_text=""))
    client.force_login(editor)
    before = state_of(article)
    response = press(client, article, "publish", dek=TYPED_DEK, title="A typed title")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not ready to publish" in page and "alt text for the lead photo" in page
    assert TYPED_DEK in page and 'value="A typed title"' in page
    assert state_of(article) == before
    article.refresh_from_db()
    assert article.title != "A typed title"


def test_action_the_person_may_not_do_is_refused_with_the_typed_values_kept(client, contributor):
    article = article_in_state("draft", created_by=contributor)
    client.force_login(contributor)
    before = state_of(article)
    response = press(client, article, "publish", dek=TYPED_DEK)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only editors can publish" in page and TYPED_DEK in page
    assert state_of(article) == before


def test_refused_form_can_be_sent_again_without_looking_stale(client, editor):
    """The page shown back carries the version it was opened at: the bump was rolled back."""
    article = article_in_state("in_review")
    revisions.save_revision(article=article, by=editor)
    client.force_login(editor)
    refused = press(client, article, "request_changes", dek=TYPED_DEK, comment="")
    assert 'name="opened_version" value="1"' in refused.content.decode()
    again = {**edit_data(article, 1, dek=TYPED_DEK, comment="Shorter, please.")}
    response = client.post(change_url(article), {**again, "_workflow": "request_changes"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.state, article.dek, article.version) == ("draft", TYPED_DEK, 2)


def test_submit_with_items_missing_asks_to_confirm_then_submits(client, contributor):
    article = article_in_state("draft", created_by=contributor, dek="", authors=[])
    client.force_login(contributor)
    before = state_of(article)

    first = press(client, article, "submit", title="Typed title", body="<p>Typed body.</p>")
    assert first.status_code == 200
    page = first.content.decode()
    assert "Still missing: a dek (the standfirst); at least one author. Submit anyway?" in page
    assert 'value="submit_anyway"' in page
    assert 'value="Typed title"' in page and "Typed body." in page
    assert state_of(article) == before

    # Typing the dek in the same form takes it off the list.
    second = press(client, article, "submit", title="Typed title", dek=TYPED_DEK)
    assert "Still missing: at least one author. Submit anyway?" in second.content.decode()
    assert state_of(article) == before

    confirmed = press(client, article, "submit_anyway", title="Typed title", dek=TYPED_DEK)
    assert confirmed.status_code == 302
    article.refresh_from_db()
    assert (article.state, article.title, article.dek) == ("in_review", "Typed title", TYPED_DEK)
    assert article.revisions.count() == 1


def test_panel_buttons_belong_to_the_article_form(client, editor, contributor):
    draft = article_in_state("draft", created_by=contributor)
    client.force_login(contributor)
    page = client.get(change_url(draft)).content.decode()
    assert 'form="article_form" name="_workflow" value="submit"' in page
    assert 'form="article_form" name="_workflow" value="share_preview"' in page

    live = article_in_state("published")
    client.force_login(editor)
    page = client.get(change_url(live)).content.decode()
    for value in ("unpublish", "archive", "add_correction"):
        assert f'name="_workflow" value="{value}"' in page
    assert 'name="note" form="article_form"' in page


def test_contributor_shares_a_preview_of_a_piece_they_can_no_longer_edit(client, contributor):
    """A piece in review is read-only to its writer: the button posts to the action's own URL."""
    article = article_in_state("draft", created_by=contributor)
    article.status = Article.Status.IN_REVIEW
    article.save()
    client.force_login(contributor)
    page = client.get(change_url(article)).content.decode()
    share = f"/admin/articles/article/{article.pk}/preview/share/"
    assert f'formaction="{share}"' in page
    response = client.post(share, follow=True)
    assert "Preview link" in response.content.decode()
    assert article.preview_links.count() == 1


def test_action_from_a_stale_form_merges_like_a_save_then_acts(client, editor):
    """The buttons go through the form's validation, so a colleague's newer dek is kept."""
    article = article_in_state("in_review", dek="The first dek.")
    revisions.save_revision(article=article, by=editor)  # version 1: what both opened
    colleague = client.__class__()
    colleague.force_login(editor)
    theirs = edit_data(article, 1, dek="A colleague's dek.")
    assert colleague.post(change_url(article), theirs).status_code == 302

    client.force_login(editor)
    mine = {**edit_data(article, 1, body="<p>My new body.</p>"), "_workflow": "publish"}
    response = client.post(change_url(article), mine)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.dek, article.body) == ("A colleague's dek.", "<p>My new body.</p>")
    assert article.is_live and article.version == 3


def test_action_from_a_form_in_conflict_waits_for_the_choice(client, editor):
    article = article_in_state("in_review", title="The first title")
    revisions.save_revision(article=article, by=editor)
    colleague = client.__class__()
    colleague.force_login(editor)
    theirs = edit_data(article, 1, title="A colleague's title")
    assert colleague.post(change_url(article), theirs).status_code == 302

    client.force_login(editor)
    mine = {**edit_data(article, 1, title="My title"), "_workflow": "publish"}
    response = client.post(change_url(article), mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert "“Publish now” was not done: correct the form below" in page
    assert 'value="My title"' in page
    article.refresh_from_db()
    assert (article.title, article.state) == ("A colleague's title", "in_review")
