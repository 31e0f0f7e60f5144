from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from articles import workflow
from articles.models import Photo
from newsroom.images import check_image, read_credits

RIGHTS_WARNING_DAYS = 30


def thumbnail(photo: Photo | None, size: int = 80) -> str:
    """A small picture for admin lists: the narrowest rendition, else the original."""
    if not photo or not photo.image:
        return "—"
    smallest = photo.rendition_list("width", "jpeg")
    return format_html(
        '<img src="{}" alt="{}" width="{}" style="height:auto">',
        smallest[0].url if smallest else photo.image.url,
        photo.alt_text,
        size,
    )


class RightsFilter(admin.SimpleListFilter):
    title = "rights"
    parameter_name = "rights"

    def lookups(self, request, model_admin):
        return [
            ("expiring", f"Expiring within {RIGHTS_WARNING_DAYS} days"),
            ("expired", "Expired"),
            ("perpetual", "No expiry"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "expiring":
                return queryset.rights_expiring_within(RIGHTS_WARNING_DAYS)
            case "expired":
                return queryset.rights_expired()
            case "perpetual":
                return queryset.filter(rights_expire_on__isnull=True)
        return queryset


class PhotoAdminForm(forms.ModelForm):
    """Caption, credit and source may be left empty when the file carries them."""

    PREFILLED = ("caption", "credit", "source")

    class Meta:
        model = Photo
        fields = [
            "image",
            "caption",
            "alt_text",
            "focal_x",
            "focal_y",
            "credit",
            "source",
            "license",
            "rights_expire_on",
        ]
        widgets = {
            "focal_x": forms.NumberInput(attrs={"step": "0.001", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.001", "min": "0", "max": "1"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Absent when the page is read-only (a photo this person may not change).
        for name in ("caption", "credit") & self.fields.keys():
            self.fields[name].required = False
            self.fields[
                name
            ].help_text += " Left empty, it is taken from the file's IPTC/EXIF data when present."

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("image")
        if upload and "image" in self.changed_data:
            credits = read_credits(getattr(upload, "checked_image", None) or check_image(upload))
            for name in self.PREFILLED:
                if not cleaned.get(name) and getattr(credits, name):
                    cleaned[name] = getattr(credits, name)
        for name in ("caption", "credit"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(
                    name, "This field is required (the file carries no such metadata to use)."
                )
        return cleaned


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    list_display = ["thumbnail", "caption", "credit", "source", "rights", "uploaded_at"]
    list_display_links = ["thumbnail", "caption"]
    list_filter = [RightsFilter, "license", "source"]
    search_fields = ["caption", "credit", "source", "alt_text"]
    change_form_template = "admin/articles/photo/change_form.html"
    readonly_fields = ["focal_picker", "width", "height", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["image", "caption", "alt_text"]}),
        (
            "Focal point",
            {
                "fields": ["focal_picker", ("focal_x", "focal_y")],
                "description": "Click the subject: card and social crops keep it in frame.",
            },
        ),
        ("Credit and rights", {"fields": ["credit", "source", "license", "rights_expire_on"]}),
        (
            "Details",
            {
                "fields": ["width", "height", "uploaded_by", "uploaded_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    class Media:
        js = ["admin/js/focal_point.js"]
        css = {"all": ["admin/css/focal_point.css"]}

    @admin.display(description="Image")
    def thumbnail(self, photo):
        return thumbnail(photo)

    @admin.display(description="Rights until", ordering="rights_expire_on")
    def rights(self, photo):
        if photo.rights_expire_on is None:
            return "No expiry"
        if photo.rights_expired:
            return format_html(
                '<span class="photo-rights-expired">Expired {}</span>', photo.rights_expire_on
            )
        return photo.rights_expire_on

    @admin.display(description="Preview")
    def focal_picker(self, photo):
        if not photo or not photo.image:
            return "Save the photo first; then click its subject here."
        widths = photo.rendition_list("width", "jpeg")
        preview = next((r for r in widths if r.width >= 800), widths[-1] if widths else None)
        return format_html(
            '<div class="focal-picker" data-focal-picker data-input-x="id_focal_x" '
            'data-input-y="id_focal_y"><img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal-marker" style="left:{}%;top:{}%"></span></div>',
            preview.url if preview else photo.image.url,
            photo.alt_text,
            preview.width if preview else photo.width,
            preview.height if preview else photo.height,
            round(photo.focal_x * 100, 1),
            round(photo.focal_y * 100, 1),
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_change_photo(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_change_photo(request.user, obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        photo = self.get_object(request, object_id)
        if photo is not None:
            extra_context = {**(extra_context or {}), **self.usage_context(request, photo)}
        return super().change_view(request, object_id, form_url, extra_context)

    def usage_context(self, request, photo):
        """The pieces using the photo that this person may know of, and how many others do."""
        using = photo.lead_articles.order_by("-published_at", "-pk")
        shown = list(workflow.visible_pieces(request.user, using))
        pieces = [
            {
                "title": article.title,
                "state": article.get_state_display(),
                # A contributor cannot open someone else's live piece in the admin.
                "url": (
                    reverse("admin:articles_article_change", args=[article.pk])
                    if workflow.is_editor(request.user) or workflow.is_own(request.user, article)
                    else article.get_absolute_url()
                ),
            }
            for article in shown
        ]
        return {"photo_usage": pieces, "photo_usage_hidden": using.count() - len(shown)}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
