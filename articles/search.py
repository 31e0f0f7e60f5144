"""Full-text search over live articles.

On PostgreSQL: a stored, weighted ``tsvector`` (title A, dek B, body and tags
C) kept current whenever an article or its tags are saved, queried with
``websearch_to_tsquery`` (quotes, ``-word``, ``or``), ranked. On SQLite: the
same query syntax over ``icontains`` filters, title matches first. Either way
each result's snippet is cut in Python (``articles.snippets``).
"""

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, TextField, Value, When
from django.utils.html import strip_tags

from articles import snippets
from articles.models import Article, ArticleAuthor
from authors.models import Author
from newsroom import params

CONFIG = "english"
# PostgreSQL ranks at most this many of the newest matching pieces; a query
# matching more shows the best of the newest (narrow it to reach older ones):
# 25 pages of results. Ranking reads each match's vector, so this bound keeps
# the ranking's cost the same however many pieces match.
RANKED_MATCHES = 500


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Keeping the index current ----------------------------------------------


def update_search_vector(article_id: int) -> None:
    """Recompute one article's stored search vector (PostgreSQL only)."""
    if not uses_postgres():
        return
    row = Article.objects.filter(pk=article_id).values("title", "dek", "body").first()
    if row is None:
        return
    tags = " ".join(
        Article.tags.through.objects.filter(
            object_id=article_id, content_type__app_label="articles", content_type__model="article"
        ).values_list("tag__name", flat=True)
    )

    def text(value):
        return Value(value, output_field=TextField())

    vector = (
        SearchVector(text(row["title"]), weight="A", config=CONFIG)
        + SearchVector(text(row["dek"]), weight="B", config=CONFIG)
        + SearchVector(text(html.unescape(strip_tags(row["body"]))), weight="C", config=CONFIG)
        + SearchVector(text(tags), weight="C", config=CONFIG)
    )
    # .update() sends no signal, so this cannot recurse into post_save.
    Article.objects.filter(pk=article_id).update(search_vector=vector)


# --- Query parsing (SQLite fallback) ------------------------------------------

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def parse_websearch(text: str) -> list[list[tuple[bool, str]]]:
    """Split a query the way websearch_to_tsquery reads it.

    Returns alternatives (separated by ``or``), each a list of
    ``(negated, phrase)`` terms that must all hold.
    """
    alternatives: list[list[tuple[bool, str]]] = [[]]
    for match in _TOKEN.finditer(text):
        minus, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                alternatives.append([])
                continue
            negated, term = word.startswith("-"), word.lstrip("-")
        else:
            negated, term = bool(minus), phrase
        term = term.strip()
        if term:
            alternatives[-1].append((negated, term))
    return [terms for terms in alternatives if any(not negated for negated, _ in terms)]


def _term_filter(term: str) -> Q:
    tagged = Article.tags.through.objects.filter(
        tag__name__icontains=term,
        content_type__app_label="articles",
        content_type__model="article",
    ).values("object_id")
    return (
        Q(title__icontains=term)
        | Q(dek__icontains=term)
        | Q(body__icontains=term)
        | Q(pk__in=tagged)
    )


