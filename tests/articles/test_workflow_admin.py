import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import revisions, workflow
from articles.models import Article, ArticleAuthor
from tests.articles.conftest import article_in_state
from tests.factories import make_author, make_photo

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, action):
    return reverse("admin:articles_article_transition", args=[article.pk, action])


def edit_data(article, opened_version, **changes):
    """What the article form posts, with the byline as it stands."""
    links = list(ArticleAuthor.objects.filter(article=article))
    data = {
        "title": article.title,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "lead_photo": article.lead_photo_id or "",
        "lead_photo_caption": "",
        "series": article.series_id or "",
        "tags": ", ".join(article.tags.names()),
        "opened_version": str(opened_version),
        "article_authors-TOTAL_FORMS": str(len(links)),
        "article_authors-INITIAL_FORMS": str(len(links)),
    }
    for i, link in enumerate(links):
        data |= {
            f"article_authors-{i}-id": link.pk,
            f"article_authors-{i}-article": article.pk,
            f"article_authors-{i}-author": link.author_id,
            f"article_authors-{i}-position": link.position,
        }
    return data | changes


def buttons(client, article):
    page = client.get(change_url(article)).content.decode()
    labels = ["Submit for review", "Request changes", "Publish now", "Schedule", "Unpublish"]
    labels.append(">Archive<")
    return [label for label in labels if label in page]


def test_buttons_follow_role_and_state(client, editor, contributor):
    draft = article_in_state("draft", created_by=contributor)
    client.force_login(contributor)
    assert buttons(client, draft) == ["Submit for review"]
    client.force_login(editor)
    assert buttons(client, draft) == ["Submit for review", "Publish now", "Schedule", ">Archive<"]
    live = article_in_state("published")
    assert buttons(client, live) == ["Unpublish", ">Archive<"]
    review = article_in_state("in_review")
    assert "Request changes" in buttons(client, review)


def test_contributor_sees_only_their_own_pieces(client, contributor, other_contributor):
    mine = article_in_state("draft", created_by=contributor, title="Mine to write")
    theirs = article_in_state("draft", created_by=other_contributor, title="Someone else's")
    client.force_login(contributor)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Mine to write" in page and "Someone else" not in page
    assert client.get(change_url(theirs)).status_code == 302
    assert client.get(change_url(mine)).status_code == 200


def test_contributor_crafted_form_post_cannot_set_status_or_date(client, contributor):
    article = article_in_state("draft", created_by=contributor)
    client.force_login(contributor)
    data = edit_data(article, 0, title="New title", status="published", published_at_0="2020-01-01")
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New title"
    assert (article.status, article.published_at) == (Article.Status.DRAFT, None)


