import zoneinfo
from email.utils import formataddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from newsroom.validators import validate_header_value

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

weekdays_validator = RegexValidator(
    r"^[1-7](,[1-7])*$",
    "Give ISO weekdays as numbers separated by commas: 1 = Monday … 7 = Sunday.",
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. America/New_York).")


def default_time_zone() -> str:
    return settings.TIME_ZONE


class NewsletterQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Newsletter(models.Model):
    """A list people subscribe to, sent on a weekly schedule from one series."""

    class SendMode(models.TextChoices):
        AUTO = "auto", "Send automatically at each slot"
        HOLD = "hold", "Hold each edition for approval"

    # name, from_name and the addresses go into From, Reply-To, List-Id and
    # subjects: a line break there would break (or forge) a header of every send.
    name = models.CharField(max_length=200, validators=[validate_header_value])
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, help_text="Shown on the sign-up page.")
    series = models.ForeignKey(
        "articles.Series",
        on_delete=models.PROTECT,
        related_name="newsletters",
        help_text="Editions are composed from this series' live pieces.",
    )
    send_weekdays = models.CharField(
        "send on",
        max_length=13,
        default="2,5",
        validators=[weekdays_validator],
        help_text="ISO weekdays separated by commas: 1 = Monday … 7 = Sunday.",
    )
    send_time = models.TimeField("send at (local time)", default="09:00")
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    from_name = models.CharField(max_length=100, validators=[validate_header_value])
    from_address = models.EmailField(validators=[validate_header_value])
    reply_to = models.EmailField(blank=True, validators=[validate_header_value])
    send_mode = models.CharField(max_length=4, choices=SendMode, default=SendMode.HOLD)
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive newsletters take no sign-ups and send nothing."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(send_mode__in=["auto", "hold"]),
                name="newsletter_send_mode_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def weekdays(self) -> list[int]:
        """The ISO weekdays (1 = Monday) this newsletter goes out on, sorted."""
        return sorted({int(day) for day in self.send_weekdays.split(",") if day})

    def schedule_display(self) -> str:
        days = " and ".join(WEEKDAY_NAMES[day - 1] for day in self.weekdays())
        return f"{days} at {self.send_time:%H:%M} ({self.time_zone})"

    @property
    def from_header(self) -> str:
        return formataddr((self.from_name, self.from_address))
