import io

import pytest
from django.core.management import call_command

from newsletter.models import Newsletter, Subscriber, Subscription

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
