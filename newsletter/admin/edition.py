"""Editions in the admin: compose, approve and send, test, watch, pause, resume, cancel.

The buttons are ``EditionActions`` (edition_actions.py): pressed on an editable
edition they save the form first; the rules (who may be sent what, when) live
in ``newsletter.sending``, not here.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from newsletter import emails
from newsletter.admin.edition_actions import EditionActions
from newsletter.models import Edition, EditionArticle
from newsletter.models.edition import LIVE_ONLY_MESSAGE
from newsroom.richtext import RichTextAdminMixin


class EditionArticleInline(admin.TabularInline):
    model = EditionArticle
    extra = 1
    autocomplete_fields = ["article"]
    fields = ["position", "article"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices (and the autocomplete) are already limited to live pieces
        # by the model field; a crafted POST naming another gets this message.
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "article":
            field.error_messages["invalid_choice"] = LIVE_ONLY_MESSAGE
        return field


@admin.register(Edition)
class EditionAdmin(EditionActions, RichTextAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "newsletter", "status", "scheduled_for", "started_at", "counters"]
    list_filter = ["status", "newsletter"]
    list_select_related = ["newsletter"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    inlines = [EditionArticleInline]
    fields = ["newsletter", "subject", "preheader", "intro", "scheduled_for", "status"]
    readonly_fields = ["status"]
    change_form_template = "admin/newsletter/edition/change_form.html"

    class Media:
        css = {"all": ["newsletter/edition_actions.css"]}
        js = ["newsletter/edition_progress.js"]

    def has_change_permission(self, request, obj=None):
        # Once it starts going out, what was sent is history. One that failed
        # before it started may still be mended (say, a live piece put in).
        editable = (Edition.Status.DRAFT, Edition.Status.SCHEDULED)
        never_started = (
            obj is not None and obj.status == Edition.Status.FAILED and not obj.started_at
        )
        if obj is not None and obj.status not in editable and not never_started:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="sent / failed / skipped of audience")
    def counters(self, obj):
        if obj.status in (Edition.Status.DRAFT, Edition.Status.SCHEDULED):
            return "—"
        return (
            f"{obj.sent_count} / {obj.failed_count} / {obj.skipped_count} of {obj.audience_count}"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edition = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if edition is not None:
            if request.method == "GET":
                self._warn(request, edition)
            extra_context["edition"] = edition
            extra_context["progress"] = edition.progress()
            extra_context["can_send"] = self.may_send(request)
        # Kept for a form shown back after a refused action (edition_actions.py).
        request.change_form_context = extra_context
        return super().change_view(request, object_id, form_url, extra_context)

    def _warn(self, request, edition):
        if edition.status == Edition.Status.FAILED:
            self.message_user(request, f"Sending stopped: {edition.failure_reason}", messages.ERROR)
        if edition.status in (Edition.Status.DRAFT, Edition.Status.SCHEDULED):
            dark = edition.edition_articles.exclude(pk__in=emails.live_links(edition))
            titles = ", ".join(f"“{link.article.title}”" for link in dark.select_related("article"))
            if titles:
                self.message_user(
                    request,
                    f"No longer live, so left out when this edition is sent: {titles}. "
                    "Remove them from the edition.",
                    messages.WARNING,
                )

    def get_urls(self):
        return [
            *self.action_urls(),
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="newsletter_edition_progress",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return JsonResponse(get_object_or_404(Edition, pk=pk).progress())
