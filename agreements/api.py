"""Public agreements in the JSON API (intloffice/website/api.py mounts this router):
``public()`` ones only, and of them only what their public page shows. Never the notes,
the reference number, the signed copy, the responsible person or the reminders: no schema
here has a field for them, so no change of a query can let them through."""

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.utils import translation
from ninja import Field, Query, Router, Schema

from intloffice.core import api
from intloffice.core.api import Item, ListQuery

from .models import Agreement, Status

router = Router(tags=["agreements"])

FIELDS = ("title", "summary")
NEWEST_FIRST = ("-signed_on", "-pk")

AgreementKind = Literal[tuple(Agreement.Kind.values)]
# A public agreement is signed: never a draft.
PublicStatus = Literal[tuple(value for value in Status.values if value != Status.DRAFT)]


class Party(Schema):
    organisation: str = Field(description="The organisation's slug.")
    name: str
    unit: str = Field(description="The faculty or unit that signs for it, or empty.")
    ours: bool = Field(description="The university or one of its offices, not a partner.")


class AgreementOut(Item):
    title: str
    summary: str
    kind: AgreementKind
    status: PublicStatus = Field(description="Where it stands today.")
    signed_on: dt.date
    valid_from: dt.date | None
    valid_until: dt.date | None
    terminated_on: dt.date | None
    academic_years: str
    places_per_year: int | None
    subject_area: str = Field(description="ISCED-F 2013 code, or empty.")
    signing_event: str | None = Field(description="Slug of the event where it was signed.")
    parties: list[Party]


class AgreementFilters(ListQuery):
    partner: str | None = Field(None, description="Slug of an organisation party to it.")
    country: str | None = Field(None, description="ISO 3166 code of a partner's country.")
    kind: AgreementKind | None = None
    status: PublicStatus | None = None


def public_agreements():
    return Agreement.objects.public().select_related("signing_event").with_parties()


def items(request, agreements: list[Agreement], language: str) -> list[dict]:
    states = api.translation_states(agreements, FIELDS)
    found = []
    for agreement in agreements:
        with translation.override(language):
            years = str(agreement.academic_years())
        found.append(
            {
                **api.common(request, agreement, language, FIELDS, states),
                "kind": agreement.kind,
                "status": agreement.status(),
                "signed_on": agreement.signed_on,
                "valid_from": agreement.valid_from,
                "valid_until": agreement.valid_until,
                "terminated_on": agreement.terminated_on,
                "academic_years": years,
                "places_per_year": agreement.places_per_year,
                "subject_area": agreement.subject_area,
                "signing_event": agreement.signing_event.slug if agreement.signing_event else None,
                "parties": [
                    {
                        "organisation": link.organization.slug,
                        "name": api.translated(link.organization, "name", language),
                        "unit": api.translated(link, "unit", language),
                        "ours": link.is_ours(),
                    }
                    for link in agreement.parties_in_order()
                ],
            }
        )
    return found


@router.get(
    "/agreements/",
    response={200: api.page_schema(AgreementOut), **api.LIST_ERRORS},
    summary="Public agreements, latest signed first",
)
def agreement_list(request, response: HttpResponse, query: Query[AgreementFilters]):
    found = public_agreements()
    if query.partner:
        found = found.with_partner(query.partner)
    if query.country:
        found = found.with_partner_country(query.country.upper())
    if query.kind:
        found = found.filter(kind=query.kind)
    if query.status:
        found = found.with_status(query.status)
    return api.list_page(request, response, found, query, NEWEST_FIRST, items)


@router.get(
    "/agreements/{slug}/",
    response={200: AgreementOut, **api.DETAIL_ERRORS},
    summary="One public agreement",
)
def agreement_detail(request, response: HttpResponse, slug: str, query: Query[api.DetailQuery]):
    return api.one(request, response, public_agreements(), slug, query.lang, items)
