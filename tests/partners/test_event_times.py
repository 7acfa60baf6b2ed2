"""An event's times are typed, stored, shown and exported as the time at the event's place:
the admin form (posted as a browser posts it) in the zone chosen in the same form, the
public pages with the zone named as readers know it, the calendar with that zone's TZID."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from partners.models import Event
from tests.factories import make_event, make_organization
from tests.forms import form_fields

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")
SUMMIT = "fifth-aturc-summit-2022"


def admin_url(event=None):
    if event is None:
        return reverse("admin:partners_event_add")
    return reverse("admin:partners_event_change", args=[event.pk])


def opened(client, event=None):
    """The event form's fields as the browser would send them back unchanged."""
    page = client.get(admin_url(event))
    assert page.status_code == 200
    return form_fields(page.text, "event_form")


def text(response) -> str:
    """The page's HTML with entities decoded and each run of white space one space."""
    return re.sub(r"\s+", " ", html.unescape(response.text))


@pytest.fixture
def signed_in(client, publisher):
    client.force_login(publisher)
    return client


def test_nine_oclock_typed_in_shanghai_is_one_oclock_utc_everywhere(signed_in, client):
    form = opened(client)
    form.update(
        {
            "kind": "visit",
            "direction": "outgoing",
            "host_organizations": [str(make_organization(name_en="Xi'an University").pk)],
            "name_en": "Delegation in Xi'an",
            "name_ru": "Делегация в Сиане",
            "name_zh_hans": "西安代表团",
            "city_en": "Xi'an",
            "city_ru": "Сиань",
            "city_zh_hans": "西安",
            "timezone": "Asia/Shanghai",
            "start_0": "2031-06-09",
            "start_1": "09:00",
            "end_0": "2031-06-09",
            "end_1": "18:00",
        }
    )
    response = client.post(admin_url(), form)
    assert response.status_code == 302, response.context and response.context["errors"]
    event = Event.objects.get(name_en="Delegation in Xi'an")
    assert event.start == dt.datetime(2031, 6, 9, 1, 0, tzinfo=UTC)
    assert event.end == dt.datetime(2031, 6, 9, 10, 0, tzinfo=UTC)
    assert event.timezone == "Asia/Shanghai"

    page = text(client.get(f"/en/events/{event.slug}/"))
    assert "June 9, 2031, 9 a.m." in page and "– <time" in page and ">6 p.m.</time>" in page
    assert "local time in Xi'an: China Standard Time (UTC+8)" in page
    assert "Asia/Shanghai" not in page
    page = text(client.get(f"/ru/events/{event.slug}/"))
    assert "9 июня 2031 г. 9:00</time>" in page and ">18:00</time>" in page
    assert "пекинское время (UTC+8)" in page and "Сиань" in page
    page = text(client.get(f"/zh-hans/events/{event.slug}/"))
    assert "2031年6月9日 09:00</time>" in page and ">18:00</time>" in page
    assert "北京时间（UTC+8）" in page and "西安" in page

    calendar = client.get("/en/events/calendar.ics").content.decode().replace("\r\n ", "")
    assert "DTSTART;TZID=Asia/Shanghai:20310609T090000" in calendar
    assert "DTEND;TZID=Asia/Shanghai:20310609T180000" in calendar


def test_the_summit_entered_in_moscow_time_opens_in_xian_time(signed_in, client, seed_entities):
    summit = Event.objects.get(slug=SUMMIT)
    # Stored as an instant; the admin used to show it in the site's zone, 04:00 Moscow.
    assert summit.start == dt.datetime(2022, 6, 9, 1, 0, tzinfo=UTC)
    form = opened(client, summit)
    assert form["timezone"] == "Asia/Shanghai"
    assert (form["start_0"], form["start_1"]) == ("2022-06-09", "09:00:00")
    assert (form["end_0"], form["end_1"]) == ("2022-06-09", "18:00:00")


@pytest.mark.parametrize(
    "zone, start",
    [
        ("Asia/Shanghai", dt.datetime(2022, 6, 9, 1, 0, tzinfo=UTC)),
        ("Europe/Moscow", dt.datetime(2031, 1, 15, 7, 30, tzinfo=UTC)),
        ("Europe/Berlin", dt.datetime(2031, 7, 1, 22, 15, tzinfo=UTC)),  # summer time, next day
        # 01:30 comes twice that night in New York: both instants are kept.
        ("America/New_York", dt.datetime(2031, 11, 2, 5, 30, tzinfo=UTC)),
        ("America/New_York", dt.datetime(2031, 11, 2, 6, 30, tzinfo=UTC)),
        ("Asia/Kolkata", dt.datetime(2031, 3, 3, 3, 0, tzinfo=UTC)),  # UTC+5:30
        ("Mars/Olympus_Mons", dt.datetime(2031, 3, 3, 3, 0, tzinfo=UTC)),  # bulk-written
    ],
)
def test_opening_and_saving_an_existing_event_keeps_its_instants(signed_in, client, zone, start):
    """Rows written before the form knew zones need no change: the form shows their
    instants in their zone and reads them back to the same instants."""
    event = make_event(timezone=zone, start=start, end=start + dt.timedelta(hours=2))
    response = client.post(admin_url(event), opened(client, event))
    assert response.status_code == 302, response.context and response.context["errors"]
    event.refresh_from_db()
    assert (event.start, event.end) == (start, start + dt.timedelta(hours=2))
    # A name that is no zone was shown, and is saved, as the site's own zone.
    assert event.timezone == (zone if zone != "Mars/Olympus_Mons" else "Europe/Moscow")


