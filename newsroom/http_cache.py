"""The public pages' cache for anonymous readers, and their HTTP caching headers.

One "state" entry names the current version of the public site: a random
token, when it was made, and when the next scheduled piece goes live. Each
page entry carries the token it was rendered under and counts only while that
token is current, so any change to content shown (publish, unpublish, edit;
see ``articles.signals``) drops the state and with it every cached page at
once; a scheduled piece reaching its time does the same when the next request
notices ``next_change`` has passed. No job has to run. A hit reads the state
and the page in one round trip (``get_many``), and since the state lives in
the shared cache, every node sees a change at once. ``public_page`` marks the
views whose pages are public; ``PublicPageCacheMiddleware`` serves and stores
them.
"""

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.csp import CSP, build_policy
from django.utils.http import http_date, parse_http_date_safe

from newsroom import fragments, kept_pages

STATE_KEY = "public-pages:state"

# Callables answering "when does the public site next change by itself?"
# (a datetime or None). The articles app registers the scheduled-piece one.
next_change_sources: list[Callable[[], datetime | None]] = []

# Public pages are stricter than the admin: no inline styles either.
PUBLIC_CSP = {**settings.SECURE_CSP, "style-src": [CSP.SELF]}


def _timeout() -> int:
    return settings.PUBLIC_PAGE_CACHE_SECONDS


def _next_change() -> float | None:
    moments = [m for source in next_change_sources if (m := source()) is not None]
    return min(moments).timestamp() if moments else None


def _fresh(state: dict | None) -> dict:
    """``state`` if still current, else a new one (stored for every node)."""
    now = time.time()
    if state is None or (state["next_change"] is not None and now >= state["next_change"]):
        state = {"token": uuid.uuid4().hex, "since": int(now), "next_change": _next_change()}
        # Bounded lifetime: a state computed while a change was committing
        # cannot outlive one cache period.
        cache.set(STATE_KEY, state, _timeout())
    return state


def current_state() -> dict:
    """The current version of the public site, recomputed when a scheduled piece is due."""
    return _fresh(cache.get(STATE_KEY))


def invalidate(*, parts: bool = False) -> None:
    """Forget every cached public page (something a reader can see has changed),
    and with ``parts`` every stored page part (it may show on many pages)."""
    if parts:
        cache.delete_many([STATE_KEY, fragments.SHARED_KEY])
    else:
        cache.delete(STATE_KEY)


def _is_anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _finish(request, response, state: dict, anonymous: bool) -> None:
    if "ETag" not in response:
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    if "Last-Modified" not in response:
        response["Last-Modified"] = http_date(state["since"])
    if anonymous:
        # Browsers recheck soon (a cheap 304); a CDN may keep it a little
        # longer and serve a stale copy while it refetches.
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PUBLIC_BROWSER_MAX_AGE,
            s_maxage=settings.PUBLIC_CDN_MAX_AGE,
            stale_while_revalidate=settings.PUBLIC_CDN_MAX_AGE,
        )
    else:
        patch_cache_control(response, private=True, no_cache=True)
    # Set here, with this render's nonce, so a cached or kept copy keeps a header
    # that matches its own markup (the CSP middleware leaves a present header alone).
    response[str(CSP.HEADER_ENFORCE)] = build_policy(
        PUBLIC_CSP, getattr(request, "_csp_nonce", None)
    )


def _cacheable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cookie" not in response.get("Vary", "")
    )


def _store(key: str, response, state: dict, kept_key: str) -> None:
    """Store the page under its address, and keep it under its path if its view
    asked (``kept_pages``), with every header the inner middleware added."""
    timeout = _timeout()
    if state["next_change"] is not None:
        timeout = max(1, min(timeout, int(state["next_change"] - time.time())))
    stored = (state["token"], response.status_code, response.content, dict(response.items()))
    cache.set(key, stored, timeout)
    if (kept := kept_pages.entry(response)) is not None:
        cache.set(kept_key, *kept)


