"""Background tasks (Django's Tasks API): run by ``db_worker`` or RQ workers alike."""

from django.tasks import task

from newsletter import sending


@task
def deliver_edition(edition_id: int) -> bool:
    """Work an edition's ledger until nothing is due; True when it is finished.

    Any number may run at once for one edition: each claims its own rows.
    What is left waiting (retry backoff) is picked up by ``newsletter_tick``.
    """
    return sending.run(edition_id=edition_id)
