"""Organisations, people, events and visits in the JSON API (intloffice/website/api.py
mounts this router). Everything here has a public page already; the API says no more
than those pages do."""

import datetime as dt
from typing import Literal

from django.db.models import Prefetch
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from intloffice.core import api
from intloffice.core.api import Item, ListQuery

from .models import Event, Organization, Participation, Person

router = Router(tags=["partners"])

ORGANISATION_FIELDS = ("name", "short_name", "city", "description")
PERSON_FIELDS = ("honorific", "name", "position", "bio", "photo_alt")
EVENT_FIELDS = ("name", "venue", "city", "theme", "description", "purpose", "outcomes", "follow_up")
BY_SLUG = ("slug", "pk")
LATEST_FIRST = ("-start", "-pk")
SOONEST_FIRST = ("start", "pk")

OrganisationKind = Literal[tuple(Organization.Kind.values)]
EventKind = Literal[tuple(Event.Kind.values)]
Direction = Literal[tuple(Event.Direction.values)]
EventStatus = Literal[tuple(Event.Status.values)]


class Identifiers(Schema):
    """The organisation's identifiers in registries, where it has them."""

    ror: str | None
    schac: str | None
    erasmus: str | None
    pic: str | None
    wikidata: str | None


class OrganisationOut(Item):
    kind: OrganisationKind
    name: str
    short_name: str
    city: str
    country: str = Field(description="ISO 3166 code, or empty.")
    description: str
    website: str
    logo: str | None
    parent: str | None = Field(description="Slug of the organisation it belongs to.")
    member_count: int | None
    identifiers: Identifiers


class PersonOut(Item):
    honorific: str
    name: str
    position: str
    bio: str
    organisation: str | None = Field(description="Slug of the person's organisation.")
    photo: str | None
    photo_alt: str
    public_contact: str = Field(description="What the person agreed to publish, or empty.")


class Participant(Schema):
    person: str = Field(description="The person's slug.")
    role: str
    organisation: str | None = Field(description="Slug of whom they represented on the day.")


class EventOut(Item):
    kind: EventKind
    name: str
    start: dt.datetime
    end: dt.datetime | None
    timezone: str
    venue: str
    city: str
    country: str = Field(description="ISO 3166 code, or empty.")
    format: Literal[tuple(Event.Format.values)]
    online_url: str = Field(description="Where an online or hybrid event is joined, or empty.")
    status: EventStatus = Field(description="A cancelled event stays listed, as cancelled.")
    previous_start: dt.datetime | None = Field(
        description="The start before the event was last moved, if it was."
    )
    sequence: int = Field(
        description="Raised on every change of time, place or status (iCalendar SEQUENCE)."
    )
    theme: str
    description: str
    purpose: str
    outcomes: str
    follow_up: str
    parent: str | None = Field(description="Slug of the event it is held within.")
    organisers: list[str] = Field(description="Slugs of the organising organisations.")
    direction: Direction | None = Field(description="Of a visit: incoming or outgoing.")
    visiting_organisations: list[str]
    host_organisations: list[str]
    participants: list[Participant]


class OrganisationFilters(ListQuery):
    kind: OrganisationKind | None = None
    country: str | None = Field(None, description="ISO 3166 code, such as CN.")


class PersonFilters(ListQuery):
    partner: str | None = Field(None, description="Slug of the person's organisation.")


class EventFilters(ListQuery):
    partner: str | None = Field(
        None, description="Slug of an organisation that organised, hosted, visited or took part."
    )
    country: str | None = Field(None, description="ISO 3166 code, such as CN.")
    kind: EventKind | None = None
    status: EventStatus | None = None
    year: int | None = api.year_field("Year it starts.")
    when: Literal["upcoming", "past"] | None = Field(
        None, description="Upcoming (not yet over, soonest first) or past (latest first)."
    )


class VisitFilters(ListQuery):
    direction: Direction | None = None
    partner: str | None = Field(None, description="Slug of a visiting or host organisation.")
    year: int | None = api.year_field("Year it starts.")


def identifiers(organization) -> dict:
    return {
        "ror": organization.ror_id or None,
        "schac": organization.schac_code or None,
        "erasmus": organization.erasmus_code or None,
        "pic": organization.pic or None,
        "wikidata": organization.wikidata_id or None,
    }


def organisation_items(request, organizations, language: str) -> list[dict]:
    states = api.translation_states(organizations)
    return [
        {
            **api.common(request, organization, language, ORGANISATION_FIELDS, states),
            "kind": organization.kind,
            "country": organization.country.code or "",
            "website": organization.website,
            "logo": api.absolute_file_url(request, organization.logo),
            "parent": organization.parent.slug if organization.parent else None,
            "member_count": organization.member_count,
            "identifiers": identifiers(organization),
        }
        for organization in organizations
    ]


def person_items(request, people, language: str) -> list[dict]:
    states = api.translation_states(people)
    return [
        {
            **api.common(request, person, language, PERSON_FIELDS, states),
            "organisation": person.organization.slug if person.organization else None,
            "photo": api.absolute_file_url(request, person.photo),
            "public_contact": person.public_contact,
        }
        for person in people
    ]


