"""Parts of a page kept rendered per version of the object they show.

The public page cache (``newsroom.http_cache``) drops every page at once when
anything a reader can see changes: after each publish, every article page
renders again. Most of an article page does not change with that publish:
its header, body, byline and topics depend only on the piece itself and on
the shared things it shows (its authors, series, program, photo, tags).

A ``Parts`` entry holds such regions of one page, rendered, under a key that
names the object's version (an article's ``updated_at`` and the like, so an
edit of the object itself misses) and the release of the code (so a deploy
with new templates misses). Changes to the shared things replace the
"shared" token instead (``http_cache.invalidate(parts=True)``); each entry
carries the token it was rendered under and counts only while that token is
current, the same scheme as the page cache's state. The token is read before
the data the regions show (``shared_token``), so a change landing in between
leaves what this render stores already out of date, never current.

``PartsBatch`` does the same for many objects of one kind at once (the cards
of a listing page): one entry per object, all read in one round trip.

``newsroom.kept_pages`` keeps a whole page for anonymous readers, with the
identity of what it shows (the same versions a ``Parts`` key names) and
under the same token and release.

In a template, ``{% load newsroom %}{% part "name" %}…{% endpart %}`` prints
the stored region, or renders it and keeps it. A view passes ``parts`` in
the context and stores what was rendered once the response has been
(``Parts.save``). Without ``parts`` in the context (a staff preview), the
region simply renders.
"""

import hashlib
import uuid
from collections.abc import Callable
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.utils import timezone

SHARED_KEY = "page-parts:shared"
# What the stored markup is written by (``release``).
RELEASE_FOLDERS = ("templates", "articles", "authors", "newsroom")
RELEASE_SETTINGS = ("SITE_URL", "SITE_NAME", "MEDIA_URL", "STATIC_URL")


def release() -> str:
    """A fingerprint of the code, templates and settings this process renders with.

    Stored parts are markup: a deploy that changes how it is written, or the
    site's address or name, must not serve what the old one wrote. By content,
    so every node of one release agrees, worked out once per process; under
    ``DEBUG`` by modification times on every call, so a template edited while
    the development server runs shows at once.
    """
    return _fingerprint(by_content=False) if settings.DEBUG else _release()


@once
def _release() -> str:
    return _fingerprint(by_content=True)


def _fingerprint(*, by_content: bool) -> str:
    digest = hashlib.sha256()
    for name in RELEASE_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, '')};".encode())
    base = Path(settings.BASE_DIR)
    for folder in RELEASE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in {".py", ".html"} and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                if by_content:
                    digest.update(path.read_bytes())
                else:
                    digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()[:12]


def shared_token(request=None) -> str:
    """The current shared token (made when missing). Read it before the data the
    regions show, and pass it to ``Parts``. With ``request``, the token the
    page-cache middleware read before the view ran is used, if it found one."""
    if (token := getattr(request, "shared_token", None)) is not None:
        return token
    token = cache.get(SHARED_KEY)
    if token is None:
        # add() so concurrent first requests agree on one token.
        cache.add(SHARED_KEY, uuid.uuid4().hex, None)
        token = cache.get(SHARED_KEY)
    return token


def cache_key(release_id: str, *identity) -> str:
    """A cache key for these parts of this version under this release (hashed: versions
    of several objects overrun a cache key's length)."""
    name = ":".join(str(part) for part in (*identity, release_id))
    return "page-parts:" + hashlib.sha256(name.encode()).hexdigest()


def _timeout(timeout: int | None) -> int:
    return settings.PAGE_PARTS_CACHE_SECONDS if timeout is None else timeout


