"""An edition's buttons keep what was typed: "Send a test to me" pressed without saving
first mails the typed subject, and the page still shows it."""

import pytest
from django.core import mail

from newsletter.models import Edition
from tests.e2e.staff import log_in
from tests.e2e.test_staff import message
from tests.factories import make_edition, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_send_a_test_without_saving_mails_the_typed_subject(live, page, shoot):
    make_user("Editors", username="desk", email="desk@example.org", password="pw-desk-12345")
    edition = make_edition(subject="Old subject")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))

    log_in(page, live, "desk", "pw-desk-12345")
    page.goto(f"{live}/admin/newsletter/edition/{edition.pk}/change/")
    page.get_by_label("Subject").fill("Typed, not saved")
    page.get_by_role("button", name="Send a test to me").click()

    assert "A test was sent to desk@example.org." in message(page), message(page)
    shoot(page, "test-sent-with-typed-subject")
    assert page.get_by_label("Subject").input_value() == "Typed, not saved"
    assert [m.subject for m in mail.outbox] == ["[Test] Typed, not saved"]
    assert [m.to for m in mail.outbox] == [["desk@example.org"]]
    edition.refresh_from_db()
    assert (edition.subject, edition.status) == ("Typed, not saved", Edition.Status.DRAFT)
    assert dialogs == [], "pressing a button of the form asked about unsaved changes"
