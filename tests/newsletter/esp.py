"""anymail's test backend with scripted answers, as ``tests.smtp`` scripts a real SMTP server.

Messages land in ``django.core.mail.outbox`` with what the ESP's API would be
sent (``anymail_test_params``). ``reject`` addresses come back "rejected"
(the ESP's own suppression list); ``answers`` holds HTTP status codes that the
next API calls fail with, one each, before calls succeed again.
"""

from http import HTTPStatus

import requests
from anymail.backends.test import EmailBackend
from anymail.exceptions import AnymailAPIError
from anymail.message import AnymailRecipientStatus
from django.core.mail.backends.base import BaseEmailBackend

reject: set[str] = set()
answers: list[int] = []


class ScriptedESP(EmailBackend):
    def post_to_esp(self, payload, message):
        if answers:
            response = requests.Response()
            response.status_code = answers.pop(0)
            response.reason = HTTPStatus(response.status_code).phrase
            response._content = b'{"message": "scripted answer"}'
            message.anymail_test_response = AnymailAPIError(
                "The ESP refused the call", status_code=response.status_code, response=response
            )
        return super().post_to_esp(payload, message)

    def parse_recipient_status(self, response, payload, message):
        statuses = super().parse_recipient_status(response, payload, message)
        for address in statuses:
            if address.lower() in reject:
                statuses[address] = AnymailRecipientStatus(message_id=None, status="rejected")
        return statuses


class OneByOneESP(ScriptedESP):
    """An ESP without a batch API we can use: one message per reader."""

    esp_name = "One-by-one"


class BrokenBackend(BaseEmailBackend):
    """A mail backend with a bug: every call raises."""

    def send_messages(self, email_messages):
        raise RuntimeError("the backend broke")