def _stored_response(stored, state: dict) -> HttpResponse | None:
    """The page cache's copy, if stored under the current state."""
    if stored is None or stored[0] != state["token"]:
        return None
    _token, status, content, headers = stored
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


# Query parameters that campaign and click trackers add and no view reads: a
# shared link with ?utm_source=… or ?fbclid=… is the same page, so it is
# served from the same cache entry instead of rendering once per click.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid"})


def _is_tracking(name: str) -> bool:
    return name.startswith("utm_") or name in TRACKING_PARAMS


def _page_key(request) -> str:
    pairs = [part for part in request.META.get("QUERY_STRING", "").split("&") if part]
    kept = sorted(part for part in pairs if not _is_tracking(part.split("=", 1)[0]))
    identity = request.path + ("?" + "&".join(kept) if kept else "")
    return "public-page:" + hashlib.sha256(identity.encode()).hexdigest()


# The request headers that can make a conditional GET (RFC 9110, section 13.1).
CONDITIONAL_HEADERS = frozenset(
    {"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"}
)


def _conditional(request, response):
    """A 304 when the reader already holds this version of a public page."""
    if response.status_code != 200 or not CONDITIONAL_HEADERS.intersection(request.META):
        return response
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


class PublicPageCacheMiddleware:
    """Answer anonymous readers from the page cache before the rest of the stack runs.

    It sits right after WhiteNoise: a hit costs one cache round trip and skips
    URL resolution, sessions, CSRF, auth and the view (a third of what a hit
    took when the lookup ran inside the view). On a miss, a page kept under
    the path (``newsroom.kept_pages``) answers if what it shows is unchanged;
    otherwise the request goes on, and a response a ``public_page`` view
    marked is stored here, with the headers the inner middleware added, under
    the state read by the lookup.
    Middleware above this one (security headers) runs on hits as well. Paths
    under ``PUBLIC_PAGE_CACHE_SKIP_PREFIXES`` (admin, media, health) hold no
    public page and pay no lookup.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.skip = tuple(settings.PUBLIC_PAGE_CACHE_SKIP_PREFIXES)

    def __call__(self, request):
        # The Host check CommonMiddleware makes further in, made before a cached
        # page can answer: a host not in ALLOWED_HOSTS raises DisallowedHost (a 400).
        request.get_host()
        if (
            request.method not in ("GET", "HEAD")
            or request.path_info.startswith(self.skip)
            or not _is_anonymous(request)
        ):
            return self.get_response(request)
        key = _page_key(request)
        found = cache.get_many([STATE_KEY, key])
        state = _fresh(found.get(STATE_KEY))
        response = _stored_response(found.get(key), state)
        if response is not None:
            return _conditional(request, response)
        # A miss: the page kept under this path, with the token it is checked
        # against (not read with the lookup: a hit would carry it for nothing).
        kept_key = kept_pages.key(request.path)
        found = cache.get_many([fragments.SHARED_KEY, kept_key])
        token = found.get(fragments.SHARED_KEY)
        response = kept_pages.answer(found.get(kept_key), token)
        if response is None:
            request.public_page_state = state
            request.shared_token = token
            response = self.get_response(request)
            if not getattr(response, "public_page", False):
                return response
        if _cacheable(response):
            _store(key, response, state, kept_key)
        return _conditional(request, response)


def public_page(view):
    """Mark a view's pages public: cached for anonymous readers, 304s, CDN headers.

    The caching itself is ``PublicPageCacheMiddleware``'s; for signed-in staff
    (never cached) the view answers conditional GETs itself.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        # Set by the middleware, for anonymous readers only.
        state = getattr(request, "public_page_state", None)
        anonymous = state is not None
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response = response.render()
        _finish(request, response, state or current_state(), anonymous)
        if anonymous:
            response.public_page = True  # the middleware stores it and answers 304s
            return response
        return _conditional(request, response)

    return wrapped
