"""Older/newer pagination without COUNT(*), by position (OFFSET) or by keyset.

Listings fetch one row more than they show to know whether an older page
exists, so a page costs one query however large the table grows.

Date-ordered listings (home, series, program, tag, expert) page by keyset:
their "Older" link carries the position of the last piece shown
(``?page=3&before=<published_at>.<pk>``) and the next page is the pieces
strictly older than it, so page 500 costs what page 2 costs — an index range
scan from that point, where OFFSET would read and discard 10,000 rows first.
``?page=N`` alone (old links, hand-typed URLs) still works, by OFFSET over
the index alone (``_rows_past``).
Listings in another order (search by rank, the experts directory by name)
page by OFFSET only.

A page number or cursor that cannot be read, or is out of range, is a bad
request (400, ``newsroom.params``); one that is well formed but names no
page (past the end, a cursor past the oldest piece) is not found (404).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404, QueryDict

from newsroom import params

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
CURSOR_PARAMS = ("before", "after")
# Past any real listing (5,000 pages hold 100,000 pieces at 20 a page), and
# small enough that its OFFSET fits any database's 64-bit integer.
MAX_PAGE = 1_000_000
# The microseconds from 1970 of the first and last moments a datetime holds.
_MICROSECOND = datetime.timedelta(microseconds=1)
EARLIEST_MICROS = (datetime.datetime.min.replace(tzinfo=datetime.UTC) - EPOCH) // _MICROSECOND
LATEST_MICROS = (datetime.datetime.max.replace(tzinfo=datetime.UTC) - EPOCH) // _MICROSECOND


@dataclass
class Window:
    object_list: list
    number: int
    has_next: bool
    query: QueryDict = field(default_factory=QueryDict)
    keyset: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def _url(self, number: int, cursor: tuple[str, str] | None = None) -> str:
        query = self.query.copy()
        for name in CURSOR_PARAMS:
            query.pop(name, None)
        if number > 1:
            query["page"] = str(number)
            if cursor:
                query[cursor[0]] = cursor[1]
        else:
            query.pop("page", None)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def next_url(self) -> str:
        cursor = ("before", encode_cursor(self.object_list[-1])) if self.keyset else None
        return self._url(self.number + 1, cursor)

    @property
    def previous_url(self) -> str:
        cursor = ("after", encode_cursor(self.object_list[0])) if self.keyset else None
        return self._url(self.number - 1, cursor)


def encode_cursor(article) -> str:
    """``<microseconds since 1970>.<pk>``: exact, and no characters to escape."""
    delta = article.published_at - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{article.pk}"


def decode_cursor(raw: str) -> tuple[datetime.datetime, int]:
    """The (published_at, pk) an ``encode_cursor`` value names; ``BadParameter``
    for anything ``encode_cursor`` could not have written."""
    micros, dot, pk = raw.partition(".")
    if not dot:
        raise params.BadParameter("A page cursor is <microseconds>.<id>.")
    micros = params.bounded_int(
        micros, name="cursor time", minimum=EARLIEST_MICROS, maximum=LATEST_MICROS
    )
    pk = params.bounded_int(pk, name="cursor id", minimum=1, maximum=params.MAX_ID)
    return EPOCH + datetime.timedelta(microseconds=micros), pk


def _cursor(query, name: str) -> tuple[datetime.datetime, int] | None:
    raw = params.clean_text(query, name, max_length=None)
    return decode_cursor(raw) if raw else None


def window(request, queryset, per_page: int, *, keyset: bool = False) -> Window:
    """The page of ``queryset`` named by ``?page=`` (and, with ``keyset``, ``before``/``after``).

    With ``keyset`` the queryset is ordered newest first by (published_at, pk).
    400 for a malformed page number or cursor, 404 for a page past the end.
    """
    number = params.positive_int(request.GET, "page", default=1, maximum=MAX_PAGE)
    if keyset:
        # Read even where unused (page 1), so a malformed cursor never passes.
        before, after = _cursor(request.GET, "before"), _cursor(request.GET, "after")
        if number > 1 and (before or after):
            return _keyset_window(request, queryset, per_page, number, before, after)
    start = (number - 1) * per_page
    if keyset:
        queryset = queryset.order_by("-published_at", "-pk")
    if keyset and start:
        rows = _rows_past(queryset, start, per_page + 1)
    else:
        rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:
        raise Http404("No such page.")
    return Window(rows[:per_page], number, len(rows) > per_page, request.GET, keyset=keyset)


def _rows_past(queryset, start: int, limit: int) -> list:
    """``queryset[start:start + limit]`` by a deferred join: the ids first, off
    the (published_at, pk) index alone, then only those rows with what they
    bring. OFFSET reads every row it skips; here it skips bare index entries
    instead of whole rows joined to their series and photos, and only the
    rows shown are joined."""
    ids = list(queryset.values_list("pk", flat=True)[start : start + limit])
    by_pk = {row.pk: row for row in queryset.filter(pk__in=ids)}  # no ids: no query
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _keyset_window(request, queryset, per_page, number, before, after) -> Window:
    if before:
        at, pk = before
        # The first condition alone is a range on the (published_at, pk) index,
        # so the scan starts at the cursor; the second settles equal times.
        older = Q(published_at__lte=at) & (Q(published_at__lt=at) | Q(pk__lt=pk))
        rows = list(queryset.filter(older).order_by("-published_at", "-pk")[: per_page + 1])
        has_next = len(rows) > per_page
        rows = rows[:per_page]
    else:
        at, pk = after
        newer = Q(published_at__gte=at) & (Q(published_at__gt=at) | Q(pk__gt=pk))
        rows = list(queryset.filter(newer).order_by("published_at", "pk")[:per_page])
        rows.reverse()
        has_next = True  # the piece the cursor names is older than all of these
    if not rows:
        raise Http404("No such page.")
    return Window(rows, number, has_next, request.GET, keyset=True)


class WindowPaginationMixin:
    """For ListView: paginate with ``window()`` instead of Django's counting Paginator.

    Set ``keyset = True`` on views whose queryset is newest first by (published_at, pk).
    """

    keyset = False

    def paginate_queryset(self, queryset, page_size):
        page = window(self.request, queryset, page_size, keyset=self.keyset)
        return (None, page, page.object_list, page.has_other_pages)
