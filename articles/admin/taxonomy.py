from django.contrib import admin

from articles.models import Program, Series


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "mission"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["experts"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "slug"]
    list_filter = ["program"]
    list_select_related = ["program"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
