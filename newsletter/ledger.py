"""An edition's delivery ledger: one queued row per audience member, written at the start."""

from django.db import connection
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from newsletter.addresses import address_hash
from newsletter.models import Delivery, Edition, Subscriber, Subscription, Suppression

State = Delivery.State

# Rows per bulk INSERT when a send starts: memory stays flat at any audience size.
CREATE_CHUNK = 5000


def create_deliveries(edition: Edition) -> int:
    """One queued row per audience member: one INSERT … SELECT on PostgreSQL, else in chunks."""
    if connection.vendor == "postgresql":
        return _create_in_sql(edition)
    suppressed = set(Suppression.objects.values_list("address_hash", flat=True))
    audience = (
        Subscription.objects.active()
        .filter(newsletter_id=edition.newsletter_id)
        .order_by()
        .values_list("subscriber_id", "subscriber__email")
        .iterator(chunk_size=CREATE_CHUNK)
    )
    now = timezone.now()
    chunk = []
    for subscriber_id, address in audience:
        if suppressed and address_hash(address) in suppressed:
            continue
        chunk.append(Delivery(edition=edition, subscriber_id=subscriber_id, next_attempt_at=now))
        if len(chunk) >= CREATE_CHUNK:
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
    return edition.deliveries.count()


def _create_in_sql(edition: Edition) -> int:
    """The same audience rules in one statement, nothing streamed through Python.

    Active subscription on this newsletter (active means confirmed), one row
    per subscriber (the unique constraint), no suppressed address: a
    suppression keeps sha256 of the address key, which the subscriber row
    holds as ``email_key`` (``newsletter.addresses.address_hash``).
    """
    sql = f"""
        INSERT INTO {Delivery._meta.db_table}
            (edition_id, subscriber_id, state, attempts, next_attempt_at, message_id, error)
        SELECT %s, subscription.subscriber_id, %s, 0, %s, '', ''
        FROM {Subscription._meta.db_table} subscription
        JOIN {Subscriber._meta.db_table} subscriber ON subscriber.id = subscription.subscriber_id
        WHERE subscription.newsletter_id = %s AND subscription.status = %s
          AND NOT EXISTS (
            SELECT 1 FROM {Suppression._meta.db_table} suppression
            WHERE suppression.address_hash
                = encode(sha256(convert_to(subscriber.email_key, 'UTF8')), 'hex')
          )
        ON CONFLICT DO NOTHING
    """
    params = [
        edition.pk,
        State.QUEUED,
        timezone.now(),
        edition.newsletter_id,
        Subscription.Status.ACTIVE,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Fresh statistics for the claim's plan. Without them PostgreSQL
        # takes the new edition for one with few waiting rows and sorts all
        # of them for each claim, a cost that grows with the audience, instead
        # of reading the next batch off the partial index. ANALYZE reads a
        # fixed-size sample of the table, so it costs about the same at any size.
        cursor.execute(f"ANALYZE {Delivery._meta.db_table}")
    return edition.deliveries.count()


def release(*, edition_id: int, error: str = "") -> int:
    """Put the edition's rows in flight back in the queue, that attempt not counted.

    For a send stopped by a fault of ours (not the reader's): the rows wait,
    unclaimed, until the edition is resumed. A worker still sending one of them
    marks it sent all the same (a mark overrides any state but sent).
    """
    return Delivery.objects.filter(edition_id=edition_id, state=State.SENDING).update(
        state=State.QUEUED,
        claim=None,
        lease_until=None,
        attempts=Greatest(F("attempts") - 1, 0),
        next_attempt_at=timezone.now(),
        error=error[:500],
    )
