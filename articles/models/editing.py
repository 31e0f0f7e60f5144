"""Who has a piece open right now, and what each person typed but has not saved.

Both are working state of the admin, never content: no reader, no revision and
no other person ever sees another's draft (``articles/editing.py`` holds the rules).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class EditingPresence(models.Model):
    """One person's open change form of one piece, kept alive by the page's heartbeat.

    A row whose ``last_seen`` is older than the presence timeout is a closed tab
    or a crashed browser: it no longer counts, and the scheduler prunes it.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="presences"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # The heartbeat refreshes this one row; "since" is when it was made.
            models.UniqueConstraint(fields=["article", "user"], name="presence_once_per_person"),
        ]
        indexes = [
            # The editor's desk: every piece someone has open now, across the newsroom.
            models.Index(fields=["last_seen"], name="presence_last_seen"),
        ]

    def __str__(self):
        return f"User {self.user_id} in article {self.article_id}"


class ArticleDraft(models.Model):
    """The article form's values as one person last had them, saved by autosave.

    ``data`` maps the form's field names to their posted values (lists, as in a
    QueryDict). ``opened_version`` is the version of the piece the form was
    opened at, so a restored draft is merged against what it was typed on.
    """

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField()
    opened_version = models.PositiveIntegerField()
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Autosave replaces the person's draft of the piece; it never piles up copies.
            models.UniqueConstraint(fields=["article", "user"], name="draft_once_per_person"),
        ]

    def __str__(self):
        return f"Unsaved draft of article {self.article_id} by user {self.user_id}"
