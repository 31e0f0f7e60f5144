"""Background tasks (Django's Tasks API): run by ``db_worker`` or RQ workers alike."""

from django.tasks import task

from newsletter import sending, subscriptions
from newsletter.models import Newsletter


@task
def deliver_edition(edition_id: int) -> bool:
    """Work an edition's ledger; True when it is finished.

    Any number may run at once for one edition: each claims its own rows.
    A retry due later than ``sending.HAND_OFF_AFTER`` is left to a copy of
    this task deferred until then (RQ runs deferred jobs only on workers
    started with ``--with-scheduler``); a backend that cannot defer keeps
    this worker waiting for it.
    """
    hand_off = None
    if deliver_edition.get_backend().supports_defer:

        def hand_off(moment):
            deliver_edition.using(run_after=moment).enqueue(edition_id)

    return sending.run(edition_id=edition_id, hand_off=hand_off)


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
