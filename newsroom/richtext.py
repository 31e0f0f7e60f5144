"""The project's rich-text field.

The only module that imports the editor package: swapping django-ckeditor for
another editor (django-prose-editor, say) touches this file alone.
"""

from ckeditor.widgets import CKEditorWidget
from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models

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
        # The admin passes its plain textarea for every TextField (formfield_overrides
        # match subclasses too); the editor replaces that, not a widget chosen on purpose.
        widget = kwargs.get("widget")
        chosen = widget if isinstance(widget, type) else type(widget)
        if widget is None or chosen in (forms.Textarea, AdminTextareaWidget):
            kwargs["widget"] = CKEditorWidget(config_name="default")
        return super().formfield(**kwargs)
