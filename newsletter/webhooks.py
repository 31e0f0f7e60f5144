"""Bounce and complaint notifications from the mail provider, as a webhook.

``POST /newsletters/hooks/bounces/`` takes django-anymail's normalized
tracking events as JSON, one object or a list of them::

    {"event_type": "bounced", "recipient": "reader@example.org"}

``bounced`` and ``complained`` suppress the address through
``subscriptions.suppress``; anymail's other event types (delivered, opened,
…) are acknowledged and ignored, so a provider that sends every event does
not retry them. Anything malformed answers 400 and suppresses no one, not
even the good events beside it.

Authentication is anymail's: the shared secret ``NEWSLETTER_WEBHOOK_SECRET``
("user:password") as HTTP Basic credentials in the URL the provider calls,
or as ``Authorization: Bearer <secret>``. With no secret set the endpoint
does not exist (404).
"""

import base64
import binascii
import hmac
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsletter import subscriptions
from newsletter.addresses import normalize_address
from newsletter.models import Suppression

SUPPRESSING = {
    "bounced": Suppression.Reason.BOUNCE,
    "complained": Suppression.Reason.COMPLAINT,
}
# anymail's other normalized event types: nothing to do for them here.
IGNORED = {
    "queued",
    "sent",
    "rejected",
    "failed",
    "deferred",
    "delivered",
    "autoresponded",
    "opened",
    "clicked",
    "subscribed",
    "unsubscribed",
    "inbound",
    "inbound_failed",
    "unknown",
}


class BadEvents(ValueError):
    pass


def _authorized(request, secret: str) -> bool:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        given = credentials.strip()
    elif scheme.lower() == "basic":
        try:
            given = base64.b64decode(credentials.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
    else:
        return False
    return hmac.compare_digest(given.encode(), secret.encode())


def parse_events(body: bytes) -> list[tuple[str, str]]:
    """(address, suppression reason) for each bounce or complaint; BadEvents if any is bad."""
    try:
        events = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadEvents("The body is not JSON.") from None
    if isinstance(events, dict):
        events = [events]
    if not isinstance(events, list) or not events:
        raise BadEvents("Send an event object or a non-empty list of them.")
    found = []
    for number, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            raise BadEvents(f"Event {number} is not an object.")
        kind = event.get("event_type")
        if kind in IGNORED:
            continue
        if kind not in SUPPRESSING:
            raise BadEvents(f"Event {number}: unknown event_type {kind!r}.")
        recipient = event.get("recipient")
        try:
            address = normalize_address(recipient if isinstance(recipient, str) else "")
        except ValidationError:
            raise BadEvents(f"Event {number}: {recipient!r} is not an email address.") from None
        found.append((address, SUPPRESSING[kind]))
    return found


@csrf_exempt  # called by the mail provider, authenticated by the shared secret
@require_POST
def bounces(request):
    secret = settings.NEWSLETTER_WEBHOOK_SECRET
    if not secret:
        raise Http404("The bounce webhook is not configured.")
    if not _authorized(request, secret):
        response = JsonResponse({"error": "Not authorized."}, status=401)
        response["WWW-Authenticate"] = 'Basic realm="newsletter hooks"'
        return response
    try:
        found = parse_events(request.body)
    except BadEvents as error:
        return JsonResponse({"error": str(error)}, status=400)
    with transaction.atomic():
        for address, reason in found:
            subscriptions.suppress(address=address, reason=reason)
    return JsonResponse({"suppressed": len(found)})
