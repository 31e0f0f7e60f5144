"""The editor's desk on the admin index: what needs this person's attention now."""

from datetime import timedelta

from django import template
from django.utils import timezone

from articles import editing, workflow
from articles.models import Article

register = template.Library()

LIMIT = 10


@register.inclusion_tag("admin/includes/editors_desk.html", takes_context=True)
def editors_desk(context):
    user = context["request"].user
    articles = Article.objects.select_related("lead_photo", "created_by")
    editor = workflow.is_editor(user)
    if not editor:
        if not user.has_perm("articles.view_article"):
            return {"show": False}
        articles = articles.filter(created_by=user)
    today = timezone.localdate()
    return {
        "show": True,
        "editor": editor,
        "open_now": open_now(articles),
        "awaiting_review": list(
            articles.filter(status=Article.Status.IN_REVIEW).order_by("updated_at")[:LIMIT]
        ),
        "scheduled": list(articles.scheduled().order_by("published_at")[:LIMIT]),
        "recently_published": list(
            articles.live()
            .filter(published_at__gte=timezone.now() - timedelta(days=14))
            .order_by("-published_at")[:LIMIT]
        ),
        "my_drafts": list(
            articles.filter(status=Article.Status.DRAFT, created_by=user).order_by("-updated_at")[
                :LIMIT
            ]
        ),
        # Live pieces whose lead photo may no longer be shown: someone must swap it.
        "lapsed_rights": list(
            articles.live()
            .filter(lead_photo__rights_expire_on__lt=today)
            .order_by("lead_photo__rights_expire_on")[:LIMIT]
        ),
    }


def open_now(articles) -> list[tuple]:
    """The pieces among ``articles`` someone has open now, with who and since when."""
    present = editing.editing_now(articles=articles, now=timezone.now())
    pieces = articles.filter(pk__in=list(present)).order_by("title")[:LIMIT]
    return [(article, present[article.pk]) for article in pieces]
