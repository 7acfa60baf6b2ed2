"""Files that must never be public: kept outside the media, with no address of their own.

Everything under MEDIA_ROOT (or in the media bucket) has a public address: the media view,
nginx's /media/ location or the bucket serves it to anyone who has the name. A signed copy
of an agreement must not be one of them, so a private file lives in PRIVATE_ROOT
(``DJANGO_PRIVATE_ROOT``, by default ``var/private``), which nothing serves. Its storage has
no ``url()``: a template that tried to link one would fail, not leak it. Staff get the file
through a view of the admin that checks their permission and sends it with ``download``.
"""

import mimetypes
import os
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# What a scanned document arrives as.
DOCUMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
# Within nginx's client_max_body_size (12m: the image cap and a form) in deploy/nginx.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


@deconstructible
class PrivateStorage(FileSystemStorage):
    """The folder of private files, read from the settings each time (tests change it)."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("A private file has no public address: send it with download().")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """For a FileField's ``storage``."""
    return _storage


def random_name(instance, filename: str) -> str:
    """For a FileField's ``upload_to``: ``<model>/<random>.<ext>``. The name a file was
    uploaded under (a partner's name, a date) is not kept, and no name can be guessed."""
    extension = os.path.splitext(filename)[1].lower()
    return f"{instance._meta.model_name}/{uuid.uuid4().hex}{extension}"


def validate_document_size(file) -> None:
    if file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is larger than %(megabytes)d MB: scan it at a lower resolution."),
            params={"megabytes": MAX_DOCUMENT_BYTES // (1024 * 1024)},
            code="too_large",
        )


def download(file, filename: str) -> FileResponse:
    """A private file as an attachment, under ``filename``: never cached, never sniffed or
    run by the browser."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


class PrivateFileInput(forms.ClearableFileInput):
    """The admin's file input for a private file: the current file is named by what it is and
    linked to ``download_url`` (the admin's permission-checked view), never to a storage
    address; without ``download_url`` it is only said to be there."""

    template_name = "core/widgets/private_file_input.html"

    def __init__(self, attrs=None, download_url: str | None = None):
        super().__init__(attrs)
        self.download_url = download_url

    def is_initial(self, value):
        # Django's asks the file for its URL, which a private file has not.
        return bool(value and getattr(value, "name", None))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["download_url"] = self.download_url
        return context
