import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsroom.images import UploadTo


class Photo(models.Model):
    """A credited image in the photo library, reusable across articles."""

    image = models.ImageField(
        upload_to=UploadTo("photos"), width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    caption = models.TextField(help_text="What the picture shows; who, where, when.")
    credit = models.CharField(
        max_length=200, help_text='The photographer, rendered as "Photo by …".'
    )
    source = models.CharField(
        "source / agency", max_length=200, blank=True, help_text="For example an agency's name."
    )
    alt_text = models.CharField(
        "alt text", max_length=300, help_text="Describes the image for people who cannot see it."
    )
    license = models.CharField(max_length=200, blank=True)
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

    @property
    def credit_line(self) -> str:
        """The credit as printed under the picture: "Photo by Name / Agency"."""
        if not self.credit:
            return ""
        return f"Photo by {self.credit}" + (f" / {self.source}" if self.source else "")

    def rights_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.rights_expire_on is None or self.rights_expire_on >= day
