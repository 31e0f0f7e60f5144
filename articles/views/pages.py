"""Listing pages: home, and the series / program / tag listings."""

from django.db.models import (
    OuterRef,
    Subquery,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import ListView
from taggit.models import Tag

from articles import page_tags
from articles import structured_data as sd
from articles.models import Article, Program, Series
from newsroom import page_cache
from newsroom.pagination import WindowPaginationMixin

PAGE_SIZE = 20
PER_SERIES = 3


def series_sections(per_series: int = PER_SERIES, newest=()) -> list[dict]:
    """The newest few live pieces of each series, in two queries whatever the number of series.

    Each series' k-th newest live piece is one ``LIMIT 1 OFFSET k`` probe of the
    ``article_series_listing`` index, so the cost follows the number of series,
    not the number of pieces: ranking every live piece grows with the archive,
    while probing the index per series costs the same at any size.

    ``newest`` are pieces already read that begin the site's newest-first
    order (the home page's first page): every piece newer than one of them is
    among them, so the first few of each series are that series' newest and
    are used as they are, not read again.
    """
    by_series = (
        Article.objects.live()
        .filter(series_id=OuterRef("pk"))
        .order_by("-published_at", "-pk")
        .values("pk")
    )
    kth = [Series.objects.values(pk_=Subquery(by_series[k : k + 1])) for k in range(per_series)]
    shown = kth[0].union(*kth[1:], all=True) if per_series > 1 else kth[0]
    known: dict[int, list] = {}
    for piece in newest:
        if piece.series_id and len(known.setdefault(piece.series_id, [])) < per_series:
            known[piece.series_id].append(piece)
    reused = [piece for pieces in known.values() for piece in pieces]
    read = Article.objects.filter(pk__in=shown).exclude(pk__in=[p.pk for p in reused])
    pieces = [*reused, *read.for_listing()]
    pieces.sort(
        key=lambda p: (p.series.name.casefold(), p.series_id, -p.published_at.timestamp(), -p.pk)
    )
    sections: dict[int, dict] = {}
    for article in pieces:
        sections.setdefault(article.series_id, {"series": article.series, "articles": []})
        sections[article.series_id]["articles"].append(article)
    return list(sections.values())


class HomeView(WindowPaginationMixin, ListView):
    """The front page: a featured piece, the latest, a section per series; later pages list only."""

    template_name = "articles/home.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE
    keyset = True

    def get_queryset(self):
        return Article.objects.live().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = context["articles"]
        shown = list(articles)
        if context["page_obj"].number == 1 and articles:
            context["featured"], context["articles"] = articles[0], articles[1:]
            context["sections"] = series_sections(newest=shown)
            shown += [piece for section in context["sections"] for piece in section["articles"]]
        page_cache.tag(self.request, page_tags.HOME, page_tags.LATEST, *page_tags.cards(shown))
        page_cache.expire_at(self.request, page_tags.next_go_live())
        return context


class _ArticleListView(WindowPaginationMixin, ListView):
    """Live pieces belonging to one object (series, program, tag), newest first.

    Subclasses name where the object comes from, how articles point at it,
    its feed, and its kind in the page cache's tags.
    """

    context_object_name = "articles"
    paginate_by = PAGE_SIZE
    keyset = True
    template_name = "articles/article_list.html"
    object_queryset = None
    article_lookup = ""
    feed_name = ""
    section = ""
    kind = ""

    def get_object(self):
        return get_object_or_404(self.object_queryset, slug=self.kwargs["slug"])

    def get_queryset(self):
        self.object = self.get_object()
        articles = Article.objects.live().for_listing()
        return articles.filter(**{self.article_lookup: self.object})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(object=self.object, section=self.section, **kwargs)
        url = self.request.path
        context["structured_data"] = [sd.json_ld(sd.breadcrumbs((self.object.name, url)))]
        page_cache.tag(
            self.request,
            page_tags.of(self.kind, self.object.pk),
            page_tags.pieces_of(self.kind, self.object.pk),
            *page_tags.cards(context["articles"]),
        )
        lookup = {self.article_lookup: self.object}
        page_cache.expire_at(self.request, page_tags.next_go_live(**lookup))
        if self.feed_name:
            context["feed_url"] = reverse(f"articles:{self.feed_name}", args=[self.object.slug])
            context["atom_url"] = reverse(
                f"articles:{self.feed_name}_atom", args=[self.object.slug]
            )
        return context


class SeriesView(_ArticleListView):
    object_queryset = Series.objects.select_related("program")
    article_lookup = "series"
    feed_name = "series_feed"
    section = "Series"
    kind = "series"


class ProgramView(_ArticleListView):
    object_queryset = Program.objects.all()
    article_lookup = "series__program"
    section = "Program"
    kind = "program"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["program_series"] = list(self.object.series.all())
        page_cache.tag(
            self.request, *(page_tags.of("series", s.pk) for s in context["program_series"])
        )
        return context


class TagView(_ArticleListView):
    object_queryset = Tag.objects.all()
    article_lookup = "tags"
    feed_name = "tag_feed"
    section = "Topic"
    kind = "tag"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A tag only drafts use is not public: its name alone can leak a story.
        if not context["articles"]:
            raise Http404("No live pieces with this tag.")
        return context
