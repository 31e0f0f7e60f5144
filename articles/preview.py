"""Previews of pieces that are not live: for staff in the admin, and shared signed links.

A shared link carries a signed token naming a ``PreviewLink`` row: the signature
stops forged or altered tokens, the row lets an editor revoke a link or let it
expire. A bad, expired or revoked token answers 404, like any unpublished piece.
"""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from articles import workflow
from articles.models import Article, PreviewLink
from articles.views.article import ARTICLE_PREFETCHES, article_context

LINK_LIFETIME = timedelta(days=7)
SALT = "articles.preview"


def create_link(*, article: Article, by, lifetime: timedelta = LINK_LIFETIME) -> PreviewLink:
    if not workflow.can_submit(by, article):
        raise PermissionDenied("Only the piece's writer or an editor can share a preview.")
    return PreviewLink.objects.create(
        article=article, created_by=by, expires_at=timezone.now() + lifetime
    )


def revoke_link(*, link: PreviewLink, by) -> PreviewLink:
    if not workflow.can_submit(by, link.article):
        raise PermissionDenied("Only the piece's writer or an editor can revoke a preview.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def token_for(link: PreviewLink) -> str:
    # No timestamp in the token: expiry and revocation live on the row, so one
    # link always has one URL (the one shown in the admin stays the one shared).
    return signing.Signer(salt=SALT).sign_object({"link": link.pk, "article": link.article_id})


def url_for(link: PreviewLink) -> str:
    return reverse("articles:preview", kwargs={"token": token_for(link)})


def link_from_token(token: str) -> PreviewLink | None:
    """The active link a token names, or None for anything forged, expired or revoked."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):  # ValueError: signed, but not our payload
        return None
    if not isinstance(data, dict):
        return None
    link = PreviewLink.objects.filter(pk=data.get("link"), article_id=data.get("article")).first()
    return link if link and link.is_active else None


def preview_queryset():
    return Article.objects.select_related("series__program", "lead_photo").prefetch_related(
        *ARTICLE_PREFETCHES
    )


def render_preview(request, article: Article):
    """The public article template for a piece in any state, with the preview banner."""
    context = {"article": article, **article_context(article, preview=True)}
    response = render(request, "articles/article_detail.html", context)
    # Never indexed, never stored by a browser or shared cache.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def shared_preview(request, token: str):
    link = link_from_token(token)
    if link is None:
        raise Http404("No such preview.")
    article = preview_queryset().get(pk=link.article_id)
    return render_preview(request, article)
