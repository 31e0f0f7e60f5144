"""CSV import and export of subscribers.

An import is planned first (the admin shows the plan as a preview with a line
per row) and applied only if no row is bad, all in one transaction: a file
either goes in whole or changes nothing. Suppressed addresses are never
reactivated, and an address that unsubscribed is not re-subscribed by a file.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsletter import subscriptions
from newsletter.addresses import address_hash, address_key, normalize_address
from newsletter.models import Newsletter, Subscriber, Subscription, Suppression

MAX_ROWS = 50_000
EXPORT_COLUMNS = [
    "email",
    "newsletter",
    "status",
    "subscribed_at",
    "confirmed_at",
    "unsubscribed_at",
    "source",
    "source_detail",
    "consent_at",
    "consent_method",
]

Status = Subscription.Status


class ImportRefused(Exception):
    """The file has bad rows (or none); nothing was imported."""

    def __init__(self, plan):
        super().__init__("The import has errors; nothing was imported.")
        self.plan = plan


@dataclass
class Row:
    line: int
    raw: str
    address: str = ""
    action: str = ""  # "subscribe", "confirm", "skip" or "error"
    reason: str = ""


@dataclass
class ImportPlan:
    rows: list[Row] = field(default_factory=list)
    file_error: str = ""

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def count_subscribe(self) -> int:
        return self.count("subscribe")

    @property
    def count_confirm(self) -> int:
        return self.count("confirm")

    @property
    def count_skip(self) -> int:
        return self.count("skip")

    @property
    def count_error(self) -> int:
        return self.count("error")

    @property
    def errors(self) -> list[Row]:
        return [row for row in self.rows if row.action == "error"]

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors and bool(self.rows)


def _read(text: str) -> tuple[list[tuple[int, str]], str]:
    """(line, raw address) per data row, or a reason the file cannot be read."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        return [], "The file is empty."
    except csv.Error as error:
        return [], f"The file is not valid CSV: {error}."
    if "email" not in header:
        return [], "The first row must be a header with an “email” column."
    column = header.index("email")
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((reader.line_num, cells[column] if column < len(cells) else ""))
            if len(rows) > MAX_ROWS:
                return [], f"The file has more than {MAX_ROWS} rows; split it."
    except csv.Error as error:
        return [], f"The file is not valid CSV (line {reader.line_num}): {error}."
    return rows, ""


def plan_import(*, text: str, newsletters: list[Newsletter], consent_on_record: bool) -> ImportPlan:
    """What importing ``text`` into ``newsletters`` would do, row by row. Changes nothing."""
    raw_rows, file_error = _read(text)
    plan = ImportPlan(file_error=file_error)
    seen: dict[str, int] = {}
    for line, raw in raw_rows:
        row = Row(line=line, raw=raw.strip())
        plan.rows.append(row)
        try:
            row.address = normalize_address(raw)
        except ValidationError as error:
            row.action, row.reason = "error", " ".join(error.messages)
            continue
        key = address_key(row.address)
        if key in seen:
            row.action, row.reason = "skip", f"duplicate of line {seen[key]}"
            continue
        seen[key] = line
    _decide(plan, newsletters, consent_on_record)
    return plan


