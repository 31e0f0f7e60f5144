"""Editions of a newsletter and the delivery ledger behind sending them.

``Delivery`` is the single source of truth for who got what: one row per
(edition, subscriber), created in bulk when a send starts, moved through
queued → sending → sent / failed / skipped by ``newsletter.sending`` only.
An edition holds only live pieces (``EditionArticle.article`` is limited to
``Article.objects.live()``) and is checked again when it is sent.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from newsroom.richtext import RichTextField
from newsroom.validators import validate_header_value

LIVE_ONLY_MESSAGE = (
    "Only live pieces can go in an edition: this one is a draft, in review, "
    "scheduled for later or archived."
)


class EditionQuerySet(models.QuerySet):
    def public(self):
        """Editions with a public web copy: any that started going out (recipients
        of a paused or failed send still follow "View in browser")."""
        return self.filter(status__in=["sending", "paused", "sent", "failed"]).exclude(
            rendered_html=""
        )

    def archived(self):
        """A newsletter's archive: editions that finished sending."""
        return self.filter(status="sent")

    def silent(self, now=None):
        """Sends no worker has spoken for in a lease (since they started, if never).

        A worker stamps ``last_activity_at`` after every batch and while it
        waits for a retry (a worker handing a long wait to a deferred task
        stamps the time that task is due), so these have no live worker: the
        tick enqueues them again, and ``/healthz`` names those that stay so.
        """
        now = now or timezone.now()
        since = now - timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
        return self.filter(status="sending").filter(
            Q(last_activity_at__lt=since) | Q(last_activity_at__isnull=True, started_at__lt=since)
        )


class Edition(models.Model):
    """One issue of a newsletter: what it says, and the state of its send."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        PAUSED = "paused", "Paused"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        # Stopped for a reason no retry can cure (see ``failure_reason``); the
        # tick leaves it alone. Once the cause is fixed it can be sent again.
        FAILED = "failed", "Failed"

    newsletter = models.ForeignKey(
        "newsletter.Newsletter", on_delete=models.PROTECT, related_name="editions"
    )
    subject = models.CharField(max_length=200, validators=[validate_header_value])
    preheader = models.CharField(
        max_length=200, blank=True, help_text="The line inboxes show after the subject."
    )
    intro = RichTextField(blank=True)
    articles = models.ManyToManyField(
        "articles.Article", through="EditionArticle", related_name="editions", blank=True
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    # The schedule slot this edition was composed for (None for hand-made ones);
    # unique per newsletter, so a slot can never yield two editions.
    slot = models.DateTimeField(null=True, blank=True, editable=False)
    scheduled_for = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled edition starts sending."
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Workers stamp this after every batch (or the time a deferred worker is
    # due back); the tick re-enqueues a send whose workers have been silent
    # longer than the lease (crashed or never started).
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)
    failure_reason = models.CharField(max_length=500, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    # Rendered once when the send starts, with placeholders for the personal
    # links; every recipient and the "View in browser" page get exactly this.
    rendered_subject = models.CharField(max_length=255, blank=True, editable=False)
    rendered_text = models.TextField(blank=True, editable=False)
    rendered_html = models.TextField(blank=True, editable=False)
    # Counters, frozen from the ledger when the send ends:
    # audience_count = sent_count + failed_count + skipped_count.
    audience_count = models.PositiveIntegerField(default=0, editable=False)
    sent_count = models.PositiveIntegerField(default=0, editable=False)
    failed_count = models.PositiveIntegerField(default=0, editable=False)
    skipped_count = models.PositiveIntegerField(default=0, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "slot"], name="newsletter_edition_one_per_slot"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "scheduled",
                        "sending",
                        "paused",
                        "sent",
                        "cancelled",
                        "failed",
                    ]
                ),
                name="newsletter_edition_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent")
                | Q(
                    audience_count=models.F("sent_count")
                    + models.F("failed_count")
                    + models.F("skipped_count")
                ),
                name="newsletter_edition_counters_add_up",
            ),
        ]
        indexes = [
            # The tick: editions due (scheduled) or possibly stuck (sending).
            models.Index(fields=["status", "scheduled_for"], name="newsletter_edition_status"),
            # A newsletter's archive, newest first.
            models.Index(
                fields=["newsletter", "status", "-started_at"], name="newsletter_edition_archive"
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("newsletter:edition", kwargs={"slug": self.newsletter.slug, "pk": self.pk})

    def ledger_counts(self) -> dict[str, int]:
        """Rows per delivery state, from the ledger (one GROUP BY on the claim index)."""
        counts = dict.fromkeys(Delivery.State.values, 0)
        rows = self.deliveries.order_by().values("state").annotate(n=Count("pk"))
        counts.update({row["state"]: row["n"] for row in rows})
        return counts

    def progress(self) -> dict:
        """Live numbers for the admin: sent, failed, skipped, remaining, rate (per second), ETA."""
        State = Delivery.State
        counts = self.ledger_counts()
        remaining = counts[State.QUEUED] + counts[State.SENDING]
        rate = 0.0
        if self.started_at and counts[State.SENT]:
            end = self.finished_at or timezone.now()
            elapsed = max((end - self.started_at).total_seconds(), 1.0)
            rate = counts[State.SENT] / elapsed
        eta = round(remaining / rate) if rate and remaining else None
        return {
            "status": self.status,
            "audience": sum(counts.values()),
            "sent": counts[State.SENT],
            "failed": counts[State.FAILED],
            "skipped": counts[State.SKIPPED],
            "remaining": remaining,
            "rate": round(rate, 1),
            "eta_seconds": eta,
        }


def live_pieces() -> Q:
    """The pieces an edition may take: live ones (the admin's choices, its
    autocomplete and ``full_clean`` all apply it, through ``limit_choices_to``)."""
    from articles.models import Article

    return Q(pk__in=Article.objects.live().values("pk"))


class EditionArticle(models.Model):
    """A piece in an edition, in the order the edition shows them."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="edition_articles")
    # An edition is public (mailed, and archived on the web): a draft or
    # scheduled piece in it would go public before its time.
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.PROTECT,
        related_name="edition_links",
        limit_choices_to=live_pieces,
        error_messages={"invalid": LIVE_ONLY_MESSAGE},
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "article"], name="newsletter_edition_article_once"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.article}"


