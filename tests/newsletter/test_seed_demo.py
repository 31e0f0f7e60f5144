import io

import pytest
from django.core.management import call_command

from newsletter.demo import DEMO_SUBSCRIBERS
from newsletter.models import Delivery, Edition, Newsletter, Subscriber, Subscription

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_two_newsletters_and_confirmed_subscribers_once(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    assert "Admin login: admin / " in out.getvalue()
    briefing, dispatch = Newsletter.objects.order_by("-slug")
    assert (briefing.weekdays(), dispatch.weekdays()) == ([2], [5])
    assert {briefing.send_mode, dispatch.send_mode} == {"auto", "hold"}
    assert briefing.series != dispatch.series
    assert f"{briefing.send_time:%H:%M}" == "09:00"
    assert Subscriber.objects.count() == 5
    assert Subscriber.objects.filter(consent_at__isnull=True).count() == 0
    assert Subscription.objects.filter(status="active").count() == 10
    page = client.get("/newsletters/")
    assert "Tuesday Briefing" in page.text and "Friday Dispatch" in page.text


def test_seed_demo_sends_one_edition_of_the_auto_newsletter_to_its_archive(client, mailoutbox):
    call_command("seed_demo", stdout=io.StringIO())

    briefing = Newsletter.objects.get(send_mode="auto")
    edition = Edition.objects.get()
    assert edition.newsletter == briefing
    assert edition.status == Edition.Status.SENT
    assert edition.sent_count == edition.audience_count == 5
    assert edition.edition_articles.count() == 3
    assert all(
        link.article.series_id == briefing.series_id for link in edition.edition_articles.all()
    )
    # Sent through the real path: one message each, with the one-click unsubscribe.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(DEMO_SUBSCRIBERS)
    assert all("List-Unsubscribe-Post" in m.extra_headers for m in mailoutbox)
    page = client.get(f"/newsletters/{briefing.slug}/archive/")
    assert edition.subject in page.text
    assert client.get(edition.get_absolute_url()).status_code == 200


def test_seed_demo_run_twice_sends_no_second_edition(mailoutbox):
    call_command("seed_demo", stdout=io.StringIO())
    sent = len(mailoutbox)
    call_command("seed_demo", stdout=io.StringIO())
    assert len(mailoutbox) == sent
    assert Edition.objects.count() == 1
    assert Delivery.objects.count() == 5
