"""Organisations, people, events and visits in the JSON API: filters, escaping, and a fixed
number of queries however many there are."""

import datetime as dt

import pytest
from django.utils import timezone

from partners.models import Event, Participation
from tests.factories import make_event, make_organization, make_person, make_visit


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


def test_organisations_are_filtered_by_kind_and_country(client, db):
    china = make_organization(country="CN")
    association = make_organization(kind="association", country="RU")
    assert slugs(client.get("/api/v1/organisations/?country=cn")) == [china.slug]
    assert slugs(client.get("/api/v1/organisations/?kind=association")) == [association.slug]
    assert slugs(client.get("/api/v1/organisations/?country=ZZ")) == []
    assert client.get("/api/v1/organisations/?kind=castle").status_code == 400
    item = client.get(f"/api/v1/organisations/{china.slug}/").json()
    assert item["country"] == "CN" and item["kind"] == "university"
    assert item["identifiers"] == dict.fromkeys(["ror", "schac", "erasmus", "pic", "wikidata"])


def test_people_are_filtered_by_partner(client, db):
    partner = make_organization()
    member, other = make_person(organization=partner), make_person()
    assert slugs(client.get(f"/api/v1/people/?partner={partner.slug}")) == [member.slug]
    assert set(slugs(client.get("/api/v1/people/"))) == {member.slug, other.slug}
    item = client.get(f"/api/v1/people/{member.slug}/").json()
    assert item["organisation"] == partner.slug


def test_events_are_filtered_by_partner_country_kind_year_and_time(client, db):
    partner = make_organization()
    now = timezone.now()
    past = make_event(start=now - dt.timedelta(days=400), end=None, country="CN", kind="forum")
    soon = make_event(start=now + dt.timedelta(days=2), end=None)
    later = make_event(start=now + dt.timedelta(days=30), end=None)
    past.organizers.add(partner)
    assert slugs(client.get("/api/v1/events/?when=upcoming")) == [soon.slug, later.slug]
    assert slugs(client.get("/api/v1/events/?when=past")) == [past.slug]
    assert slugs(client.get("/api/v1/events/")) == [later.slug, soon.slug, past.slug]
    assert slugs(client.get(f"/api/v1/events/?partner={partner.slug}")) == [past.slug]
    assert slugs(client.get("/api/v1/events/?partner=nobody")) == []
    assert slugs(client.get("/api/v1/events/?country=CN&kind=forum")) == [past.slug]
    assert slugs(client.get(f"/api/v1/events/?year={past.start.year}")) == [past.slug]
    assert client.get("/api/v1/events/?when=someday").status_code == 400


def test_a_moved_and_cancelled_event_says_so_and_stays_listed(client, db):
    event = make_event(format="hybrid", online_url="https://meet.example.org/summit", end=None)
    start = event.start
    event.start = start + dt.timedelta(days=7)
    event.save()
    moved = client.get(f"/api/v1/events/{event.slug}/").json()
    assert moved["status"] == "scheduled" and moved["sequence"] == 1
    # JSON carries milliseconds.
    assert abs(dt.datetime.fromisoformat(moved["previous_start"]) - start) < dt.timedelta(
        milliseconds=1
    )
    assert moved["online_url"] == "https://meet.example.org/summit"
    event.status = Event.Status.CANCELLED
    event.save()
    cancelled = client.get(f"/api/v1/events/{event.slug}/").json()
    assert cancelled["status"] == "cancelled" and cancelled["sequence"] == 2
    assert slugs(client.get("/api/v1/events/?status=cancelled")) == [event.slug]
    assert slugs(client.get("/api/v1/events/?status=scheduled")) == []
    assert slugs(client.get("/api/v1/events/")) == [event.slug]


def test_visits_carry_their_direction_parties_purpose_and_outcomes(client, db):
    guest, host = make_organization(), make_organization()
    person = make_person(organization=guest)
    incoming = make_visit(
        visiting=[guest],
        hosts=[host],
        delegation=[person],
        purpose_en="Talks.",
        outcomes_en="A plan.",
    )
    outgoing = make_visit(direction="outgoing", hosts=[guest])
    make_event()
    assert set(slugs(client.get("/api/v1/visits/"))) == {incoming.slug, outgoing.slug}
    assert slugs(client.get("/api/v1/visits/?direction=outgoing")) == [outgoing.slug]
    assert set(slugs(client.get(f"/api/v1/visits/?partner={guest.slug}"))) == {
        incoming.slug,
        outgoing.slug,
    }
    item = client.get(f"/api/v1/visits/{incoming.slug}/?lang=zh-hans").json()
    assert item["direction"] == "incoming"
    assert item["visiting_organisations"] == [guest.slug]
    assert item["host_organisations"] == [host.slug]
    assert item["purpose"] == "Talks." and item["language"]["purpose"] == "en"
    assert item["outcomes"] == "A plan."
    assert item["participants"] == [{"person": person.slug, "role": "", "organisation": guest.slug}]
    # An event that is not a visit is not one at the visits' address.
    other = Event.objects.exclude(kind="visit").get()
    assert client.get(f"/api/v1/visits/{other.slug}/").status_code == 404
    assert client.get(f"/api/v1/events/{incoming.slug}/").status_code == 200


def test_a_script_in_names_comes_back_as_json_strings(client, db):
    script = "<script>alert(1)</script>"
    organization = make_organization(name_en=script)
    person = make_person(name_en=script, organization=organization)
    event = make_event(name_en=script)
    for url, slug in (
        ("/api/v1/organisations/", organization.slug),
        ("/api/v1/people/", person.slug),
        ("/api/v1/events/", event.slug),
    ):
        response = client.get(f"{url}{slug}/")
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.json()["name"] == script


@pytest.mark.parametrize("count", [1, 50])
def test_every_partners_list_costs_a_fixed_number_of_queries(
    client, db, settings, django_assert_max_num_queries, count
):
    settings.PAGE_CACHE_SECONDS = 0
    parent = make_organization()
    for _ in range(count):
        organization = make_organization(parent=parent)
        person = make_person(organization=organization)
        visit = make_visit(visiting=[organization], hosts=[parent], delegation=[person])
        visit.organizers.add(parent)
        Participation.objects.filter(event=visit).update(role_en="delegate")
    # The rows with what they link to (one query each), and the translations' states.
    budgets = {
        "/api/v1/organisations/": 2,
        "/api/v1/people/": 2,
        # events, organisers, visiting, hosts, participations with their people, states
        "/api/v1/events/": 6,
        "/api/v1/visits/": 6,
        "/api/v1/events/?when=upcoming": 6,
    }
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            response = client.get(f"{url}{'&' if '?' in url else '?'}limit=100&lang=ru")
        assert response.status_code == 200
        assert len(response.json()["items"]) >= count
