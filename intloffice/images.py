"""Uploaded images: validated, re-encoded and renamed by the server. (stub: to be written)"""

from django.db import models


class ProcessedImageField(models.ImageField):
    """An ImageField whose uploads are checked and normalised before they are stored."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
