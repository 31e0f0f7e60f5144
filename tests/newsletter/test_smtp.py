"""The confirmation email through a real SMTP server (aiosmtpd) started by the test."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


def test_confirmation_email_travels_over_smtp_with_both_parts_and_a_working_link(
    client, settings, smtp_server, briefing, django_capture_on_commit_callbacks
):
    # The sign-up's task (which sends the mail) runs at once, not in a worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/newsletters/subscribe/",
            {"email": "smtp.reader@bücher.example", "newsletters": [briefing.pk]},
        )
    assert response.status_code == 200
    assert not mail.outbox  # went to the SMTP server, not the test outbox
    [received] = smtp_server.messages
    assert received["To"] == "smtp.reader@xn--bcher-kva.example"
    parts = {part.get_content_type(): part for part in received.walk()}
    text = parts["text/plain"].get_payload(decode=True).decode()
    html = parts["text/html"].get_payload(decode=True).decode()
    link = next(
        word for word in text.split() if word.startswith("https://news.example.org/newsletters/")
    )
    assert link in html
    path = link.removeprefix("https://news.example.org")
    assert client.post(path).status_code == 200
    assert briefing.subscriptions.get().status == "active"
    assert email.utils.parseaddr(received["From"])[1]
