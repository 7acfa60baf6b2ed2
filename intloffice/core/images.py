"""Uploaded images: validated, re-encoded and renamed by the server.

Every upload through a ``ProcessedImageField`` (the admin, any ModelForm) goes through
``normalised()``: only JPEG, PNG and WebP are accepted, within a cap on bytes and on
pixels; the picture is decoded, turned upright by its EXIF orientation, converted to
sRGB and saved again without any metadata (EXIF with GPS, XMP, comments, text chunks,
ICC profile), under a random name chosen here. What reaches the storage is therefore a
file Pillow wrote, never the bytes or the name a browser sent.

An image that is replaced, cleared or whose object is deleted leaves nothing behind: once
the transaction commits, the old file, its renditions and sorl-thumbnail's records of
them are deleted (a rolled-back save deletes nothing), unless another row still uses it.

A checked upload survives a form sent back for another field's error (``kept_uploads``).
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import signals
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from sorl.thumbnail import default as thumbnails
from sorl.thumbnail.images import ImageFile

from .kept_uploads import KeepsCheckedUpload, KeptImage, KeptImageInput

# 10 MB: a camera JPEG is 3-8 MB; anything larger is a scan or a mistake.
MAX_BYTES = 10 * 1024 * 1024
# 40 million pixels (8000 × 5000): above every phone and most cameras, and it keeps a
# decoded RGBA image under 160 MB of memory. Pillow's own bomb limit is about 89 million.
MAX_PIXELS = 40_000_000

# Pillow format name -> (file extension, MIME type). Only these decoders are ever used.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
JPEG_QUALITY = 85
WEBP_QUALITY = 85

MESSAGES = {
    "unsupported": _(
        "This file is not a JPEG, PNG or WebP image; other files (SVG, GIF, TIFF, …) "
        "are not accepted."
    ),
    "damaged": _("The image could not be read: the file is damaged or incomplete."),
    "too_many_pixels": _(
        "The image has too many pixels: at most %(limit)s million are accepted "
        "(for example 8000 × 5000)."
    ),
    "too_large": _("The file is too large (%(size)s): at most %(limit)s are accepted."),
}


@dataclass(frozen=True)
class ImageInfo:
    """What ``validate_image`` learnt from the header, before any decoding."""

    format: str  # "JPEG", "PNG" or "WEBP"
    width: int
    height: int

    @property
    def extension(self) -> str:
        return FORMATS[self.format][0]

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][1]


def _refuse(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params)


def _size_of(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    return size


def _open(file) -> Image.Image:
    """Open (not decode) an image with the three allowed decoders only, a
    decompression bomb being an error rather than a warning."""
    file.seek(0)
    # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; both are refusals.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(file, formats=list(FORMATS))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise _refuse("too_many_pixels", limit=MAX_PIXELS // 1_000_000) from error
        except UnidentifiedImageError as error:
            raise _refuse("unsupported") from error
        except (OSError, SyntaxError, ValueError) as error:
            raise _refuse("damaged") from error


def validate_image(file) -> ImageInfo:
    """Check an uploaded file is a JPEG, PNG or WebP image within MAX_BYTES and
    MAX_PIXELS, reading only its header. Raises ValidationError with a one-line reason."""
    size = _size_of(file)
    if size > MAX_BYTES:
        raise _refuse("too_large", size=filesizeformat(size), limit=filesizeformat(MAX_BYTES))
    with _open(file) as image:
        width, height = image.size
        info = ImageInfo(format=image.format, width=width, height=height)
    if width * height > MAX_PIXELS:
        raise _refuse("too_many_pixels", limit=MAX_PIXELS // 1_000_000)
    return info


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _to_srgb(image: Image.Image, mode: str) -> Image.Image:
    """The pixels in ``mode`` ("RGB", "RGBA" or "L"), converted from the embedded colour
    profile to sRGB when there is one, so the profile itself need not be kept."""
    icc = image.info.get("icc_profile")
    if icc and mode != "L":
        source_mode = "RGBA" if mode == "RGBA" else image.mode
        if source_mode not in ("RGB", "RGBA", "CMYK", "L"):
            source_mode = "RGB"
        try:
            return ImageCms.profileToProfile(
                image if image.mode == source_mode else image.convert(source_mode),
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode=mode,
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # A broken or mismatched profile: the plain conversion below will do.
    return image if image.mode == mode else image.convert(mode)


def normalised(file) -> ContentFile:
    """The uploaded image validated, decoded, turned upright, stripped of all metadata
    and re-encoded in its own format, as a new file named by the server
    (``<uuid4 hex>.<jpg|png|webp>``). Animated images keep their first frame."""
    info = validate_image(file)
    with _open(file) as image:
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, SyntaxError, ValueError) as error:
            raise _refuse("damaged") from error
    if upright.mode.startswith("I"):
        # 16-bit grey (PNG): scale to 8 bits; a plain conversion would clip it to white.
        upright = upright.convert("I").point(lambda value: value * (1 / 257)).convert("L")

    # JPEG has no alpha; WebP has no grey; palettes are expanded (optimize keeps it small).
    if _has_alpha(upright) and info.format != "JPEG":
        mode = "RGBA"
    elif upright.mode in ("1", "L") and info.format != "WEBP":
        mode = "L"
    else:
        mode = "RGB"
    pixels = _to_srgb(upright, mode)
    # Nothing of the original's metadata may reach the encoder: EXIF (GPS), XMP,
    # comments, PNG text chunks and the ICC profile all live in .info.
    pixels.info = {}

    output = io.BytesIO()
    if info.format == "JPEG":
        pixels.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif info.format == "PNG":
        pixels.save(output, "PNG", optimize=True)
    else:
        pixels.save(output, "WEBP", quality=WEBP_QUALITY)

    result = ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{info.extension}")
    result.content_type = info.content_type
    return result


class ProcessedImageFormField(KeepsCheckedUpload, forms.ImageField):
    """An image upload checked and re-encoded by ``normalised()``: cleaning returns the
    new file, so a form saves the server's version or nothing at all."""

    default_error_messages = {**forms.ImageField.default_error_messages, **MESSAGES}

    def to_python(self, data):
        if isinstance(data, KeptImage):
            return data  # checked and re-encoded when it was first sent
        # FileField's checks (empty file, missing name), not ImageField's: it would open
        # the upload with every Pillow decoder, which is what we avoid.
        data = forms.FileField.to_python(self, data)
        if data is None:
            return None
        return normalised(data)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ",".join(mime for _ext, mime in FORMATS.values())
        return attrs


