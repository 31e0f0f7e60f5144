"""``manage.py run_worker`` (the Procfile's worker) is ``db_worker`` for every option.

How it outlives a lost database connection: test_lost_connection.py.
"""

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from newsletter.models import Subscriber
from newsletter.tasks import process_signup
from tests.factories import make_newsletter

# The worker closes its database connection between tasks, as in production, which a
# test wrapped in one transaction would not survive on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)


def test_run_worker_runs_the_queued_tasks_and_stops_with_batch(mailoutbox):
    newsletter = make_newsletter()
    result = process_signup.enqueue(
        email="reader@example.org",
        newsletter_ids=[newsletter.pk],
        source="website",
        source_detail="",
    )
    call_command("run_worker", batch=True, queue_name="*", interval=0, verbosity=0)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    assert Subscriber.objects.filter(email="reader@example.org").exists()
    assert [m.to for m in mailoutbox] == [["reader@example.org"]]  # the confirmation link


def test_run_worker_refuses_what_db_worker_refuses():
    with pytest.raises(CommandError, match="--exclude-queues can only be used with --queue-name"):
        call_command("run_worker", queue_name="default", exclude_queues="other", verbosity=0)
