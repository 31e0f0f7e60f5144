import html

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article
from articles.search import parse_websearch, search
from tests.articles.test_views import NOT_LIVE
from tests.factories import make_article, make_author, make_series

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search")
on_sqlite = pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite fallback")


def _titles(text, **filters):
    return [a.title for a in search(text, **filters)]


# --- Behaviour both backends share ---------------------------------------------


def test_title_match_ranks_above_body_match():
    make_article(title="Notes from the week", body="<p>The pipeline question returns.</p>")
    make_article(title="The pipeline question", body="<p>Notes from the week.</p>")
    assert _titles("pipeline") == ["The pipeline question", "Notes from the week"]


def test_quotes_match_the_phrase_only():
    make_article(title="Grid reform now", body="<p>x</p>")
    make_article(title="Reform of the grid", body="<p>x</p>")
    assert _titles('"grid reform"') == ["Grid reform now"]


def test_minus_word_excludes_pieces_with_that_word():
    make_article(title="Sanctions and oil", body="<p>x</p>")
    make_article(title="Sanctions and banks", body="<p>x</p>")
    assert _titles("sanctions -oil") == ["Sanctions and banks"]


def test_or_accepts_either_word():
    make_article(title="Drones over the border", body="<p>x</p>")
    make_article(title="Missiles in the east", body="<p>x</p>")
    make_article(title="Farming subsidies", body="<p>x</p>")
    assert sorted(_titles("drones or missiles")) == [
        "Drones over the border",
        "Missiles in the east",
    ]


@pytest.mark.parametrize("fields", NOT_LIVE)
def test_search_never_finds_pieces_that_are_not_live(client, fields):
    make_article(title="Hidden pipeline", **fields)
    assert _titles("pipeline") == []
    assert (
        b"Hidden pipeline" not in client.get(reverse("articles:search"), {"q": "pipeline"}).content
    )


def test_filters_by_series_and_expert():
    series, author = make_series(slug="alert"), make_author(slug="ana")
    make_article(title="Energy in the series", series=series)
    make_article(title="Energy by Ana", authors=[author])
    make_article(title="Energy elsewhere")
    assert _titles("energy", series="alert") == ["Energy in the series"]
    assert _titles("energy", expert="ana") == ["Energy by Ana"]


def test_expert_filter_takes_part_of_a_name_in_any_case():
    ana, anabel = make_author(name="Ana Ruiz", slug="ana"), make_author(name="Anabel Ko")
    make_article(title="Energy by Ana", authors=[ana])
    make_article(title="Energy by Anabel and Ana", authors=[anabel, ana])
    make_article(title="Energy by Anabel", authors=[anabel])
    assert sorted(_titles("energy", expert="RUIZ")) == ["Energy by Ana", "Energy by Anabel and Ana"]
    # Each piece once, however many of its authors match.
    assert sorted(_titles("energy", expert="ana")) == [
        "Energy by Ana",
        "Energy by Anabel",
        "Energy by Anabel and Ana",
    ]
    assert _titles("energy", expert="nobody") == []


def test_tags_are_searched():
    make_article(title="Untitled note", body="<p>x</p>", tags=["hydropower"])
    assert _titles("hydropower") == ["Untitled note"]


def test_results_page_highlights_the_words_and_escapes_the_text(client):
    make_article(
        title="Water",
        body="<p>Upstream dams &lt;script&gt; change how rivers flow for farmers.</p>",
    )
    page = client.get(reverse("articles:search"), {"q": "dams"}).content.decode()
    assert "<mark>dams</mark>" in page
    body = page.split("</head>")[1]
    assert "<script>" not in body and "&lt;script&gt;" in body


def _long_body(middle: str) -> str:
    filler = "<p>" + "Ordinary words about budgets and committees. " * 80 + "</p>"
    return filler + f"<p>{middle}</p>" + filler


def test_a_match_deep_in_a_long_body_is_still_highlighted(client, django_assert_num_queries):
    body = _long_body("The desalination plant opened.")
    assert body.index("desalination") > 3000
    make_article(title="Water", body=body)
    make_article(title="Early", body="<p>A desalination plant, first thing.</p>" + body)
    # cache state, results, their authors, series choices: no second pass for snippets
    with django_assert_num_queries(4):
        page = client.get(reverse("articles:search"), {"q": "desalination"}).content.decode()
    assert "<mark>desalination</mark> plant opened." in page
    assert "<mark>desalination</mark> plant, first thing." in page


@on_postgres
def test_postgres_snippets_show_a_second_passage_further_on(client):
    make_article(
        title="Early",
        body="<p>A desalination plant, first thing.</p>" + _long_body("Desalination ends."),
    )
    page = client.get(reverse("articles:search"), {"q": "desalination"}).content.decode()
    snippet = page.split('<p class="snippet">')[1].split("</p>")[0]
    assert snippet.startswith("A <mark>desalination</mark> plant, first thing. Ordinary words")
    assert " … words about budgets and committees. <mark>Desalination</mark> ends. " in snippet
    assert snippet.endswith(" …") and snippet.count("<mark>") == 2


