"""The edition page's buttons: approve and send, send a test, pause, resume, cancel.

On an edition that can still be edited, each button submits the change form
itself (``name="_edition_action"``), so what the person typed is validated and
saved first, then the action runs, in the admin's one transaction:

- the form is invalid: nothing is saved and the action is not done; the form
  comes back with the typed values, its errors, and a note that the action waits;
- the action is refused (``ValidationError`` / ``PermissionDenied``): the save
  is rolled back with it, and the form comes back with the reason;
- both succeed: one save, one action, the send or test carrying what was typed.

A page that is view only (sending, paused, sent…) has nothing to save: its
buttons post to each action's own URL. Both ways call ``EditionActions.perform``,
and the rules stay in ``newsletter.sending``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from newsletter import sending
from newsletter.models import Edition
from newsroom.admin_forms import posted_change_form_context

ACTION_FIELD = "_edition_action"
# The buttons' words, for messages that name the button pressed.
LABELS = {
    "send": "Approve and send",
    "test": "Send a test to me",
    "pause": "Pause",
    "resume": "Resume",
    "cancel": "Cancel",
}


class EditionActions:
    # -- the actions ---------------------------------------------------------

    def may_send(self, request) -> bool:
        return request.user.has_perm("newsletter.change_edition")

    def perform(self, request, edition: Edition, action: str) -> str:
        """Do one button's action on ``edition``; return what to tell the person.

        Raises ``PermissionDenied``, or ``ValidationError`` with the reason when
        ``newsletter.sending`` refuses it.
        """
        if not self.may_send(request):
            raise PermissionDenied
        if action == "send":
            sending.start_send(edition=edition, by=request.user)
            return "Sending has started."
        if action == "test":
            if not request.user.email:
                raise ValidationError("Your account has no email address.")
            sending.send_test(edition=edition, to=request.user.email)
            return f"A test was sent to {request.user.email}."
        if action == "pause":
            if not sending.pause(edition=edition):
                raise ValidationError("Only a sending edition can be paused.")
            return "Sending is paused; messages already on their way finish."
        if action == "resume":
            if not sending.resume(edition=edition):
                raise ValidationError("Only a paused or failed edition can be resumed.")
            return "Sending has resumed."
        if action == "cancel":
            if not sending.cancel(edition=edition):
                raise ValidationError("This edition can no longer be cancelled.")
            return "The edition was cancelled; no one else will get it."
        raise ValidationError("There is no such action.")

    # -- posted to the action's own URL (a view-only page) -------------------

    def action_urls(self):
        view = self.admin_site.admin_view
        return [
            path(f"<int:pk>/{action}/", view(self.action_view), {"action": action}, name=name)
            for action, name in [
                ("send", "newsletter_edition_send"),
                ("test", "newsletter_edition_test"),
                ("pause", "newsletter_edition_pause"),
                ("resume", "newsletter_edition_resume"),
                ("cancel", "newsletter_edition_cancel"),
            ]
        ]

    @method_decorator(require_POST)
    def action_view(self, request, pk, action):
        if not self.may_send(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=pk)
        try:
            done = self.perform(request, edition, action)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect(reverse("admin:newsletter_edition_change", args=[edition.pk]))

    # -- pressed from the change form ----------------------------------------

    def posted_action(self, request) -> str | None:
        """The button that submitted the change form, if one of these did."""
        if request.method != "POST":
            return None
        return request.POST.get(ACTION_FIELD) or None

    def save_related(self, request, form, formsets, change):
        # Kept for response_change, which may have to show this very form back.
        request.edition_form_sent = (form, formsets)
        super().save_related(request, form, formsets, change)

    def response_change(self, request, obj):
        """After the form's save, in its transaction: do the action pressed, or undo the save."""
        action = self.posted_action(request)
        if action is None:
            return super().response_change(request, obj)
        form, formsets = request.edition_form_sent
        try:
            done = self.perform(request, obj, action)
        except ValidationError as error:
            return self.undo_and_show_form(request, obj, action, error.messages)
        except PermissionDenied as error:
            reason = str(error) or "You may not do that to this edition."
            return self.undo_and_show_form(request, obj, action, [reason])
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            done = "Your changes were saved. " + done
        self.message_user(request, done, messages.SUCCESS)
        return redirect(reverse("admin:newsletter_edition_change", args=[obj.pk]))

    def undo_and_show_form(self, request, obj, action, reasons):
        """Roll the save back, and show the change form as it was posted with why
        the action was not done.

        The page is rendered after the admin's transaction has rolled back; its
        sending panel shows the edition as stored, the form what was typed.
        """
        form, formsets = request.edition_form_sent
        context = {
            **posted_change_form_context(self, request, obj, form, formsets),
            **getattr(request, "change_form_context", {}),
            "action_refused": {"label": LABELS.get(action, action), "reasons": list(reasons)},
        }
        response = self.render_change_form(request, context, add=False, change=True, obj=obj)
        # Last: once set, the transaction takes no more queries.
        transaction.set_rollback(True, using=router.db_for_write(self.model))
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        action = self.posted_action(request)
        if action and context.get("errors") and "action_refused" not in context:
            # The form itself was refused: say that the action waits for the corrected form.
            context["action_refused"] = {"label": LABELS.get(action, action), "reasons": []}
        return super().render_change_form(request, context, add, change, form_url, obj)
