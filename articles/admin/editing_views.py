"""The article page's heartbeat, autosave and restore offer (rules in ``articles/editing.py``).

Every endpoint is a POST under the admin (staff login, CSRF), answers 404 for a
piece the person may not see and 403 for one they may not change, and speaks
JSON to ``static/admin/js/article_editing.js``.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from articles import editing

MANAGEMENT_FIELDS = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def too_large(request) -> bool:
    """Whether the body is over the draft limit, judged before Django reads it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.EDITING_DRAFT_MAX_BYTES


class ArticleEditingViews:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("<int:pk>/editing/ping/", wrap(self.editing_ping_view),
                 name="articles_article_editing_ping"),
            path("<int:pk>/editing/leave/", wrap(self.editing_leave_view),
                 name="articles_article_editing_leave"),
            path("<int:pk>/editing/draft/", wrap(self.autosave_view),
                 name="articles_article_autosave"),
            path("<int:pk>/editing/draft/discard/", wrap(self.discard_draft_view),
                 name="articles_article_discard_draft"),
        ]  # fmt: skip
        return own + super().get_urls()

    # -- helpers -------------------------------------------------------------

    def editable_article(self, request, pk):
        """The piece if this person may change it: 404 if they may not see it, else 403."""
        article = self.visible_article(request, pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def form_fields(self, request, article) -> dict[str, forms.Field]:
        """The article form's fields and its inlines' row fields, by the names they post as.

        A row field is keyed by its prefix and field name (``article_authors-author``);
        ``form_field_for`` maps a posted ``article_authors-3-author`` onto it.
        """
        fields = dict(self.get_form(request, article, change=True).base_fields)
        for formset_class, _inline in self.get_formsets_with_inlines(request, article):
            prefix = formset_class.get_default_prefix()
            empty = formset_class(instance=article, prefix=prefix).empty_form
            for name, field in empty.fields.items():
                fields[f"{prefix}-{name}"] = field
            for name in MANAGEMENT_FIELDS:
                fields[f"{prefix}-{name}"] = forms.IntegerField(widget=forms.HiddenInput)
        return fields

    def form_field_for(self, fields, name: str) -> forms.Field | None:
        if name in fields:
            return fields[name]
        row = re.fullmatch(r"(?P<prefix>[\w]+)-(?P<index>\d{1,3})-(?P<field>\w+)", name)
        if row is None:
            return None
        return fields.get(f"{row['prefix']}-{row['field']}")

    def choice_labels(self, fields, data) -> dict[str, dict[str, str]]:
        """The visible labels of a draft's chosen objects (photo, series, authors, pieces).

        The autocomplete boxes hold only the options chosen when the page was
        made; restoring another choice needs its label. Labels come from the
        field's own queryset, so no one learns a title the form would not show.
        """
        labels = {}
        for name, values in data.items():
            field = self.form_field_for(fields, name)
            if not isinstance(field, forms.ModelChoiceField) or field.widget.is_hidden:
                continue
            pks = [value for value in values if value.isdigit()]
            labels[name] = {
                str(obj.pk): field.label_from_instance(obj)
                for obj in field.queryset.filter(pk__in=pks)
            }
        return labels

    def editing_context(self, request, article) -> dict:
        """What the change form needs for presence, autosave and the restore offer."""
        if not self.has_change_permission(request, article):
            return {}
        now = timezone.now()
        context = {
            "ping_url": reverse("admin:articles_article_editing_ping", args=[article.pk]),
            "leave_url": reverse("admin:articles_article_editing_leave", args=[article.pk]),
            "autosave_url": reverse("admin:articles_article_autosave", args=[article.pk]),
            "discard_url": reverse("admin:articles_article_discard_draft", args=[article.pk]),
            "ping_seconds": settings.EDITING_PING_SECONDS,
            "autosave_seconds": settings.EDITING_AUTOSAVE_SECONDS,
            "others": editing.who_else_is_editing(article=article, user=request.user, now=now),
        }
        draft = editing.draft_for(article=article, user=request.user)
        # Offered when the page is opened, not when a refused save shows the
        # typed values back (those are in the form already).
        if draft is not None and request.method == "GET":
            fields = self.form_fields(request, article)
            context["draft"] = draft
            context["draft_time"] = editing.local_time(draft.saved_at)
            context["draft_restore"] = {
                "fields": draft.data,
                "opened_version": draft.opened_version,
                "labels": self.choice_labels(fields, draft.data),
            }
        return context

    # -- the article page ----------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if article is not None:
            extra_context = {
                **(extra_context or {}),
                "editing": self.editing_context(request, article),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        # Only reached after the form (and its inlines) were saved: what the
        # draft kept is now in the piece, so the restore offer would be stale.
        editing.discard_draft(article=obj, user=request.user)
        return super().response_change(request, obj)

    # -- endpoints -----------------------------------------------------------

    @method_decorator(require_POST)
    def editing_ping_view(self, request, pk):
        article = self.editable_article(request, pk)
        now = timezone.now()
        editing.heartbeat(article=article, user=request.user, now=now)
        others = editing.who_else_is_editing(article=article, user=request.user, now=now)
        return JsonResponse(
            {
                "others": [
                    {"name": o.name, "since": o.since_local, "notice": o.notice} for o in others
                ],
                "ping_seconds": settings.EDITING_PING_SECONDS,
            }
        )

    @method_decorator(require_POST)
    def editing_leave_view(self, request, pk):
        article = self.visible_article(request, pk)
        editing.leave(article=article, user=request.user)
        return JsonResponse({"left": True})

    @method_decorator(require_POST)
    def autosave_view(self, request, pk):
        if too_large(request):
            return JsonResponse({"error": "The draft is too large to keep."}, status=413)
        article = self.editable_article(request, pk)
        fields = self.form_fields(request, article)
        now = timezone.now()
        try:
            draft = editing.save_draft(
                article=article,
                user=request.user,
                data={name: request.POST.getlist(name) for name in request.POST},
                allowed=lambda name: self.form_field_for(fields, name) is not None,
                now=now,
            )
        except ValidationError as error:
            status = 413 if error.code == "too_large" else 400
            return JsonResponse({"error": " ".join(error.messages)}, status=status)
        return JsonResponse({"saved_at": editing.local_time(draft.saved_at)})

    @method_decorator(require_POST)
    def discard_draft_view(self, request, pk):
        # Only visibility is needed: discarding one's own draft changes no piece,
        # and a person who may no longer edit it can still clear it away.
        article = self.visible_article(request, pk)
        editing.discard_draft(article=article, user=request.user)
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"discarded": True})
        messages.success(request, "Your unsaved changes were discarded.")
        return self.back_to(article)
