"""Two people save the same piece from forms opened at the same version.

Cora (a contributor, the piece's writer) saves last, from the older form; Edna
(an editor) saved first. Cora's save merges field by field with Edna's, against
the version both forms were opened from.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from articles import revisions
from articles.models import Article, ArticleRevision
from tests.articles.conftest import article_in_state
from tests.articles.test_workflow_admin import change_url, edit_data
from tests.factories import make_article, make_author, make_photo

pytestmark = pytest.mark.django_db

OPENED_BODY = "<p>First paragraph stays.</p><p>Second paragraph, as it was.</p>"


@pytest.fixture
def piece(contributor):
    """A draft of Cora's at version 1, which both forms are opened from."""
    article = article_in_state(
        "draft",
        created_by=contributor,
        title="Shared piece",
        dek="Opened dek",
        body=OPENED_BODY,
        authors=[make_author(name="Ana Alpha"), make_author(name="Ben Beta")],
        tags=["Energy", "Grid"],
    )
    revisions.save_revision(article=article, by=contributor)
    return article


@pytest.fixture
def cora(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def edna(editor):
    other = Client()
    other.force_login(editor)
    return other


def reorder(data: dict, positions: list[int]) -> dict:
    """The byline's rows (as opened) moved to these positions."""
    return data | {f"article_authors-{i}-position": p for i, p in enumerate(positions)}


def add_author(data: dict, article, author) -> dict:
    i = int(data["article_authors-TOTAL_FORMS"])
    return data | {
        "article_authors-TOTAL_FORMS": str(i + 1),
        f"article_authors-{i}-article": article.pk,
        f"article_authors-{i}-author": author.pk,
        f"article_authors-{i}-position": i,
    }


def byline(article) -> list[str]:
    return [a.name for a in Article.objects.for_listing().get(pk=article.pk).ordered_authors()]


@dataclass
class Kind:
    """One kind of field: how Edna changes it, how Cora changes it differently, what is stored."""

    theirs: Callable  # (form data, article) -> form data
    mine: Callable
    stored: Callable  # article -> value
    their_value: object
    my_value: object
    opened_value: object
    shown: tuple[str, str]  # how the conflict panel shows theirs, then mine


KINDS = {
    "plain": Kind(
        theirs=lambda d, a: d | {"dek": "Their dek"},
        mine=lambda d, a: d | {"dek": "My dek"},
        stored=lambda a: a.dek,
        their_value="Their dek",
        my_value="My dek",
        opened_value="Opened dek",
        shown=("<li>Their dek</li>", "<li>My dek</li>"),
    ),
    "rich_text": Kind(
        theirs=lambda d, a: d | {"body": OPENED_BODY.replace("as it was", "their way")},
        mine=lambda d, a: d | {"body": OPENED_BODY.replace("as it was", "my way")},
        stored=lambda a: a.body,
        their_value=OPENED_BODY.replace("as it was", "their way"),
        my_value=OPENED_BODY.replace("as it was", "my way"),
        opened_value=OPENED_BODY,
        shown=("<del>their</del>", "<ins>my</ins>"),
    ),
    "ordered_authors": Kind(
        theirs=lambda d, a: reorder(d, [1, 0]),
        mine=lambda d, a: add_author(d, a, make_author(name="Cleo Gamma")),
        stored=byline,
        their_value=["Ben Beta", "Ana Alpha"],
        my_value=["Ana Alpha", "Ben Beta", "Cleo Gamma"],
        opened_value=["Ana Alpha", "Ben Beta"],
        shown=("<li>1. Ben Beta</li>", "<li>3. Cleo Gamma</li>"),
    ),
    "tags": Kind(
        theirs=lambda d, a: d | {"tags": "Energy, Grid, Ports"},
        mine=lambda d, a: d | {"tags": "Energy, Grid, Rail"},
        stored=lambda a: sorted(a.tags.names()),
        their_value=["Energy", "Grid", "Ports"],
        my_value=["Energy", "Grid", "Rail"],
        opened_value=["Energy", "Grid"],
        shown=("<li>Ports</li>", "<li>Rail</li>"),
    ),
}


def conflict_panel(response) -> str:
    page = response.content.decode()
    start = page.index('class="module merge-conflict"')
    return page[start : page.index("</section>", start)]


def stored(article, kind: Kind):
    return kind.stored(Article.objects.get(pk=article.pk))


@pytest.mark.parametrize("name", KINDS)
def test_a_field_only_i_changed_is_saved_beside_their_other_change(name, piece, cora, edna):
    kind, opened = KINDS[name], edit_data(piece, 1)
    assert edna.post(change_url(piece), opened | {"title": "Their title"}).status_code == 302

    assert cora.post(change_url(piece), kind.mine(opened, piece)).status_code == 302
    assert stored(piece, kind) == kind.my_value
    assert Article.objects.get(pk=piece.pk).title == "Their title"


@pytest.mark.parametrize("name", KINDS)
def test_a_field_only_they_changed_is_not_reverted_by_my_stale_form(name, piece, cora, edna):
    kind, opened = KINDS[name], edit_data(piece, 1)
    assert edna.post(change_url(piece), kind.theirs(opened, piece)).status_code == 302

    assert cora.post(change_url(piece), opened | {"title": "My title"}).status_code == 302
    assert stored(piece, kind) == kind.their_value
    assert Article.objects.get(pk=piece.pk).title == "My title"


@pytest.mark.parametrize("name", KINDS)
def test_a_field_both_changed_differently_saves_nothing_and_shows_both(name, piece, cora, edna):
    kind, opened = KINDS[name], edit_data(piece, 1)
    assert edna.post(change_url(piece), kind.theirs(opened, piece)).status_code == 302

    response = cora.post(change_url(piece), kind.mine(opened, piece) | {"title": "My title"})
    assert response.status_code == 200
    panel = conflict_panel(response)
    theirs, mine = kind.shown
    assert theirs in panel and mine in panel
    field = (
        "authors"
        if name == "ordered_authors"
        else {"plain": "dek", "rich_text": "body"}.get(name, name)
    )
    assert f'name="merge-{field}" value="theirs"' in panel
    assert f'name="merge-{field}" value="mine"' in panel
    assert 'value="My title"' in response.content.decode()  # typed values stay in the form
    article = Article.objects.get(pk=piece.pk)
    assert stored(piece, kind) == kind.their_value
    assert (article.title, article.version) == ("Shared piece", 2)


@pytest.mark.parametrize("name", KINDS)
def test_a_field_both_changed_the_same_way_is_no_conflict(name, piece, cora, edna):
    kind, opened = KINDS[name], edit_data(piece, 1)
    assert edna.post(change_url(piece), kind.theirs(opened, piece)).status_code == 302

    response = cora.post(change_url(piece), kind.theirs(opened, piece) | {"title": "My title"})
    assert response.status_code == 302
    assert stored(piece, kind) == kind.their_value
    assert Article.objects.get(pk=piece.pk).title == "My title"


def dek_conflict(piece, cora, edna):
    """Edna changed the dek; Cora, from the older form, changed the dek and the body."""
    opened = edit_data(piece, 1)
    assert edna.post(change_url(piece), opened | {"dek": "Their dek"}).status_code == 302
    mine = opened | {"dek": "My dek", "body": "<p>My new body.</p>"}
    assert cora.post(change_url(piece), mine).status_code == 200
    return mine


def test_choosing_theirs_keeps_their_value_and_saves_my_other_changes(piece, cora, edna):
    mine = dek_conflict(piece, cora, edna)
    response = cora.post(change_url(piece), mine | {"merge_version": "2", "merge-dek": "theirs"})
    assert response.status_code == 302
    article = Article.objects.get(pk=piece.pk)
    assert (article.dek, article.body, article.version) == ("Their dek", "<p>My new body.</p>", 3)


def test_choosing_mine_saves_my_value(piece, cora, edna):
    mine = dek_conflict(piece, cora, edna)
    response = cora.post(change_url(piece), mine | {"merge_version": "2", "merge-dek": "mine"})
    assert response.status_code == 302
    article = Article.objects.get(pk=piece.pk)
    assert (article.dek, article.body, article.version) == ("My dek", "<p>My new body.</p>", 3)


@pytest.mark.parametrize(
    ("choice", "error"),
    [("both", "That is no choice for the dek"), ("", "Choose which dek to keep")],
)
def test_a_tampered_or_missing_choice_is_refused_and_saves_nothing(
    piece, cora, edna, choice, error
):
    mine = dek_conflict(piece, cora, edna)
    response = cora.post(change_url(piece), mine | {"merge_version": "2", "merge-dek": choice})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert 'name="merge-dek" value="mine"' in conflict_panel(response)
    article = Article.objects.get(pk=piece.pk)
    assert (article.dek, article.body, article.version) == ("Their dek", OPENED_BODY, 2)


def test_choices_made_against_an_older_version_are_asked_again(piece, cora, edna):
    mine = dek_conflict(piece, cora, edna)
    again = edit_data(Article.objects.get(pk=piece.pk), 2, dek="Their second dek")
    assert edna.post(change_url(piece), again).status_code == 302

    response = cora.post(change_url(piece), mine | {"merge_version": "2", "merge-dek": "mine"})
    assert response.status_code == 200
    assert "Their second dek" in conflict_panel(response)
    assert 'name="merge_version" value="3"' in conflict_panel(response)
    assert Article.objects.get(pk=piece.pk).dek == "Their second dek"


def test_the_message_after_a_merge_says_what_was_kept_and_links_the_comparison(piece, cora, edna):
    opened = edit_data(piece, 1)
    assert edna.post(change_url(piece), opened | {"dek": "Their dek"}).status_code == 302

    response = cora.post(change_url(piece), opened | {"title": "My title"}, follow=True)
    page = response.content.decode()
    assert (
        "Edna Desk changed the dek since you opened this piece; "
        "their dek is kept and your changes are saved."
    ) in page
    compare = reverse("admin:articles_article_revisions", args=[piece.pk]) + "?from=1&amp;to=3"
    assert f'href="{compare}"' in page
    comparison = cora.get(
        reverse("admin:articles_article_revisions", args=[piece.pk]), {"from": 1, "to": 3}
    )
    assert "+ Their dek" in comparison.content.decode()
    assert "+ My title" in comparison.content.decode()


def test_each_merged_save_records_exactly_one_revision_holding_both(piece, cora, edna):
    opened = edit_data(piece, 1)
    assert edna.post(change_url(piece), reorder(opened, [1, 0])).status_code == 302
    assert ArticleRevision.objects.filter(article=piece).count() == 2

    assert cora.post(change_url(piece), opened | {"dek": "My dek"}).status_code == 302
    assert ArticleRevision.objects.filter(article=piece).count() == 3
    latest = ArticleRevision.objects.get(article=piece, number=3).snapshot
    assert [a["name"] for a in latest["authors"]] == ["Ben Beta", "Ana Alpha"]
    assert latest["dek"] == "My dek"


def test_lead_photo_and_further_reading_only_they_changed_are_kept(piece, cora, edna):
    opened = edit_data(piece, 1)
    photo, related = make_photo(), make_article(title="Related piece")
    theirs = opened | {"lead_photo": photo.pk, "further_reading": [related.pk]}
    assert edna.post(change_url(piece), theirs).status_code == 302

    assert cora.post(change_url(piece), opened | {"title": "My title"}).status_code == 302
    article = Article.objects.get(pk=piece.pk)
    assert article.lead_photo_id == photo.pk
    assert list(article.further_reading.all()) == [related]
    assert article.title == "My title"


def test_a_field_an_old_snapshot_lacks_is_asked_about_when_it_differs(piece, cora, edna):
    """Versions saved before a field was versioned say nothing about it: no guessing."""
    base = ArticleRevision.objects.get(article=piece, number=1)
    del base.snapshot["seo_description"]
    base.save()
    opened = edit_data(piece, 1)
    theirs = opened | {"seo_description": "Their summary"}
    assert edna.post(change_url(piece), theirs).status_code == 302

    response = cora.post(change_url(piece), opened | {"seo_description": "My summary"})
    assert response.status_code == 200
    assert 'name="merge-seo_description"' in conflict_panel(response)
    assert Article.objects.get(pk=piece.pk).seo_description == "Their summary"
