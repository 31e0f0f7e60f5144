"""A sent edition is history: its page shows the introduction as it was sent, formatted."""

import pytest
from django.urls import reverse

from newsletter.models import Edition
from tests.factories import make_edition

pytestmark = pytest.mark.django_db


def test_sent_edition_shows_its_introduction_formatted(admin_client):
    edition = make_edition(
        intro='<p>This week: <a href="https://example.org/x">the vote</a>.</p>',
        status=Edition.Status.SENT,
    )
    page = admin_client.get(reverse("admin:newsletter_edition_change", args=[edition.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="intro"' not in html  # view only
    assert '<a href="https://example.org/x" rel="noopener noreferrer">the vote</a>' in html
    assert "&lt;p&gt;" not in html
