from django.contrib import admin

from articles.admin.photo import thumbnail
from articles.models import Article, ArticleAuthor


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    ordering = ["position"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["lead_thumbnail", "title", "series", "byline", "status", "published_at"]
    list_display_links = ["lead_thumbnail", "title"]
    list_filter = ["status", "series", "published_at"]
    list_select_related = ["series", "lead_photo"]
    search_fields = ["title", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["lead_photo", "series", "further_reading"]
    inlines = [ArticleAuthorInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "body"]}),
        ("Lead photo", {"fields": ["lead_photo", "lead_photo_caption"]}),
        ("Filing", {"fields": ["series", "tags", "status", "published_at"]}),
        ("Further reading", {"fields": ["further_reading"]}),
        (
            "Search and sharing",
            {"fields": ["seo_description", "canonical_url"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("article_authors__author")

    @admin.display(description="Photo")
    def lead_thumbnail(self, article):
        return thumbnail(article.lead_photo, size=60)

    @admin.display(description="Authors")
    def byline(self, article):
        return ", ".join(a.name for a in article.ordered_authors()) or "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