def _fallback(queryset, text: str):
    alternatives = parse_websearch(text)
    if not alternatives:
        return queryset.none()
    matches = Q()
    title_hits = Q()
    for terms in alternatives:
        clause = Q()
        for negated, term in terms:
            clause &= ~_term_filter(term) if negated else _term_filter(term)
            if not negated:
                title_hits |= Q(title__icontains=term)
        matches |= clause
    return (
        queryset.filter(matches)
        .annotate(
            rank=Case(
                When(title_hits, then=Value(2)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def _query(text: str) -> SearchQuery:
    """The reader's words as websearch_to_tsquery reads them."""
    return SearchQuery(text, search_type="websearch", config=CONFIG)


class HoldsPairsOf(Func):
    """True for a piece whose indexed word pairs (``search_pairs``, migration
    0008) include every adjacent pair of ``phrase``, as any piece holding the
    phrase does. A phrase with no adjacent pair (stop words between each of
    its words) narrows nothing."""

    output_field = BooleanField()

    def __init__(self, phrase: str):
        super().__init__(F("search_pairs"))
        self.phrase = phrase

    def as_sql(self, compiler, connection, **extra):
        pairs, params = compiler.compile(self.source_expressions[0])
        wanted = "article_search_pairs_query(to_tsvector(%s::regconfig, %s))"
        sql = f"({wanted} IS NULL OR {pairs} @@ {wanted})"
        return sql, (CONFIG, self.phrase, *params, CONFIG, self.phrase)


def _phrase_pairs(text: str) -> Q:
    """What a piece holding each quoted phrase of ``text`` must have.

    It only narrows what the phrase check reads, through its own index; a
    piece it keeps must still match the query. Queries with ``or`` get none (a
    piece needs only one side's phrases), nor do negated phrases.
    """
    alternatives = parse_websearch(text)
    condition = Q()
    if len(alternatives) == 1:
        for negated, phrase in alternatives[0]:
            if not negated and len(phrase.split()) > 1:
                condition &= Q(HoldsPairsOf(phrase))
    return condition


# --- Searching --------------------------------------------------------------


def search(text: str, *, series: str = "", expert: str = ""):
    """Live articles matching ``text``, best first, optionally within a series or by an expert.

    ``expert`` is an expert's slug or part of a name, in any case.

    Each result has ``rank``; on PostgreSQL also ``lexemes``, the query as
    PostgreSQL read it (see ``add_snippets``), and only the newest
    ``RANKED_MATCHES`` matches are ranked.
    """
    queryset = Article.objects.live()
    if series:
        queryset = queryset.filter(series__slug=series)
    if expert:
        # An expert's slug (links) or any part of a name (the form's text box).
        experts = Author.objects.filter(Q(slug=expert) | Q(name__icontains=expert))
        queryset = queryset.filter(
            pk__in=ArticleAuthor.objects.filter(author__in=experts).values("article_id")
        )
    text = text.strip()
    if not text:
        return queryset.none()
    if not uses_postgres():
        return _fallback(queryset, text)
    query = _query(text)
    # Rank only the newest RANKED_MATCHES matches: they come newest first off
    # the live-listing index, so a word in most pieces costs the same as a rare
    # one (ranking every match of a common word grows with the archive).
    # Quoted phrases also need their word pairs: a phrase of words that are
    # each in most pieces is then checked only where its pairs are, so its cost
    # follows the pieces holding the pairs, not those holding each word.
    matches = queryset.filter(search_vector=query).filter(_phrase_pairs(text))
    matches = matches.order_by("-published_at", "-pk")
    return (
        Article.objects.filter(pk__in=matches.values("pk")[:RANKED_MATCHES])
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            lexemes=Func(query, function="querytree", output_field=TextField()),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def add_snippets(articles: list[Article], text: str) -> None:
    """Give each result ``snippet``: a passage or two of its body with the
    query's words marked. The query is read once for the whole page."""
    if not articles:
        return
    terms = [term for alt in parse_websearch(text) for negated, term in alt if not negated]
    # The same for every row: the query as PostgreSQL read it (``search``).
    lexemes = getattr(articles[0], "lexemes", None)
    if lexemes is None:
        for article in articles:
            article.snippet = snippets.substring_snippet(article.body, terms)
        return
    stems = snippets.query_stems(lexemes, terms)
    for article in articles:
        article.snippet = snippets.stem_snippet(article.body, stems)


@dataclass
class SearchFilters:
    """The search form's inputs as read from the query string."""

    q: str = ""
    series: str = ""
    expert: str = ""

    @classmethod
    def from_query(cls, query) -> "SearchFilters":
        """400 (``BadParameter``) for a control character in any of them."""
        return cls(
            q=params.clean_text(query, "q"),
            series=params.clean_text(query, "series"),
            expert=params.clean_text(query, "expert"),
        )

    @property
    def quoted(self) -> str:
        """The query as the page quotes it: in curly quotes, unless the reader's
        own quotes already wrap it (a phrase search)."""
        text = self.q.strip()
        if len(text) > 1 and text[0] in '"“' and text[-1] in '"”':
            return text
        return f"“{text}”"