def test_the_times_typed_with_a_new_zone_are_in_the_new_zone(signed_in, client, seed_entities):
    summit = Event.objects.get(slug=SUMMIT)
    form = opened(client, summit)
    # The editor moves the summit to Moscow and keeps 09:00-18:00 as the times there.
    response = client.post(admin_url(summit), {**form, "timezone": "Europe/Moscow"})
    assert response.status_code == 302, response.context and response.context["errors"]
    summit.refresh_from_db()
    assert summit.start == dt.datetime(2022, 6, 9, 6, 0, tzinfo=UTC)
    assert summit.end == dt.datetime(2022, 6, 9, 15, 0, tzinfo=UTC)
    form = opened(client, summit)
    assert (form["timezone"], form["start_1"], form["end_1"]) == (
        "Europe/Moscow",
        "09:00:00",
        "18:00:00",
    )


def test_a_zone_not_in_the_list_is_a_form_error(signed_in, client, seed_entities):
    summit = Event.objects.get(slug=SUMMIT)
    form = opened(client, summit)
    response = client.post(
        admin_url(summit), {**form, "timezone": "Asia/Shangai", "start_1": "7:00"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["timezone"] == [
        "Select a valid choice. Asia/Shangai is not one of the available choices."
    ]
    summit.refresh_from_db()
    assert summit.start == dt.datetime(2022, 6, 9, 1, 0, tzinfo=UTC)


def test_a_time_that_the_clocks_skip_is_a_form_error(signed_in, client):
    event = make_event(timezone="Europe/Berlin")
    form = opened(client, event)
    # Berlin's clocks went from 02:00 to 03:00 on 30 March 2031.
    form.update({"start_0": "2031-03-30", "start_1": "02:30", "end_0": "", "end_1": ""})
    response = client.post(admin_url(event), form)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["start"]
    assert "2031-03-30 02:30:00 couldn’t be interpreted in time zone Europe/Berlin" in error


def test_the_form_says_which_zone_its_times_are_in(signed_in, client):
    page = client.get(admin_url()).text
    assert page.count("In the event's local time, in the time zone chosen above.") == 2
    # The zone is chosen from a list, the office's usual zones first.
    assert '<select name="timezone"' in page
    often_used = page.index('<optgroup label="Often used">')
    everything = page.index('<optgroup label="All time zones">')
    assert often_used < page.index('value="Asia/Shanghai"') < everything
    assert page.index('<option value="Africa/Abidjan">') > everything
    # A new event starts in the site's zone, and the page's clock (the admin's "Now" link)
    # is that zone's.
    assert '<option value="Europe/Moscow" selected>' in page
    assert 'data-admin-utc-offset="10800"' in page


def test_the_page_clock_of_an_event_form_is_the_events_zone(signed_in, client, seed_entities):
    page = client.get(admin_url(Event.objects.get(slug=SUMMIT))).text
    assert 'data-admin-utc-offset="28800"' in page


def test_the_event_list_in_the_admin_shows_local_times(signed_in, client, seed_entities):
    page = client.get(reverse("admin:partners_event_changelist")).text
    assert '<td class="field-local_start">June 9, 2022, 9 a.m. UTC+8</td>' in page
    assert '<td class="field-local_end">June 9, 2022, 6 p.m. UTC+8</td>' in page


@pytest.mark.parametrize(
    "language, shown",
    [
        ("en", "June 9, 2022, 9 a.m.</time> China Standard Time (UTC+8) · <span>Xi'an"),
        ("ru", "9 июня 2022 г. 9:00</time> пекинское время (UTC+8) · <span>Сиань"),
        ("zh-hans", "2022年6月9日 09:00</time> 北京时间（UTC+8） · <span>西安"),
    ],
)
def test_event_lists_show_the_local_time_and_zone(client, seed_entities, language, shown):
    assert shown in text(client.get(f"/{language}/events/"))


def test_search_results_show_the_local_time_and_zone(client, seed_entities):
    page = text(client.get("/en/search/?q=summit"))
    assert (
        '<time datetime="2022-06-09T09:00:00+0800">June 9, 2022, 9 a.m.</time>'
        " China Standard Time (UTC+8) · <span>Xi'an</span>"
    ) in page


def test_a_zone_with_no_name_of_ours_is_shown_by_its_offset(client, db):
    event = make_event(
        timezone="America/Lima",
        start=dt.datetime(2031, 5, 5, 15, 0, tzinfo=UTC),
        end=None,
        city_en="Lima",
    )
    page = text(client.get(event.get_absolute_url()))
    assert "May 5, 2031, 10 a.m.</time>" in page
    assert "local time in Lima: UTC\N{MINUS SIGN}5" in page


def test_the_city_in_the_zone_note_is_escaped_and_marked_in_its_language(client, db):
    event = make_event(timezone="Asia/Shanghai", city_en="<b>Xi'an</b>")
    page = client.get(f"/ru/events/{event.slug}/").text
    assert "<b>Xi" not in page
    # "местное время, <city>: <zone>": the city escaped, in a span that says its language.
    assert '<span lang="en">&lt;b&gt;Xi&#x27;an&lt;/b&gt;</span>:' in page
