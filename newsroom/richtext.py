"""The project's rich-text field.

The only module that imports the editor package: swapping django-ckeditor for
another editor (django-prose-editor, say) touches this file alone.
"""

from ckeditor.widgets import CKEditorWidget
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.csp import CSP
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsroom.admin_readonly import ReadonlyDisplayMixin, named_like
from newsroom.sanitizer import sanitize_html


class RichTextField(models.TextField):
    """A text field holding HTML that is sanitized on every save.

    ``pre_save`` runs for ``Model.save()`` whatever the caller (admin form,
    shell, fixture, data migration), so nothing unsanitized reaches the
    database through the model layer.
    """

    description = "Sanitized rich text (HTML)"

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        # The admin passes its plain textarea for every TextField; the editor wins.
        widget = kwargs.get("widget")
        plain = widget is None or (not _is_editor(widget) and _is_textarea(widget))
        if plain:
            kwargs["widget"] = CKEditorWidget(config_name="default")
        return super().formfield(**kwargs)


def _is_editor(widget) -> bool:
    return isinstance(widget, CKEditorWidget) or (
        isinstance(widget, type) and issubclass(widget, CKEditorWidget)
    )


def _is_textarea(widget) -> bool:
    return isinstance(widget, forms.Textarea) or (
        isinstance(widget, type) and issubclass(widget, forms.Textarea)
    )


class RichTextAdminMixin(ReadonlyDisplayMixin):
    """For a ModelAdmin whose form shows the editor: relax script-src on that page only.

    CKEditor 4 wires its toolbar with inline event handlers (``onclick=…``),
    which neither a nonce nor a hash can allow; without 'unsafe-inline' the
    buttons do nothing. Only add/change pages of admins with a rich-text field
    get it (staff, logged in); every other page keeps the strict policy, and
    what the editor submits is sanitized on save regardless.

    Someone who may only view the object reads its rich text formatted, not
    as HTML source.
    """

    def readonly_display(self, field):
        if isinstance(field, RichTextField):
            return self.formatted_rich_text(field)
        return super().readonly_display(field)

    def formatted_rich_text(self, field):
        @admin.display(description=field.verbose_name)
        def formatted(obj):
            # Sanitized again on the way out, so a value stored behind the
            # field's back (an UPDATE, a raw import) cannot run script here
            # either: the page allows inline script for the editor.
            html = sanitize_html(getattr(obj, field.attname) or "")
            if not html:
                return self.get_empty_value_display()
            return format_html('<div class="readonly-rich-text">{}</div>', mark_safe(html))

        return named_like(formatted, field)

    def changeform_view(self, *args, **kwargs):
        response = super().changeform_view(*args, **kwargs)
        response._csp_config = {
            **settings.SECURE_CSP,
            "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
        }
        return response
