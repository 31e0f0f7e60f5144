"""What the article page shows someone who may only read it, and what it says of a live address."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article
from tests.articles.conftest import article_in_state
from tests.articles.test_workflow_admin import change_url, edit_data

pytestmark = pytest.mark.django_db

LINKED_BODY = '<p>See <a href="https://example.org/report">the report</a>.</p>\n<p>Then this.</p>'


def readonly_row(page: str, name: str) -> str:
    """The read-only value of field ``name`` as the page renders it."""
    match = re.search(
        rf'<div class="form-row[^"]*\bfield-{name}\b.*?<div class="readonly">(.*?)</div>\s*</div>',
        page,
        re.S,
    )
    assert match, f"no read-only {name} on the page"
    return match.group(1)


@pytest.fixture
def submitted(contributor):
    """The contributor's own piece, in review: theirs to read, no longer theirs to change."""
    return article_in_state(
        "in_review", created_by=contributor, body=LINKED_BODY, tags=["European Union", "Belarus"]
    )


def test_contributor_reads_a_submitted_body_as_formatted_text(client, contributor, submitted):
    client.force_login(contributor)
    page = client.get(change_url(submitted)).content.decode()
    body = readonly_row(page, "body")
    assert "&lt;p&gt;" not in body and "&lt;a" not in body
    assert '<a href="https://example.org/report" rel="noopener noreferrer">the report</a>' in body
    assert "<p>Then this.</p>" in body
    # Paragraphs stay paragraphs: no line breaks added between them.
    assert "<br>" not in body


def test_readonly_body_stored_behind_the_sanitizer_is_cleaned_on_display(
    client, contributor, submitted
):
    # An UPDATE skips the field's sanitizing save, as a raw import or a bad migration would.
    Article.objects.filter(pk=submitted.pk).update(
        body='<p onclick="alert(1)">Hi</p><script>alert(2)</script>'
        '<img src="https://example.org/x.png" onerror="alert(3)">'
        '<a href="javascript:alert(4)">x</a>'
    )
    client.force_login(contributor)
    body = readonly_row(client.get(change_url(submitted)).content.decode(), "body")
    assert "alert(" not in body
    assert "<script" not in body and "onclick" not in body and "onerror" not in body
    assert "<p>Hi</p>" in body


def test_readonly_tags_show_as_chips(client, contributor, submitted):
    client.force_login(contributor)
    tags = readonly_row(client.get(change_url(submitted)).content.decode(), "tags")
    assert re.findall(r'<li class="tag-chip">(.*?)</li>', tags) == ["Belarus", "European Union"]
    assert '"European Union"' not in tags and "&quot;" not in tags


def test_chips_escape_a_tag_name(client, contributor):
    piece = article_in_state("in_review", created_by=contributor, tags=["<b>bold</b>"])
    client.force_login(contributor)
    tags = readonly_row(client.get(change_url(piece)).content.decode(), "tags")
    assert '<li class="tag-chip">&lt;b&gt;bold&lt;/b&gt;</li>' in tags


def test_readonly_page_loads_the_chip_styles(client, contributor, submitted):
    client.force_login(contributor)
    page = client.get(change_url(submitted)).content.decode()
    assert "admin/css/readonly.css" in page


def test_editor_still_gets_the_editor_and_the_tag_field(client, editor, submitted):
    client.force_login(editor)
    page = client.get(change_url(submitted)).content.decode()
    assert 'name="body"' in page and 'name="tags"' in page
    assert 'class="tag-chip"' not in page


LIVE_HINT = "If you change the address, the old one will redirect here (301)."


def test_slug_of_a_live_piece_says_the_old_address_will_redirect(client, editor):
    live = article_in_state("published", slug="belarus-vote")
    client.force_login(editor)
    page = client.get(change_url(live)).content.decode()
    assert "This piece is live at" in page and LIVE_HINT in page
    assert 'href="/articles/belarus-vote/"' in page


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled"])
def test_slug_of_a_piece_not_live_has_no_redirect_hint(client, editor, state):
    piece = article_in_state(state)
    client.force_login(editor)
    page = client.get(change_url(piece)).content.decode()
    assert LIVE_HINT not in page and "This piece is live at" not in page


def save(client, article, on_commit, **changes):
    """Post the article form; returns the response and the messages the next page shows."""
    with on_commit(execute=True):
        response = client.post(change_url(article), edit_data(article, article.version, **changes))
    return response, [str(m) for m in get_messages(response.wsgi_request)]


def test_changing_a_live_slug_says_the_old_address_now_redirects(
    client, editor, django_capture_on_commit_callbacks
):
    live = article_in_state("published", slug="belarus-vote")
    client.force_login(editor)
    response, shown = save(client, live, django_capture_on_commit_callbacks, slug="belarus-poll")
    assert response.status_code == 302
    said = "/articles/belarus-vote/ now redirects to /articles/belarus-poll/ (301)"
    assert any(said in m for m in shown)
    # And it does.
    old = client.get(reverse("articles:detail", kwargs={"slug": "belarus-vote"}))
    assert old.status_code == 301 and old["Location"].endswith("/articles/belarus-poll/")


def test_a_slug_change_rolled_back_with_a_refused_action_says_nothing_of_redirects(
    client, editor, django_capture_on_commit_callbacks
):
    live = article_in_state("published", slug="belarus-vote")
    client.force_login(editor)
    # Publishing what is already live is refused, and the save goes back with it.
    response, shown = save(
        client, live, django_capture_on_commit_callbacks, slug="belarus-poll", _workflow="publish"
    )
    assert response.status_code == 200
    live.refresh_from_db()
    assert live.slug == "belarus-vote"
    assert not any("redirect" in m for m in shown)


@pytest.mark.parametrize(
    ("state", "changes"),
    [("published", {"dek": "A new standfirst"}), ("draft", {"slug": "second-go"})],
    ids=["live piece, same slug", "draft, new slug"],
)
def test_other_saves_say_nothing_of_redirects(
    client, editor, django_capture_on_commit_callbacks, state, changes
):
    piece = article_in_state(state)
    client.force_login(editor)
    response, shown = save(client, piece, django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 302
    assert not any("redirect" in m for m in shown)
