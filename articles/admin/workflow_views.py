"""The article page's workflow: buttons, timeline, previews, revisions and corrections.

Each view checks that the person may see the piece, calls one function of
``articles/workflow.py`` (or ``revisions`` / ``preview``) and reports the result
as a message. The rules live in those modules, not here.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles import preview, revisions, workflow
from articles.models import ArticleRevision, Correction, PreviewLink
from newsroom.params import positive_int
from newsroom.site_url import absolute

DONE = {
    "submit": "“{title}” was submitted for review.",
    "request_changes": "Changes were requested on “{title}”; it is a draft again.",
    "publish": "“{title}” is published.",
    "schedule": "“{title}” is scheduled for {when}.",
    "unpublish": "“{title}” was unpublished; it is a draft again.",
    "archive": "“{title}” was archived.",
}


def parse_local_datetime(value: str) -> datetime.datetime:
    """A date-time typed in the newsroom's time zone (settings.TIME_ZONE), as an aware value."""
    try:
        naive = datetime.datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError(
            "Enter the date and time to publish, like 2030-05-01 09:00."
        ) from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))


class ArticleWorkflowViews:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("<int:pk>/workflow/<str:action>/", wrap(self.transition_view),
                 name="articles_article_transition"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="articles_article_preview"),
            path("<int:pk>/preview/share/", wrap(self.share_preview_view),
                 name="articles_article_share_preview"),
            path("<int:pk>/preview/<int:link_pk>/revoke/", wrap(self.revoke_preview_view),
                 name="articles_article_revoke_preview"),
            path("<int:pk>/revisions/", wrap(self.revisions_view),
                 name="articles_article_revisions"),
            path("<int:pk>/revisions/<int:number>/restore/", wrap(self.restore_view),
                 name="articles_article_restore"),
            path("<int:pk>/corrections/add/", wrap(self.add_correction_view),
                 name="articles_article_add_correction"),
        ]  # fmt: skip
        return own + super().get_urls()

    # -- helpers -------------------------------------------------------------

    def visible_article(self, request, pk):
        """The piece if this person may see it in the admin; contributors' others are 404."""
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def back_to(self, article):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def report(self, request, error: ValidationError):
        for message in error.messages:
            messages.error(request, message)

    # -- the article page ----------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context = {**(extra_context or {}), **self.workflow_context(request, article)}
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_context(self, request, article):
        user = request.user
        now = timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE))
        links = [
            (link, absolute(preview.url_for(link)))
            for link in article.preview_links.filter(
                revoked_at__isnull=True, expires_at__gt=timezone.now()
            )
        ]
        return {
            "workflow_actions": workflow.available_actions(user, article),
            "missing": workflow.missing_for_publication(article, timezone.now()),
            "timeline": article.events.select_related("actor")[:50],
            "recent_revisions": article.revisions.select_related("created_by")[:5],
            "preview_links": links,
            "can_share": workflow.can_submit(user, article) and preview.shareable(article),
            "can_correct": workflow.is_editor(user) and article.is_live,
            "correction_kinds": Correction.Kind.choices,
            "corrections": article.corrections.all(),
            "newsroom_tz": settings.TIME_ZONE,
            "schedule_min": now.strftime("%Y-%m-%dT%H:%M"),
        }

    # -- actions -------------------------------------------------------------

    @method_decorator(require_POST)
    def transition_view(self, request, pk, action):
        article = self.visible_article(request, pk)
        try:
            if action == "submit":
                workflow.submit(article, request.user)
            elif action == "request_changes":
                workflow.request_changes(article, request.user, request.POST.get("comment", ""))
            elif action == "publish":
                workflow.publish(article, request.user)
            elif action == "schedule":
                at = parse_local_datetime(request.POST.get("at", ""))
                workflow.publish(article, request.user, at=at)
            elif action == "unpublish":
                workflow.unpublish(article, request.user)
            elif action == "archive":
                workflow.archive(article, request.user)
            else:
                raise Http404("No such action.")
        except ValidationError as error:
            self.report(request, error)
        else:
            when = ""
            if article.published_at:
                local = timezone.localtime(article.published_at, ZoneInfo(settings.TIME_ZONE))
                when = f"{local:%B %-d, %Y at %H:%M %Z}"
            messages.success(request, DONE[action].format(title=article.title, when=when))
        return self.back_to(article)

    def preview_view(self, request, pk):
        article = self.visible_article(request, pk)
        return preview.render_preview(request, preview.preview_queryset().get(pk=article.pk))

    @method_decorator(require_POST)
    def share_preview_view(self, request, pk):
        article = self.visible_article(request, pk)
        try:
            link = preview.create_link(article=article, by=request.user)
        except ValidationError as error:
            self.report(request, error)
            return self.back_to(article)
        url = absolute(preview.url_for(link))
        expires = timezone.localtime(link.expires_at, ZoneInfo(settings.TIME_ZONE))
        messages.success(
            request,
            f"Preview link (works until {expires:%B %-d, %H:%M %Z}, no login needed): {url}",
        )
        return self.back_to(article)

    @method_decorator(require_POST)
    def revoke_preview_view(self, request, pk, link_pk):
        article = self.visible_article(request, pk)
        link = get_object_or_404(PreviewLink, pk=link_pk, article=article)
        preview.revoke_link(link=link, by=request.user)
        messages.success(request, "The preview link was revoked; it now answers “not found”.")
        return self.back_to(article)

    @method_decorator(require_POST)
    def add_correction_view(self, request, pk):
        article = self.visible_article(request, pk)
        try:
            workflow.add_correction(
                article=article,
                by=request.user,
                note=request.POST.get("note", ""),
                kind=request.POST.get("kind", Correction.Kind.CORRECTION),
            )
        except ValidationError as error:
            self.report(request, error)
        else:
            messages.success(request, "The note is on the page and its “updated” date moved.")
        return self.back_to(article)

    # -- revisions -----------------------------------------------------------

    def revisions_view(self, request, pk):
        article = self.visible_article(request, pk)
        versions = list(article.revisions.select_related("created_by"))
        numbers = {v.number: v for v in versions}
        changes = old = new = None
        if len(versions) >= 2:
            latest = versions[0].number
            try:
                old = numbers[
                    positive_int(request.GET, "from", default=versions[1].number, maximum=latest)
                ]
                new = numbers[positive_int(request.GET, "to", default=latest, maximum=latest)]
            except KeyError:
                raise Http404("No such version.") from None
            changes = revisions.diff(old.snapshot, new.snapshot)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Versions of “{article.title}”",
            "article": article,
            "versions": versions,
            "old": old,
            "new": new,
            "changes": changes,
            "can_restore": workflow.can_edit(request.user, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    @method_decorator(require_POST)
    def restore_view(self, request, pk, number):
        article = self.visible_article(request, pk)
        revision = get_object_or_404(ArticleRevision, article=article, number=number)
        try:
            new = revisions.restore(article=article, by=request.user, revision=revision)
        except ValidationError as error:
            self.report(request, error)
        else:
            messages.success(request, f"Version {number} restored as version {new.number}.")
        return self.back_to(article)
