"""The search page: /search/?q=… with optional series and expert filters.

Result cards are kept rendered per version of each piece, like a listing's
(``newsroom.fragments.card_batch``), with a slot for the query's snippet."""

from django.shortcuts import render

from articles import search as engine
from articles.models import Series
from newsroom import fragments
from newsroom.pagination import window

PAGE_SIZE = 20


def search_view(request):
    filters = engine.SearchFilters.from_query(request.GET)
    page = cards = None
    if filters.q.strip():
        # Before the results are read: they bring their series and photos.
        token = fragments.shared_token(request)
        results = engine.search(filters.q, series=filters.series, expert=filters.expert)
        page = window(request, results.for_listing(), PAGE_SIZE)
        engine.add_snippets(page.object_list, filters.q)
        cards = fragments.card_batch(page.object_list, token=token)
    response = render(
        request,
        "search/search.html",
        {
            "filters": filters,
            "page_obj": page,
            "results": page.object_list if page else [],
            "cards": cards,
            "series_choices": Series.objects.only("name", "slug"),
        },
    )
    if cards is not None:
        cards.save(response)
    return response
