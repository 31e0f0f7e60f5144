"""Previews of pieces that are not live: for staff in the admin, and shared signed links.

A shared link carries a signed token naming a ``PreviewLink`` row: the signature
stops forged or altered tokens, the row lets an editor revoke a link or let it
expire. A bad, expired or revoked token answers 404, like any unpublished piece.

A link also follows the piece, in two ways that each cover what the other cannot:
- its state, read on every request: a link shows drafts, pieces in review and
  scheduled pieces; it sends readers of a live piece to the public page (302)
  and answers 404 for an archived one, however the piece got there;
- takedowns: every transition that withdraws a piece (unpublish, archive)
  revokes its links in ``workflow._move``, so a piece unpublished back to a
  draft does not show its old links' readers the body again.
"""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from articles import workflow
from articles.models import Article, PreviewLink, State
from articles.views.article import article_context

LINK_LIFETIME = timedelta(days=7)
SALT = "articles.preview"
# What a shared link shows; a live piece redirects, anything else is not found.
PREVIEWABLE = {State.DRAFT, State.IN_REVIEW, State.SCHEDULED}


def shareable(article: Article) -> bool:
    """A link to an archived piece would only ever answer 404, so none is made."""
    return article.status != Article.Status.ARCHIVED


def create_link(*, article: Article, by, lifetime: timedelta = LINK_LIFETIME) -> PreviewLink:
    if not workflow.can_submit(by, article):
        raise PermissionDenied("Only the piece's writer or an editor can share a preview.")
    if not shareable(article):
        raise ValidationError("An archived piece cannot be shared: its preview links stay dead.")
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
    return Article.objects.select_related("series__program", "lead_photo")


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
    if article.is_live:
        # Readers of the link now get the page everyone gets.
        return redirect(article.get_absolute_url())
    if article.state not in PREVIEWABLE:
        raise Http404("No such preview.")
    return render_preview(request, article)
