"""The workflow panel's buttons, pressed from the article's change form.

Each button submits the change form itself (``name="_workflow"``), so what the
person typed goes through the form's normal validation (the stale-form merge
included) and is saved, then the action runs, in the admin's one transaction:

- the form is invalid: nothing is saved and the action is not done; the form
  comes back with the typed values, its errors, and a note in the panel;
- the action is refused (``ValidationError`` / ``PermissionDenied`` from
  ``articles/workflow.py``, ``preview``): the save is rolled back with it, and
  the form comes back the same way with the reason;
- both succeed: one save, one revision, one action.

The actions themselves are ``ArticlePanelActions.perform``, which the
stand-alone action URLs (workflow_views.py) call too; the rules stay in the
modules it calls.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from articles import preview, workflow
from articles.models import Article, Correction, PreviewLink
from newsroom.admin_forms import posted_change_form_context
from newsroom.site_url import absolute

ACTION_FIELD = "_workflow"
# The buttons' words, for messages that name the button pressed.
LABELS = {
    "submit": "Submit for review",
    "submit_anyway": "Submit anyway",
    "request_changes": "Request changes",
    "publish": "Publish now",
    "schedule": "Schedule",
    "unpublish": "Unpublish",
    "archive": "Archive",
    "share_preview": "Share preview",
    "revoke_preview": "Revoke",
    "add_correction": "Add to the page",
}
TRANSITIONS = {"submit", "request_changes", "publish", "schedule", "unpublish", "archive"}
DONE = {
    "submit": "“{title}” was submitted for review.",
    "request_changes": "Changes were requested on “{title}”; it is a draft again.",
    "publish": "“{title}” is published.",
    "schedule": "“{title}” is scheduled for {when}.",
    "unpublish": "“{title}” was unpublished; it is a draft again.",
    "archive": "“{title}” was archived.",
}
BIGGEST_ID = 2**63 - 1


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


def link_of(article: Article, number: str) -> PreviewLink:
    """The piece's preview link numbered ``number``; anything else is refused, not a 500."""
    if number.isascii() and number.isdigit() and 0 < int(number) <= BIGGEST_ID:
        link = PreviewLink.objects.filter(pk=int(number), article=article).first()
        if link is not None:
            return link
    raise ValidationError("That preview link is not one of this piece.")


def refusal_reasons(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or "You may not do that to this piece."]


