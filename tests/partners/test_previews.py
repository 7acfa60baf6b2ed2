"""What search engines and link previews see of partner, person and event pages: their
structured data."""

from tests.news.test_previews import structured


def test_event_page_carries_an_event(client, seed_article):
    items = structured(client, "/en/events/fifth-aturc-summit-2022/")
    event = items["Event"]
    assert event["name"] == "Fifth ATURC Summit"
    assert event["startDate"] == "2022-06-09T09:00:00+08:00"  # in the event's own time zone
    assert event["endDate"] == "2022-06-09T18:00:00+08:00"
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert event["organizer"][0]["name"].startswith("Association of Technical Universities")
    assert any(place.get("@type") == "Place" for place in event["location"])


def test_partner_and_person_pages_carry_their_types(client, seed_article):
    assert (
        structured(client, "/en/partners/spbpu/")["CollegeOrUniversity"]["alternateName"] == "SPbPU"
    )
    assert "Organization" in structured(client, "/en/partners/aturc/")
    person = structured(client, "/en/people/dmitry-arseniev/")["Person"]
    assert person["jobTitle"] == "Vice-Rector for International Affairs"
    assert person["honorificPrefix"] == "Professor"


def test_an_event_is_scheduled_until_moved_or_cancelled(client, db):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from partners.models import Event
    from tests.factories import make_event

    shanghai = ZoneInfo("Asia/Shanghai")
    start = dt.datetime(2031, 5, 12, 10, tzinfo=shanghai)
    event = make_event(start=start, end=None, timezone="Asia/Shanghai", city_en="Xi'an")
    url = event.get_absolute_url()
    data = structured(client, url)["Event"]
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert "previousStartDate" not in data
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"

    event = Event.objects.get(pk=event.pk)
    event.start = dt.datetime(2031, 5, 19, 10, tzinfo=shanghai)
    event.save()
    data = structured(client, url)["Event"]
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == "2031-05-12T10:00:00+08:00"
    assert data["startDate"] == "2031-05-19T10:00:00+08:00"
    page = client.get(url).text
    assert "Rescheduled: it was to start on" in page
    assert '<time datetime="2031-05-12T10:00:00+0800">' in page

    event = Event.objects.get(pk=event.pk)
    event.status = Event.Status.CANCELLED
    event.save()
    data = structured(client, url)["Event"]
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["previousStartDate"] == "2031-05-12T10:00:00+08:00"


def test_online_and_hybrid_events_carry_their_attendance_mode_and_address(client, db):
    from tests.factories import make_event

    online = make_event(format="online", online_url="https://meet.example.org/forum")
    data = structured(client, online.get_absolute_url())["Event"]
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {
        "@type": "VirtualLocation",
        "url": "https://meet.example.org/forum",
    }
    hybrid = make_event(format="hybrid", online_url="https://tv.example/", city_en="Tomsk")
    data = structured(client, hybrid.get_absolute_url())["Event"]
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, virtual = data["location"]
    assert place["@type"] == "Place" and place["address"]["addressLocality"] == "Tomsk"
    assert virtual == {"@type": "VirtualLocation", "url": "https://tv.example/"}
    # Its address is on its page too; until it is known, the page stands for it.
    assert 'href="https://tv.example/"' in client.get(hybrid.get_absolute_url()).text
    unknown = make_event(format="online")
    data = structured(client, unknown.get_absolute_url())["Event"]
    assert data["location"]["url"] == f"http://testserver{unknown.get_absolute_url()}"
