"""Background tasks (Django's Tasks API): run by ``db_worker`` or RQ workers alike."""

from django.tasks import task

from newsletter import sending, subscriptions
from newsletter.models import Newsletter


@task
def deliver_edition(edition_id: int) -> bool:
    """Work an edition's ledger until it is over; True when it is finished.

    Any number may run at once for one edition: each claims its own rows, and
    waits for retries to come due (``sending.run``).
    """
    return sending.run(edition_id=edition_id)


@task
def process_signup(
    *, email: str, newsletter_ids: list[int], source: str, source_detail: str
) -> None:
    """Finish a sign-up taken by the website: store it and mail the confirmation link.

    The request that enqueued this did the same work whatever the address's
    state; this decides what that state means (see
    ``subscriptions.request_subscription``).
    """
    subscriptions.request_subscription(
        email=email,
        newsletters=Newsletter.objects.filter(pk__in=newsletter_ids),
        source=source,
        source_detail=source_detail,
    )
