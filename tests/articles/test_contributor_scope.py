"""Contributors reach their own drafts and what the public already sees, nothing more.

Photos that someone else's piece or any live piece uses, other people's drafts
in "Further reading", their titles on the photo page, and their tags in the
tag suggestions all stay out of a contributor's reach; editors keep theirs.
"""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.articles.conftest import article_in_state
from tests.articles.test_workflow_admin import edit_data
from tests.factories import make_photo

pytestmark = pytest.mark.django_db


def photo_url(photo):
    return reverse("admin:articles_photo_change", args=[photo.pk])


def photo_data(photo, **changes):
    """What the photo form posts, with the file left as it is."""
    return {
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "credit": photo.credit,
        "source": photo.source,
        "license": photo.license,
        "rights_expire_on": "",
        "focal_x": str(photo.focal_x),
        "focal_y": str(photo.focal_y),
        **changes,
    }


def article_data(article, **changes):
    """What the article form posts for the piece as it stands, with ``changes``."""
    return edit_data(article, article.version, **changes)


# -- photos ------------------------------------------------------------------


@pytest.mark.parametrize(
    "own, state",
    [(False, "published"), (False, "draft"), (True, "published"), (True, "in_review")],
    ids=["others-live", "others-draft", "own-live", "own-in-review"],
)
def test_contributor_cannot_change_a_photo_in_use_beyond_their_drafts(
    client, contributor, other_contributor, own, state
):
    owner = contributor if own else other_contributor
    photo = make_photo(caption="Harbour at dawn", credit="Jo Snap")
    article_in_state(state, created_by=owner, lead_photo=photo)
    client.force_login(contributor)

    page = client.get(photo_url(photo))
    assert page.status_code == 200  # still readable
    assert 'name="caption"' not in page.content.decode()  # but not as a form

    response = client.post(photo_url(photo), photo_data(photo, caption="Swapped", credit="X"))
    assert response.status_code == 403
    photo.refresh_from_db()
    assert (photo.caption, photo.credit) == ("Harbour at dawn", "Jo Snap")


@pytest.mark.parametrize("used", [True, False])
def test_contributor_changes_a_photo_only_their_own_drafts_use(client, contributor, used):
    photo = make_photo(caption="Before")
    if used:
        article_in_state("draft", created_by=contributor, lead_photo=photo)
    client.force_login(contributor)
    response = client.post(photo_url(photo), photo_data(photo, caption="After"))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "After"


def test_editor_still_changes_a_photo_a_live_piece_uses(client, editor, other_contributor):
    photo = make_photo(caption="Before")
    article_in_state("published", created_by=other_contributor, lead_photo=photo)
    client.force_login(editor)
    assert client.post(photo_url(photo), photo_data(photo, caption="After")).status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "After"


def test_contributor_photo_list_still_shows_photos_they_cannot_change(
    client, contributor, other_contributor
):
    photo = make_photo(caption="Shared harbour picture")
    article_in_state("published", created_by=other_contributor, lead_photo=photo)
    client.force_login(contributor)
    page = client.get(reverse("admin:articles_photo_changelist"))
    assert page.status_code == 200
    assert "Shared harbour picture" in page.content.decode()


def test_used_by_shows_a_contributor_live_pieces_and_their_own_only(
    client, contributor, other_contributor, editor
):
    photo = make_photo()
    article_in_state("published", created_by=other_contributor, title="Public analysis")
    Article.objects.filter(title="Public analysis").update(lead_photo=photo)
    article_in_state("draft", created_by=contributor, title="My own draft", lead_photo=photo)
    article_in_state("draft", created_by=other_contributor, title="Secret draft", lead_photo=photo)
    article_in_state("scheduled", created_by=editor, title="Embargoed piece", lead_photo=photo)

    client.force_login(contributor)
    page = client.get(photo_url(photo)).content.decode()
    assert "Public analysis" in page and "My own draft" in page
    assert "Secret draft" not in page and "Embargoed piece" not in page
    assert "and 2 other pieces that are not public" in page

    client.force_login(editor)
    page = client.get(photo_url(photo)).content.decode()
    for title in ["Public analysis", "My own draft", "Secret draft", "Embargoed piece"]:
        assert title in page
    assert "not public" not in page


