"""The article page's workflow: buttons, timeline, previews, revisions and corrections.

Each view checks that the person may see the piece, calls one function of
``articles/workflow.py`` (or ``revisions`` / ``preview``) and reports the result
as a message. The rules live in those modules, not here.
"""

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
from articles.admin.panel_actions import TRANSITIONS, ArticlePanelActions
from articles.admin.readiness import ArticleReadiness, checklist_at
from articles.models import ArticleRevision, Correction, PreviewLink
from newsroom.params import positive_int
from newsroom.site_url import absolute


class ArticleWorkflowViews(ArticlePanelActions, ArticleReadiness):
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
            # For a form shown back after a refused panel action (panel_actions.py).
            request.change_form_context = extra_context
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
            "missing": workflow.missing_for_publication(article, checklist_at(article)),
            **self.readiness_context(request, article),
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

    # The stand-alone action URLs, for callers without the change form (a
    # person who may only view the piece, scripts); the form's buttons go
    # through ArticlePanelActions.response_change and save the form first.

    def act(self, request, article, action, argument=""):
        try:
            done = self.perform(request, article, action, argument)
        except ValidationError as error:
            self.report(request, error)
        else:
            messages.success(request, done)
        return self.back_to(article)

    @method_decorator(require_POST)
    def transition_view(self, request, pk, action):
        article = self.visible_article(request, pk)
        if action not in TRANSITIONS:
            raise Http404("No such action.")
        return self.act(request, article, action)

    def preview_view(self, request, pk):
        article = self.visible_article(request, pk)
        return preview.render_preview(request, preview.preview_queryset().get(pk=article.pk))

    @method_decorator(require_POST)
    def share_preview_view(self, request, pk):
        return self.act(request, self.visible_article(request, pk), "share_preview")

    @method_decorator(require_POST)
    def revoke_preview_view(self, request, pk, link_pk):
        article = self.visible_article(request, pk)
        link = get_object_or_404(PreviewLink, pk=link_pk, article=article)
        return self.act(request, article, "revoke_preview", str(link.pk))

    @method_decorator(require_POST)
    def add_correction_view(self, request, pk):
        return self.act(request, self.visible_article(request, pk), "add_correction")

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
