"""The article page: one piece, its further reading, and what is kept of it."""

from datetime import UTC, timedelta
from functools import cache as cache_once
from urllib.parse import urlencode

from django.db import connection
from django.db.models import prefetch_related_objects
from django.views.generic import DetailView

from articles import related
from articles import structured_data as sd
from articles.models import Article
from articles.models.article import byline_prefetch
from newsroom import fragments, kept_pages

# A piece edited later than this after publication shows an "Updated" date.
UPDATE_GRACE = timedelta(minutes=30)


class FurtherReading:
    """The pieces listed under "Further reading" (``articles.related``), read
    from what is stored in one query.

    ``versions`` are those pieces with when each last changed, which name the
    page's version together with the piece's own. Calling it gives the pieces
    with their authors, read on first use: a page drawn from stored parts
    never needs them.
    """

    def __init__(self, article: Article):
        self.pieces = related.further_reading(article)
        self.versions = [(piece.pk, piece.updated_at) for piece in self.pieces]

    def __call__(self) -> list:
        # Prefetching skips pieces whose authors are already read.
        prefetch_related_objects(self.pieces, byline_prefetch())
        return self.pieces


def share_links(title: str, url: str) -> list[tuple[str, str]]:
    """Plain links to each network's share form: no third-party script on our pages."""
    return [
        ("Email", "mailto:?" + urlencode({"subject": title, "body": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"text": title, "url": url})),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": f"{title} {url}"})),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
    ]


