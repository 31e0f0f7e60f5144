"""How the admin shows fields to someone who may read an object but not change it.

Django's view-only change form prints each field's stored value as escaped
text: HTML comes out as tags, a tag field as its edit string
(``"European Union", Belarus``). A ModelAdmin with this mixin shows those
fields as a reader would see them instead. Subclasses add their own field
types through :meth:`ReadonlyDisplayMixin.readonly_display`
(``newsroom.richtext.RichTextAdminMixin`` adds formatted rich text).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from taggit.managers import TaggableManager


class ReadonlyDisplayMixin:
    def readonly_display(self, field):
        """A display function for model ``field`` when shown read-only, or None for Django's."""
        if isinstance(field, TaggableManager):
            return self.tag_chips(field)
        return None

    def tag_chips(self, field):
        @admin.display(description=field.verbose_name)
        def chips(obj):
            names = sorted(getattr(obj, field.name).names(), key=str.casefold)
            if not names:
                return self.get_empty_value_display()
            items = format_html_join("", '<li class="tag-chip">{}</li>', ((n,) for n in names))
            return format_html('<ul class="tag-chips">{}</ul>', items)

        return named_like(chips, field)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # Only the view-only form: there Django shows every field of the
        # fieldsets read-only (a display function included), and no form
        # posts them back. An editable form keeps its widgets.
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [self._shown(entry) for entry in options["fields"]]})
            for name, options in fieldsets
        ]

    def _shown(self, entry):
        if isinstance(entry, (list, tuple)):  # fields shown on one line
            return type(entry)(self._shown(name) for name in entry)
        try:
            field = self.model._meta.get_field(entry)
        except (FieldDoesNotExist, TypeError):
            return entry
        return self.readonly_display(field) or entry

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["admin/css/readonly.css"]})


def named_like(display, field):
    """Give ``display`` the field's name: the form row keeps its ``field-<name>`` class and
    help text."""
    display.__name__ = field.name
    return display
