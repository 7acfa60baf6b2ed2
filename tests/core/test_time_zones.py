"""Time zone names for staff and readers (intloffice/core/time_zones.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import override

from intloffice.core.time_zones import (
    COMMON_ZONES,
    readable_name,
    utc_offset,
    zone_choices,
    zone_label,
    zone_names,
)

WINTER = dt.datetime(2031, 1, 15, 12, tzinfo=dt.UTC)
SUMMER = dt.datetime(2031, 7, 15, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "zone, at, offset",
    [
        ("Asia/Shanghai", WINTER, "UTC+8"),
        ("Europe/Moscow", SUMMER, "UTC+3"),
        ("Asia/Kolkata", WINTER, "UTC+5:30"),
        ("Asia/Kathmandu", WINTER, "UTC+5:45"),
        ("America/New_York", WINTER, "UTC\N{MINUS SIGN}5"),
        ("America/New_York", SUMMER, "UTC\N{MINUS SIGN}4"),
        ("America/St_Johns", WINTER, "UTC\N{MINUS SIGN}3:30"),
        ("Europe/London", WINTER, "UTC"),
        ("Europe/London", SUMMER, "UTC+1"),
        ("UTC", SUMMER, "UTC"),
    ],
)
def test_the_offset_is_the_zones_at_that_instant(zone, at, offset):
    assert utc_offset(ZoneInfo(zone), at) == offset


def test_a_common_zone_is_named_in_the_readers_language():
    shanghai = ZoneInfo("Asia/Shanghai")
    assert zone_label(shanghai, WINTER, "en") == "China Standard Time (UTC+8)"
    assert zone_label(shanghai, WINTER, "ru") == "пекинское время (UTC+8)"
    # Chinese text takes full-width brackets.
    assert zone_label(shanghai, WINTER, "zh-hans") == "北京时间（UTC+8）"
    with override("ru"):
        assert zone_label(ZoneInfo("Europe/Berlin"), SUMMER) == (
            "центральноевропейское время (UTC+2)"
        )


def test_a_zone_with_no_name_of_ours_is_its_offset():
    assert readable_name(ZoneInfo("America/Lima"), "en") is None
    assert zone_label(ZoneInfo("America/Lima"), WINTER, "zh-hans") == "UTC\N{MINUS SIGN}5"


def test_a_language_with_no_name_falls_back_to_english():
    assert readable_name(ZoneInfo("Europe/Moscow"), "de") == "Moscow time"


def test_every_common_zone_is_a_zone_named_in_three_languages():
    for name, names in COMMON_ZONES.items():
        assert name in zone_names(), name
        assert len(names) == 3 and all(names), name


def test_the_choices_are_the_common_zones_then_every_other_once():
    with override("en"):
        (often_label, often), (all_label, others) = zone_choices()
    assert (str(often_label), str(all_label)) == ("Often used", "All time zones")
    assert [value for value, _label in often] == list(COMMON_ZONES)
    assert often[1] == ("Asia/Shanghai", "Asia/Shanghai — China Standard Time (UTC+8)")
    values = [value for value, _label in others]
    assert values == sorted(values)
    assert not set(values) & set(COMMON_ZONES)
    assert len(values) + len(often) == len(zone_names())
    # The tz database's entries that are no place are not offered.
    assert "Factory" not in values and "localtime" not in values
    assert {"Europe/Lisbon", "America/Lima", "UTC"} <= set(values)