class ArticleDetailView(DetailView):
    """One piece. For anonymous readers the whole page is kept (``newsroom.kept_pages``)
    with the versions of the piece and of its further reading: when a change
    elsewhere drops the page cache, one query checks those versions and the
    stored page answers, before this view is reached. Rendering keeps the
    page's regions too (``article_context``, under the same versions), for
    signed-in staff and for a deploy that changes only the static files; its
    series, program and photo show only inside the regions, so they are read
    only when one has to render."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.live()

    def get_object(self, queryset=None):
        # Before the row, and the series and photo a region reads: the token guards them.
        self.parts_token = fragments.shared_token(self.request)
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context |= article_context(self.object, parts_token=self.parts_token)
        self.parts, self.further = context["parts"], context["further"]
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response.add_post_render_callback(self.parts.save)
        if getattr(self.request, "public_page_state", None) is not None:  # anonymous
            versions = self.further.versions
            response.keep = kept_pages.Keep(
                kind="article",
                identity=article_identity(self.object, versions),
                depends=(self.object.slug, tuple(pk for pk, _ in versions)),
                token=self.parts_token,
                seconds=kept_pages.timeout(),
            )
        return response


# What the article page's regions show besides the row itself.
ARTICLE_PREFETCHES = (byline_prefetch(), "tags")


def read_relations(article: Article) -> None:
    """Give a piece read on its own its series (with its program) and lead
    photo, in one query: what its regions show besides the row."""
    related = Article.objects.select_related("series__program", "lead_photo").get(pk=article.pk)
    article.series, article.lead_photo = related.series, related.lead_photo


def _stamp(moment) -> str:
    if moment is None:
        return "-"
    if moment.tzinfo is None:  # read off a cursor of SQLite, which stores UTC without a zone
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


# The columns ``current_identity`` reads.
IDENTITY_FIELDS = ("id", "slug", "updated_at", "last_updated", "published_at")


def article_identity(article: Article, further_versions: list) -> tuple:
    """What names the version of an article page: the piece's and its further reading's."""
    moments = (article.updated_at, article.last_updated, article.published_at)
    return identity_of(article.pk, moments, further_versions)


def identity_of(piece_pk: int, moments: tuple, further_versions: list) -> tuple:
    return (
        piece_pk,
        *(_stamp(moment) for moment in moments),
        *(f"{pk}@{_stamp(moment)}" for pk, moment in further_versions),
    )


def current_identity(slug: str, further_ids: list[int]) -> tuple | None:
    """``article_identity`` now of the piece at ``slug`` with ``further_ids``, in one
    query; None if no piece has the slug.

    Only ever compared with the identity of a page rendered while the piece and
    those ids were live, so it need not ask ``live()`` again: a piece leaves it
    only by a save (new ``updated_at``) or a deletion (gone from the list), and
    time alone never takes a piece offline. Plain SQL with the model's names on
    a cursor: building the same query with the ORM cost three times the query
    itself, and making model instances of the rows as much again, the bulk of
    a page-cache miss.
    """
    quote, meta = connection.ops.quote_name, Article._meta
    pk, slug_column = (quote(meta.get_field(name).column) for name in ("id", "slug"))
    columns = ", ".join(quote(meta.get_field(name).column) for name in IDENTITY_FIELDS)
    ids = ", ".join(["%s"] * len(further_ids))
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {slug_column} = %s"
    if further_ids:
        sql += f" OR {pk} IN ({ids})"
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, *further_ids])
        rows = [dict(zip(IDENTITY_FIELDS, row, strict=True)) for row in cursor.fetchall()]
    piece = next((row for row in rows if row["slug"] == slug), None)
    if piece is None:
        return None
    changed = {row["id"]: row["updated_at"] for row in rows}
    moments = (piece["updated_at"], piece["last_updated"], piece["published_at"])
    return identity_of(
        piece["id"], moments, [(pk, changed[pk]) for pk in further_ids if pk in changed]
    )


def displayed_update(article: Article):
    """The "Updated" time readers see: the latest correction, or a later edit.

    Edits within UPDATE_GRACE of publication (typo fixes on the way out) don't count.
    """
    if article.published_at is None:
        return None
    edited = (
        article.updated_at if article.updated_at - article.published_at > UPDATE_GRACE else None
    )
    moments = [m for m in (article.last_updated, edited) if m is not None]
    return max(moments) if moments else None


def article_context(
    article: Article, *, preview: bool = False, parts_token: str | None = None
) -> dict:
    """Everything the article template shows besides the article itself.

    Shared by the public page and the staff preview, so a preview is the page.
    The public page's regions are kept rendered (``parts``, see
    ``newsroom.fragments``, with the shared token read before the piece) under
    the versions of the piece and of its further reading; authors, tags,
    corrections, the further reading's cards and the JSON-LD are read or
    worked out only when a region showing them renders.
    Corrections are queried only for pieces that have one (``last_updated``).
    """

    @cache_once
    def tags():
        # Prefetched, so the authors' prefetch (``ARTICLE_PREFETCHES``) skips them.
        prefetch_related_objects([article], "tags")
        return list(article.tags.all())

    @cache_once
    def corrections():
        return list(article.corrections.all()) if article.last_updated else []

    @cache_once
    def image():
        return sd.social_image(article)

    def prepare():
        read_relations(article)  # the public view reads the piece's row alone
        prefetch_related_objects([article], *ARTICLE_PREFETCHES)

    further = FurtherReading(article)
    parts = None
    if not preview:
        parts = fragments.Parts(
            "article",
            *article_identity(article, further.versions),
            token=parts_token or fragments.shared_token(),
            prepare=prepare,
        )
    canonical = sd.canonical_url(article)
    context = {
        "parts": parts,
        "tags": tags,
        "corrections": corrections,
        "further": further,
        "social_image": image,
        "canonical": canonical,
        "updated": displayed_update(article),
        "share_links": share_links(article.title, canonical),
        "preview": preview,
    }
    if parts is not None:

        def structured_data():
            crumbs = (
                [(article.series.name, article.series.get_absolute_url())] if article.series else []
            )
            crumbs.append((article.title, article.get_absolute_url()))
            news = sd.news_article(article, tags=tags(), image=image(), corrections=corrections())
            return [sd.json_ld(news), sd.json_ld(sd.breadcrumbs(*crumbs))]

        context["structured_data"] = lambda: parts.value("structured_data", structured_data)
    return context
