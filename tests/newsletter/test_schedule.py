"""The schedule: slots in the newsletter's time zone, composing, catching up once."""

import io
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command

from newsletter import schedule
from newsletter.models import Edition, SlotRun
from tests.factories import make_article, make_newsletter, make_subscriber

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def tuesday_friday(db):
    """Tuesday and Friday 09:00 New York, auto-send, created well before the tests' dates."""
    with time_machine.travel(utc(2026, 1, 1), tick=False):
        return make_newsletter(
            send_weekdays="2,5",
            send_time=time(9, 0),
            time_zone="America/New_York",
            send_mode="auto",
        )


def test_slots_follow_local_time_across_the_daylight_saving_change(tuesday_friday):
    # US clocks spring forward on Sunday 8 March 2026.
    found = schedule.slots(tuesday_friday, after=utc(2026, 3, 2), until=utc(2026, 3, 14))
    assert found == [
        utc(2026, 3, 3, 14, 0),  # Tuesday, EST (UTC-5)
        utc(2026, 3, 6, 14, 0),  # Friday, EST
        utc(2026, 3, 10, 13, 0),  # Tuesday, EDT (UTC-4): still 09:00 in New York
        utc(2026, 3, 13, 13, 0),
    ]
    # …and fall back on Sunday 1 November 2026.
    autumn = schedule.slots(tuesday_friday, after=utc(2026, 10, 26), until=utc(2026, 11, 7))
    assert autumn == [
        utc(2026, 10, 27, 13, 0),
        utc(2026, 10, 30, 13, 0),
        utc(2026, 11, 3, 14, 0),
        utc(2026, 11, 6, 14, 0),
    ]


def test_tick_composes_and_sends_at_the_slot_after_the_clock_change(
    tuesday_friday, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.NEWSLETTER_SEND_RATE = 0
    reader = make_subscriber(active=[tuesday_friday])
    piece = make_article(series=tuesday_friday.series, published_at=utc(2026, 3, 9, 12))

    with time_machine.travel(utc(2026, 3, 10, 12, 59), tick=False):
        assert schedule.tick()["composed"] == []  # 08:59 in New York
    with (
        time_machine.travel(utc(2026, 3, 10, 13, 0, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        [edition] = schedule.tick()["composed"]

    assert edition.slot == utc(2026, 3, 10, 13, 0)
    assert list(edition.articles.all()) == [piece]
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    [message] = mailoutbox
    assert message.to == [reader.email]
    assert piece.title in message.body


def test_a_missed_slot_is_caught_up_once_and_never_twice(tuesday_friday, settings):
    settings.NEWSLETTER_CATCH_UP_HOURS = 24
    tuesday_friday.send_mode = "hold"
    tuesday_friday.save()
    make_article(series=tuesday_friday.series, published_at=utc(2026, 3, 9, 12))

    # The scheduler was down at 09:00; it comes back at 15:00 New York time.
    with time_machine.travel(utc(2026, 3, 10, 19, 0), tick=False):
        call_command("newsletter_tick", stdout=io.StringIO())
        call_command("newsletter_tick", stdout=io.StringIO())
    with time_machine.travel(utc(2026, 3, 10, 19, 1), tick=False):
        call_command("newsletter_tick", stdout=io.StringIO())

    [edition] = Edition.objects.all()
    assert edition.status == Edition.Status.DRAFT  # held for approval
    assert SlotRun.objects.get().edition == edition


def test_a_slot_missed_beyond_the_catch_up_window_is_not_sent_late(tuesday_friday, settings):
    settings.NEWSLETTER_CATCH_UP_HOURS = 24
    make_article(series=tuesday_friday.series, published_at=utc(2026, 3, 9, 12))
    with time_machine.travel(utc(2026, 3, 12, 12, 0), tick=False):  # Thursday
        schedule.tick()
    assert not Edition.objects.exists()


def test_nothing_new_means_no_edition_and_one_log_line(tuesday_friday, caplog):
    with time_machine.travel(utc(2026, 3, 10, 13, 5), tick=False):
        schedule.tick()
        schedule.tick()
    assert not Edition.objects.exists()
    assert SlotRun.objects.get().note.startswith("Nothing new")
    assert caplog.text.count("nothing new") == 1


def test_the_next_edition_holds_only_pieces_published_since_the_previous_one(tuesday_friday):
    tuesday_friday.send_mode = "hold"
    tuesday_friday.save()
    first = make_article(series=tuesday_friday.series, published_at=utc(2026, 3, 9, 12))
    with time_machine.travel(utc(2026, 3, 10, 13, 1), tick=False):
        schedule.tick()
    second = make_article(series=tuesday_friday.series, published_at=utc(2026, 3, 11, 12))
    make_article(published_at=utc(2026, 3, 11, 12))  # another series
    make_article(series=tuesday_friday.series, status="draft", published_at=None)
    with time_machine.travel(utc(2026, 3, 13, 13, 1), tick=False):
        schedule.tick()
    older, newer = Edition.objects.order_by("slot")
    assert list(older.articles.all()) == [first]
    assert list(newer.articles.all()) == [second]


def test_tick_enqueues_a_send_whose_workers_went_silent(tuesday_friday, settings):
    from newsletter import sending
    from tests.factories import make_edition

    settings.NEWSLETTER_LEASE_SECONDS = 60
    make_subscriber(active=[tuesday_friday])
    edition = make_edition(tuesday_friday)
    sending.start_send(edition=edition)  # its on_commit enqueue never ran: a crash
    assert schedule.tick()["revived"] == []  # too early to call it stuck
    with time_machine.travel(timedelta(minutes=2)):
        report = schedule.tick()
    assert report["revived"] == [edition]
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(args_kwargs__args=[edition.pk]).exists()