def test_contributor_cannot_edit_their_piece_once_submitted(client, contributor):
    article = article_in_state("draft", created_by=contributor, title="Submitted")
    workflow.submit(article, contributor)
    client.force_login(contributor)
    response = client.post(change_url(article), edit_data(article, 0, title="Sneaky"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Submitted"


def test_schedule_reads_the_newsroom_time_zone_and_stores_utc(client, editor, settings):
    settings.TIME_ZONE = "America/New_York"
    article = article_in_state("in_review")
    client.force_login(editor)
    response = client.post(
        transition_url(article, "schedule"), {"at": "2031-01-15T09:00"}, follow=True
    )
    article.refresh_from_db()
    assert article.published_at == datetime.datetime(2031, 1, 15, 14, 0, tzinfo=datetime.UTC)
    assert "scheduled for January 15, 2031 at 09:00 EST" in response.content.decode()
    changelist = client.get(reverse("admin:articles_article_changelist") + "?state=scheduled")
    assert "Scheduled for Jan 15, 2031" in changelist.content.decode()
    assert article.title in changelist.content.decode()
    live_only = client.get(reverse("admin:articles_article_changelist") + "?state=published")
    assert article.title not in live_only.content.decode()


def test_bad_schedule_input_is_explained_and_changes_nothing(client, editor):
    article = article_in_state("draft")
    client.force_login(editor)
    response = client.post(transition_url(article, "schedule"), {"at": "next tuesday"}, follow=True)
    assert "Enter the date and time" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_publish_button_reports_what_is_missing(client, editor):
    article = article_in_state("draft", lead_photo=make_photo(alt_text=""), dek="")
    client.force_login(editor)
    response = client.post(transition_url(article, "publish"), follow=True)
    page = response.content.decode()
    assert "Not ready to publish" in page and "a dek" in page and "alt text" in page
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_timeline_shows_events_and_comments_newest_first(client, editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    workflow.submit(article, contributor)
    workflow.request_changes(article, editor, "Shorter lede, please.")
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    timeline = page[page.index("Timeline") :]
    assert "Shorter lede, please." in timeline
    assert timeline.index("Changes requested") < timeline.index("Submitted for review")


def test_stale_save_of_a_field_both_changed_names_who_and_keeps_the_text(client, editor):
    article = article_in_state("draft", title="Original title")
    revisions.save_revision(article=article, by=editor)  # version 1, as opened by both
    colleague_client = client.__class__()
    colleague_client.force_login(editor)
    client.force_login(editor)

    # Edna saves a new title first (from a form opened at version 1).
    response = colleague_client.post(
        change_url(article), edit_data(article, 1, title="Edna's title")
    )
    assert response.status_code == 302
    # A second form, also opened at version 1, changes the title too.
    mine = edit_data(article, 1, title="My title", dek="My unsaved dek")
    response = client.post(change_url(article), mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Edna Desk also changed the title" in page
    assert "My unsaved dek" in page and 'value="My title"' in page
    article.refresh_from_db()
    assert (article.title, article.version) == ("Edna's title", 2)

    # Choosing to keep mine, against the version shown, saves both of my changes.
    again = mine | {"merge_version": "2", "merge-title": "mine"}
    assert client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.dek) == ("My title", "My unsaved dek")


def test_revisions_diff_and_restore(client, editor):
    first, second = make_author(name="Ana Alpha"), make_author(name="Ben Beta")
    article = article_in_state("draft", title="Version one", authors=[first, second])
    client.force_login(editor)
    assert client.post(change_url(article), edit_data(article, 0)).status_code == 302
    article.refresh_from_db()
    ArticleAuthor.objects.filter(article=article, author=first).update(position=5)
    changed = edit_data(article, 1, title="Version two", body="<p>Body text.</p><p>New para.</p>")
    assert client.post(change_url(article), changed).status_code == 302

    url = reverse("admin:articles_article_revisions", args=[article.pk])
    page = client.get(url, {"from": 1, "to": 2}).content.decode()
    assert "&minus; Version one" in page and "+ Version two" in page
    assert "+ New para." in page
    assert "+ 1. Ben Beta" in page and "+ 2. Ana Alpha" in page

    restore = reverse("admin:articles_article_restore", args=[article.pk, 1])
    response = client.post(restore, follow=True)
    assert "Version 1 restored as version 3" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Version one" and article.version == 3
    assert [a.name for a in Article.objects.for_listing().get(pk=article.pk).ordered_authors()] == [
        "Ana Alpha",
        "Ben Beta",
    ]
    assert article.revisions.get(number=3).note == "Restored version 1"


def test_versions_page_refuses_a_version_number_that_is_not_plain_digits(client, editor):
    article = article_in_state("draft", title="Version one")
    client.force_login(editor)
    assert client.post(change_url(article), edit_data(article, 0)).status_code == 302
    article.refresh_from_db()
    assert client.post(change_url(article), edit_data(article, 1, title="Two")).status_code == 302
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    for bad in ("²", "①", "99999999999999999999", "1\x00"):
        assert client.get(url, {"from": bad}).status_code == 400, bad
    assert client.get(url, {"from": 1, "to": 2}).status_code == 200


def test_restoring_a_version_brings_back_its_seo_description_and_further_reading(editor):
    pick, later_pick = article_in_state("published"), article_in_state("published")
    article = article_in_state("draft", seo_description="First description.")
    article.further_reading.set([pick])
    first = revisions.save_revision(article=article, by=editor)
    article.seo_description = "Second description."
    article.save()
    article.further_reading.set([later_pick])
    revisions.save_revision(article=article, by=editor)

    revisions.restore(article=article, by=editor, revision=first)

    article.refresh_from_db()
    assert article.seo_description == "First description."
    assert list(article.further_reading.all()) == [pick]


def test_contributor_cannot_restore_a_piece_in_review(client, contributor, editor):
    article = article_in_state("draft", created_by=contributor, title="Before")
    revisions.save_revision(article=article, by=contributor)
    workflow.submit(article, contributor)
    client.force_login(contributor)
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, 1]))
    assert response.status_code == 403


def test_desk_shows_each_persons_queues_and_lapsed_photo_rights(client, editor, contributor):
    article_in_state("in_review", title="Waiting piece")
    scheduled = article_in_state("scheduled", title="Tomorrow piece")
    article_in_state("published", title="Fresh piece")
    article_in_state("draft", title="Edna own draft", created_by=editor)
    article_in_state("draft", title="Cora own draft", created_by=contributor)
    lapsed = make_photo(rights_expire_on=timezone.localdate() - timedelta(days=1))
    article_in_state("published", title="Expired picture piece", lead_photo=lapsed)
    client.force_login(editor)
    desk = client.get(reverse("admin:index")).content.decode()
    desk = desk[desk.index("editors-desk") :]
    for title in ["Waiting piece", "Tomorrow", "Fresh piece", "Edna", "Expired picture piece"]:
        assert title in desk
    assert "Cora" not in desk.split("My drafts")[1]
    assert f"/admin/articles/article/{scheduled.pk}/change/" in desk

    client.force_login(contributor)
    desk = client.get(reverse("admin:index")).content.decode()
    assert "Cora own draft" in desk and "Waiting piece" not in desk


def test_correction_added_in_the_admin_reaches_the_page(client, editor):
    article = article_in_state("published")
    client.force_login(editor)
    url = reverse("admin:articles_article_add_correction", args=[article.pk])
    client.post(url, {"kind": "update", "note": "New figures released on Monday."})
    assert (
        "New figures released on Monday." in client.get(article.get_absolute_url()).content.decode()
    )
