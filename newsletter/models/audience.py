import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from newsletter.addresses import address_hash, address_key


class Subscriber(models.Model):
    """One person, known by one normalized address, with the record of their consent."""

    class Source(models.TextChoices):
        WEBSITE = "web", "Website sign-up"
        IMPORT = "import", "Import"
        ADMIN = "admin", "Added by staff"

    class ConsentMethod(models.TextChoices):
        NONE = "", "Not yet given"
        CONFIRMED_EMAIL = "confirmed_email", "Confirmed by email (double opt-in)"
        IMPORT_ON_RECORD = "import_on_record", "Imported with consent on record"
        PREFERENCE_CENTER = "preference_center", "Chose newsletters in the preference center"

    # As normalized by newsletter.addresses.normalize_address: the local part as
    # typed, the domain lower-cased and in punycode.
    email = models.EmailField(max_length=254)
    # email lower-cased: one subscriber per address whatever its case.
    email_key = models.CharField(max_length=254, editable=False)
    # The stable, unguessable identity signed into personal links (preference
    # center, one-click unsubscribe): building a link needs no query.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=10, choices=Source, default=Source.WEBSITE)
    source_detail = models.CharField(
        max_length=255, blank=True, help_text="The page signed up from, or the imported file."
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_method = models.CharField(
        max_length=20, choices=ConsentMethod, default=ConsentMethod.NONE, blank=True
    )
    consent_source = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email_key"], name="newsletter_subscriber_email_unique"
            ),
            models.UniqueConstraint(fields=["uid"], name="newsletter_subscriber_uid_unique"),
        ]
        indexes = [
            # The admin's default ordering and its date filter.
            models.Index(fields=["created_at"], name="newsletter_subscriber_created"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email_key = address_key(self.email)
        super().save(*args, **kwargs)

    def clean(self):
        self.email_key = address_key(self.email)
        duplicate = Subscriber.objects.filter(email_key=self.email_key).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError({"email": "A subscriber with this address already exists."})

    @property
    def address_hash(self) -> str:
        return address_hash(self.email)


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Subscription.Status.ACTIVE)

    def pending(self):
        return self.filter(status=Subscription.Status.PENDING)


class Subscription(models.Model):
    """One subscriber on one newsletter."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        ACTIVE = "active", "Active"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        "newsletter.Newsletter", on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["newsletter__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter"], name="newsletter_one_subscription_each"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "active", "unsubscribed"]),
                name="newsletter_subscription_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(confirmed_at__isnull=False),
                name="newsletter_active_subscription_confirmed",
            ),
        ]
        indexes = [
            # A newsletter's audience (newsletter, status=active) and the admin's counts.
            models.Index(fields=["newsletter", "status"], name="newsletter_sub_audience"),
        ]

    def __str__(self):
        return f"{self.subscriber} → {self.newsletter} ({self.get_status_display()})"


class Suppression(models.Model):
    """An address that must never be mailed or re-subscribed; kept only as a hash."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Spam complaint"
        ERASED = "erased", "Personal data erased"
        MANUAL = "manual", "Added by staff"

    # sha256 of the lower-cased normalized address (newsletter.addresses.address_hash).
    address_hash = models.CharField(max_length=64)
    reason = models.CharField(max_length=10, choices=Reason)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["address_hash"], name="newsletter_suppression_unique"),
        ]

    def __str__(self):
        return f"{self.address_hash[:12]}… ({self.get_reason_display()})"

    @classmethod
    def covers(cls, address: str) -> bool:
        return cls.objects.filter(address_hash=address_hash(address)).exists()
