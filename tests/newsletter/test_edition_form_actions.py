"""The edition page's buttons submit its change form: what was typed is saved, then the
action runs, in one transaction; an invalid form or a refused action saves nothing."""

import pytest
from django.urls import reverse

from newsletter import sending
from newsletter.models import Edition
from tests.factories import make_edition, make_subscriber, make_user

pytestmark = pytest.mark.django_db


def change_url(edition):
    return reverse("admin:newsletter_edition_change", args=[edition.pk])


def form_data(edition, *, action, **typed):
    """The change form as the page posts it, with ``typed`` changes and the button pressed."""
    links = list(edition.edition_articles.order_by("position"))
    data = {
        "newsletter": edition.newsletter_id,
        "subject": edition.subject,
        "preheader": edition.preheader,
        "intro": edition.intro,
        "scheduled_for_0": "",
        "scheduled_for_1": "",
        "edition_articles-TOTAL_FORMS": str(len(links)),
        "edition_articles-INITIAL_FORMS": str(len(links)),
        "edition_articles-MIN_NUM_FORMS": "0",
        "edition_articles-MAX_NUM_FORMS": "1000",
        "_edition_action": action,
    }
    for i, link in enumerate(links):
        data[f"edition_articles-{i}-id"] = str(link.pk)
        data[f"edition_articles-{i}-edition"] = str(edition.pk)
        data[f"edition_articles-{i}-position"] = str(link.position)
        data[f"edition_articles-{i}-article"] = str(link.article_id)
    return {**data, **typed}


def typed_subject(response) -> str:
    return response.context["adminform"].form["subject"].value()


def test_the_buttons_of_an_editable_edition_submit_its_change_form(admin_client):
    edition = make_edition()
    html = admin_client.get(change_url(edition)).text
    for action in ("send", "test", "cancel"):
        assert f'form="edition_form" name="_edition_action" value="{action}"' in html
    assert 'class="button default" form="edition_form" name="_edition_action" value="send"' in html
    assert 'id="edition-send"' not in html


def test_the_buttons_of_a_sending_edition_post_to_their_own_urls(admin_client):
    make_subscriber(active=[(edition := make_edition()).newsletter])
    sending.start_send(edition=edition)
    html = admin_client.get(change_url(edition)).text
    assert 'name="_edition_action"' not in html  # nothing to save on a read-only page
    for action in ("pause", "cancel"):
        url = reverse(f"admin:newsletter_edition_{action}", args=[edition.pk])
        assert f'formaction="{url}"' in html


def test_approve_and_send_saves_the_typed_subject_then_starts_the_send(
    admin_client, superuser, django_capture_on_commit_callbacks
):
    edition = make_edition(subject="Old subject")
    make_subscriber(active=[edition.newsletter])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_client.post(
            change_url(edition), form_data(edition, action="send", subject="Typed subject")
        )
    assert response.status_code == 302 and response["Location"] == change_url(edition)
    edition.refresh_from_db()
    assert edition.subject == "Typed subject"
    assert edition.rendered_subject == "Typed subject"  # what subscribers get
    assert (edition.status, edition.approved_by) == (Edition.Status.SENDING, superuser)
    assert edition.deliveries.count() == 1
    assert queued, "the send was not handed to the workers"
    page = admin_client.get(change_url(edition)).text
    assert "Your changes were saved. Sending has started." in page


def test_send_a_test_to_me_mails_the_typed_subject_and_keeps_it(admin_client, mailoutbox):
    edition = make_edition(subject="Old subject")
    response = admin_client.post(
        change_url(edition),
        form_data(edition, action="test", subject="Typed subject", intro="<p>Typed intro.</p>"),
    )
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["chief@example.org"]
    assert message.subject == "[Test] Typed subject"
    assert "Typed intro." in message.body
    edition.refresh_from_db()
    assert (edition.subject, edition.status) == ("Typed subject", Edition.Status.DRAFT)


def test_cancel_saves_the_typed_subject_and_cancels(admin_client):
    edition = make_edition(subject="Old subject")
    response = admin_client.post(
        change_url(edition), form_data(edition, action="cancel", subject="Typed subject")
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.subject, edition.status) == ("Typed subject", Edition.Status.CANCELLED)


def test_an_invalid_form_saves_nothing_and_the_action_waits(admin_client, mailoutbox):
    edition = make_edition(subject="Old subject")
    for action in ("send", "test", "cancel"):
        response = admin_client.post(
            change_url(edition),
            form_data(edition, action=action, subject="Line\nbreak", preheader="Typed preheader"),
        )
        assert response.status_code == 200
        assert typed_subject(response) == "Line\nbreak"
        assert 'value="Typed preheader"' in response.text
        assert "was not done: correct the form below, then press it again." in response.text
    edition.refresh_from_db()
    assert (edition.subject, edition.preheader) == ("Old subject", "")
    assert edition.status == Edition.Status.DRAFT and not edition.deliveries.exists()
    assert not mailoutbox


def test_a_refused_send_rolls_back_the_save_and_shows_why(
    admin_client, django_capture_on_commit_callbacks
):
    edition = make_edition(subject="Old subject", intro="", articles=[])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_client.post(
            change_url(edition), form_data(edition, action="send", subject="Typed subject")
        )
    assert response.status_code == 200
    assert "“Approve and send” was not done, and nothing was saved" in response.text
    assert "This edition has no introduction and no articles." in response.text
    assert typed_subject(response) == "Typed subject"
    assert 'value="Typed subject"' in response.text
    edition.refresh_from_db()
    assert (edition.subject, edition.status) == ("Old subject", Edition.Status.DRAFT)
    assert not queued


def test_a_test_for_someone_without_an_address_is_refused_and_saves_nothing(client, mailoutbox):
    editor = make_user("Editors", email="")
    client.force_login(editor)
    edition = make_edition(subject="Old subject")
    response = client.post(
        change_url(edition), form_data(edition, action="test", subject="Typed subject")
    )
    assert response.status_code == 200
    assert "Your account has no email address." in response.text
    assert typed_subject(response) == "Typed subject"
    edition.refresh_from_db()
    assert edition.subject == "Old subject"
    assert not mailoutbox


def test_pausing_a_draft_is_refused_and_saves_nothing(admin_client):
    edition = make_edition(subject="Old subject")
    response = admin_client.post(
        change_url(edition), form_data(edition, action="pause", subject="Typed subject")
    )
    assert response.status_code == 200
    assert "Only a sending edition can be paused." in response.text
    edition.refresh_from_db()
    assert (edition.subject, edition.status) == ("Old subject", Edition.Status.DRAFT)
