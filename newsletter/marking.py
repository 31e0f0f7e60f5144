"""Marking ledger rows sent the moment the server accepts each message.

Each row is its own committed UPDATE by primary key, issued as soon as the
SMTP server answers 250 for that message. On PostgreSQL outside a
transaction (a worker, ``send_edition``), ``SentMarks`` hands the UPDATE to
the server and returns without waiting for its commit acknowledgement: the
next message's SMTP exchange overlaps the commit, and the acknowledgement is
collected before the next row is marked (or any other query runs). After a
crash the rows that can go out again are the ones still ``sending``: the
message on the wire and, at most, the one row whose UPDATE had not reached
the server, exactly the rows a lease reclaim would resend anyway.

Elsewhere (SQLite, or inside a test's transaction) each mark is an ordinary
ORM update that waits for the database.
"""

import threading

from django.db import DatabaseError, connection
from django.utils import timezone
from psycopg import pq

from newsletter.models import Delivery

State = Delivery.State
_table = connection.ops.quote_name(Delivery._meta.db_table)
MARK_SENT_SQL = (
    f"UPDATE {_table} SET state = '{State.SENT}', sent_at = $1::timestamptz,"
    " message_id = $2, claim = NULL, lease_until = NULL, error = ''"
    f" WHERE id = $3::bigint AND state <> '{State.SENT}'"
).encode()


class SentMarks:
    """Use as a context manager around a batch; call ``wait`` before any other query."""

    def __init__(self):
        self.pgconn = None
        self.pending = False

    def __enter__(self):
        # Only in a worker's main thread: libpq's blocking get_result() keeps the
        # GIL, which would stall a worker's other sending threads (sending.run's
        # connections); there, plain updates overlap through the threads instead.
        overlap = threading.current_thread() is threading.main_thread()
        if overlap and connection.vendor == "postgresql" and not connection.in_atomic_block:
            connection.ensure_connection()
            self.pgconn = connection.connection.pgconn
        return self

    def __exit__(self, *exc_info):
        self.wait()

    def mark(self, pk: int, message_id: str) -> None:
        """Record that row ``pk`` went out as ``message_id`` (whoever holds it now)."""
        self.wait()
        now = timezone.now()
        if self.pgconn is None:
            Delivery.objects.filter(pk=pk).exclude(state=State.SENT).update(
                state=State.SENT, sent_at=now, message_id=message_id, claim=None,
                lease_until=None, error="",
            )  # fmt: skip
            return
        params = [now.isoformat().encode(), message_id.encode(), str(pk).encode()]
        self.pgconn.send_query_params(MARK_SENT_SQL, params)
        self.pending = True

    def wait(self) -> None:
        """Collect the last mark's result; raises ``DatabaseError`` if it failed."""
        if not self.pending:
            return
        self.pending = False
        results = []
        while (result := self.pgconn.get_result()) is not None:
            results.append(result)
        if [r.status for r in results] != [pq.ExecStatus.COMMAND_OK]:
            why = " ".join(r.error_message.decode(errors="replace") for r in results)
            raise DatabaseError(f"Marking a delivery sent failed: {why or 'no result'}")