def _name(value) -> str:
    return getattr(value, "name", value) or ""


def delete_unused_image(name: str, storage, using: str = "default") -> bool:
    """Delete a stored image, its renditions and sorl's records of them, unless a row
    still refers to it (a copied row, a revision put back). True if it was deleted."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, ProcessedImageField) and (
                model._base_manager.using(using).filter(**{field.attname: name}).exists()
            ):
                return False
    # sorl deletes the file, then every rendition it recorded for it, then the records.
    thumbnails.backend.delete(ImageFile(name, storage), delete_file=True)
    return True


class ProcessedImageField(models.ImageField):
    """An ImageField whose uploads are checked and normalised before they are stored, and
    whose replaced or deleted files are removed once the change is committed."""

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            signals.post_init.connect(self._remember_stored, sender=cls)
            signals.pre_save.connect(self._find_replaced, sender=cls)
            signals.post_save.connect(self._delete_replaced, sender=cls)
            signals.post_delete.connect(self._delete_stored, sender=cls)

    @property
    def _stored_key(self) -> str:
        return f"_{self.attname}_stored"

    def _remember_stored(self, instance, **kwargs):
        # The name as loaded, so a save that leaves the image alone costs no query.
        if self.attname in instance.__dict__:
            instance.__dict__[self._stored_key] = _name(instance.__dict__[self.attname])

    def _find_replaced(self, instance, raw=False, using="default", update_fields=None, **kw):
        instance.__dict__.pop(f"_{self.attname}_replaced", None)
        if raw or instance._state.adding or instance.pk is None:
            return
        if update_fields is not None and self.name not in update_fields:
            return
        current = _name(getattr(instance, self.attname))
        if instance.__dict__.get(self._stored_key) == current:
            return
        # Changed (or not loaded): what the database holds is what this save replaces.
        stored = (
            type(instance)
            ._base_manager.using(using)
            .filter(pk=instance.pk)
            .values_list(self.attname, flat=True)
            .first()
        )
        if stored and stored != current:
            instance.__dict__[f"_{self.attname}_replaced"] = stored

    def _delete_replaced(self, instance, raw=False, using="default", **kwargs):
        replaced = instance.__dict__.pop(f"_{self.attname}_replaced", None)
        instance.__dict__[self._stored_key] = _name(getattr(instance, self.attname))
        if replaced:
            self._delete_on_commit(replaced, using)

    def _delete_stored(self, instance, using="default", **kwargs):
        name = _name(instance.__dict__.get(self.attname))
        if name:
            self._delete_on_commit(name, using)

    def _delete_on_commit(self, name: str, using: str) -> None:
        storage = self.storage
        # robust: a storage that fails now is logged; the committed change stands.
        transaction.on_commit(
            lambda: delete_unused_image(name, storage, using), using=using, robust=True
        )

    def formfield(self, **kwargs):
        # Not the admin's file widget: this one renders the same, and keeps the upload.
        kwargs = {"form_class": ProcessedImageFormField, **kwargs, "widget": KeptImageInput}
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs
