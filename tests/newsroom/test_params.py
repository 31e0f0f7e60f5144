"""Query parameters are read at one boundary: a value no page can use answers 400, never 500.

The HTTP cases are the inputs that answered 500: a NUL in a text parameter
(PostgreSQL refuses NUL in any string), digits that ``str.isdigit()`` takes
but ``int()`` does not ('²', '①'), and numbers past a 64-bit column. They
hold on SQLite and on PostgreSQL alike: the answer is 400 on both.
"""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from newsroom import params
from newsroom.pagination import encode_cursor
from tests.factories import make_article, make_author, make_program, make_series

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # past a signed 64-bit integer


def make_listed(count: int = 1) -> list:
    """Live pieces under one series, program, expert and tag, newest first."""
    program = make_program(slug="energy")
    series = make_series(slug="alerts", program=program)
    author = make_author(slug="ana")
    program.experts.add(author)
    now = timezone.now()
    return [
        make_article(
            title=f"Grid piece {n:02}",
            series=series,
            authors=[author],
            tags=["grids"],
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(count)
    ]


@pytest.fixture
def listed():
    return make_listed()


def assert_bad_request(response):
    assert response.status_code == 400
    page = response.content.decode()
    assert "could not read" in page and 'href="/"' in page


# --- NUL and control characters in text ------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "q=grid%00",
        "q=grid&series=alerts%00",
        "q=grid&expert=ana%00",
        "q=grid&expert=%00",
        "q=%07grid",
    ],
)
def test_control_character_in_a_search_field_is_a_bad_request(client, listed, query):
    assert_bad_request(client.get(f"/search/?{query}"))


def test_nul_in_the_program_filter_is_a_bad_request(client, listed):
    assert_bad_request(client.get("/experts/?program=energy%00"))


def test_search_still_takes_tabs_and_any_language(client, listed):
    response = client.get("/search/", {"q": "grid\tpiece", "expert": "Ana"})
    assert response.status_code == 200
    assert client.get("/search/", {"q": "réseau électrique ²"}).status_code == 200


# --- Page numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["²", "①", "٣", "1²", "-1", "0", "+2", " 2", "2.0", HUGE, "9" * 5000]
)
@pytest.mark.parametrize("path", ["/", "/tags/grids/", "/experts/", "/search/?q=grid&"])
def test_page_that_is_not_a_plain_number_in_range_is_a_bad_request(client, listed, path, number):
    separator = "&" if "?" in path else "?"
    assert_bad_request(client.get(f"{path}{separator}page={number}"))


def test_plain_page_numbers_still_work(client):
    make_listed(25)
    assert client.get("/?page=2").status_code == 200
    assert client.get("/?page=02").status_code == 200
    assert client.get("/?page=").status_code == 200  # an empty field is the first page
    assert client.get("/?page=3").status_code == 404  # well-formed, past the end


# --- Keyset cursors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "①.1",
        "²1.1",
        "1.²",
        "1.①",
        f"1.{HUGE}",
        f"{HUGE}{HUGE}.1",
        "-" + HUGE + HUGE + ".1",
        "1.0",
        "1.-1",
        "1%00.1",
        "nonsense",
        "12.x",
        ".",
    ],
)
@pytest.mark.parametrize("name", ["before", "after"])
@pytest.mark.parametrize("path", ["/", "/experts/ana/"])
def test_cursor_that_encode_cursor_could_not_have_written_is_a_bad_request(
    client, listed, path, name, cursor
):
    assert_bad_request(client.get(f"{path}?page=2&{name}={cursor}"))


def test_a_real_cursor_still_pages(client):
    listed = make_listed(25)
    cursor = encode_cursor(listed[19])
    response = client.get(f"/tags/grids/?page=2&before={cursor}")
    assert response.status_code == 200
    assert [a.title for a in response.context["articles"]] == [
        f"Grid piece {n:02}" for n in range(20, 25)
    ]


def test_cursor_before_1970_still_pages(client, listed):
    # Cursors count microseconds from 1970, so an older piece's is negative.
    old = make_article(title="Founding memo", published_at=timezone.now().replace(year=1969))
    assert encode_cursor(old).startswith("-")
    response = client.get(f"/?page=2&before={encode_cursor(listed[0])}")
    assert [a.title for a in response.context["articles"]] == ["Founding memo"]
    response = client.get(f"/?page=2&after={encode_cursor(old)}")
    assert [a.title for a in response.context["articles"]] == ["Grid piece 00"]


# --- The helpers ----------------------------------------------------------------------


def query(**values) -> QueryDict:
    result = QueryDict(mutable=True)
    result.update(values)
    return result


def test_positive_int_reads_ascii_digits_within_bounds():
    assert params.positive_int(query(page="7"), "page", default=1, maximum=10) == 7
    assert params.positive_int(query(), "page", default=1, maximum=10) == 1
    assert params.positive_int(query(page=""), "page", default=1, maximum=10) == 1
    for bad in ["11", "0", "²", "٣", "7 ", "7\n", "0x7", "1_0", "-7", "\x00"]:
        with pytest.raises(params.BadParameter):
            params.positive_int(query(page=bad), "page", default=1, maximum=10)


def test_bounded_int_takes_a_sign_only_when_negatives_are_allowed():
    assert params.bounded_int("-5", name="x", minimum=-10, maximum=10) == -5
    with pytest.raises(params.BadParameter):
        params.bounded_int("-5", name="x", minimum=0, maximum=10)
    with pytest.raises(params.BadParameter):
        params.bounded_int("--5", name="x", minimum=-10, maximum=10)


def test_clean_text_refuses_control_characters_and_cuts_long_text():
    assert params.clean_text(query(q="a\tb"), "q") == "a\tb"
    assert params.clean_text(query(), "q") == ""
    assert params.clean_text(query(q="x" * 500), "q", max_length=200) == "x" * 200
    for bad in ["a\x00", "\x1b[31m", "a\x7f", "a\x85b", "a\rb"]:
        with pytest.raises(params.BadParameter):
            params.clean_text(query(q=bad), "q")


def test_bad_parameter_is_a_bad_request():
    from django.core.exceptions import BadRequest

    assert issubclass(params.BadParameter, BadRequest)
