"""A staff member's calendar of agreements' last days: opened by the token in its address
alone, closed when the password changes, the account is deactivated or the permission
taken away; every agreement with a last day in it, public or not; never cached."""

import datetime as dt
import logging
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from agreements import calendar
from agreements.models import Agreement
from tests.factories import make_agreement, make_organization

URL = "/calendars/agreements.ics"


def fetch(client, token):
    return client.get(URL, {"token": token})


def parsed(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@pytest.fixture
def token(editor):
    return calendar.token_for(editor)


def test_the_calendar_holds_every_agreements_last_day(client, editor, token):
    today = timezone.localdate()
    partner = make_organization(name_en="Harbin Institute of Technology")
    public = make_agreement(parties=[partner], title_en="Student exchange with HIT")
    hidden = make_agreement(
        title_en="Unpublished research agreement",
        published=False,
        reference="RA-2024/7",
        notes="SENTINEL private note",
        valid_until=today + dt.timedelta(days=30),
    )
    draft = make_agreement(title_en="Draft", signed_on=None, published=False)
    ended = make_agreement(title_en="Ended", terminated_on=today - dt.timedelta(days=1))
    make_agreement(title_en="Open-ended", valid_until=None)
    response = fetch(client, token)
    cal = parsed(response)
    events = {event["UID"]: event for event in cal.events}
    assert set(events) == {
        f"agreement-{agreement.pk}-last-day@testserver"
        for agreement in (public, hidden, draft, ended)
    }
    event = events[f"agreement-{public.pk}-last-day@testserver"]
    assert event["SUMMARY"] == "Last day of the agreement: Student exchange with HIT"
    assert event.start == public.valid_until  # a date: all day
    assert event.end == public.valid_until + dt.timedelta(days=1)
    assert event.sequence == public.version
    assert event.last_modified and event["DTSTAMP"]
    assert "Harbin Institute of Technology" in event["DESCRIPTION"]
    assert event["STATUS"] == "CONFIRMED"
    assert event["URL"] == f"http://testserver/admin/agreements/agreement/{public.pk}/change/"
    hidden_event = events[f"agreement-{hidden.pk}-last-day@testserver"]
    assert "RA-2024/7" in hidden_event["DESCRIPTION"]
    assert events[f"agreement-{draft.pk}-last-day@testserver"]["STATUS"] == "TENTATIVE"
    assert events[f"agreement-{ended.pk}-last-day@testserver"]["STATUS"] == "CANCELLED"
    assert b"SENTINEL" not in response.content  # the notes stay in the admin


def test_a_change_of_date_keeps_the_uid_and_raises_the_sequence(client, editor, token):
    agreement = make_agreement()
    before = parsed(fetch(client, token)).events[0]
    # As a save from the admin's form does (intloffice.core.versioning).
    agreement = Agreement.objects.get(pk=agreement.pk)
    agreement.valid_until += dt.timedelta(days=365)
    agreement.version += 1
    agreement.save()
    after = parsed(fetch(client, token)).events[0]
    assert after["UID"] == before["UID"]
    assert after.sequence == before.sequence + 1
    assert after.start == agreement.valid_until


def test_the_calendar_is_never_cached(client, editor, token, settings):
    settings.PAGE_CACHE_SECONDS = 300
    make_agreement()
    for _ in range(2):
        response = fetch(client, token)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "bad",
    ["", "nonsense", "1", "1:forged", "99999999999999999999:x", "../../etc:passwd"],
)
def test_a_made_up_token_is_404(client, editor, bad):
    response = fetch(client, bad)
    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"
    assert b"VCALENDAR" not in response.content


def test_another_users_token_with_this_users_id_is_404(client, editor, publisher):
    stolen = calendar.token_for(publisher)
    _pk, _sep, signature = stolen.partition(":")
    assert fetch(client, f"{editor.pk}:{signature}").status_code == 404
    assert fetch(client, stolen).status_code == 200


def test_changing_the_password_ends_the_old_address(client, editor, token):
    assert fetch(client, token).status_code == 200
    editor.set_password("another-long-enough-password")
    editor.save()
    assert fetch(client, token).status_code == 404
    assert fetch(client, calendar.token_for(editor)).status_code == 200


def test_a_deactivated_user_gets_404(client, editor, token):
    get_user_model().objects.filter(pk=editor.pk).update(is_active=False)
    assert fetch(client, token).status_code == 404


def test_a_user_without_the_permission_gets_404(client, editor, token):
    editor.groups.clear()
    assert fetch(client, token).status_code == 404
    # Given it back directly: the same address works again (the password did not change).
    editor.user_permissions.add(Permission.objects.get(codename="view_agreement"))
    assert fetch(client, token).status_code == 200


def test_a_user_who_is_no_longer_staff_gets_404(client, editor, token):
    get_user_model().objects.filter(pk=editor.pk).update(is_staff=False)
    assert fetch(client, token).status_code == 404


def test_the_token_is_never_logged(client, editor, token, caplog):
    caplog.set_level(logging.DEBUG)
    fetch(client, token)
    fetch(client, token + "x")
    _pk, _sep, signature = token.partition(":")
    assert caplog.records  # the refused one is logged...
    assert all(signature not in record.getMessage() for record in caplog.records)
    assert all(signature not in str(getattr(record, "path", "")) for record in caplog.records)


@pytest.mark.parametrize("count", [1, 30])
def test_the_calendar_costs_a_fixed_number_of_queries(
    client, editor, token, django_assert_max_num_queries, count
):
    for _ in range(count):
        make_agreement()
    # The user, their permissions (own and groups'), the agreements and their parties.
    with django_assert_max_num_queries(5):
        assert len(parsed(fetch(client, token)).events) == count


def test_staff_find_their_address_on_the_agreements_list(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:agreements_agreement_changelist")).text
    assert "Subscribe to expiries in your calendar" in html
    address = f"http://testserver{URL}?token="
    assert f'value="{address}' in html
    start = html.index(f'value="{address}') + len('value="')
    found = html[start : html.index('"', start)]
    token = parse_qs(urlsplit(found.replace("&amp;", "&")).query)["token"][0]
    assert token == calendar.token_for(editor)
    assert f'href="webcal://testserver{URL}?token=' in html
    client.logout()
    assert fetch(client, token).status_code == 200
