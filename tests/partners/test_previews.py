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
