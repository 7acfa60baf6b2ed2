"""Checked uploads kept over a form sent back with errors, so editors do not choose them again.

When a form with an image field comes back for another field's error (a missing title),
the browser has forgotten the chosen file. The image field has already checked and
re-encoded it (``intloffice.core.images``): ``KeptImageInput`` puts that file aside in the
media storage's ``tmp/uploads/`` and carries a signed token for it in a hidden input; the
next submission takes the file back from the token, unless the editor chose another file or
let it go. The form shows the kept image, and an image already saved, as a preview.

A token is honoured once and for a day; files that nobody came back for are swept then.
"""

import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Uploads kept between a form sent back with errors and its next submission.
KEPT_FOLDER = "tmp/uploads/"
KEPT_NAME = re.compile(r"tmp/uploads/[0-9a-f]{32}\.(jpg|png|webp)")
KEPT_FOR = dt.timedelta(days=1)
KEPT_SALT = "intloffice.core.kept_uploads"
# What the widget reads from a token it cannot honour: the form says so, it does not
# silently save the article without its image.
KEPT_IMAGE_LOST = object()


class KeptImage(ContentFile):
    """An upload checked and re-encoded on an earlier submission: not normalised again."""


@dataclass(frozen=True)
class Kept:
    name: str  # in default_storage
    token: str  # signed, for the form's hidden input

    @property
    def url(self) -> str:
        return default_storage.url(self.name)


def keep(image) -> Kept:
    """Put a checked image aside for the form's next submission."""
    delete_expired_kept()
    extension = image.name.rsplit(".", 1)[-1]
    image.seek(0)
    name = default_storage.save(
        f"{KEPT_FOLDER}{uuid.uuid4().hex}.{extension}", ContentFile(image.read())
    )
    image.seek(0)
    return Kept(name, signing.dumps(name, salt=KEPT_SALT))


def take_kept(token: str):
    """The image a token names, removed from the waiting folder (a KeptImage), or
    KEPT_IMAGE_LOST when the token is forged, expired or its file is gone."""
    try:
        name = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_FOR)
    except signing.BadSignature:
        return KEPT_IMAGE_LOST
    if not isinstance(name, str) or not KEPT_NAME.fullmatch(name):
        return KEPT_IMAGE_LOST
    try:
        with default_storage.open(name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return KEPT_IMAGE_LOST
    default_storage.delete(name)
    return KeptImage(content, name=name.rsplit("/", 1)[-1])


def delete_expired_kept() -> None:
    """Remove what forms left waiting and never sent again (the editor gave up)."""
    cutoff = timezone.now() - KEPT_FOR
    try:
        _folders, files = default_storage.listdir(KEPT_FOLDER)
    except FileNotFoundError:
        return
    for file in files:
        name = KEPT_FOLDER + file
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except OSError:
            # Gone meanwhile (another process swept it), or unreadable: the next sweep tries.
            logger.warning("could not remove the expired kept upload %s", name, exc_info=True)


class KeptImageInput(forms.ClearableFileInput):
    """The admin's file input, with a preview of the image saved, and a checked upload
    carried over a form sent back for errors (see ``keep``)."""

    template_name = "core/widgets/kept_image_input.html"
    # Set by KeepsCheckedUpload.clean on the form's own copy of the widget.
    pending = None

    def kept_name(self, name):
        return f"{name}-kept"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        token = data.get(self.kept_name(name))
        if upload is not None or not token or data.get(f"{self.kept_name(name)}-drop"):
            return upload
        # Read once per form: the bound field asks again for has_changed() and clean().
        taken = self.__dict__.get("_taken")
        if taken is None or taken[0] != token:
            taken = self.__dict__["_taken"] = (token, take_kept(token))
        return taken[1]

    def __deepcopy__(self, memo):
        # Each form's copy starts with nothing pending and nothing taken.
        copied = super().__deepcopy__(memo)
        copied.__dict__.pop("pending", None)
        copied.__dict__.pop("_taken", None)
        return copied

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["kept_name"] = self.kept_name(name)
        if self.pending is not None:
            widget["kept"] = keep(self.pending)
        if widget["is_initial"]:
            widget["preview_url"] = value.url
        return context


class KeepsCheckedUpload:
    """For a file form field whose ``to_python`` checks and re-encodes an upload (and
    returns a KeptImage as it is: it was checked when first sent): an upload checked now is
    kept by the widget if the form comes back with errors; a token that cannot be honoured
    is an error, not a form saved without its image."""

    widget = KeptImageInput
    default_error_messages = {
        "kept_lost": _(
            "The image you chose before could not be kept (more than a day passed, or the "
            "form was sent twice): choose it again."
        ),
    }

    def clean(self, data, initial=None):
        if data is KEPT_IMAGE_LOST:
            raise ValidationError(self.error_messages["kept_lost"], code="kept_lost")
        value = super().clean(data, initial)
        if isinstance(value, ContentFile):
            self.widget.pending = value  # put aside only if the form is shown again
        return value
