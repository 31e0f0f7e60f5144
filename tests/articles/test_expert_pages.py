import pytest
from django.urls import reverse

from tests.factories import make_article, make_author, make_program

pytestmark = pytest.mark.django_db


def test_directory_filters_by_program(client):
    program = make_program(name="Energy Center", slug="energy")
    inside, outside = make_author(name="Ana Inside"), make_author(name="Bo Outside")
    program.experts.add(inside)
    page = client.get(reverse("authors:list"), {"program": "energy"}).content.decode()
    assert "Ana Inside" in page and "Bo Outside" not in page
    assert "Experts: Energy Center" in page
    assert client.get(reverse("authors:list"), {"program": "nope"}).status_code == 404
    assert outside.name in client.get(reverse("authors:list")).content.decode()


def test_directory_hides_inactive_experts(client):
    make_author(name="Gone Fellow", is_active=False)
    assert b"Gone Fellow" not in client.get(reverse("authors:list")).content


def test_profile_shows_links_programs_pieces_and_feeds(client):
    author = make_author(name="Ana Ortiz", bio="Works on grids.", x_handle="ana")
    make_program(name="Energy Center").experts.add(author)
    make_article(title="Grid piece", authors=[author])
    make_article(title="Draft piece", authors=[author], status="draft")
    page = client.get(author.get_absolute_url()).content.decode()
    for expected in [
        "Ana Ortiz",
        "Works on grids.",
        "https://x.com/ana",
        "Energy Center",
        "Grid piece",
    ]:
        assert expected in page
    assert "Draft piece" not in page
    assert reverse("authors:feed", args=[author.slug]) in page


@pytest.mark.parametrize("count", [1, 10])
def test_directory_query_count_does_not_grow(client, django_assert_num_queries, count):
    program = make_program()
    for _ in range(count):
        program.experts.add(make_author())
    # experts page, programs for the filter
    with django_assert_num_queries(2):
        assert client.get(reverse("authors:list")).status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_profile_query_count_does_not_grow_with_pieces(client, django_assert_num_queries, count):
    author = make_author()
    for _ in range(count):
        make_article(authors=[author, make_author()], tags=["t"])
    # cache state, author, pieces, their authors, programs
    with django_assert_num_queries(5):
        assert client.get(author.get_absolute_url()).status_code == 200
