"""The article page: one piece and its further reading."""

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import prefetch_related_objects
from django.views.generic import DetailView

from articles import page_tags, related
from articles import structured_data as sd
from articles.models import Article
from articles.models.article import byline_prefetch
from newsroom import page_cache

# A piece edited later than this after publication shows an "Updated" date.
UPDATE_GRACE = timedelta(minutes=30)


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
    """One live piece, tagged with everything it shows (``articles.page_tags``)."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.live().select_related("series__program", "lead_photo")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context |= article_context(article)
        further = context["further_reading"]
        page_cache.tag(
            self.request,
            *page_tags.card(article),
            *(page_tags.of("tag", tag.pk) for tag in context["tags"]),
            *page_tags.cards(further.pieces),
            # A candidate published later, or going live, joins the list.
            *(page_tags.of("article", pk) for pk in further.waiting),
        )
        if article.series and article.series.program_id:  # the footer's mission
            page_cache.tag(self.request, page_tags.of("program", article.series.program_id))
        page_cache.expire_at(self.request, further.next_go_live)
        return context


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


def article_context(article: Article, *, preview: bool = False) -> dict:
    """Everything the article template shows besides the article itself, for a
    piece read with its series, program and photo.

    Shared by the public page and the staff preview, so a preview is the page.
    Corrections are queried only for pieces that have one (``last_updated``).
    """
    further_reading = related.further_reading(article)
    further = further_reading.pieces
    # The piece's and its further reading's bylines in one query (a piece
    # read with them already is skipped), then its tags.
    prefetch_related_objects([article, *further], byline_prefetch())
    prefetch_related_objects([article], "tags")
    tags = list(article.tags.all())
    corrections = list(article.corrections.all()) if article.last_updated else []
    image = sd.social_image(article)
    canonical = sd.canonical_url(article)
    context = {
        "tags": tags,
        "corrections": corrections,
        "further": further,
        "further_reading": further_reading,
        "social_image": image,
        "canonical": canonical,
        "updated": displayed_update(article),
        "share_links": share_links(article.title, canonical),
        "preview": preview,
    }
    if not preview:
        crumbs = (
            [(article.series.name, article.series.get_absolute_url())] if article.series else []
        )
        crumbs.append((article.title, article.get_absolute_url()))
        news = sd.news_article(article, tags=tags, image=image, corrections=corrections)
        context["structured_data"] = [sd.json_ld(news), sd.json_ld(sd.breadcrumbs(*crumbs))]
    return context
