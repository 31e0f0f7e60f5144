"""Presence: who else has a piece open, from the change form's heartbeat."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles.models import EditingPresence
from tests.articles.conftest import article_in_state
from tests.articles.test_workflow_admin import change_url
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# 10:02 in the newsroom (settings.TIME_ZONE), stored in UTC.
MORNING = datetime.datetime(2030, 5, 1, 10, 2, tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def newsroom_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"


def ping_url(article):
    return reverse("admin:articles_article_editing_ping", args=[article.pk])


def leave_url(article):
    return reverse("admin:articles_article_editing_leave", args=[article.pk])


def ping(client, article):
    return client.post(ping_url(article))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_ping_names_the_other_person_and_since_when_in_newsroom_time(editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    with time_machine.travel(MORNING, tick=False):
        assert ping(logged_in(editor), article).status_code == 200
    with time_machine.travel(MORNING + datetime.timedelta(seconds=20), tick=False):
        answer = ping(logged_in(contributor), article).json()
    assert answer["others"] == [
        {
            "name": "Edna Desk",
            "since": "10:02",
            "notice": "Edna Desk is editing this piece (since 10:02)",
        }
    ]


def test_ping_does_not_name_the_person_themselves(editor):
    article = article_in_state("in_review")
    client = logged_in(editor)
    ping(client, article)
    assert ping(client, article).json()["others"] == []


def test_change_form_shows_who_else_is_editing(editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    with time_machine.travel(MORNING, tick=False):
        ping(logged_in(editor), article)
        page = logged_in(contributor).get(change_url(article)).content.decode()
    assert "Edna Desk is editing this piece (since 10:02)" in page
    assert 'role="status" aria-live="polite"' in page


def test_heartbeat_keeps_since_and_refreshes_last_seen(editor):
    article = article_in_state("draft")
    with time_machine.travel(MORNING, tick=False):
        client = logged_in(editor)
        ping(client, article)
    with time_machine.travel(MORNING + datetime.timedelta(seconds=45), tick=False):
        ping(client, article)
    presence = EditingPresence.objects.get(article=article, user=editor)
    assert presence.first_seen == MORNING
    assert presence.last_seen == MORNING + datetime.timedelta(seconds=45)


def test_a_person_who_stops_pinging_ages_out(editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    with time_machine.travel(MORNING, tick=False):
        ping(logged_in(editor), article)
    with time_machine.travel(MORNING + datetime.timedelta(seconds=59), tick=False):
        assert len(ping(logged_in(contributor), article).json()["others"]) == 1
    with time_machine.travel(MORNING + datetime.timedelta(seconds=61), tick=False):
        assert ping(logged_in(contributor), article).json()["others"] == []
        page = logged_in(contributor).get(change_url(article)).content.decode()
    assert "is editing this piece" not in page


def test_coming_back_after_ageing_out_starts_a_new_since(editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    with time_machine.travel(MORNING, tick=False):
        client = logged_in(editor)
        ping(client, article)
    back = MORNING + datetime.timedelta(minutes=30)
    with time_machine.travel(back, tick=False):
        ping(client, article)
        answer = ping(logged_in(contributor), article).json()
    assert answer["others"][0]["since"] == "10:32"


def test_leaving_drops_the_person_at_once(editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    client = logged_in(editor)
    ping(client, article)
    assert client.post(leave_url(article)).status_code == 200
    assert ping(logged_in(contributor), article).json()["others"] == []
    assert not EditingPresence.objects.filter(user=editor).exists()


def test_ping_is_refused_to_someone_who_may_not_edit_the_piece(contributor, other_contributor):
    submitted = article_in_state("in_review", created_by=contributor)
    others_draft = article_in_state("draft", created_by=other_contributor)
    client = logged_in(contributor)
    # Their own piece under review: they may read it, not change it.
    assert ping(client, submitted).status_code == 403
    # Someone else's draft: its existence is not theirs to learn.
    assert ping(client, others_draft).status_code == 404
    assert not EditingPresence.objects.exists()


def test_ping_is_refused_to_non_staff_and_to_get(outsider, editor):
    article = article_in_state("draft")
    response = ping(logged_in(outsider), article)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert logged_in(editor).get(ping_url(article)).status_code == 405
    assert not EditingPresence.objects.exists()


def test_ping_without_csrf_token_is_refused(editor):
    article = article_in_state("draft")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(ping_url(article)).status_code == 403
    assert not EditingPresence.objects.exists()
    client.get(change_url(article))  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    assert client.post(ping_url(article), headers={"X-CSRFToken": token}).status_code == 200
    assert EditingPresence.objects.filter(user=editor).exists()


def test_read_only_view_has_no_heartbeat(contributor):
    submitted = article_in_state("in_review", created_by=contributor)
    page = logged_in(contributor).get(change_url(submitted)).content.decode()
    assert "article_editing.js" not in page


def test_editors_desk_shows_who_is_in_which_piece(editor, contributor):
    mine = article_in_state("draft", created_by=contributor, title="Harbour towns share a siren")
    other = article_in_state("draft", title="Grain corridor reopens")
    second_editor = make_user("Editors", username="ed2", first_name="Eli", last_name="Proof")
    with time_machine.travel(MORNING, tick=False):
        ping(logged_in(contributor), mine)
        ping(logged_in(second_editor), other)
        desk = logged_in(editor).get(reverse("admin:index")).content.decode()
        own_desk = logged_in(contributor).get(reverse("admin:index")).content.decode()
    open_now = desk.split("Open right now")[1].split("</ul>")[0]
    assert "Harbour towns share a siren" in open_now and "Cora Writer (since 10:02)" in open_now
    assert "Grain corridor reopens" in open_now and "Eli Proof (since 10:02)" in open_now
    # A contributor's desk covers their own pieces only; no one else's draft is named.
    own = own_desk.split("Open right now")[1].split("</ul>")[0]
    assert "Grain corridor" not in own and "Eli Proof" not in own


def test_desk_leaves_out_people_who_aged_out(editor, contributor):
    article = article_in_state("draft", created_by=contributor, title="Harbour towns share a siren")
    with time_machine.travel(MORNING, tick=False):
        ping(logged_in(contributor), article)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=5), tick=False):
        desk = logged_in(editor).get(reverse("admin:index")).content.decode()
    assert "Cora Writer (since" not in desk


def test_prune_deletes_only_aged_out_presence(editor, contributor):
    article = article_in_state("draft", created_by=contributor)
    with time_machine.travel(MORNING, tick=False):
        ping(logged_in(editor), article)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=5), tick=False):
        ping(logged_in(contributor), article)
        call_command("prune_editing", verbosity=0)
    assert list(EditingPresence.objects.values_list("user__username", flat=True)) == ["cora"]
