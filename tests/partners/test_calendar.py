"""The iCalendar feed of events, fetched through the test client and parsed as calendar
applications do."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from partners.models import Event, Participation
from tests.factories import make_event, make_organization, make_person, make_visit

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


# Changes reach subscribers: the same UID, a higher SEQUENCE, and a cancelled event kept.


def only_event(calendar):
    (event,) = calendar.events
    return event


def test_a_moved_then_cancelled_event_keeps_its_uid_and_raises_its_sequence(client, db):
    start = dt.datetime(2031, 3, 2, 9, tzinfo=SHANGHAI)
    event = make_event(name_en="Rector's visit", start=start, end=None, timezone="Asia/Shanghai")
    before = only_event(fetch_calendar(client))
    assert before["STATUS"] == "CONFIRMED"
    assert before["LAST-MODIFIED"] and before["DTSTAMP"]

    event = Event.objects.get(pk=event.pk)
    event.start = dt.datetime(2031, 3, 9, 9, tzinfo=SHANGHAI)
    event.save()
    moved = only_event(fetch_calendar(client))
    assert moved["UID"] == before["UID"]
    assert moved.sequence == before.sequence + 1
    assert moved.start == dt.datetime(2031, 3, 9, 9, tzinfo=SHANGHAI)
    assert moved["STATUS"] == "CONFIRMED"
    assert moved.last_modified >= before.last_modified

    event = Event.objects.get(pk=event.pk)
    event.status = Event.Status.CANCELLED
    event.save()
    cancelled = only_event(fetch_calendar(client))
    assert cancelled["UID"] == before["UID"]
    assert cancelled.sequence == moved.sequence + 1
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SUMMARY"] == "Cancelled: Rector's visit"


def test_editing_the_description_does_not_raise_the_sequence(client, db):
    event = make_event()
    sequence = only_event(fetch_calendar(client)).sequence
    event = Event.objects.get(pk=event.pk)
    event.description_en = "More about it."
    event.save()
    edited = only_event(fetch_calendar(client))
    assert edited.sequence == sequence
    assert edited["DESCRIPTION"] == "More about it."


def test_an_online_event_carries_its_address(client, db):
    make_event(format="online", online_url="https://meet.example.org/forum")
    event = only_event(fetch_calendar(client))
    assert [conference.uri for conference in event.conferences] == [
        "https://meet.example.org/forum"
    ]
    assert event["LOCATION"] == "https://meet.example.org/forum"


def test_a_hybrid_event_carries_its_place_and_its_address(client, db):
    make_event(
        format="hybrid", venue_en="Main Hall", city_en="Tomsk", online_url="https://tv.example/"
    )
    event = only_event(fetch_calendar(client))
    assert event["LOCATION"] == "Main Hall, Tomsk"
    assert [conference.uri for conference in event.conferences] == ["https://tv.example/"]


def test_an_event_held_in_person_has_no_conference(client, db):
    make_event(city_en="Tomsk")
    event = only_event(fetch_calendar(client))
    assert event.conferences == []
    assert event["LOCATION"] == "Tomsk"


# A partner's own calendar, beside its page.


def partner_calendar_url(organization, language="en"):
    return f"/{language}/partners/{organization.slug}/calendar.ics"


def test_a_partners_calendar_holds_only_the_events_involving_it(client, db):
    partner, other = make_organization(name_en="Partner U"), make_organization()
    organised = make_event(name_en="Organised")
    organised.organizers.add(partner)
    visited = make_visit(name_en="Visited", visiting=[partner])
    hosted = make_visit(name_en="Hosted", hosts=[partner], direction="outgoing")
    attended = make_event(name_en="Attended")
    Participation.objects.create(event=attended, person=make_person(), organization=partner)
    make_event(name_en="Someone else's").organizers.add(other)
    make_event(name_en="Nobody's")
    calendar = fetch_calendar(client, partner_calendar_url(partner))
    assert calendar["X-WR-CALNAME"] == "International Office — Partner U"
    assert {event["SUMMARY"] for event in calendar.events} == {
        "Organised",
        "Visited",
        "Hosted",
        "Attended",
    }
    uids = {event["UID"] for event in fetch_calendar(client).events}
    assert {event["UID"] for event in calendar.events} < uids  # the same events as everywhere
    assert {f"event-{visit.pk}@testserver" for visit in (visited, hosted)} < uids


def test_a_partners_calendar_of_an_unknown_organisation_is_404(client, db):
    assert client.get("/en/partners/nobody/calendar.ics").status_code == 404


def test_a_partners_calendar_is_linked_from_its_page(client, db):
    partner = make_organization()
    page = client.get(partner.get_absolute_url()).text
    assert f'href="{partner_calendar_url(partner)}"' in page


def test_a_partners_calendar_escapes_names_as_calendar_text(client, db):
    partner = make_organization(name_en="<script>alert(1)</script>; U")
    make_event(name_en="Talk, with\nnewline; <b>").organizers.add(partner)
    response = client.get(partner_calendar_url(partner))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    # Values come back exactly: commas, semicolons and line breaks escaped as RFC 5545 says.
    assert calendar["X-WR-CALNAME"] == "International Office — <script>alert(1)</script>; U"
    assert only_event(calendar)["SUMMARY"] == "Talk, with\nnewline; <b>"
    assert b"with\\nnewline\\; <b>" in response.content.replace(b"\r\n ", b"")
    page = client.get(partner.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("count", [1, 30])
def test_a_partners_calendar_costs_two_queries(client, db, django_assert_max_num_queries, count):
    partner = make_organization()
    for number in range(count):
        make_event(timezone=["Asia/Shanghai", "Europe/Moscow"][number % 2]).organizers.add(partner)
    with django_assert_max_num_queries(2):  # the organisation, its events
        calendar = fetch_calendar(client, partner_calendar_url(partner))
    assert len(calendar.events) == count


def test_a_cached_partner_calendar_follows_a_cancellation(client, db):
    partner = make_organization()
    event = make_event(name_en="Joint seminar")
    event.organizers.add(partner)
    url = partner_calendar_url(partner)
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    event = Event.objects.get(pk=event.pk)
    event.status = Event.Status.CANCELLED
    event.save()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert only_event(icalendar.Calendar.from_ical(response.content))["STATUS"] == "CANCELLED"