def _decide(plan: ImportPlan, newsletters: list[Newsletter], consent_on_record: bool) -> None:
    todo = [row for row in plan.rows if not row.action]
    hashes = set(
        _in_chunks(
            lambda chunk: Suppression.objects.filter(address_hash__in=chunk).values_list(
                "address_hash", flat=True
            ),
            [address_hash(row.address) for row in todo],
        )
    )
    statuses: dict[tuple[str, int], str] = {}
    for key, newsletter_id, status in _in_chunks(
        lambda chunk: Subscription.objects.filter(
            subscriber__email_key__in=chunk, newsletter__in=newsletters
        ).values_list("subscriber__email_key", "newsletter_id", "status"),
        [address_key(row.address) for row in todo],
    ):
        statuses[(key, newsletter_id)] = status
    for row in todo:
        if address_hash(row.address) in hashes:
            row.action, row.reason = "skip", "suppressed: never re-subscribed"
            continue
        key = address_key(row.address)
        found = {n.name: statuses.get((key, n.pk)) for n in newsletters}
        left = [name for name, status in found.items() if status == Status.UNSUBSCRIBED]
        new = [name for name, status in found.items() if status in (None, Status.PENDING)]
        if not new:
            row.action = "skip"
            row.reason = "unsubscribed earlier: left as is" if left else "already subscribed"
            continue
        row.action = "subscribe" if consent_on_record else "confirm"
        verb = "subscribe to" if consent_on_record else "send a confirmation for"
        row.reason = f"{verb} {', '.join(new)}"
        if left:
            row.reason += f"; unsubscribed earlier from {', '.join(left)}: left as is"


def _in_chunks(query, values: list, size: int = 500) -> list:
    """Run ``query`` over ``values`` in slices: SQLite caps the parameters of one query."""
    results = []
    for start in range(0, len(values), size):
        results.extend(query(values[start : start + size]))
    return results


@transaction.atomic
def apply_import(
    *,
    text: str,
    newsletters: list[Newsletter],
    consent_on_record: bool,
    filename: str,
    imported_by: str,
) -> ImportPlan:
    """Import ``text`` whole, or raise ``ImportRefused`` and change nothing.

    Planned again inside the transaction, so the outcome matches the data as
    it is now, not as it was when the preview was shown.
    """
    plan = plan_import(text=text, newsletters=newsletters, consent_on_record=consent_on_record)
    if not plan.ok:
        raise ImportRefused(plan)
    now = timezone.now()
    detail = f"import of {filename} by {imported_by}"[:255]
    for row in plan.rows:
        if row.action not in ("subscribe", "confirm"):
            continue
        subscriber, _ = Subscriber.objects.get_or_create(
            email_key=address_key(row.address),
            defaults={
                "email": row.address,
                "source": Subscriber.Source.IMPORT,
                "source_detail": detail,
            },
        )
        if row.action == "subscribe":
            _activate(subscriber, newsletters, now)
            subscriber.consent_at = now
            subscriber.consent_method = Subscriber.ConsentMethod.IMPORT_ON_RECORD
            subscriber.consent_source = detail
            subscriber.save(update_fields=["consent_at", "consent_method", "consent_source"])
        else:
            subscriptions.request_subscription(
                email=row.address,
                newsletters=newsletters,
                source=Subscriber.Source.IMPORT,
                source_detail=detail,
            )
    return plan


def _activate(subscriber: Subscriber, newsletters: list[Newsletter], now) -> None:
    for newsletter in newsletters:
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            newsletter=newsletter,
            defaults={"status": Status.ACTIVE, "confirmed_at": now},
        )
        if not created and subscription.status == Status.PENDING:
            subscription.status = Status.ACTIVE
            subscription.confirmed_at = now
            subscription.save(update_fields=["status", "confirmed_at"])


def export_csv(subscribers) -> str:
    """One line per subscription (and one per subscriber with none) of ``subscribers``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    queryset = subscribers.prefetch_related("subscriptions__newsletter").order_by("email_key")
    for subscriber in queryset:
        common = [
            subscriber.source,
            subscriber.source_detail,
            _iso(subscriber.consent_at),
            subscriber.consent_method,
        ]
        subs = list(subscriber.subscriptions.all()) or [None]
        for sub in subs:
            writer.writerow(
                [
                    _safe(subscriber.email),
                    sub.newsletter.slug if sub else "",
                    sub.status if sub else "",
                    _iso(sub.created_at) if sub else "",
                    _iso(sub.confirmed_at) if sub else "",
                    _iso(sub.unsubscribed_at) if sub else "",
                    *[_safe(value) for value in common],
                ]
            )
    return out.getvalue()


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheet programs (CSV injection).
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
