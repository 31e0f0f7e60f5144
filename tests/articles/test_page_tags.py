"""A change drops exactly the cached pages that show it (articles.page_tags, on Redis).

"Stayed cached" is checked the way a reader's request would show it: the page
is answered with no database query at all.
"""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from newsroom import page_cache
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_ready_article,
    make_series,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def redis_pages(page_cache_redis):
    """On Redis, where a drop forgets only the pages carrying its tags."""
    return page_cache_redis


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as a request would: its after-commit work (the drops) runs too."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def cached(client, django_assert_num_queries, *urls):
    for url in urls:
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200, url


@pytest.fixture
def site():
    """Two authors, two series, each with pieces; every page visited once (cached)."""
    anna, boris = make_author(name="Anna Arendt"), make_author(name="Boris Brandt")
    energy, trade = make_series(name="Energy"), make_series(name="Trade")
    anna_energy = make_article(title="Grid", series=energy, authors=[anna], tags=["power"])
    anna_trade = make_article(title="Tariffs", series=trade, authors=[anna], tags=["customs"])
    boris_trade = make_article(title="Ports", series=trade, authors=[boris], tags=["customs"])
    return {
        "anna": anna,
        "boris": boris,
        "energy": energy,
        "trade": trade,
        "anna_energy": anna_energy,
        "anna_trade": anna_trade,
        "boris_trade": boris_trade,
    }


def visit_all(client, *urls):
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_editing_an_author_changes_every_page_with_their_byline_and_no_other(
    client, site, committed, django_assert_num_queries
):
    anna, boris = site["anna"], site["boris"]
    with_byline = [
        site["anna_energy"].get_absolute_url(),
        site["anna_trade"].get_absolute_url(),
        "/",
        site["energy"].get_absolute_url(),
        site["trade"].get_absolute_url(),
        anna.get_absolute_url(),
        reverse("articles:tag", args=["power"]),
    ]
    # Boris's own piece elsewhere: no card of Anna's in its "Further reading".
    lone = make_article(title="Harbours", series=make_series(), authors=[boris], tags=["sea"])
    without = [lone.get_absolute_url(), boris.get_absolute_url()]
    visit_all(client, *with_byline, *without)
    with committed():
        anna.name = "Anna Arendt-Weil"
        anna.save()
    for url in with_byline:
        assert "Anna Arendt-Weil" in client.get(url).text, url
    cached(client, django_assert_num_queries, *without)


def test_publishing_a_piece_drops_only_the_pages_that_list_it(
    client, site, committed, editor, django_assert_num_queries
):
    piece = make_ready_article(
        title="Pipelines",
        series=site["energy"],
        authors=[site["anna"]],
        tags=["power"],
        status=Article.Status.DRAFT,
        published_at=None,
    )
    lists_it = [
        "/",
        site["energy"].get_absolute_url(),
        site["energy"].program.get_absolute_url(),
        reverse("articles:tag", args=["power"]),
        site["anna"].get_absolute_url(),
    ]
    untouched = [
        site["trade"].get_absolute_url(),
        reverse("articles:tag", args=["customs"]),
        site["boris"].get_absolute_url(),
        site["boris_trade"].get_absolute_url(),
        site["anna_trade"].get_absolute_url(),
    ]
    visit_all(client, *lists_it, *untouched)
    with committed():
        workflow.publish(piece, by=editor)
    for url in lists_it:
        assert "Pipelines" in client.get(url).text, url
    cached(client, django_assert_num_queries, *untouched)


def test_editing_a_live_piece_changes_its_page_and_cards_only(
    client, site, committed, django_assert_num_queries
):
    piece = site["boris_trade"]
    shows_it = [piece.get_absolute_url(), "/", site["trade"].get_absolute_url()]
    untouched = [site["energy"].get_absolute_url(), site["anna_energy"].get_absolute_url()]
    visit_all(client, *shows_it, *untouched)
    with committed():
        piece.title = "Ports and harbours"
        piece.save()
    for url in shows_it:
        assert "Ports and harbours" in client.get(url).text, url
    cached(client, django_assert_num_queries, *untouched)


def test_taking_a_piece_down_removes_it_everywhere_at_once(client, site, committed, editor):
    piece = site["boris_trade"]
    urls = ["/", site["trade"].get_absolute_url(), reverse("articles:tag", args=["customs"])]
    visit_all(client, piece.get_absolute_url(), *urls)
    with committed():
        workflow.unpublish(piece, by=editor)
    assert client.get(piece.get_absolute_url()).status_code == 404
    for url in urls:
        assert "Ports" not in client.get(url).text, url


