"""Older/newer pagination without COUNT(*).

Listings fetch one row more than they show to know whether an older page
exists, so a page costs one query however large the table grows.
"""

from dataclasses import dataclass, field

from django.http import Http404, QueryDict


@dataclass
class Window:
    object_list: list
    number: int
    has_next: bool
    query: QueryDict = field(default_factory=QueryDict)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def _url(self, number: int) -> str:
        query = self.query.copy()
        if number > 1:
            query["page"] = str(number)
        else:
            query.pop("page", None)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def next_url(self) -> str:
        return self._url(self.number + 1)

    @property
    def previous_url(self) -> str:
        return self._url(self.number - 1)


def window(request, queryset, per_page: int) -> Window:
    """The page of ``queryset`` named by ``?page=``; 404 for a page past the end or a bad number."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise Http404("No such page.")
    number = int(raw)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:
        raise Http404("No such page.")
    return Window(rows[:per_page], number, len(rows) > per_page, request.GET)


class WindowPaginationMixin:
    """For ListView: paginate with ``window()`` instead of Django's counting Paginator."""

    def paginate_queryset(self, queryset, page_size):
        page = window(self.request, queryset, page_size)
        return (None, page, page.object_list, page.has_other_pages)