@on_postgres
def test_postgres_snippets_mark_each_form_of_the_words_and_no_stop_words(client):
    make_article(
        title="Courts",
        body="<p>Reforming the courts: a reform of judges, and more reforms.</p>",
    )
    page = client.get(reverse("articles:search"), {"q": "the reforms"}).content.decode()
    assert (
        "<mark>Reforming</mark> the courts: a <mark>reform</mark> of judges, "
        "and more <mark>reforms</mark>."
    ) in page


def test_a_match_in_the_title_only_shows_the_opening_unmarked(client):
    make_article(title="Desalination", body="<p>Plants open along the coast. " * 30 + "</p>")
    page = client.get(reverse("articles:search"), {"q": "desalination"}).content.decode()
    assert '<p class="snippet">Plants open along the coast.' in page
    assert "<mark>" not in page.split("<main")[1]


def test_empty_query_shows_the_form_without_results(client):
    make_article(title="Anything")
    response = client.get(reverse("articles:search"))
    assert response.status_code == 200
    assert b"Anything" not in response.content


@pytest.mark.parametrize("count", [1, 10])
def test_search_page_query_count_does_not_grow_with_results(
    client, django_assert_num_queries, count
):
    for _ in range(count):
        make_article(title="Ports and shipping", authors=[make_author(), make_author()])
    # cache state, results, their authors, series choices
    with django_assert_num_queries(4):
        response = client.get(reverse("articles:search"), {"q": "shipping"})
    assert len(response.context["results"]) == count


# --- PostgreSQL only ------------------------------------------------------------


@on_postgres
def test_postgres_stems_words_and_keeps_the_index_current_on_save():
    article = make_article(title="Older title", body="<p>x</p>")
    assert _titles("reforms") == []
    article.title = "Reforming the courts"
    article.save()
    assert _titles("reform") == ["Reforming the courts"]
    article.tags.add("judiciary")
    assert _titles("judiciary") == ["Reforming the courts"]


@on_postgres
def test_postgres_dek_outranks_body():
    make_article(title="A", dek="Nothing here", body="<p>Tariffs again.</p>")
    make_article(title="B", dek="Tariffs and trade", body="<p>Nothing here.</p>")
    assert _titles("tariffs") == ["B", "A"]


@on_postgres
def test_postgres_phrase_search_keeps_up_with_edits():
    article = make_article(title="Notes", body="<p>The grid needs reform.</p>")
    assert _titles('"grid reform"') == []
    article.body = "<p>Grid reform, at last.</p>"
    article.save()
    assert _titles('"grid reform"') == ["Notes"]
    article.body = "<p>Reform of the grid.</p>"
    article.save()
    assert _titles('"grid reform"') == []


PHRASE_PIECES = {
    "Grid": "<p>Reform of the grid is due; the budget is not.</p>",
    "Grid reform now": "<p>Budget talks stall.</p>",
    "Talks": "<p>The state of the union was debated. Well-being budgets rose.</p>",
    "Again": "<p>Reform reform reform; grid grid. Budget talks, budget talks.</p>",
    "Apostrophes": "<p>The court's ruling on O'Neil's appeal, 2024 budget.</p>",
}
PHRASES = [
    '"grid reform"',  # adjacent in one title, apart in a body
    '"grid reform" budget',
    '"reform grid"',  # across the end of one title and its body: PostgreSQL joins them
    '"budget talks"',
    '"talks budget"',
    '"state of the union"',  # stop words between every pair: nothing to narrow by
    '"well-being budgets"',
    '"court\'s ruling"',
    '"2024 budget"',
    '"grid reform" -talks',
    '"grid reform" or "budget talks"',
    '-"budget talks" grid',
    '"reform reform reform"',
    '"the of"',
    '"grid -reform"',  # inside quotes a minus is only punctuation
    '"grid or reform"',
    '"grid reform',  # never closed
]


@on_postgres
@pytest.mark.parametrize("text", PHRASES)
def test_postgres_phrases_find_what_the_phrase_check_alone_finds(text):
    from django.contrib.postgres.search import SearchQuery

    for title, body in PHRASE_PIECES.items():
        make_article(title=title, body=body)
    alone = Article.objects.live().filter(
        search_vector=SearchQuery(text, search_type="websearch", config="english")
    )
    assert sorted(_titles(text)) == sorted(alone.values_list("title", flat=True))


# --- SQLite fallback ----------------------------------------------------------------


@on_sqlite
def test_sqlite_fallback_matches_words_case_insensitively_in_any_field():
    make_article(title="x", dek="About LNG terminals", body="<p>y</p>")
    make_article(title="y", dek="z", body="<p>Nothing</p>")
    assert _titles("lng") == ["x"]


def test_websearch_parser_reads_quotes_negation_and_or():
    assert parse_websearch('"grid reform" -oil or drones') == [
        [(False, "grid reform"), (True, "oil")],
        [(False, "drones")],
    ]
    assert parse_websearch("-only -negative") == []


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ("winter gas", "Results for “winter gas”"),
        ('"winter gas"', 'Results for "winter gas"'),
        ('"winter" gas', 'Results for “"winter" gas”'),
    ],
)
def test_results_heading_quotes_the_query_once(client, query, heading):
    make_article(title="Winter gas reserves")
    page = client.get(reverse("articles:search"), {"q": query}).content.decode()
    assert f">{html.escape(heading)}</h2>" in page
