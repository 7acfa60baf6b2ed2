"""Time zones: the names staff choose from (``Asia/Shanghai``), the names readers read
("China Standard Time (UTC+8)"), and a form mixin for times entered in a chosen zone."""

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
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


# The zones this office's events are held in most, first in the list staff choose from,
# with the names readers know them by in English, Russian and Chinese. Names that do not
# change with the season ("UK time", not "GMT"/"BST"): the offset shown beside says which.
COMMON_ZONES: dict[str, tuple[str, str, str]] = {
    "Europe/Moscow": ("Moscow time", "московское время", "莫斯科时间"),
    "Asia/Shanghai": ("China Standard Time", "пекинское время", "北京时间"),
    "Europe/Kaliningrad": ("Kaliningrad time", "калининградское время", "加里宁格勒时间"),
    "Europe/Samara": ("Samara time", "самарское время", "萨马拉时间"),
    "Asia/Yekaterinburg": ("Yekaterinburg time", "екатеринбургское время", "叶卡捷琳堡时间"),
    "Asia/Omsk": ("Omsk time", "омское время", "鄂木斯克时间"),
    "Asia/Novosibirsk": ("Novosibirsk time", "новосибирское время", "新西伯利亚时间"),
    "Asia/Krasnoyarsk": ("Krasnoyarsk time", "красноярское время", "克拉斯诺亚尔斯克时间"),
    "Asia/Irkutsk": ("Irkutsk time", "иркутское время", "伊尔库茨克时间"),
    "Asia/Yakutsk": ("Yakutsk time", "якутское время", "雅库茨克时间"),
    "Asia/Vladivostok": ("Vladivostok time", "владивостокское время", "符拉迪沃斯托克时间"),
    "Europe/Minsk": ("Minsk time", "минское время", "明斯克时间"),
    "Asia/Almaty": ("Almaty time", "алматинское время", "阿拉木图时间"),
    "Asia/Tashkent": ("Tashkent time", "ташкентское время", "塔什干时间"),
    "Asia/Bishkek": ("Bishkek time", "бишкекское время", "比什凯克时间"),
    "Asia/Ulaanbaatar": ("Ulaanbaatar time", "улан-баторское время", "乌兰巴托时间"),
    "Asia/Hong_Kong": ("Hong Kong time", "гонконгское время", "香港时间"),
    "Asia/Seoul": ("Korea Standard Time", "корейское время", "韩国时间"),
    "Asia/Tokyo": ("Japan Standard Time", "японское время", "日本时间"),
    "Asia/Ho_Chi_Minh": ("Vietnam time", "вьетнамское время", "越南时间"),
    "Asia/Kolkata": ("India Standard Time", "индийское время", "印度标准时间"),
    "Asia/Dubai": ("Gulf Standard Time", "время ОАЭ", "海湾标准时间"),
    "Europe/Istanbul": ("Turkey time", "турецкое время", "土耳其时间"),
    "Europe/Berlin": ("Central European time", "центральноевропейское время", "欧洲中部时间"),
    "Europe/Paris": ("Central European time", "центральноевропейское время", "欧洲中部时间"),
    "Europe/London": ("UK time", "время Великобритании", "英国时间"),
    "America/New_York": ("US Eastern time", "восточное время США", "美国东部时间"),
}
# The column of each language in COMMON_ZONES.
NAME_COLUMNS = {"en": 0, "ru": 1, "zh-hans": 2}
# "Factory" and "localtime" are in the tz database but are no place an event is held.
NOT_PLACES = {"Factory", "localtime"}
# A name with its offset; Chinese text takes full-width brackets.
LABEL_FORMATS = {"zh-hans": "{name}（{offset}）"}
LABEL_FORMAT = "{name} ({offset})"
MINUS = "\N{MINUS SIGN}"


@cache
def zone_names() -> frozenset[str]:
    """Every name staff may choose: the tz database's places."""
    return frozenset(available_timezones() - NOT_PLACES)


