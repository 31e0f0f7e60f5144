"""What a piece still needs to be published, shown on its form while it is written.

The rules are ``workflow.publication_checklist``; this module only reads the
form's unsaved values into an unsaved ``Article`` for it, so the checklist on
the page (templates/admin/articles/article/readiness.html, kept current by
static/admin/js/readiness.js) says exactly what publishing will check.
"""

from dataclasses import asdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles import workflow
from articles.models import Article, ArticleAuthor

NEEDED = {
    "lead_photo": "Needed to publish, with a credit, alt text and rights that last.",
}


def checklist_at(article: Article):
    """When the checklist is read for: a scheduled piece's photo rights must last until then."""
    return article.published_at if article.is_scheduled else timezone.now()


class ArticleReadiness:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("readiness/", wrap(self.readiness_view), name="articles_article_readiness_new"),
            path("<int:pk>/readiness/", wrap(self.readiness_view),
                 name="articles_article_readiness"),
        ]  # fmt: skip
        return own + super().get_urls()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in workflow.PUBLICATION_FIELDS:
            needed = NEEDED.get(db_field.name, "Needed to publish.")
            field.help_text = format_html(
                '<span class="needed-to-publish">{}</span> {}', needed, field.help_text
            )
        return field

    def readiness_context(self, request, article: Article) -> dict:
        items = workflow.publication_checklist(article, checklist_at(article))
        url = (
            reverse("admin:articles_article_readiness", args=[article.pk])
            if article.pk
            else reverse("admin:articles_article_readiness_new")
        )
        missing = [item for item in items if not item.met]
        return {"checklist": items, "checklist_missing": len(missing), "checklist_url": url}

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self.readiness_context(request, Article())}
        return super().add_view(request, form_url, extra_context)

    # -- the endpoint ----------------------------------------------------------

    @method_decorator(require_POST)
    def readiness_view(self, request, pk=None):
        """The checklist for the values in the posted form, which is never saved here."""
        if pk is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            article = Article()
            has_author = self.typed_values(request, article)
        else:
            article = self.visible_article(request, pk)
            has_author = None
            # Someone who may only view the piece has no form: what is stored counts.
            if self.has_change_permission(request, article):
                has_author = self.typed_values(request, article)
        items = workflow.publication_checklist(
            article, checklist_at(article), has_author=has_author
        )
        return JsonResponse(
            {"ready": all(item.met for item in items), "items": [asdict(i) for i in items]}
        )

    def typed_values(self, request, article: Article) -> bool | None:
        """Put the posted values the checklist reads on ``article`` (never saved); return
        whether the posted byline names an author (None when none was posted: the stored
        one counts). A value the form would refuse counts as empty: it cannot be saved.
        """
        stored = article if article.pk is not None else None
        form = self.get_form(request, stored, change=stored is not None)(
            request.POST, request.FILES, instance=article
        )
        typed = {}
        for name in workflow.PUBLICATION_FIELDS:
            field = form.fields[name]
            try:
                typed[name] = field.clean(form[name].data)
            except ValidationError:
                typed[name] = getattr(field, "empty_value", None)
        for FormSet, inline in self.get_formsets_with_inlines(request, stored):
            prefix = FormSet.get_default_prefix()
            if inline.model is not ArticleAuthor or f"{prefix}-TOTAL_FORMS" not in request.POST:
                continue
            byline = FormSet(request.POST, instance=article, prefix=prefix)
            has_author = any(
                row.is_valid()
                and row.cleaned_data.get("author")
                and not row.cleaned_data.get("DELETE")
                for row in byline.forms
            )
            break
        else:
            has_author = None
        for name, value in typed.items():
            setattr(article, name, value)
        return has_author
