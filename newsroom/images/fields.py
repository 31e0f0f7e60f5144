"""An image field that only ever stores checked, upright, metadata-free images.

Used by photos (articles) and headshots (authors). Every way a file reaches
storage goes through ``FieldFile.save`` (form uploads via the field's
``pre_save``, code calling ``photo.image.save(...)``), so that is where the
check and the re-encoding happen: a refused file raises ``ValidationError``
before anything is written.
"""

from pathlib import PurePath

from django import forms
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile

from newsroom.images.metadata import strip
from newsroom.images.validation import EXTENSIONS, check_image

ACCEPT = ",".join(
    ["image/jpeg", "image/png", "image/webp"]
    + [f".{e}" for exts in EXTENSIONS.values() for e in exts]
)


class SafeImageFormField(forms.ImageField):
    """Checks the upload with our rules first, so each refusal says what is wrong."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def to_python(self, data):
        if data in self.empty_values:
            return None
        # Kept on the upload: the form's clean (credits) and the storage save reuse it.
        data.checked_image = check_image(data)
        return super().to_python(data)


class SafeImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Every path to storage is checked; an upload the form checked is not checked twice.
        checked = getattr(content, "checked_image", None) or check_image(content, name=name)
        data, width, height = strip(checked)
        clean_name = f"{PurePath(name).stem}.{checked.extension}"
        super().save(clean_name, ContentFile(data), save=False)
        # Django does not measure a ContentFile; the re-encoded size is the true one.
        if self.field.width_field:
            setattr(self.instance, self.field.width_field, width)
        if self.field.height_field:
            setattr(self.instance, self.field.height_field, height)
        if save:
            self.instance.save()


class SafeImageField(models.ImageField):
    attr_class = SafeImageFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeImageFormField, **kwargs})
