"""Building blocks shared by every app's models."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def optional_link(to, verbose_name, **options) -> models.ForeignKey:
    """A link that may be empty, and empties itself when what it points to is deleted:
    deleting a category, an organisation or a parent event never deletes what named it."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, null=True, blank=True, on_delete=models.SET_NULL, **options
    )


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
    last_edited_by = optional_link(
        settings.AUTH_USER_MODEL, _("last edited by"), editable=False, related_name="+"
    )

    class Meta:
        abstract = True


# A concrete model of its own module (the rule beside its table): found here by Django.
from .provenance import TranslationState  # noqa: E402, F401
