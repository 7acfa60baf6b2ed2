"""Building blocks shared by every app's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


def split_aliases(text: str) -> list[str]:
    """Aliases are stored one per line (a name may itself contain a comma)."""
    return [line.strip() for line in text.splitlines() if line.strip()]
