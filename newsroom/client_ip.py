"""The reader's address as our own proxies saw it.

Behind a load balancer every request arrives from the balancer's address,
so a per-address limit keyed on ``REMOTE_ADDR`` would throttle all readers
together. ``TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in
front of the app; each appends the address it was reached from to
``X-Forwarded-For``, so the reader is the entry that many places from the
right. Entries further left were written by the client and prove nothing.
With no proxies (the default) the header is ignored: anyone can send it.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR") or None
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through all of them.
        return remote
    return forwarded[-proxies]
