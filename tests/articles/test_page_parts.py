"""An article page's regions kept rendered per version (newsroom.fragments).

After a change elsewhere drops the page cache, the page renders again from its
stored regions; anything the regions show that changes must show at once.
"""

import os
import re

import pytest
from django import template
from django.core.cache import cache
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article
from articles.related import refresh as refresh_further_reading
from articles.workflow import add_correction
from newsroom import fragments
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_series,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece():
    return make_article(
        title="The piece",
        body="<p>Original body.</p>",
        authors=[make_author(name="Ada Fellow", title="Senior Fellow")],
        tags=["trade"],
        series=make_series(name="Trade Notes", disclaimer="Views are the author's own."),
        lead_photo=make_photo(credit="Jo Snap", source="Wire"),
    )


def publish_another(capture):
    with capture(execute=True):
        make_article(title="Another piece")


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def without_nonces(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def test_after_another_publish_the_page_renders_from_its_parts(
    client, piece, django_assert_num_queries, django_capture_on_commit_callbacks
):
    rendered = page(client, piece)
    publish_another(django_capture_on_commit_callbacks)
    # cache state (next scheduled piece) and the piece's row; not its authors,
    # tags or further reading (none here, and the choice is kept)
    with django_assert_num_queries(2):
        from_parts = page(client, piece)
    assert without_nonces(from_parts) == without_nonces(rendered)
    for text in ("The piece", "Ada Fellow", "Original body.", "Photo by Jo Snap / Wire"):
        assert text in from_parts
    assert from_parts.count('type="application/ld+json"') == 2


def test_parts_are_kept_per_page_not_shared_between_pieces(client, piece):
    other = make_article(title="A second piece", body="<p>Second body.</p>")
    assert "Original body." in page(client, piece)
    second = page(client, other)
    assert "Second body." in second and "Original body." not in second


@pytest.fixture
def project(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    page = tmp_path / "templates" / "page.html"
    page.parent.mkdir()
    page.write_text("<p>{{ old }}</p>")
    fragments._release.cache_clear()
    yield page
    fragments._release.cache_clear()


def test_a_deploy_with_other_templates_does_not_use_old_parts(project, settings):
    settings.DEBUG = False
    before = fragments.release()
    project.write_text("<p>{{ new }}</p>")
    fragments._release.cache_clear()  # a new process: the deploy
    assert fragments.release() != before


def test_a_template_edited_under_the_development_server_shows_at_once(project, settings):
    settings.DEBUG = True
    before = fragments.release()
    project.write_text("<p>{{ edited }}</p>")
    stat = project.stat()
    os.utime(project, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert fragments.release() != before


def test_with_the_setting_at_zero_nothing_is_stored(client, piece, settings):
    settings.PAGE_PARTS_CACHE_SECONDS = 0
    page(client, piece)
    assert not [key for key in cache._cache if "page-parts:article" in key]


def test_a_malformed_part_tag_is_a_clear_template_error():
    engine = template.engines["django"]
    with pytest.raises(template.TemplateSyntaxError, match="Usage"):
        engine.from_string("{% load newsroom %}{% part name %}x{% endpart %}")


def edit_author(article):
    author = article.ordered_authors()[0]
    author.name = "Ada Renamed"
    author.save()
    return "Ada Renamed"


def edit_series(article):
    series = article.series
    series.disclaimer = "A new disclaimer."
    series.save()
    return "A new disclaimer."


def edit_photo(article):
    photo = article.lead_photo
    photo.credit = "Max Lens"
    photo.save()
    return "Photo by Max Lens / Wire"


def rename_tag(article):
    tag = Tag.objects.get(name="trade")
    tag.name = "commerce"
    tag.save()
    return "commerce"


def add_tag(article):
    article.tags.add("energy")
    return "energy"


def edit_piece(article):
    article.body = "<p>Edited body.</p>"
    article.save()
    return "Edited body."


def correct_piece(article):
    add_correction(article=article, by=make_user("Editors"), note="We misstated a date.")
    return "We misstated a date."


@pytest.mark.parametrize(
    "change",
    [edit_author, edit_series, edit_photo, rename_tag, add_tag, edit_piece, correct_piece],
)
def test_changes_to_what_the_parts_show_appear_at_once(
    client, piece, change, django_capture_on_commit_callbacks
):
    page(client, piece)
    publish_another(django_capture_on_commit_callbacks)
    page(client, piece)  # the parts are stored and in use
    with django_capture_on_commit_callbacks(execute=True):
        shown = change(Article.objects.get(pk=piece.pk))
    assert shown in page(client, piece)


def test_further_reading_is_kept_with_the_versions_of_its_pieces(
    client, piece, django_assert_num_queries, django_capture_on_commit_callbacks
):
    related = make_article(title="Related one", tags=["trade"], authors=[make_author()])
    leaving = make_article(title="Related two", tags=["trade"])
    refresh_further_reading(piece)
    page(client, piece)
    publish_another(django_capture_on_commit_callbacks)
    # cache state; the versions of the piece and of its further reading, in one
    with django_assert_num_queries(2):
        assert "Related one" in page(client, piece)
    with django_capture_on_commit_callbacks(execute=True):
        related.title = "Related one, retitled"
        related.save()
        leaving.status = Article.Status.ARCHIVED
        leaving.save()
    shown = page(client, piece)
    assert "Related one, retitled" in shown and "Related two" not in shown


def test_a_piece_with_much_further_reading_keeps_a_valid_cache_key(client, piece):
    for n in range(8):
        piece.further_reading.add(make_article(title=f"Picked {n}"))
    assert "Further reading" in page(client, piece)
    assert len(fragments.Parts(*range(1000), token="t").key) < 250


# --- Cards on listing pages ----------------------------------------------------


def cards_drawn(response) -> int:
    return sum(t.name == "includes/article_card.html" for t in response.templates)


def test_after_a_publish_the_home_page_draws_only_the_cards_that_changed(
    client, django_capture_on_commit_callbacks
):
    for n in range(3):
        make_article(title=f"Older {n}", authors=[make_author()])
    first = client.get("/")
    assert cards_drawn(first) == 3
    publish_another(django_capture_on_commit_callbacks)
    again = client.get("/")
    # The new piece's card (featured) and the former featured piece's, now in the list.
    assert cards_drawn(again) == 2
    cache.clear()
    fresh = client.get("/")
    assert cards_drawn(fresh) == 4
    assert without_nonces(again.content.decode()) == without_nonces(fresh.content.decode())


def test_cards_show_changes_to_their_piece_and_to_what_they_show_at_once(
    client, django_capture_on_commit_callbacks
):
    author = make_author(name="Ada Fellow")
    series = make_series(name="Trade Notes")
    article = make_article(title="On tariffs", authors=[author], tags=["trade"], series=series)
    tag_page = reverse("articles:tag", args=["trade"])
    assert "Ada Fellow" in client.get(tag_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Ada Renamed"
        author.save()
    assert "Ada Renamed" in client.get(tag_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "On tariffs, revised"
        article.save()
    assert "On tariffs, revised" in client.get(tag_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        series.name = "Trade Letters"
        series.save()
    assert "Trade Letters" in client.get(tag_page).content.decode()


def test_search_cards_are_kept_and_each_query_shows_its_own_snippet(
    client, django_capture_on_commit_callbacks
):
    author = make_author(name="Ada Fellow")
    make_article(
        title="Water", body="<p>Upstream dams change how rivers flow.</p>", authors=[author]
    )
    make_article(title="Dry land", body="<p>Rivers & dams <b>run</b> dry.</p>")
    first = client.get("/search/", {"q": "dams"})
    assert cards_drawn(first) == 2
    for word in ("rivers", "dams rivers"):
        response = client.get("/search/", {"q": word})
        # Both cards come from the ones the first search kept, with this query's snippet.
        assert cards_drawn(response) == 0
        page = response.content.decode()
        assert page.count('<p class="snippet">') == 2 and "<!--snippet-->" not in page
        assert page.lower().count("<mark>rivers</mark>") == 2
        cache.clear()
        fresh = client.get("/search/", {"q": word}).content.decode()
        assert cards_drawn(client.get("/search/", {"q": word + " "})) == 0
        assert without_nonces(page) == without_nonces(fresh)
    # The snippet is escaped once, not twice.
    assert "</mark> &amp; <mark>" in page.lower() and "&amp;amp;" not in page
    with django_capture_on_commit_callbacks(execute=True):
        author.name = "Ada Renamed"
        author.save()
    assert "Ada Renamed" in client.get("/search/", {"q": "upstream"}).content.decode()
