"""Building blocks shared by every app's models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A row staff edit in forms: a form opened before someone else's save must not
    overwrite it (intloffice.core.versioning checks the number)."""

    # Raised by one on every save from a form.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
