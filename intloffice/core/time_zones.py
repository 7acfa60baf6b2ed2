"""Time zone names as staff type them (``Asia/Shanghai``)."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not a time zone name such as Europe/Moscow or Asia/Shanghai."),
            params={"value": value},
        ) from None


def zone_or_default(name: str):
    """The zone of that name, or the site's own when there is none (a row written before
    the name was validated, or by a bulk write that skipped validation)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()