def event_items(request, events, language: str) -> list[dict]:
    states = api.translation_states(events)
    return [
        {
            **api.common(request, event, language, EVENT_FIELDS, states),
            "kind": event.kind,
            "start": event.start,
            "end": event.end,
            "timezone": event.timezone,
            "country": event.country.code or "",
            "format": event.format,
            "online_url": event.online_url,
            "status": event.status,
            "previous_start": event.previous_start,
            "sequence": event.sequence,
            "parent": event.parent.slug if event.parent else None,
            "organisers": [o.slug for o in event.organizers.all()],
            "direction": event.direction or None,
            "visiting_organisations": [o.slug for o in event.visiting_organizations.all()],
            "host_organisations": [o.slug for o in event.host_organizations.all()],
            "participants": [
                {
                    "person": participation.person.slug,
                    "role": api.translated(participation, "role", language),
                    "organisation": participation.organization.slug
                    if participation.organization
                    else None,
                }
                for participation in event.participations.all()
            ],
        }
        for event in events
    ]


def organisations():
    return Organization.objects.select_related("parent")


def people():
    return Person.objects.select_related("organization")


def events():
    participations = Participation.objects.select_related("person", "organization").order_by(
        "person__slug"
    )
    return Event.objects.select_related("parent").prefetch_related(
        "organizers",
        "visiting_organizations",
        "host_organizations",
        Prefetch("participations", queryset=participations),
    )


def involving(queryset, slug: str):
    """Events the organisation with this slug took part in (none if there is no such)."""
    organization = Organization.objects.filter(slug=slug).first()
    return queryset.involving(organization) if organization else queryset.none()


@router.get(
    "/organisations/",
    response={200: api.page_schema(OrganisationOut), **api.LIST_ERRORS},
    summary="Organisations: partners, associations and the university's own, by slug",
)
def organisation_list(request, response: HttpResponse, query: Query[OrganisationFilters]):
    found = organisations()
    if query.kind:
        found = found.filter(kind=query.kind)
    if query.country:
        found = found.filter(country=query.country.upper())
    return api.list_page(request, response, found, query, BY_SLUG, organisation_items)


@router.get(
    "/organisations/{slug}/",
    response={200: OrganisationOut, **api.DETAIL_ERRORS},
    summary="One organisation",
)
def organisation_detail(request, response: HttpResponse, slug: str, query: Query[api.DetailQuery]):
    return api.one(request, response, organisations(), slug, query.lang, organisation_items)


@router.get(
    "/people/",
    response={200: api.page_schema(PersonOut), **api.LIST_ERRORS},
    summary="People, by slug",
)
def person_list(request, response: HttpResponse, query: Query[PersonFilters]):
    found = people()
    if query.partner:
        found = found.filter(organization__slug=query.partner)
    return api.list_page(request, response, found, query, BY_SLUG, person_items)


@router.get(
    "/people/{slug}/",
    response={200: PersonOut, **api.DETAIL_ERRORS},
    summary="One person",
)
def person_detail(request, response: HttpResponse, slug: str, query: Query[api.DetailQuery]):
    return api.one(request, response, people(), slug, query.lang, person_items)


@router.get(
    "/events/",
    response={200: api.page_schema(EventOut), **api.LIST_ERRORS},
    summary="Events of every kind, visits included, latest first (upcoming: soonest first)",
)
def event_list(request, response: HttpResponse, query: Query[EventFilters]):
    found = events()
    if query.partner:
        found = involving(found, query.partner)
    if query.country:
        found = found.filter(country=query.country.upper())
    if query.kind:
        found = found.filter(kind=query.kind)
    if query.status:
        found = found.filter(status=query.status)
    if query.year:
        found = found.filter(start__year=query.year)
    order = LATEST_FIRST
    if query.when == "upcoming":
        found, order = found.upcoming(), SOONEST_FIRST
    elif query.when == "past":
        found = found.past()
    return api.list_page(request, response, found, query, order, event_items)


@router.get(
    "/events/{slug}/",
    response={200: EventOut, **api.DETAIL_ERRORS},
    summary="One event",
)
def event_detail(request, response: HttpResponse, slug: str, query: Query[api.DetailQuery]):
    return api.one(request, response, events(), slug, query.lang, event_items)


@router.get(
    "/visits/",
    response={200: api.page_schema(EventOut), **api.LIST_ERRORS},
    summary="Visits (events of the kind visit), latest first",
)
def visit_list(request, response: HttpResponse, query: Query[VisitFilters]):
    found = events().filter(kind=Event.Kind.VISIT)
    if query.direction:
        found = found.filter(direction=query.direction)
    if query.partner:
        found = involving(found, query.partner)
    if query.year:
        found = found.filter(start__year=query.year)
    return api.list_page(request, response, found, query, LATEST_FIRST, event_items)


@router.get(
    "/visits/{slug}/",
    response={200: EventOut, **api.DETAIL_ERRORS},
    summary="One visit",
)
def visit_detail(request, response: HttpResponse, slug: str, query: Query[api.DetailQuery]):
    visits = events().filter(kind=Event.Kind.VISIT)
    return api.one(request, response, visits, slug, query.lang, event_items)
