"""The project's rich-text field.

The only module that imports the editor package: swapping django-ckeditor for
another editor (django-prose-editor, say) touches this file alone.
"""

from ckeditor.widgets import CKEditorWidget
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
        kwargs.setdefault("widget", CKEditorWidget(config_name="default"))
        return super().formfield(**kwargs)
