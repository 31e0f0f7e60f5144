"""Editions in the admin and on the public site."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from newsletter import sending
from newsletter.models import Edition
from tests.factories import make_article, make_edition, make_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_edition(briefing, mailoutbox, settings):
    settings.NEWSLETTER_SEND_RATE = 0
    make_subscriber(active=[briefing])
    edition = make_edition(briefing, subject="Ports, power and the strait")
    sending.start_send(edition=edition)
    sending.run(edition_id=edition.pk)
    mailoutbox.clear()
    edition.refresh_from_db()
    return edition


def test_approve_and_send_from_the_admin_starts_the_send(
    admin_client, briefing, superuser, django_capture_on_commit_callbacks
):
    make_subscriber(active=[briefing])
    edition = make_edition(briefing)
    page = admin_client.get(reverse("admin:newsletter_edition_change", args=[edition.pk]))
    assert b"Approve and send" in page.content and b"Send a test to me" in page.content

    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(reverse("admin:newsletter_edition_send", args=[edition.pk]))
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENDING
    assert edition.approved_by == superuser
    assert edition.deliveries.count() == 1


def test_approving_twice_says_why_and_changes_nothing(admin_client, sent_edition):
    response = admin_client.post(
        reverse("admin:newsletter_edition_send", args=[sent_edition.pk]), follow=True
    )
    assert b"only a draft or scheduled edition can be sent" in response.content
    assert sent_edition.deliveries.count() == 1


def test_send_a_test_to_me_mails_only_the_editor(admin_client, briefing, mailoutbox):
    make_subscriber(active=[briefing])
    edition = make_edition(briefing, subject="Draft for review")
    admin_client.post(reverse("admin:newsletter_edition_test", args=[edition.pk]))
    [message] = mailoutbox
    assert message.to == ["chief@example.org"]
    assert message.subject == "[Test] Draft for review"
    edition.refresh_from_db()
    assert edition.status == "draft"


def test_pause_resume_cancel_buttons_and_live_progress(admin_client, briefing):
    for _ in range(3):
        make_subscriber(active=[briefing])
    edition = make_edition(briefing)
    sending.start_send(edition=edition)
    change = reverse("admin:newsletter_edition_change", args=[edition.pk])
    assert b"Pause" in admin_client.get(change).content

    admin_client.post(reverse("admin:newsletter_edition_pause", args=[edition.pk]))
    edition.refresh_from_db()
    assert edition.status == "paused"
    admin_client.post(reverse("admin:newsletter_edition_resume", args=[edition.pk]))
    edition.refresh_from_db()
    assert edition.status == "sending"

    progress = admin_client.get(reverse("admin:newsletter_edition_progress", args=[edition.pk]))
    assert progress.json() | {"rate": 0} == {
        "status": "sending",
        "audience": 3,
        "sent": 0,
        "failed": 0,
        "skipped": 0,
        "remaining": 3,
        "rate": 0,
        "eta_seconds": None,
    }
    admin_client.post(reverse("admin:newsletter_edition_cancel", args=[edition.pk]))
    edition.refresh_from_db()
    assert (edition.status, edition.skipped_count) == ("cancelled", 3)


def test_editors_without_permission_cannot_send(client, briefing, django_user_model):
    staff = django_user_model.objects.create_user("intern", is_staff=True)
    client.force_login(staff)
    edition = make_edition(briefing)
    response = client.post(reverse("admin:newsletter_edition_send", args=[edition.pk]))
    assert response.status_code == 403
    edition.refresh_from_db()
    assert edition.status == "draft"


def test_view_in_browser_shows_the_edition_without_personal_links(client, sent_edition):
    url = sent_edition.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ports, power and the strait" in html
    assert "NEWSROOM-PERSONAL" not in html and "/newsletters/unsubscribe/" not in html
    assert f'href="https://news.example.org{url}"' in sent_edition.rendered_html


def test_drafts_are_not_on_the_web(client, briefing):
    edition = make_edition(briefing)
    assert client.get(edition.get_absolute_url()).status_code == 404
    archive = client.get(reverse("newsletter:archive", args=[briefing.slug]))
    assert edition.subject.encode() not in archive.content


def test_archive_lists_sent_editions_in_a_fixed_number_of_queries(
    client, briefing, sent_edition, django_assert_num_queries, settings
):
    for _ in range(3):
        edition = make_edition(briefing)
        sending.start_send(edition=edition)
        sending.run(edition_id=edition.pk)
    url = reverse("newsletter:archive", args=[briefing.slug])
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b"/archive/") >= 4
    assert b"Ports, power and the strait" in response.content


def test_bounce_command_suppresses_and_ends_subscriptions(briefing):
    import io

    from django.core.management import CommandError, call_command

    from newsletter.models import Suppression

    reader = make_subscriber("bouncy@example.org", active=[briefing])
    with pytest.raises(CommandError, match="not-an-address"):
        call_command("suppress_addresses", "bouncy@example.org", "not-an-address")
    assert not Suppression.covers(reader.email)  # bad input changed nothing

    call_command(
        "suppress_addresses", "Bouncy@Example.org", "--reason", "complaint", stdout=io.StringIO()
    )
    assert Suppression.objects.get().reason == "complaint"
    assert not reader.subscriptions.filter(status="active").exists()


def test_emails_use_the_1200_wide_jpeg_rendition_of_the_lead_photo():
    from newsletter.emails import lead_image
    from tests.articles.test_photos import photo_with_renditions

    article = make_article(lead_photo=photo_with_renditions((2000, 1000)))
    image = lead_image(article)
    expected = [r for r in article.lead_photo.rendition_list("width", "jpeg") if r.width == 1200]
    assert image["url"] == settings.SITE_URL + expected[0].url
    assert image["url"].endswith(".jpg") and image["alt"] == article.lead_photo.alt_text


def test_editors_can_run_the_newsletters_and_contributors_cannot(client):
    from tests.factories import make_user

    editor, contributor = make_user("Editors"), make_user("Contributors")
    edition = make_edition()
    client.force_login(editor)
    assert client.get(reverse("admin:newsletter_edition_changelist")).status_code == 200
    change = reverse("admin:newsletter_edition_change", args=[edition.pk])
    assert client.get(change).status_code == 200
    assert client.get(reverse("admin:newsletter_subscriber_changelist")).status_code == 200
    client.force_login(contributor)
    assert client.get(reverse("admin:newsletter_edition_changelist")).status_code == 403


def test_archive_dates_are_machine_readable_in_whole_seconds(client, briefing, sent_edition):
    # HTML's <time datetime> allows at most three digits of fractions of a second.
    page = client.get(reverse("newsletter:archive", args=[briefing.slug])).content.decode()
    stamp = sent_edition.started_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f'<time datetime="{stamp}">' in page


def test_the_web_copy_has_only_valid_meta_elements(client, sent_edition):
    html = client.get(sent_edition.get_absolute_url()).content.decode()
    for meta in re.findall(r"<meta\b[^>]*>", html):
        assert "charset=" in meta or "content=" in meta, f"{meta} needs a content attribute"


def test_the_edition_narrows_to_a_phone_screen_instead_of_a_fixed_600_px(sent_edition):
    # Inlined by css-inline: the card is fluid up to 600 px (a table ignores max-width: 100%).
    card = re.search(r'<table[^>]*class="card"[^>]*>', sent_edition.rendered_html).group(0)
    assert "width: 100%;max-width: 600px;" in card.replace("; ", ";"), card