class ArticlePanelActions:
    # -- the actions ---------------------------------------------------------

    def perform(self, request, article: Article, action: str, argument: str = "") -> str:
        """Do one panel action on ``article``; return what to tell the person.

        Raises ``ValidationError`` or ``PermissionDenied`` (from the workflow
        and preview modules) when the action is refused.
        """
        user, data = request.user, request.POST
        if action in {"submit", "submit_anyway"}:
            workflow.submit(article, user)
            action = "submit"
        elif action == "request_changes":
            workflow.request_changes(article, user, data.get("comment", ""))
        elif action == "publish":
            workflow.publish(article, user)
        elif action == "schedule":
            workflow.publish(article, user, at=parse_local_datetime(data.get("at", "")))
        elif action == "unpublish":
            workflow.unpublish(article, user)
        elif action == "archive":
            workflow.archive(article, user)
        elif action == "share_preview":
            link = preview.create_link(article=article, by=user)
            expires = timezone.localtime(link.expires_at, ZoneInfo(settings.TIME_ZONE))
            url = absolute(preview.url_for(link))
            return f"Preview link (works until {expires:%B %-d, %H:%M %Z}, no login needed): {url}"
        elif action == "revoke_preview":
            preview.revoke_link(link=link_of(article, argument), by=user)
            return "The preview link was revoked; it now answers “not found”."
        elif action == "add_correction":
            workflow.add_correction(
                article=article,
                by=user,
                note=data.get("note", ""),
                kind=data.get("kind", Correction.Kind.CORRECTION),
            )
            return "The note is on the page and its “updated” date moved."
        else:
            raise ValidationError("There is no such action.")
        when = ""
        if article.published_at:
            local = timezone.localtime(article.published_at, ZoneInfo(settings.TIME_ZONE))
            when = f"{local:%B %-d, %Y at %H:%M %Z}"
        return DONE[action].format(title=article.title, when=when)

    # -- pressed from the change form ----------------------------------------

    def posted_action(self, request) -> tuple[str, str] | None:
        """The panel button that submitted the change form, as (action, argument), if one did."""
        if request.method != "POST" or ACTION_FIELD not in request.POST:
            return None
        action, _, argument = request.POST[ACTION_FIELD].partition(":")
        return action, argument

    def form_changed(self, form, formsets) -> bool:
        """Whether the person changed anything the piece stores (the form's own
        bookkeeping fields, like the version it was opened at, do not count)."""
        stored = {field.name for field in form.instance._meta.get_fields()}
        return any(name in stored for name in form.changed_data) or any(
            formset.has_changed() for formset in formsets
        )

    def save_related(self, request, form, formsets, change):
        # Kept for response_change, which may have to show this very form back.
        request.article_form_sent = (form, formsets, form.instance.version)
        super().save_related(request, form, formsets, change)

    def revision_note(self, request, form, formsets) -> str | None:
        """The note for the revision this save records, or None to record none.

        A panel button pressed on an unchanged form only acts: an empty
        revision would bump the version and make colleagues' open forms stale.
        """
        pressed = self.posted_action(request)
        if pressed is None:
            return ""
        if not self.form_changed(form, formsets):
            return None
        return f"Saved with “{LABELS.get(pressed[0], pressed[0])}”"

    def response_change(self, request, obj):
        """After the form's save, in its transaction: do the action pressed, or undo the save."""
        pressed = self.posted_action(request)
        if pressed is None:
            return super().response_change(request, obj)
        action, argument = pressed
        form, formsets, _opened_version = request.article_form_sent
        changed = self.form_changed(form, formsets)
        try:
            if action == "submit":
                missing = workflow.missing_for_publication(obj, timezone.now())
                if missing:
                    return self.undo_and_show_form(request, obj, form, formsets, confirm=missing)
            done = self.perform(request, obj, action, argument)
        except (ValidationError, PermissionDenied) as error:
            return self.undo_and_show_form(
                request, obj, form, formsets, action=action, reasons=refusal_reasons(error)
            )
        if changed:
            done = "Your changes were saved. " + done
        messages.success(request, done)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))

    def undo_and_show_form(
        self, request, obj, form, formsets, *, action="", reasons=(), confirm=()
    ):
        """Roll the save back, and show the change form as it was posted with why
        the action was not done.

        The page is rendered after the admin's transaction has rolled back, so
        its lists (timeline, versions) show what is stored, and the form what
        was typed, with the version it was opened at.
        """
        obj.version = request.article_form_sent[2]
        context = {
            **posted_change_form_context(self, request, obj, form, formsets),
            # What change_view passed down (presence, autosave, …), then the
            # panel as it stands with the typed values.
            **getattr(request, "change_form_context", {}),
            **self.workflow_context(request, obj),
            "workflow_refused": {"label": LABELS.get(action, ""), "reasons": list(reasons)},
            "workflow_confirm": list(confirm),
        }
        if confirm:
            context["workflow_refused"] = None
        response = self.render_change_form(request, context, add=False, change=True, obj=obj)
        # Last: once set, the transaction takes no more queries.
        transaction.set_rollback(True, using=router.db_for_write(self.model))
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        pressed = self.posted_action(request)
        if pressed and context.get("errors") and "workflow_refused" not in context:
            # The form itself was refused (a wrong value, a conflict to choose):
            # say at the button that its action waits for the corrected form.
            context["workflow_refused"] = {"label": LABELS.get(pressed[0], ""), "reasons": []}
        return super().render_change_form(request, context, add, change, form_url, obj)
