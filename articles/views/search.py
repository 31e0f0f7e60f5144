"""The search page: /search/?q=… with optional series and expert filters."""

from django.shortcuts import render

from articles import search as engine
from articles.models import Series
from newsroom.pagination import window

PAGE_SIZE = 20


def search_view(request):
    filters = engine.SearchFilters.from_query(request.GET)
    page = None
    if filters.q.strip():
        results = engine.search(filters.q, series=filters.series, expert=filters.expert)
        # With the body, which the snippets are cut from.
        page = window(request, results.for_listing().defer(None), PAGE_SIZE)
        engine.add_snippets(page.object_list, filters.q)
    return render(
        request,
        "search/search.html",
        {
            "filters": filters,
            "page_obj": page,
            "results": page.object_list if page else [],
            "series_choices": Series.objects.only("name", "slug"),
        },
    )