# -- further reading ---------------------------------------------------------


def test_contributor_cannot_put_someone_elses_draft_in_further_reading(
    client, contributor, other_contributor
):
    mine = article_in_state("draft", created_by=contributor)
    secret = article_in_state("draft", created_by=other_contributor, title="Secret draft")
    client.force_login(contributor)
    response = client.post(
        reverse("admin:articles_article_change", args=[mine.pk]),
        article_data(mine, further_reading=[secret.pk]),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "further_reading" in errors
    assert "Secret draft" not in response.content.decode()
    assert not mine.further_reading.exists()


def test_contributor_links_live_pieces_and_their_own_in_further_reading(
    client, contributor, other_contributor
):
    mine = article_in_state("draft", created_by=contributor)
    own_other = article_in_state("in_review", created_by=contributor)
    public = article_in_state("published", created_by=other_contributor)
    client.force_login(contributor)
    response = client.post(
        reverse("admin:articles_article_change", args=[mine.pk]),
        article_data(mine, further_reading=[own_other.pk, public.pk]),
    )
    assert response.status_code == 302
    assert set(mine.further_reading.all()) == {own_other, public}


def test_contributor_save_keeps_an_editors_pick_they_cannot_see(
    client, contributor, other_contributor
):
    mine = article_in_state("draft", created_by=contributor, title="Mine")
    secret = article_in_state("draft", created_by=other_contributor, title="Secret draft")
    mine.further_reading.add(secret)  # picked by an editor
    client.force_login(contributor)
    url = reverse("admin:articles_article_change", args=[mine.pk])
    assert "Secret draft" not in client.get(url).content.decode()
    response = client.post(url, article_data(mine, title="Mine, retitled"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.title == "Mine, retitled"
    assert list(mine.further_reading.all()) == [secret]


def test_further_reading_autocomplete_offers_a_contributor_live_and_own_pieces(
    client, contributor, other_contributor, editor
):
    article_in_state("draft", created_by=contributor, title="Grid notes mine")
    article_in_state("published", created_by=other_contributor, title="Grid notes public")
    article_in_state("draft", created_by=other_contributor, title="Grid notes secret")
    article_in_state("scheduled", created_by=editor, title="Grid notes embargoed")
    url = reverse("admin:autocomplete")
    params = {
        "term": "Grid notes",
        "app_label": "articles",
        "model_name": "article",
        "field_name": "further_reading",
    }

    def offered(user):
        client.force_login(user)
        response = client.get(url, params)
        assert response.status_code == 200
        return {item["text"] for item in response.json()["results"]}

    assert offered(contributor) == {"Grid notes mine", "Grid notes public"}
    assert offered(editor) == {
        "Grid notes mine",
        "Grid notes public",
        "Grid notes secret",
        "Grid notes embargoed",
    }


# -- tag suggestions ---------------------------------------------------------


def test_tag_suggestions_for_a_contributor_skip_tags_only_others_drafts_use(
    client, contributor, other_contributor, editor
):
    article_in_state("published", created_by=other_contributor, tags=["energy grid"])
    article_in_state("draft", created_by=contributor, tags=["energy mine"])
    article_in_state("draft", created_by=other_contributor, tags=["energy secret"])
    article_in_state("scheduled", created_by=editor, tags=["energy embargo"])
    article_in_state("archived", created_by=editor, tags=["energy retired"])
    url = reverse("admin:articles_article_tag_suggestions")

    client.force_login(contributor)
    assert sorted(client.get(url, {"q": "energy"}).json()["tags"]) == [
        "energy grid",
        "energy mine",
    ]
    client.force_login(editor)
    assert len(client.get(url, {"q": "energy"}).json()["tags"]) == 5
