import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from newsletter import subscriptions
from newsletter.models import Subscriber, Subscription, Suppression
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db

IMPORT = "/admin/newsletter/subscriber/import/"


def upload(admin_client, text, newsletters, consent=False, name="list.csv"):
    data = {
        "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv"),
        "newsletters": [n.pk for n in newsletters],
    }
    if consent:
        data["consent_on_record"] = "on"
    return admin_client.post(IMPORT, data)


def apply(admin_client, preview):
    form = preview.context["apply_form"]
    data = {"apply": "Import"}
    for name in form.fields:
        value = form.initial.get(name)
        if name == "newsletters":
            data[name] = [n.pk for n in value]
        elif name == "consent_on_record":
            if value:
                data[name] = "True"
        else:
            data[name] = value
    return admin_client.post(IMPORT, data)


GOOD_FILE = "email,name\nada@example.org,Ada\nBen@Example.org,Ben\nben@example.ORG,Ben again\n"


def test_import_with_consent_previews_then_activates(admin_client, briefing, dispatch):
    subscriptions.suppress(address="blocked@example.org", reason=Suppression.Reason.BOUNCE)
    gone = make_subscriber("gone@example.org")
    gone.subscriptions.create(
        newsletter=briefing, status="unsubscribed", unsubscribed_at=timezone.now()
    )
    text = GOOD_FILE + "Blocked@example.org,X\ngone@example.org,Y\n"
    preview = upload(admin_client, text, [briefing], consent=True)
    assert preview.status_code == 200
    assert not Subscription.objects.filter(status="active").exists()  # a preview stores nothing
    rows = {row.line: (row.action, row.reason) for row in preview.context["plan"].rows}
    assert rows[2][0] == rows[3][0] == "subscribe"
    assert rows[4] == ("skip", "duplicate of line 3")
    assert rows[5] == ("skip", "suppressed: never re-subscribed")
    assert rows[6] == ("skip", "unsubscribed earlier: left as is")
    assert "duplicate of line 3" in preview.text

    done = apply(admin_client, preview)
    assert done.status_code == 302
    active = Subscription.objects.filter(status="active", newsletter=briefing)
    assert sorted(s.subscriber.email for s in active) == ["Ben@example.org", "ada@example.org"]
    assert not Subscriber.objects.filter(email_key="blocked@example.org").exists()
    assert gone.subscriptions.get().status == "unsubscribed"
    ada = Subscriber.objects.get(email_key="ada@example.org")
    assert ada.consent_method == Subscriber.ConsentMethod.IMPORT_ON_RECORD
    assert ada.source == Subscriber.Source.IMPORT and "list.csv" in ada.source_detail
    assert not mail.outbox
    assert not dispatch.subscriptions.exists()  # other newsletters untouched


def test_import_without_consent_sends_confirmations(
    admin_client, briefing, django_capture_on_commit_callbacks
):
    preview = upload(admin_client, GOOD_FILE, [briefing])
    with django_capture_on_commit_callbacks(execute=True):
        apply(admin_client, preview)
    assert set(Subscription.objects.values_list("status", flat=True)) == {"pending"}
    assert sorted(m.to[0] for m in mail.outbox) == ["Ben@example.org", "ada@example.org"]


def test_an_import_with_a_bad_row_is_refused_whole(admin_client, briefing):
    text = GOOD_FILE + "not-an-address,Z\n"
    preview = upload(admin_client, text, [briefing], consent=True)
    assert preview.status_code == 200
    assert "apply_form" not in preview.context or not preview.context["plan"].ok
    assert 'name="apply"' not in preview.text
    [bad] = preview.context["plan"].errors
    assert bad.line == 5 and "valid email" in bad.reason
    # Even a forged "Import" post refuses the whole file.
    forged = admin_client.post(
        IMPORT,
        {
            "apply": "1",
            "text": text,
            "filename": "list.csv",
            "newsletters": [briefing.pk],
            "consent_on_record": "True",
        },
    )
    assert forged.status_code == 400
    assert not Subscriber.objects.exists()


def test_a_file_without_an_email_column_is_refused(admin_client, briefing):
    preview = upload(admin_client, "name\nAda\n", [briefing], consent=True)
    assert "email" in preview.context["plan"].file_error
    assert not Subscriber.objects.exists()


def test_import_page_needs_staff(client, briefing):
    response = client.get(IMPORT)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_export_lists_each_subscription(admin_client, briefing, dispatch):
    make_subscriber("ada@example.org", active=[briefing, dispatch])
    make_subscriber("=cmd@example.org", active=[briefing])
    response = admin_client.get("/admin/newsletter/subscriber/export/")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {(r["email"], r["newsletter"], r["status"]) for r in rows} == {
        ("ada@example.org", "tuesday-briefing", "active"),
        ("ada@example.org", "friday-dispatch", "active"),
        ("'=cmd@example.org", "tuesday-briefing", "active"),
    }


def test_changelist_shows_counts_chart_and_filters(admin_client, briefing, dispatch):
    make_subscriber("ada@example.org", active=[briefing])
    reader = make_subscriber("ben@example.org", active=[briefing, dispatch])
    subscriptions.unsubscribe(subscriber=reader, newsletter_id=dispatch.pk)
    page = admin_client.get("/admin/newsletter/subscriber/")
    assert page.status_code == 200
    counts = {
        n.slug: (n.active_count, n.unsubscribed_count) for n in page.context["newsletter_counts"]
    }
    assert counts == {"tuesday-briefing": (2, 0), "friday-dispatch": (0, 1)}
    this_week = page.context["weekly_chart"][-1]
    assert (this_week["signups"], this_week["unsubscribes"]) == (3, 1)
    assert 'class="weekly-chart"' in page.text
    filtered = admin_client.get(
        "/admin/newsletter/subscriber/", {"status": "unsubscribed", "newsletter": dispatch.pk}
    )
    assert [s.email for s in filtered.context["cl"].result_list] == ["ben@example.org"]
    searched = admin_client.get("/admin/newsletter/subscriber/", {"q": "ADA@"})
    assert [s.email for s in searched.context["cl"].result_list] == ["ada@example.org"]


def test_erase_action_keeps_only_a_hashed_suppression(admin_client, briefing):
    reader = make_subscriber("ada@example.org", active=[briefing])
    response = admin_client.post(
        "/admin/newsletter/subscriber/",
        {"action": "erase_selected", "_selected_action": [reader.pk]},
    )
    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    assert Suppression.objects.get().reason == Suppression.Reason.ERASED
    # And the erased address is not imported again.
    preview = upload(admin_client, "email\nADA@example.org\n", [briefing], consent=True)
    assert preview.context["plan"].rows[0].action == "skip"


def test_newsletter_admin_edits_weekdays_as_checkboxes(admin_client, briefing):
    url = f"/admin/newsletter/newsletter/{briefing.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {
        "name": briefing.name,
        "slug": briefing.slug,
        "description": "",
        "series": briefing.series.pk,
        "is_active": "on",
        "send_weekdays": ["5", "2"],
        "send_time": "09:00",
        "time_zone": "Europe/Berlin",
        "send_mode": "auto",
        "from_name": "N",
        "from_address": "n@example.org",
        "reply_to": "",
    }
    assert admin_client.post(url, data).status_code == 302
    briefing.refresh_from_db()
    assert briefing.weekdays() == [2, 5] and briefing.time_zone == "Europe/Berlin"
    bad = admin_client.post(url, {**data, "time_zone": "Mars/Olympus"})
    assert bad.status_code == 200 and "not a known time zone" in bad.text