def utc_offset(zone, at: dt.datetime) -> str:
    """``UTC+8``, ``UTC+5:30``, ``UTC−3`` or ``UTC``: the zone's offset at that instant
    (it changes with daylight saving time, and sometimes by law)."""
    offset = at.astimezone(zone).utcoffset()
    minutes = round(offset.total_seconds() / 60)
    if not minutes:
        return "UTC"
    hours, minutes = divmod(abs(minutes), 60)
    sign = "+" if offset > dt.timedelta(0) else MINUS
    return f"UTC{sign}{hours}:{minutes:02}" if minutes else f"UTC{sign}{hours}"


def readable_name(zone, language: str | None = None) -> str | None:
    """The name readers know the zone by in that language (the active one by default),
    or None for a zone not in COMMON_ZONES."""
    names = COMMON_ZONES.get(getattr(zone, "key", str(zone)))
    if names is None:
        return None
    return names[NAME_COLUMNS.get(language or get_language(), 0)]


def zone_label(zone, at: dt.datetime, language: str | None = None) -> str:
    """The zone's readable name with its offset at ``at``, "China Standard Time (UTC+8)",
    or the offset alone ("UTC+8") for a zone not in COMMON_ZONES."""
    language = language or get_language()
    offset = utc_offset(zone, at)
    name = readable_name(zone, language)
    if name is None:
        return offset
    return LABEL_FORMATS.get(language, LABEL_FORMAT).format(name=name, offset=offset)


def zone_choices():
    """The common zones, labelled with their readable name and today's offset, then every
    other zone by name: the options of a ``<select>`` (evaluated per form, in its language)."""
    now = timezone.now()
    common = [
        (name, f"{name} — {zone_label(ZoneInfo(name), now)}")
        for name in COMMON_ZONES
        if name in zone_names()
    ]
    others = sorted(zone_names() - COMMON_ZONES.keys())
    return [
        (_("Often used"), common),
        (_("All time zones"), [(name, name) for name in others]),
    ]


class WallClockField(forms.SplitDateTimeField):
    """A date and a time read as the wall-clock time of the current zone.

    ``shown`` is the instant the form was opened with. When the same wall-clock time comes
    back in the same zone, that instant is kept: in the hour the clocks repeat in autumn,
    "01:30" alone does not say which of two instants it is, and Django refuses to guess.
    """

    shown: dt.datetime | None = None

    def compress(self, data_list):
        unchanged = (
            self.shown is not None
            and data_list
            and None not in data_list
            and dt.datetime.combine(*data_list) == timezone.make_naive(self.shown)
        )
        return self.shown if unchanged else super().compress(data_list)


class LocalTimesForm:
    """For a ModelForm whose date-times happen at a place (an event): they are entered and
    shown as the wall-clock time of the zone chosen in ``zone_field`` of the same form, not
    in the site's zone. A submit that changes the zone means the times as typed, in the new
    zone. The instants stored are unchanged by opening and saving the form as it is."""

    zone_field = "timezone"
    local_time_fields: tuple[str, ...] = ("start", "end")
    # What the fields say to the person entering the times (the model's own when None).
    zone_help_text = None
    local_time_help_text = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_field = self.fields[self.zone_field]
        self.fields[self.zone_field] = forms.ChoiceField(
            choices=zone_choices,
            label=model_field.label,
            initial=model_field.initial,
            help_text=self.zone_help_text or model_field.help_text,
        )
        shown_zone = zone_or_default(self.initial.get(self.zone_field) or "")
        for name in self.local_time_fields:
            given = self.fields[name]
            field = self.fields[name] = WallClockField(
                widget=given.widget,
                label=given.label,
                required=given.required,
                help_text=self.local_time_help_text or given.help_text,
            )
            value = self.initial.get(name)
            # Django shows an aware value in the site's zone; a naive one as it is.
            if isinstance(value, dt.datetime) and timezone.is_aware(value):
                field.shown = value
                self.initial[name] = timezone.make_naive(value, shown_zone)

    def entered_zone(self):
        """The zone the form's times are in: the one chosen in this submit, or the one they
        were shown in (unsubmitted, or the choice is not a zone, which is then an error)."""
        chosen = self.data.get(self.add_prefix(self.zone_field))
        if chosen in zone_names():
            return ZoneInfo(chosen)
        return zone_or_default(self.initial.get(self.zone_field) or "")

    def full_clean(self):
        # Django reads a date-time without an offset in the current zone.
        with timezone.override(self.entered_zone()):
            super().full_clean()
