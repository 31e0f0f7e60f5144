from django.contrib import admin
from django.utils.html import format_html

from authors.models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["headshot_thumbnail", "name", "title", "description", "is_active"]
    list_display_links = ["headshot_thumbnail", "name"]
    list_filter = ["is_active", "programs"]
    search_fields = ["name", "title", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "title", "description", "bio", "headshot"]}),
        ("Links", {"fields": ["website", "x_handle", "linkedin_url", "bluesky_handle"]}),
        ("Account", {"fields": ["user", "is_active"], "classes": ["collapse"]}),
    ]

    @admin.display(description="Headshot")
    def headshot_thumbnail(self, author):
        if not author.headshot:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="40" height="40" class="headshot-thumb">',
            author.headshot.url,
        )
