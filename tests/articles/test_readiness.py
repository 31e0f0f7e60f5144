"""The ready-to-publish checklist on the article form: shown to writers and editors alike,
answered for the form's unsaved values, and never saving them."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.articles.conftest import article_in_state
from tests.articles.test_workflow_admin import change_url, edit_data
from tests.factories import make_author, make_photo

pytestmark = pytest.mark.django_db


def readiness_url(article=None):
    if article is None:
        return reverse("admin:articles_article_readiness_new")
    return reverse("admin:articles_article_readiness", args=[article.pk])


def unmet(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [item["label"] for item in response.json()["items"] if not item["met"]]


def test_contributor_sees_the_checklist_and_the_marked_fields_on_their_draft(client, contributor):
    article = article_in_state("draft", created_by=contributor, dek="")
    client.force_login(contributor)
    page = client.get(change_url(article)).content.decode()
    checklist = page[page.index('id="readiness"') :]
    checklist = checklist[: checklist.index("</section>")]
    assert "1 thing still needed before this piece can be published" in checklist
    assert "Missing:</span> A dek (the standfirst)" in checklist
    assert "Done:</span> At least one author" in checklist
    assert f'data-url="{readiness_url(article)}"' in checklist
    # title, dek, body, lead photo, series
    assert page.count('class="needed-to-publish"') == 5


def test_editor_sees_the_same_checklist(client, editor):
    article = article_in_state("in_review", lead_photo=make_photo(credit=""))
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert "Missing:</span> A credit for the lead photo" in page


def test_checklist_answers_for_the_typed_values_without_saving_them(client, contributor):
    article = article_in_state("draft", created_by=contributor, dek="")
    client.force_login(contributor)
    no_alt = make_photo(alt_text="")

    typed = edit_data(article, 0, dek="Typed, not saved.", lead_photo=no_alt.pk)
    assert unmet(client.post(readiness_url(article), typed)) == ["alt text for the lead photo"]

    emptied = edit_data(article, 0, title="", body="<p> </p>")
    emptied["article_authors-0-DELETE"] = "on"
    assert unmet(client.post(readiness_url(article), emptied)) == [
        "a title",
        "a dek (the standfirst)",
        "body text",
        "at least one author",
    ]
    article.refresh_from_db()
    assert article.dek == "" and article.title and article.lead_photo != no_alt
    assert article.article_authors.count() == 1 and article.version == 0


def test_checklist_for_a_new_piece_reads_the_typed_byline(client, contributor):
    client.force_login(contributor)
    fellow = make_author()
    data = {
        "title": "A new piece",
        "slug": "a-new-piece",
        "dek": "Its standfirst.",
        "body": "<p>Words.</p>",
        "article_authors-TOTAL_FORMS": "1",
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-0-author": fellow.pk,
        "article_authors-0-position": "0",
    }
    assert unmet(client.post(readiness_url(), data)) == ["a series", "a lead photo"]
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-url="{readiness_url()}"' in page
    assert not Article.objects.exists()


def test_checklist_of_a_piece_the_writer_may_only_view_is_what_is_stored(client, contributor):
    article = article_in_state("draft", created_by=contributor, dek="")
    article.status = Article.Status.IN_REVIEW
    article.save()
    client.force_login(contributor)
    typed = edit_data(article, 0, dek="Typed on a read-only page.")
    assert unmet(client.post(readiness_url(article), typed)) == ["a dek (the standfirst)"]


def test_checklist_is_only_for_those_who_may_see_the_piece(
    client, contributor, other_contributor, outsider
):
    article = article_in_state("draft", created_by=contributor)
    data = edit_data(article, 0)
    client.force_login(other_contributor)
    assert client.post(readiness_url(article), data).status_code == 404
    client.force_login(outsider)  # not staff: the admin sends them to log in
    response = client.post(readiness_url(article), data)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(contributor)
    assert client.get(readiness_url(article)).status_code == 405


def test_a_bad_photo_choice_counts_as_no_photo(client, editor):
    article = article_in_state("draft")
    client.force_login(editor)
    typed = edit_data(article, 0, lead_photo="999999999")
    assert unmet(client.post(readiness_url(article), typed)) == ["a lead photo"]
