from django.conf import settings
from django.db import models
from django.urls import reverse

from newsroom.images import SafeImageField, UploadTo
from newsroom.validators import validate_plain_text


class AuthorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Author(models.Model):
    """A fellow or expert who writes for the newsroom."""

    name = models.CharField(max_length=200, validators=[validate_plain_text])
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text='For example "Nonresident Senior Fellow".',
        validators=[validate_plain_text],
    )
    description = models.CharField(
        "one-line description",
        max_length=255,
        blank=True,
        help_text='Shown under the byline, for example "journalist from Belarus".',
        validators=[validate_plain_text],
    )
    bio = models.TextField("full bio", blank=True, validators=[validate_plain_text])
    headshot = SafeImageField(upload_to=UploadTo("headshots"), blank=True)
    website = models.URLField(blank=True)
    x_handle = models.CharField("X handle", max_length=50, blank=True, help_text="Without the @.")
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    bluesky_handle = models.CharField(
        "Bluesky handle", max_length=253, blank=True, help_text="For example name.bsky.social."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text="The staff account of this person, if they have one.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive people are hidden from the experts directory."
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("authors:detail", kwargs={"slug": self.slug})

    @property
    def x_url(self) -> str:
        return f"https://x.com/{self.x_handle}" if self.x_handle else ""

    @property
    def bluesky_url(self) -> str:
        return f"https://bsky.app/profile/{self.bluesky_handle}" if self.bluesky_handle else ""
