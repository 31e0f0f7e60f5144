import math

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from taggit.managers import TaggableManager

from articles.models.workflow import ArticleSlug
from newsroom.richtext import RichTextField
from newsroom.validators import validate_plain_text

WORDS_PER_MINUTE = 230
# Names no title: the other piece may be one this person may not see.
SLUG_HELD_MESSAGE = (
    "This address used to belong to another piece and still leads readers to it. "
    "Choose another slug."
)


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """What the public may see: published, and its time has come.

        The one definition of "public" (views, feeds, sitemaps, search,
        newsletters all call it). A scheduled piece is published with a future
        ``published_at``, so it goes live on time with no job running.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def for_listing(self):
        """Everything a list of article cards shows, in a fixed number of queries,
        and not the body, which no card shows."""
        return (
            self.select_related("series", "lead_photo")
            .prefetch_related(byline_prefetch())
            .defer("body")
        )


def byline_prefetch() -> Prefetch:
    """A piece's authors in byline order, each with its author row: what
    ``Article.ordered_authors`` reads, for cards and the article page."""
    return Prefetch(
        "article_authors",
        queryset=ArticleAuthor.objects.select_related("author").order_by("position"),
    )


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    """Rows come without ``search_vector`` and ``search_pairs``: only the
    database reads them, and as text each is larger than the body (about 8 KB
    a piece), parsed for every card of every listing. Saving a loaded article
    leaves them alone too."""

    def get_queryset(self):
        return super().get_queryset().defer("search_vector", "search_pairs")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=255, validators=[validate_plain_text])
    slug = models.SlugField(max_length=255, unique=True)
    dek = models.TextField(
        blank=True,
        help_text="The standfirst under the title: one or two sentences.",
        validators=[validate_plain_text],
    )
    body = RichTextField(blank=True)
    lead_photo = models.ForeignKey(
        "articles.Photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_articles",
    )
    lead_photo_caption = models.TextField(
        "caption override",
        blank=True,
        help_text="Leave empty to use the photo's own caption.",
        validators=[validate_plain_text],
    )
    series = models.ForeignKey(
        "articles.Series",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    authors = models.ManyToManyField(
        "authors.Author", through="ArticleAuthor", related_name="articles", blank=True
    )
    tags = TaggableManager(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles_created",
        editable=False,
    )
    further_reading = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="+",
        help_text="Hand-picked related pieces, shown first under the article.",
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=300,
        blank=True,
        help_text="For search results and social cards; the dek is used when empty.",
        validators=[validate_plain_text],
    )
    canonical_url = models.URLField(
        "canonical URL override",
        blank=True,
        help_text="Only when the piece first appeared elsewhere.",
    )
    # Weighted full-text index (title > dek > body and tags), kept current on
    # every save by articles.search; only PostgreSQL fills and reads it.
    search_vector = SearchVectorField(null=True, editable=False)
    # Its adjacent word pairs ("grid reform"), for quoted phrases: derived from
    # the vector by a trigger on PostgreSQL (migration 0008); Django never writes it.
    search_pairs = SearchVectorField(null=True, editable=False)
    # Editorial workflow (articles/workflow.py): bumped on every content save so a
    # form opened before someone else saved is refused; moved by corrections.
    version = models.PositiveIntegerField(default=0, editable=False)
    last_updated = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can publish, schedule, unpublish and archive")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [
            # live() newest first, (published_at, id) being the listings' full
            # order: home page and feeds, and the keyset "Older" pages
            # (newsroom.pagination), which start an index range scan at the
            # cursor instead of reading and discarding OFFSET rows.
            models.Index(fields=["status", "-published_at", "-id"], name="article_live_listing"),
            # A series' live pieces newest first (series page, its feed, the
            # home page's per-series sections): no sort of the series' rows.
            models.Index(
                fields=["series", "status", "-published_at", "-id"],
                name="article_series_listing",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.slug and self.slug_held_by_another():
            raise ValidationError({"slug": SLUG_HELD_MESSAGE}, code="slug_held")

    def slug_held_by_another(self) -> bool:
        """Whether ``slug`` is an old address another piece still redirects from.

        Taking it would end that redirect and, once this piece is live, send
        the old piece's readers here. The piece's own old slugs are its to take back.
        """
        held = ArticleSlug.objects.filter(slug=self.slug)
        if self.pk is not None:
            held = held.exclude(article_id=self.pk)
        return held.exists()

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def state(self) -> str:
        """The state a person sees, with "scheduled" told apart from "published"."""
        return "scheduled" if self.is_scheduled else self.status

    def get_state_display(self) -> str:
        return "Scheduled" if self.is_scheduled else self.get_status_display()

    def ordered_authors(self) -> list:
        """Authors in byline order; uses the prefetch of ``for_listing()`` when present."""
        return [link.author for link in self.article_authors.all()]

    @property
    def caption(self) -> str:
        if self.lead_photo_caption:
            return self.lead_photo_caption
        return self.lead_photo.caption if self.lead_photo else ""

    @property
    def summary(self) -> str:
        return self.seo_description or self.dek

    @property
    def reading_minutes(self) -> int:
        words = len(strip_tags(self.body).split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))


class ArticleAuthor(models.Model):
    """An author's place in an article's byline."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(
        "authors.Author", on_delete=models.PROTECT, related_name="article_links"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "author"
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="article_author_once"),
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class SuggestedReading(models.Model):
    """One piece the site itself suggests under another, in order.

    Chosen by ``articles.related`` when the piece is saved, published or
    retagged, and daily for recent pieces (``refresh_further_reading``);
    the page shows them after the hand-picked ``further_reading``, through
    ``Article.objects.live()``, so one taken offline since drops out at once.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    suggestion = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            # Also the index the article page's lookup of its suggestions reads.
            models.UniqueConstraint(
                fields=["article", "position"], name="suggested_reading_position"
            ),
            models.UniqueConstraint(
                fields=["article", "suggestion"], name="suggested_reading_once"
            ),
        ]

    def __str__(self):
        return f"{self.suggestion} under {self.article}"