class Delivery(models.Model):
    """One edition to one subscriber: the ledger row that makes "exactly once" checkable."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    # SET_NULL: erasing a subscriber must not rewrite an edition's history;
    # a row whose subscriber is gone is skipped if not yet sent.
    subscriber = models.ForeignKey(
        "newsletter.Subscriber",
        on_delete=models.SET_NULL,
        null=True,
        related_name="deliveries",
    )
    state = models.CharField(max_length=8, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A claimed row belongs to the worker holding ``claim`` until ``lease_until``;
    # after that any worker may take it again (its first owner is presumed dead).
    claim = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # What the ESP last reported about this message through its tracking
    # webhook (newsletter.webhooks): anymail's event type (delivered, deferred,
    # bounced, complained, rejected, failed), when it happened, and the ESP's
    # explanation. ``state`` stays the sending process's own record.
    tracking_event = models.CharField(max_length=20, blank=True, editable=False)
    tracking_at = models.DateTimeField(null=True, blank=True, editable=False)
    tracking_detail = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "subscriber"], name="newsletter_one_delivery_each"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "sending", "sent", "failed", "skipped"]),
                name="newsletter_delivery_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="newsletter_delivery_sent_has_time",
            ),
        ]
        indexes = [
            # The claim, oldest due first (rows of other states sit apart in
            # it, so a claim reads about a batch of entries however much of the
            # edition has gone), and the progress GROUP BY.
            models.Index(
                fields=["edition", "state", "next_attempt_at"], name="newsletter_delivery_claim"
            ),
            # Rows whose worker died: their lease has run out.
            models.Index(
                fields=["edition", "lease_until"],
                condition=Q(state="sending"),
                name="newsletter_delivery_leased",
            ),
            # Rows a worker holds, read back after the claim.
            models.Index(fields=["claim"], name="newsletter_delivery_claimed"),
        ]

    def __str__(self):
        return f"{self.edition_id} → {self.subscriber_id} ({self.state})"


class SlotRun(models.Model):
    """A schedule slot the tick has dealt with, so it is dealt with once.

    Records slots that produced no edition (nothing new in the series) as well,
    so the tick logs "nothing new" once instead of every minute.
    """

    newsletter = models.ForeignKey(
        "newsletter.Newsletter", on_delete=models.CASCADE, related_name="slot_runs"
    )
    slot = models.DateTimeField()
    edition = models.OneToOneField(
        Edition, on_delete=models.SET_NULL, null=True, blank=True, related_name="slot_run"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-slot"]
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "slot"], name="newsletter_slot_once"),
        ]

    def __str__(self):
        return f"{self.newsletter_id} @ {self.slot:%Y-%m-%d %H:%M}"
