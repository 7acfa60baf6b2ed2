"""The iCalendar feed of events, fetched through the test client and parsed as calendar
applications do."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.factories import make_event

SHANGHAI = ZoneInfo("Asia/Shanghai")


def fetch_calendar(client, url="/en/events/calendar.ics"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def event_at(calendar, url):
    return next(event for event in calendar.events if event["URL"] == url)


def test_calendar_holds_the_summit_in_xian_time(client, seed_entities):
    calendar = fetch_calendar(client)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "International Office — Events"
    summit = event_at(calendar, "http://testserver/en/events/fifth-aturc-summit-2022/")
    assert summit["SUMMARY"] == "Fifth ATURC Summit"
    start, end = summit.start, summit.end
    assert start == dt.datetime(2022, 6, 9, 9, tzinfo=SHANGHAI)
    assert end == dt.datetime(2022, 6, 9, 18, tzinfo=SHANGHAI)
    assert summit["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert "Science and Technology Innovation Center of Western China" in summit["LOCATION"]
    assert "Xi'an" in summit["LOCATION"]
    assert summit["DESCRIPTION"].startswith("The fifth summit of ATURC")
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Shanghai"]
    assert calendar.get_missing_tzids() == set()


def test_calendar_events_carry_the_properties_rfc_5545_requires(client, seed_entities):
    make_event(name_en="Upcoming visit", timezone="Europe/Moscow", end=None)
    calendar = fetch_calendar(client)
    events = calendar.events
    assert len(events) == 4
    assert {event["SUMMARY"] for event in events} >= {"Upcoming visit", "Fifth ATURC Summit"}
    for event in events:
        assert event["UID"] and event["DTSTART"]
        assert event["DTSTAMP"].to_ical().endswith(b"Z")  # UTC, as RFC 5545 demands
    uids = [event["UID"] for event in events]
    assert len(set(uids)) == len(uids)
    # UIDs are how calendar apps recognise an event again: they do not change between
    # fetches, nor between languages.
    assert [event["UID"] for event in fetch_calendar(client).events] == uids
    assert [event["UID"] for event in fetch_calendar(client, "/ru/events/calendar.ics").events] == (
        uids
    )


def test_calendar_is_in_the_readers_language(client, seed_entities):
    calendar = fetch_calendar(client, "/ru/events/calendar.ics")
    assert calendar["X-WR-CALNAME"] == "Международная служба — Мероприятия"
    summit = event_at(calendar, "http://testserver/ru/events/fifth-aturc-summit-2022/")
    assert summit["SUMMARY"] == "Пятый саммит АТУРК"
    assert "Сиань" in summit["LOCATION"]


def test_calendar_survives_a_mistyped_time_zone(client, db):
    make_event(name_en="Visit", timezone="Mars/Olympus_Mons")
    event = fetch_calendar(client).events[0]
    assert event["SUMMARY"] == "Visit"
    assert str(event.start.tzinfo) == "Europe/Moscow"


@pytest.mark.parametrize("count", [1, 30])
def test_calendar_costs_one_query(client, db, django_assert_max_num_queries, count):
    for number in range(count):
        make_event(timezone=["Asia/Shanghai", "Europe/Moscow"][number % 2])
    with django_assert_max_num_queries(1):
        calendar = fetch_calendar(client)
    assert len(calendar.events) == count