def test_moving_a_piece_to_another_series_changes_both_series_pages(client, site, committed):
    piece = site["boris_trade"]
    visit_all(client, site["trade"].get_absolute_url(), site["energy"].get_absolute_url())
    with committed():
        piece.series = site["energy"]
        piece.save()
    assert "Ports" not in client.get(site["trade"].get_absolute_url()).text
    assert "Ports" in client.get(site["energy"].get_absolute_url()).text


def test_retagging_and_renaming_a_tag_show_at_once(
    client, site, committed, django_assert_num_queries
):
    piece, other = site["anna_energy"], site["boris_trade"]
    visit_all(client, piece.get_absolute_url(), other.get_absolute_url())
    visit_all(client, reverse("articles:tag", args=["power"]))
    with committed():
        piece.tags.add("grids")
    assert ">grids<" in client.get(piece.get_absolute_url()).text
    with committed():
        tag = piece.tags.get(name="power")
        tag.name = "Electric power"
        tag.save()
    assert "Electric power" in client.get(piece.get_absolute_url()).text
    assert "Electric power" in client.get(reverse("articles:tag", args=["power"])).text
    cached(client, django_assert_num_queries, other.get_absolute_url())


def test_a_new_photo_credit_and_a_correction_show_on_the_piece(
    client, site, committed, editor, django_assert_num_queries
):
    photo = make_photo(credit="Staff")
    piece = make_article(title="Dams", lead_photo=photo, series=site["energy"])
    visit_all(client, piece.get_absolute_url(), site["boris_trade"].get_absolute_url())
    with committed():
        photo.credit = "Jaap Arriens"
        photo.save()
    assert "Jaap Arriens" in client.get(piece.get_absolute_url()).text
    with committed():
        workflow.add_correction(
            article=piece, by=editor, note="An earlier version misdated the dam."
        )
    assert "misdated the dam" in client.get(piece.get_absolute_url()).text
    cached(client, django_assert_num_queries, site["boris_trade"].get_absolute_url())


def test_further_reading_chosen_again_reaches_the_page(client, site, committed):
    from articles import related

    piece = site["anna_trade"]
    visit_all(client, piece.get_absolute_url())
    newer = make_article(title="Customs unions", tags=["customs"], series=site["trade"])
    with committed():
        related.refresh(piece)
    assert "Customs unions" in client.get(piece.get_absolute_url()).text
    with committed():
        newer.status = Article.Status.ARCHIVED
        newer.save()
    assert "Customs unions" not in client.get(piece.get_absolute_url()).text


def test_a_hand_picked_draft_appears_under_the_piece_once_published(
    client, site, committed, editor
):
    piece = site["anna_trade"]
    draft = make_ready_article(title="Tariff tables", status=Article.Status.DRAFT)
    with committed():
        piece.further_reading.add(draft)
    assert "Tariff tables" not in client.get(piece.get_absolute_url()).text
    with committed():
        workflow.publish(draft, by=editor)
    assert "Tariff tables" in client.get(piece.get_absolute_url()).text


def test_a_page_with_a_scheduled_hand_pick_is_kept_only_until_it_goes_live(
    client, site, editor, committed, redis_pages
):
    piece = site["anna_trade"]
    later = make_ready_article(title="Quotas", status=Article.Status.DRAFT)
    with committed():
        workflow.publish(later, by=editor, at=timezone.now() + timedelta(seconds=90))
        piece.further_reading.add(later)
    assert "Quotas" not in client.get(piece.get_absolute_url()).text
    key = page_cache.page_key(RequestFactory().get(piece.get_absolute_url()))
    assert 0 < redis_pages.ttl(key) <= 90


def test_pages_a_scheduled_piece_will_enter_are_kept_only_until_it_goes_live(
    client, site, editor, committed, redis_pages
):
    piece = make_ready_article(series=site["trade"], status=Article.Status.DRAFT, published_at=None)
    with committed():
        workflow.publish(piece, by=editor, at=timezone.now() + timedelta(seconds=90))
    visit_all(client, "/", site["trade"].get_absolute_url(), site["energy"].get_absolute_url())

    def seconds_kept(url):
        return redis_pages.ttl(page_cache.page_key(RequestFactory().get(url)))

    assert 0 < seconds_kept("/") <= 90
    assert 0 < seconds_kept(site["trade"].get_absolute_url()) <= 90
    assert seconds_kept(site["energy"].get_absolute_url()) > 90  # it will not list the piece


def test_public_pages_name_what_they_show_for_a_cdn(client, site):
    piece = site["anna_energy"]
    tags = client.get(piece.get_absolute_url())["Cache-Tag"].split(",")
    assert f"article:{piece.pk}" in tags
    assert f"author:{site['anna'].pk}" in tags
    assert f"series:{site['energy'].pk}" in tags
    assert f"program:{site['energy'].program_id}" in tags
    home = client.get("/")["Surrogate-Key"].split()
    assert "latest" in home and f"article:{site['boris_trade'].pk}" in home
