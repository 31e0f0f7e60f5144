from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import related, revisions, workflow
from articles.admin.editing_views import ArticleEditingViews
from articles.admin.merge import MergingForm, report_merge, save_merged_byline
from articles.admin.photo import thumbnail
from articles.admin.tags import TagSuggestWidget, tag_suggestions
from articles.admin.workflow_views import ArticleWorkflowViews
from articles.models import Article, ArticleAuthor, State
from newsroom.richtext import RichTextAdminMixin


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    ordering = ["position"]


class StateFilter(admin.SimpleListFilter):
    """Scheduled told apart from published, which the stored status alone cannot do."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == State.SCHEDULED:
            return queryset.scheduled()
        if value == State.PUBLISHED:
            return queryset.live()
        if value in State.values:
            return queryset.filter(status=value)
        return queryset


class ArticleForm(MergingForm, forms.ModelForm):
    """The article form. A save from a page opened before someone else saved is
    merged with theirs field by field (articles/admin/merge.py, articles/merging.py)."""

    class Meta:
        widgets = {"tags": TagSuggestWidget}

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        self.merge_with_others(cleaned)
        return cleaned


def picking_further_reading(request) -> bool:
    """Whether this is the admin's autocomplete search for an article's "Further reading"."""
    match = request.resolver_match
    return (
        match is not None
        and match.url_name == "autocomplete"
        and request.GET.get("app_label") == "articles"
        and request.GET.get("model_name") == "article"
        and request.GET.get("field_name") == "further_reading"
    )


@admin.register(Article)
class ArticleAdmin(RichTextAdminMixin, ArticleEditingViews, ArticleWorkflowViews, admin.ModelAdmin):
    form = ArticleForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = ["lead_thumbnail", "title", "series", "byline", "state", "published_at"]
    list_display_links = ["lead_thumbnail", "title"]
    list_filter = [StateFilter, "series", "published_at"]
    list_select_related = ["series", "lead_photo"]
    search_fields = ["title", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["lead_photo", "series", "further_reading"]
    inlines = [ArticleAuthorInline]
    # Status and publication time move only through the workflow buttons
    # (articles/workflow.py), for everyone: no form or crafted POST can set them.
    readonly_fields = ["state", "published_at", "last_updated"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "body", "opened_version"]}),
        ("Lead photo", {"fields": ["lead_photo", "lead_photo_caption"]}),
        ("Filing", {"fields": ["series", "tags", "state", "published_at", "last_updated"]}),
        ("Further reading", {"fields": ["further_reading"]}),
        (
            "Search and sharing",
            {"fields": ["seo_description", "canonical_url"], "classes": ["collapse"]},
        ),
    ]

    def get_urls(self):
        suggest = path(
            "tags/suggest/",
            self.admin_site.admin_view(tag_suggestions),
            name="articles_article_tag_suggestions",
        )
        return [suggest, *super().get_urls()]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("article_authors__author")
        if workflow.is_editor(request.user):
            return queryset
        if picking_further_reading(request):
            # The search behind the "Further reading" box offers what the field accepts.
            return workflow.visible_pieces(request.user, queryset)
        # Contributors see their own pieces only.
        return queryset.filter(created_by=request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "further_reading":
            # A crafted POST naming another writer's draft gets "Select a valid
            # choice" and saves nothing; the widget never prints its title.
            kwargs["queryset"] = workflow.visible_pieces(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.is_live:
            # Said where the address is typed: readers and search engines
            # know this one; a change keeps it answering, with a 301
            # (workflow.record_slug_change), but moves the page.
            hint = format_html(
                'This piece is live at <a href="{0}">{0}</a>. '
                "If you change the address, the old one will redirect here (301).",
                obj.get_absolute_url(),
            )
            help_texts = getattr(self.form.Meta, "help_texts", None) or {}
            kwargs["help_texts"] = {**help_texts, **kwargs.get("help_texts", {}), "slug": hint}
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.is_editor(request.user))

    @admin.display(description="Photo")
    def lead_thumbnail(self, article):
        return thumbnail(article.lead_photo, size=60)

    @admin.display(description="Authors")
    def byline(self, article):
        return ", ".join(a.name for a in article.ordered_authors()) or "—"

    @admin.display(description="State", ordering="status")
    def state(self, article):
        if article.is_scheduled:
            local = timezone.localtime(article.published_at)
            return f"Scheduled for {local:%b %-d, %Y %H:%M %Z}"
        return article.get_status_display()

    def save_model(self, request, obj, form, change):
        if change:
            old = Article.objects.values_list("slug", flat=True).get(pk=obj.pk)
        else:
            old = None
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        workflow.record_slug_change(article=obj, old_slug=old)
        if old and old != obj.slug and workflow.was_ever_live(obj):
            # On commit: a save that is then rolled back (a panel action
            # refused) moved nothing, and must not say it did.
            old_url = reverse("articles:detail", kwargs={"slug": old})
            message = (
                f"The address changed: {old_url} now redirects to {obj.get_absolute_url()} "
                "(301), so links to the old one keep working."
            )
            transaction.on_commit(lambda: self.message_user(request, message, messages.INFO))

    def save_related(self, request, form, formsets, change):
        # Picks the form could not show (an editor's choice of a piece this
        # person may not see) were not posted back: keep them, not drop them.
        unseen = []
        if change:
            visible = workflow.visible_pieces(request.user).values("pk")
            unseen = list(form.instance.further_reading.exclude(pk__in=visible))
        super().save_related(request, form, formsets, change)
        form.instance.further_reading.add(*unseen)
        # With the tags and series just stored (articles.related).
        related.refresh(form.instance)
        # After the byline and tags are stored, so the version holds all of it.
        # A panel button pressed on an unchanged form records none (panel_actions.py).
        note = self.revision_note(request, form, formsets)
        if note is not None:
            revisions.save_revision(article=form.instance, by=request.user, note=note)
        report_merge(request, form)

    def save_formset(self, request, form, formset, change):
        if not save_merged_byline(form, formset):
            super().save_formset(request, form, formset, change)
