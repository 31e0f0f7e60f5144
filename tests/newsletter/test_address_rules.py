"""Which addresses a sign-up takes, and what counts as one mailbox for the confirmation throttle."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from newsletter.addresses import normalize_address
from newsletter.models import Subscriber, Subscription

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletters/subscribe/"


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Sign-ups are finished by a task; here it runs inside the request."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """Post the sign-up form as a reader would, running what it leaves for after the commit."""

    def post(email, newsletter):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(SUBSCRIBE, {"email": email, "newsletters": [newsletter.pk]})

    return post


CONTROL_CHARACTERS = [chr(code) for code in [*range(0x00, 0x20), 0x7F]]


@pytest.mark.parametrize(
    "raw",
    [
        "x@[127.0.0.1]",
        "x@[192.168.0.1]",
        "x@localhost",
        "x@LOCALHOST.",
        "x@intranet",
        *[f'"a{char}b"@example.org' for char in CONTROL_CHARACTERS],
        *[f'"a\\{char}b"@example.org' for char in CONTROL_CHARACTERS],
        "a\x00b@example.org",
        "a\x1bb@example.org",
    ],
    ids=repr,
)
def test_addresses_no_newsletter_should_go_to_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_address(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("x@[127.0.0.1]", "Use an address with a full domain name"),
        ("x@localhost", "Use an address with a full domain name"),
        ('"a\x07b"@example.org', "cannot be in an email address"),
        ('"a\x1bb"@example.org', "cannot be in an email address"),
        ("a\x00b@example.org", "Null characters are not allowed"),
    ],
    ids=repr,
)
def test_a_refused_address_gets_a_clear_form_error_and_nothing_is_stored(
    sign_up, briefing, raw, message
):
    response = sign_up(raw, briefing)
    assert response.status_code == 400
    assert "form-errors" in response.text
    assert message in response.text
    assert not Subscriber.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize(
    "raw", ["ana@example.org", "Ana.Silva+news@Example.ORG", '"quoted"@example.org']
)
def test_ordinary_addresses_are_still_taken(raw):
    assert normalize_address(raw)


def test_plus_tags_and_case_name_one_mailbox():
    from newsletter.addresses import mailbox_key

    assert (
        mailbox_key("a+1@example.org")
        == mailbox_key("A+2@Example.ORG")
        == mailbox_key("a@example.org")
    )
    assert mailbox_key("a+1@example.org") != mailbox_key("b+1@example.org")
    assert mailbox_key("a+1@example.org") != mailbox_key("a+1@example.net")


def test_plus_addressed_variants_get_one_confirmation_per_window(sign_up, settings, briefing):
    settings.NEWSLETTER_SIGNUP_IP_LIMIT = 100
    for variant in ["a+1@example.org", "a+2@example.org", "A+3@Example.org", "a@example.org"]:
        assert sign_up(variant, briefing).status_code == 200
    assert [m.to for m in mail.outbox] == [["a+1@example.org"]]
    # Each address is kept as it was typed: only the mail is held back.
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "A+3@example.org",
        "a+1@example.org",
        "a+2@example.org",
        "a@example.org",
    ]
    assert set(Subscription.objects.values_list("status", flat=True)) == {"pending"}


def test_another_mailbox_at_the_same_domain_is_not_held_back(sign_up, briefing):
    sign_up("a+1@example.org", briefing)
    sign_up("b+1@example.org", briefing)
    assert sorted(m.to[0] for m in mail.outbox) == ["a+1@example.org", "b+1@example.org"]
