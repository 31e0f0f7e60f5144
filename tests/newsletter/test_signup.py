import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsletter import subscriptions
from newsletter.models import Subscriber, Subscription, Suppression
from tests.factories import make_article, make_subscriber
from tests.newsletter.conftest import link_in

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/newsletters/subscribe/"


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """A sign-up is finished by a task (see test_signup_queue.py); here it runs at once."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def sign_up(client, email, *newsletters, **extra):
    data = {"email": email, "newsletters": [n.pk for n in newsletters], **extra}
    return client.post(SUBSCRIBE, data)


def test_signup_page_lists_every_active_newsletter(client, briefing, dispatch):
    dispatch.is_active = False
    dispatch.save()
    page = client.get(reverse("newsletter:list"))
    assert page.status_code == 200
    assert "Tuesday Briefing" in page.text
    assert "Friday Dispatch" not in page.text
    assert 'name="website"' in page.text  # the honeypot
    assert "csrfmiddlewaretoken" in page.text


def test_double_opt_in_from_the_emailed_link(client, briefing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, "Reader@Example.ORG", briefing)
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.subscriber.email == "Reader@example.org"

    [message] = mail.outbox
    assert message.to == ["Reader@example.org"]
    assert "Tuesday Briefing" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    path = link_in(message)
    assert f'href="https://news.example.org{path}"' in html
    assert 'style="' in html  # CSS inlined for mail clients

    page = client.get(path)
    assert page.status_code == 200 and "Yes, subscribe me" in page.text
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING  # a GET changes nothing

    done = client.post(path)
    assert done.status_code == 200 and "You're subscribed" in done.text
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.confirmed_at is not None
    subscriber = subscription.subscriber
    subscriber.refresh_from_db()
    assert subscriber.consent_method == Subscriber.ConsentMethod.CONFIRMED_EMAIL
    assert subscriber.consent_at is not None
    assert subscriber.consent_source == path


def test_confirmation_email_carries_nothing_the_visitor_typed_but_the_address(
    client, briefing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(
            client,
            "victim@example.org",
            briefing,
            source="/BUY-CHEAP-PILLS-http://spam.example/",
            series="spam-spam",
        )
    [message] = mail.outbox
    for part in (message.subject, message.body, message.alternatives[0][0]):
        assert "PILLS" not in part and "spam" not in part


def test_tampered_and_expired_confirmation_links_are_refused(
    client, briefing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "reader@example.org", briefing)
    path = link_in(mail.outbox[0])
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.get(tampered).status_code == 400
    assert client.post(tampered).status_code == 400
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):
        expired = client.post(path)
    assert expired.status_code == 400 and "This link does not work" in expired.text
    assert Subscription.objects.get().status == Subscription.Status.PENDING


def test_the_answer_is_the_same_whatever_the_address_state(
    client, briefing, dispatch, django_capture_on_commit_callbacks
):
    make_subscriber("active@example.org", active=[briefing])
    make_subscriber("pending@example.org").subscriptions.create(newsletter=briefing)
    gone = make_subscriber("gone@example.org")
    gone.subscriptions.create(
        newsletter=briefing, status="unsubscribed", unsubscribed_at=timezone.now()
    )
    subscriptions.suppress(address="blocked@example.org", reason=Suppression.Reason.COMPLAINT)
    answers = []
    states = ["new", "active", "pending", "gone", "blocked"]
    for address in [f"{state}@example.org" for state in states]:
        with django_capture_on_commit_callbacks(execute=True):
            response = sign_up(client, address, briefing)
        answers.append((response.status_code, response.content))
    assert len(set(answers)) == 1
    # Only those who can be asked get asked; the suppressed and active get nothing.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "gone@example.org",
        "new@example.org",
        "pending@example.org",
    ]
    assert not Subscriber.objects.filter(email_key="blocked@example.org").exists()


def test_a_hundred_signups_of_one_address_send_one_email(
    client, settings, briefing, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_SIGNUP_IP_LIMIT = 1000
    for n in range(100):
        variant = "Flood@Example.org" if n % 2 else "flood@example.org"
        with django_capture_on_commit_callbacks(execute=True):
            assert sign_up(client, variant, briefing).status_code == 200
    assert len(mail.outbox) == 1
    assert Subscriber.objects.count() == 1


def test_the_address_window_reopens(client, settings, briefing, django_capture_on_commit_callbacks):
    settings.NEWSLETTER_CONFIRM_EMAIL_WINDOW = 60
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "reader@example.org", briefing)
        sign_up(client, "reader@example.org", briefing)
    assert len(mail.outbox) == 1
    later = timezone.now() + timezone.timedelta(seconds=61)
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign_up(client, "reader@example.org", briefing)
    assert len(mail.outbox) == 2


def test_one_client_ip_is_limited(client, settings, briefing, django_capture_on_commit_callbacks):
    settings.NEWSLETTER_SIGNUP_IP_LIMIT = 3
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert sign_up(client, f"victim{n}@example.org", briefing).status_code == 200
    refused = sign_up(client, "victim9@example.org", briefing)
    assert refused.status_code == 429
    assert not Subscriber.objects.filter(email_key="victim9@example.org").exists()
    other_ip = client.post(
        SUBSCRIBE,
        {"email": "fine@example.org", "newsletters": [briefing.pk]},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other_ip.status_code == 200
    assert len(mail.outbox) == 3


def test_the_honeypot_answers_like_a_signup_and_stores_nothing(
    client, briefing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bot = sign_up(client, "bot-target@example.org", briefing, website="http://spam.example")
    assert bot.status_code == 200 and "Check your inbox" in bot.text
    assert not Subscriber.objects.exists() and not mail.outbox


@pytest.mark.parametrize("email", ["not-an-address", "a@b@c", "x" * 300 + "@example.org", ""])
def test_a_bad_address_gets_a_form_error_and_stores_nothing(client, briefing, email):
    response = sign_up(client, email, briefing)
    assert response.status_code == 400
    assert "form-errors" in response.text
    assert not Subscriber.objects.exists() and not mail.outbox


def test_choosing_no_newsletter_is_an_error(client, briefing):
    response = client.post(SUBSCRIBE, {"email": "reader@example.org"})
    assert response.status_code == 400
    assert "Choose at least one newsletter" in response.text
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize(
    "header", [{"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}]
)
def test_a_form_posted_from_another_site_is_refused(briefing, header):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        SUBSCRIBE, {"email": "reader@example.org", "newsletters": [briefing.pk]}, headers=header
    )
    assert response.status_code == 403
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_the_box_on_cached_pages_works_without_a_csrf_token(
    briefing, django_capture_on_commit_callbacks
):
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        response = Client(enforce_csrf_checks=True).post(
            SUBSCRIBE,
            {"email": "reader@example.org", "newsletters": [briefing.pk]},
            headers={"Origin": "http://testserver"},
        )
    assert response.status_code == 200
    assert Subscriber.objects.filter(email_key="reader@example.org").exists()


def test_get_of_the_subscribe_url_changes_nothing(client, briefing):
    assert client.get(SUBSCRIBE, {"email": "x@example.org"}).status_code == 405
    assert not Subscriber.objects.exists()


def test_the_article_box_signs_up_for_the_series_newsletter(
    client, briefing, dispatch, django_capture_on_commit_callbacks
):
    article = make_article(series=dispatch.series)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SUBSCRIBE,
            {
                "email": "reader@example.org",
                "series": dispatch.series.slug,
                "source": article.get_absolute_url(),
            },
        )
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.newsletter == dispatch
    assert subscription.subscriber.source_detail == article.get_absolute_url()
    assert "Friday Dispatch" in mail.outbox[0].body


def test_the_signup_box_renders_with_an_article_and_runs_no_query(
    rf, briefing, django_assert_num_queries
):
    from django.template.loader import render_to_string

    article = make_article(series=briefing.series)
    article = type(article).objects.select_related("series").get(pk=article.pk)
    request = rf.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        html = render_to_string(
            "includes/newsletter_signup.html", {"article": article}, request=request
        )
    assert "Stay updated" in html
    assert f'value="{briefing.series.slug}"' in html
    assert 'action="/newsletters/subscribe/"' in html
    assert "<script src=" in html and "<script>" not in html  # CSP: no inline script


def test_signup_page_query_count_does_not_grow_with_newsletters(
    client, briefing, django_assert_num_queries
):
    from tests.factories import make_newsletter

    for _ in range(5):
        make_newsletter()
    with django_assert_num_queries(1):
        assert client.get("/newsletters/").status_code == 200


def _sign_up_through_proxy(client, email, briefing, forwarded):
    return client.post(
        SUBSCRIBE,
        {"email": email, "newsletters": [briefing.pk]},
        REMOTE_ADDR="10.0.0.2",  # the load balancer
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_proxy_each_reader_has_their_own_limit(client, settings, briefing):
    settings.NEWSLETTER_SIGNUP_IP_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(2):
        assert (
            _sign_up_through_proxy(client, f"a{n}@example.org", briefing, "203.0.113.5").status_code
            == 200
        )
    assert (
        _sign_up_through_proxy(client, "a9@example.org", briefing, "203.0.113.5").status_code == 429
    )
    # Another reader through the same balancer is not held back by the first.
    assert (
        _sign_up_through_proxy(client, "b@example.org", briefing, "198.51.100.7").status_code == 200
    )
    # A forged entry to the left of what our proxy appended changes nothing.
    forged = "192.0.2.99, 203.0.113.5"
    assert _sign_up_through_proxy(client, "a8@example.org", briefing, forged).status_code == 429


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, settings, briefing):
    settings.NEWSLETTER_SIGNUP_IP_LIMIT = 2
    for n in range(2):
        assert (
            _sign_up_through_proxy(
                client, f"c{n}@example.org", briefing, f"192.0.2.{n}"
            ).status_code
            == 200
        )
    # Inventing a new address per request does not get around the limit.
    refused = _sign_up_through_proxy(client, "c9@example.org", briefing, "192.0.2.50")
    assert refused.status_code == 429
    assert not Subscriber.objects.filter(email_key="c9@example.org").exists()
