import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from newsroom.images import SafeImageField, UploadTo
from newsroom.validators import validate_plain_text

# Bump when the rendition plan changes in a way settings do not show, so
# every photo regenerates.
RENDITIONS_VERSION = 1


@dataclass(frozen=True)
class Rendition:
    """One stored rendition of a photo, as listed in ``Photo.renditions``."""

    kind: str  # "width", "card" or "social"
    format: str  # "webp" or "jpeg"
    width: int
    height: int
    name: str  # storage name

    @property
    def url(self) -> str:
        return default_storage.url(self.name)

    @property
    def mime_type(self) -> str:
        return {"webp": "image/webp", "jpeg": "image/jpeg"}[self.format]


class PhotoQuerySet(models.QuerySet):
    def rights_expired(self, day: datetime.date | None = None):
        """Photos whose licence ended before ``day`` (today by default)."""
        return self.filter(rights_expire_on__lt=day or timezone.localdate())

    def rights_expiring_within(self, days: int, day: datetime.date | None = None):
        """Photos still usable on ``day`` whose licence ends in the next ``days`` days."""
        day = day or timezone.localdate()
        return self.filter(
            rights_expire_on__gte=day, rights_expire_on__lte=day + datetime.timedelta(days=days)
        )


class Photo(models.Model):
    """A credited image in the photo library, reusable across articles."""

    image = SafeImageField(
        upload_to=UploadTo("photos"),
        width_field="width",
        height_field="height",
        help_text="JPEG, PNG or WebP. Location and camera data are removed when it is stored.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    caption = models.TextField(
        help_text="What the picture shows; who, where, when.", validators=[validate_plain_text]
    )
    credit = models.CharField(
        max_length=200,
        help_text='The photographer, rendered as "Photo by …".',
        validators=[validate_plain_text],
    )
    source = models.CharField(
        "source / agency",
        max_length=200,
        blank=True,
        help_text="For example an agency's name.",
        validators=[validate_plain_text],
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="Describes the image for people who cannot see it.",
        validators=[validate_plain_text],
    )
    license = models.CharField(max_length=200, blank=True, validators=[validate_plain_text])
    rights_expire_on = models.DateField(
        "rights expire on",
        null=True,
        blank=True,
        help_text="Leave empty when the rights do not expire.",
    )
    # Where the subject is, as fractions of width and height (0 = left/top).
    focal_x = models.FloatField(default=0.5)
    focal_y = models.FloatField(default=0.5)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # What articles.renditions made for the current image and focal point:
    # {"key": …, "image": …, "items": [{kind, format, width, height, name}]}.
    # Kept on the row so pages get every URL without a query per picture.
    renditions = models.JSONField(default=dict, editable=False)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="photo_focal_point_inside_image",
            ),
        ]

    def __str__(self):
        return self.caption[:80] or f"Photo {self.pk}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Here rather than in each caller: the admin, the seed and any script
        # that changes the image or the focal point must get fresh renditions.
        if self.image and self.renditions.get("key") != self.rendition_key():
            transaction.on_commit(self._enqueue_renditions, robust=True)

    def _enqueue_renditions(self):
        from articles.renditions import make_renditions  # the task module imports models

        make_renditions.enqueue(self.pk)

    @property
    def credit_line(self) -> str:
        """The credit as printed under the picture: "Photo by Name / Agency"."""
        if not self.credit:
            return ""
        return f"Photo by {self.credit}" + (f" / {self.source}" if self.source else "")

    def rights_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.rights_expire_on is None or self.rights_expire_on >= day

    def rendition_key(self) -> str:
        """Identifies the renditions this image and focal point call for."""
        source = (
            f"{RENDITIONS_VERSION}|{self.image.name}|{self.focal_x:.4f}|{self.focal_y:.4f}|"
            f"{settings.IMAGE_RENDITION_WIDTHS}|{settings.IMAGE_CARD_WIDTHS}|"
            f"{settings.IMAGE_SOCIAL_SIZE}"
        )
        return hashlib.sha256(source.encode()).hexdigest()[:16]

    def rendition_list(self, kind: str, format: str | None = None) -> list[Rendition]:
        """Stored renditions of one kind (narrowest first); empty until they are made.

        Renditions of a replaced image are never returned; those of an older
        focal point are, until the new crops exist.
        """
        if not self.image or self.renditions.get("image") != self.image.name:
            return []
        found = [Rendition(**item) for item in self.renditions.get("items", [])]
        return sorted(
            (r for r in found if r.kind == kind and (format is None or r.format == format)),
            key=lambda r: r.width,
        )

    def social_image_url(self) -> str:
        """The 1200x630 crop for ``og:image`` (the original until it is made).

        A storage URL: relative (``/media/…``) with local storage, so prefix
        ``SITE_URL`` when an absolute URL is needed.
        """
        social = self.rendition_list("social")
        if social:
            return social[-1].url
        return self.image.url if self.image else ""

    @property
    def rights_expired(self) -> bool:
        return not self.rights_valid_on()