class Parts:
    """The stored regions of one page, looked up at once; regions rendered on a miss are kept."""

    def __init__(
        self,
        *identity,
        token: str,
        prepare: Callable | None = None,
        timeout: int | None = None,
    ):
        """``identity`` names the object's version; ``token`` is ``shared_token()``, read
        before the object; ``prepare`` (say, prefetching what the regions show) runs
        once, before the first region that has to be rendered."""
        self.token = token
        self.prepare = prepare
        self.timeout = _timeout(timeout)
        self.key = cache_key(release(), *identity)
        self.found: dict = {}
        self.rendered: dict = {}
        if self.timeout > 0:
            stored = cache.get(self.key)
            if stored is not None and stored[0] == token:
                self.found = stored[1]

    def value(self, name: str, compute: Callable):
        """A stored value (markup, or say the JSON-LD) or ``compute()``'s, kept."""
        if name in self.found:
            return self.found[name]
        if name not in self.rendered:
            self.ready()
            self.rendered[name] = compute()
        return self.rendered[name]

    def ready(self) -> None:
        """Run ``prepare``, once: before rendering, or before the view reads what it loads."""
        if self.prepare is not None:
            prepare, self.prepare = self.prepare, None
            prepare()

    def save(self, response=None) -> None:
        """Store what this render added (a post-render callback of the response)."""
        if self.rendered and self.timeout > 0 and getattr(response, "status_code", 200) == 200:
            cache.set(self.key, (self.token, self.found | self.rendered), self.timeout)


class PartsBatch:
    """Regions of many objects of one kind, looked up in one round trip.

    ``versions`` maps each object's id to what names its version. Each object
    has one entry holding its regions by name (a card's variants), checked
    against ``token`` like a ``Parts`` entry; regions rendered on a miss are
    added and stored by ``save``.
    """

    def __init__(self, kind: str, versions: dict, *, token: str, timeout: int | None = None):
        self.token = token
        self.timeout = _timeout(timeout)
        release_id = release()
        self.keys = {
            pk: cache_key(release_id, kind, pk, *version) for pk, version in versions.items()
        }
        self.entries: dict = {}
        self.changed: set = set()
        if self.timeout > 0 and self.keys:
            found = cache.get_many(list(self.keys.values()))
            for pk, key in self.keys.items():
                stored = found.get(key)
                if stored is not None and stored[0] == token:
                    self.entries[pk] = stored[1]

    def render(self, pk, name: str, render: Callable[[], str]) -> str:
        """Object ``pk``'s stored region ``name``, or ``render()``'s markup, kept."""
        if pk not in self.keys:
            return render()
        regions = self.entries.setdefault(pk, {})
        if name not in regions:
            regions[name] = str(render())
            self.changed.add(pk)
        return regions[name]

    def save(self, response=None) -> None:
        """Store the entries this render added to (a post-render callback)."""
        if self.changed and self.timeout > 0 and getattr(response, "status_code", 200) == 200:
            entries = {self.keys[pk]: (self.token, self.entries[pk]) for pk in self.changed}
            cache.set_many(entries, self.timeout)


def frame_release() -> str:
    """``release()`` and what else a whole page is written with: the collected
    static files' names (a deploy of new styles alone) and the footer's year."""
    manifest = getattr(staticfiles_storage, "manifest_hash", "")
    return f"{release()}:{manifest}:{timezone.localdate().year}"


def card_batch(pieces, *, token: str) -> PartsBatch:
    """The kept cards (``{% card %}``) of ``pieces``, each kept under its ``updated_at``."""
    versions = {piece.pk: (piece.updated_at.isoformat(),) for piece in pieces}
    return PartsBatch("card", versions, token=token)


class CardPartsMixin:
    """For a list view: each card (``{% card %}``) kept rendered per version of its
    piece, so after a change elsewhere drops the page cache the page renders again
    without drawing the cards of pieces that did not change. ``pieces_shown``
    names every piece with a card on the page (each has ``updated_at``)."""

    def get(self, request, *args, **kwargs):
        # Before the pieces are read: they bring their series and photos.
        self.cards_token = shared_token(request)
        return super().get(request, *args, **kwargs)

    def pieces_shown(self, context) -> list:
        return list(context["articles"])

    def render_to_response(self, context, **response_kwargs):
        context["cards"] = cards = card_batch(self.pieces_shown(context), token=self.cards_token)
        response = super().render_to_response(context, **response_kwargs)
        response.add_post_render_callback(cards.save)
        return response
