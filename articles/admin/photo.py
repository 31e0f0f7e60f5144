from django.contrib import admin
from django.utils.html import format_html

from articles.models import Photo


def thumbnail(photo: Photo | None, size: int = 80) -> str:
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" style="height:auto">',
        photo.image.url,
        photo.alt_text,
        size,
    )


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "caption", "credit", "source", "rights_expire_on", "uploaded_at"]
    list_display_links = ["thumbnail", "caption"]
    list_filter = ["source", "license"]
    search_fields = ["caption", "credit", "source", "alt_text"]
    readonly_fields = ["preview", "width", "height", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["image", "preview", "caption", "alt_text"]}),
        ("Credit and rights", {"fields": ["credit", "source", "license", "rights_expire_on"]}),
        (
            "Details",
            {
                "fields": ["focal_x", "focal_y", "width", "height", "uploaded_by", "uploaded_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    @admin.display(description="Image")
    def thumbnail(self, photo):
        return thumbnail(photo)

    @admin.display(description="Preview")
    def preview(self, photo):
        return thumbnail(photo, size=400)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
