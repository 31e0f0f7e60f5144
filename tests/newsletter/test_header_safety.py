"""Every value that reaches a mail header is refused at the model if it could break one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from newsletter.models import Edition, Newsletter
from newsroom.validators import validate_header_value
from tests.factories import make_edition

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    "Briefing\r\nBcc: everyone@example.net",
    "Briefing\nX-Injected: 1",
    "Briefing\rX",
    "Brief\x00ing",
    "Brief\ting",
    "Brief\x7fing",
    "Brief\u2028ing",
]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_the_header_validator_refuses_line_breaks_and_control_characters(value):
    with pytest.raises(ValidationError, match="control characters"):
        validate_header_value(value)


def test_the_header_validator_accepts_ordinary_names_in_any_script():
    for value in ["Café Briefing — Ünter den Linden", "Weekly · 週刊", "Ports & Power 🚢"]:
        validate_header_value(value)


@pytest.mark.parametrize("field", ["name", "from_name"])
def test_full_clean_refuses_a_newsletter_name_with_a_line_break(briefing, field):
    setattr(briefing, field, "Tuesday Briefing\r\nBcc: everyone@example.net")
    with pytest.raises(ValidationError) as caught:
        briefing.full_clean()
    assert "control characters" in " ".join(caught.value.message_dict[field])


@pytest.mark.parametrize("field", ["from_address", "reply_to"])
def test_full_clean_refuses_a_sender_address_with_a_control_character(briefing, field):
    setattr(briefing, field, '"news\x01"@example.org')
    with pytest.raises(ValidationError) as caught:
        briefing.full_clean()
    assert field in caught.value.message_dict


def test_full_clean_refuses_an_edition_subject_with_a_line_break(briefing):
    edition = make_edition(briefing)
    edition.subject = "Ports\r\nBcc: everyone@example.net"
    with pytest.raises(ValidationError) as caught:
        edition.full_clean()
    assert "control characters" in " ".join(caught.value.message_dict["subject"])


def newsletter_form(newsletter, **changes):
    return {
        "name": newsletter.name,
        "slug": newsletter.slug,
        "description": "",
        "series": newsletter.series.pk,
        "is_active": "on",
        "send_weekdays": ["2", "5"],
        "send_time": "09:00",
        "time_zone": "Europe/Berlin",
        "send_mode": "hold",
        "from_name": "The Newsroom",
        "from_address": "news@example.org",
        "reply_to": "",
        **changes,
    }


@pytest.mark.parametrize("field", ["name", "from_name"])
def test_the_newsletter_admin_refuses_a_name_with_a_line_break(admin_client, briefing, field):
    url = reverse("admin:newsletter_newsletter_change", args=[briefing.pk])
    data = newsletter_form(briefing, **{field: "Tuesday\r\nBcc: everyone@example.net"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "control characters are not allowed here" in response.text
    briefing.refresh_from_db()
    assert briefing.name == "Tuesday Briefing" and briefing.from_name == "The Newsroom"


def test_the_newsletter_admin_refuses_a_new_newsletter_with_a_line_break(admin_client, briefing):
    data = newsletter_form(briefing, name="Evening\nNews", slug="evening-news")
    response = admin_client.post(reverse("admin:newsletter_newsletter_add"), data)
    assert response.status_code == 200
    assert "control characters are not allowed here" in response.text
    assert not Newsletter.objects.filter(slug="evening-news").exists()


def test_the_edition_admin_refuses_a_subject_with_a_line_break(admin_client, briefing):
    edition = make_edition(briefing, articles=[])
    url = reverse("admin:newsletter_edition_change", args=[edition.pk])
    data = {
        "newsletter": briefing.pk,
        "subject": "Ports\r\nBcc: everyone@example.net",
        "preheader": "",
        "intro": "<p>Hello.</p>",
        "scheduled_for_0": "",
        "scheduled_for_1": "",
        "edition_articles-TOTAL_FORMS": "0",
        "edition_articles-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "control characters are not allowed here" in response.text
    edition.refresh_from_db()
    assert edition.subject.startswith("Edition ")
    assert Edition.objects.count() == 1
