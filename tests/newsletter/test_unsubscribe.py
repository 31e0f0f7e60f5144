from urllib.parse import urlsplit

import pytest
from django.test import Client

from newsletter import tokens
from newsletter.addresses import address_hash
from newsletter.models import Subscriber, Subscription, Suppression
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def path_of(url):
    assert url.startswith("https://news.example.org/")
    return urlsplit(url).path


def statuses(subscriber):
    return {s.newsletter.slug: s.status for s in subscriber.subscriptions.all()}


def test_one_click_post_without_cookies_leaves_only_that_newsletter(briefing, dispatch):
    reader = make_subscriber(active=[briefing, dispatch])
    url = tokens.unsubscribe_url(reader, briefing)
    mail_provider = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token
    response = mail_provider.post(path_of(url), ONE_CLICK)
    assert response.status_code == 200
    assert not response.cookies
    assert statuses(reader) == {"tuesday-briefing": "unsubscribed", "friday-dispatch": "active"}
    assert reader.subscriptions.get(newsletter=briefing).unsubscribed_at is not None


def test_one_click_is_idempotent(briefing):
    reader = make_subscriber(active=[briefing])
    path = path_of(tokens.unsubscribe_url(reader, briefing))
    client = Client(enforce_csrf_checks=True)
    first = client.post(path, ONE_CLICK)
    stamp = reader.subscriptions.get().unsubscribed_at
    second = client.post(path, ONE_CLICK)
    assert first.status_code == second.status_code == 200
    assert reader.subscriptions.get().unsubscribed_at == stamp


def test_get_of_the_unsubscribe_link_shows_a_button_and_changes_nothing(client, briefing):
    reader = make_subscriber(active=[briefing])
    page = client.get(path_of(tokens.unsubscribe_url(reader, briefing)))
    assert page.status_code == 200
    assert 'name="List-Unsubscribe" value="One-Click"' in page.text
    assert "Tuesday Briefing" in page.text
    assert statuses(reader) == {"tuesday-briefing": "active"}


def test_a_post_without_the_one_click_body_or_a_tampered_token_changes_nothing(briefing):
    reader = make_subscriber(active=[briefing])
    path = path_of(tokens.unsubscribe_url(reader, briefing))
    client = Client(enforce_csrf_checks=True)
    assert client.post(path, {}).status_code == 400
    tampered = path.replace(str(briefing.pk) + ":", str(briefing.pk + 1) + ":")
    assert tampered != path
    assert client.post(tampered, ONE_CLICK).status_code == 400
    assert statuses(reader) == {"tuesday-briefing": "active"}


def test_personal_links_need_no_query(briefing, django_assert_num_queries):
    reader = make_subscriber(active=[briefing])
    with django_assert_num_queries(0):
        tokens.unsubscribe_url(reader, briefing.pk)
        tokens.preferences_url(reader)


def test_preference_center_chooses_newsletters(client, briefing, dispatch):
    reader = make_subscriber(active=[briefing])
    path = path_of(tokens.preferences_url(reader))
    page = client.get(path)
    assert page.status_code == 200 and reader.email in page.text
    assert statuses(reader) == {"tuesday-briefing": "active"}
    saved = client.post(path, {"newsletters": [dispatch.pk], "save": "1"})
    assert saved.status_code == 200 and "Your choices are saved" in saved.text
    assert statuses(reader) == {"tuesday-briefing": "unsubscribed", "friday-dispatch": "active"}
    reader.refresh_from_db()
    assert reader.consent_method == Subscriber.ConsentMethod.PREFERENCE_CENTER


def test_preference_center_unsubscribes_from_all(client, briefing, dispatch):
    reader = make_subscriber(active=[briefing, dispatch])
    client.post(path_of(tokens.preferences_url(reader)), {"unsubscribe_all": "1"})
    assert set(statuses(reader).values()) == {"unsubscribed"}


def test_tampered_preference_link_is_refused(client, briefing):
    reader = make_subscriber(active=[briefing])
    path = path_of(tokens.preferences_url(reader))
    tampered = path[:-3] + ("x" if path[-3] != "x" else "y") + path[-2:]
    assert client.get(tampered).status_code == 400
    assert client.post(tampered, {"unsubscribe_all": "1"}).status_code == 400
    assert statuses(reader) == {"tuesday-briefing": "active"}


def test_erasure_from_the_preference_center_keeps_only_a_hash(client, briefing):
    reader = make_subscriber("Erase.Me@example.org", active=[briefing])
    preferences = path_of(tokens.preferences_url(reader))
    unsubscribe = path_of(tokens.unsubscribe_url(reader, briefing))
    erase_page = client.get(preferences + "erase/")
    assert erase_page.status_code == 200
    assert Subscriber.objects.exists()  # a GET erases nothing
    done = client.post(preferences + "erase/")
    assert done.status_code == 200 and "erased" in done.text
    assert not Subscriber.objects.exists() and not Subscription.objects.exists()
    suppression = Suppression.objects.get()
    assert suppression.address_hash == address_hash("erase.me@example.org")
    assert suppression.reason == Suppression.Reason.ERASED
    assert "erase.me" not in str(Suppression.objects.values_list()).lower()
    # Old links point at nobody; the one-click link still answers politely.
    assert client.get(preferences).status_code == 400
    assert Client().post(unsubscribe, ONE_CLICK).status_code == 200
