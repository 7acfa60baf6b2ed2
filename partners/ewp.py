"""Institution data in the Erasmus Without Paper (EWP) formats: the Institutions API
(2.2.0), the Organizational Units API (2.1.0) and the Mobility Factsheet API (1.2.0).

This is data in their format for whoever asks, not a node of the EWP network (no registry
manifest, no HTTP signatures: README.md, "Erasmus Without Paper"). What is served:

* institutions: the host university and the partners with a SCHAC code
  (``Organization.objects.institutions()``), by their SCHAC code (``hei_id``);
* units: an institution itself (the root unit, so that clients see a tree) and the
  organisations that belong to it (``parent``: faculties, offices), by their primary key
  (``ounit_id``: an immutable surrogate key, as EWP asks) or their slug (``ounit_code``);
* factsheet: the host university's only, from the settings (``EWP_FACTSHEET`` and the
  office's contacts): the site keeps no partner's deadlines, and they are not ours to tell.

Everything is public already on the site's pages; no agreement, note or person is read.
Look-ups cost a fixed number of queries whatever the number of ids; builders take
organisations and return the document's bytes.
"""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch, Q
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from .models import Organization

INSTITUTIONS = "https://github.com/erasmus-without-paper/ewp-specs-api-institutions/tree/stable-v2"
OUNITS = "https://github.com/erasmus-without-paper/ewp-specs-api-ounits/tree/stable-v2"
FACTSHEET = "https://github.com/erasmus-without-paper/ewp-specs-api-factsheet/tree/stable-v1"
COMMON = "https://github.com/erasmus-without-paper/ewp-specs-architecture/blob/stable-v1/common-types.xsd"
ADDRESS = "https://github.com/erasmus-without-paper/ewp-specs-types-address/tree/stable-v1"
CONTACT = "https://github.com/erasmus-without-paper/ewp-specs-types-contact/tree/stable-v1"
PHONE = "https://github.com/erasmus-without-paper/ewp-specs-types-phonenumber/tree/stable-v1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The prefixes EWP's own examples use; the response's own namespace is the default one.
for _prefix, _uri in {"ewp": COMMON, "a": ADDRESS, "c": CONTACT, "p": PHONE}.items():
    ET.register_namespace(_prefix, _uri)

# The most ids one request may name (what a manifest would announce as max-hei-ids and
# max-ounit-ids): more is answered 400, so that a request's cost stays bounded.
MAX_HEI_IDS = 100
MAX_OUNIT_IDS = 100

# Characters XML 1.0 cannot carry at all, even escaped: dropped from text.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MONTH_DAY = re.compile(r"(?:--)?(\d{2})-(\d{2})")


class EwpRequestError(ValueError):
    """What is wrong with a request, in one line: answered with HTTP 400."""


def requested(values: list[str], name: str, maximum: int, required: bool = True) -> list[str]:
    """The distinct non-empty values of a repeatable parameter, in the order given."""
    distinct = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if required and not distinct:
        raise EwpRequestError(f"The {name} parameter is required.")
    if len(distinct) > maximum:
        raise EwpRequestError(
            f"At most {maximum} {name} values are accepted; {len(distinct)} were given."
        )
    return distinct


# Look-ups


def units_prefetch() -> Prefetch:
    return Prefetch("children", queryset=Organization.objects.order_by("pk"))


def find_institutions(hei_ids: list[str]) -> list[Organization]:
    """The institutions with these SCHAC codes, in the order asked; unknown codes are left
    out, as the Institutions API says. Two queries."""
    found = {
        organization.schac_code: organization
        for organization in Organization.objects.institutions()
        .filter(schac_code__in=hei_ids)
        .prefetch_related(units_prefetch())
    }
    return [found[hei_id] for hei_id in hei_ids if hei_id in found]


def find_units(hei_id: str, ounit_ids=(), ounit_codes=()) -> list[Organization]:
    """The units of one institution (itself and the organisations that belong to it) with
    these ids or codes, in the order asked; unknown ones are left out. Two queries."""
    institution = Organization.objects.institutions().filter(schac_code=hei_id).first()
    if institution is None:
        raise EwpRequestError(f"Unknown hei_id: {hei_id!r} is not an institution served here.")
    units = Organization.objects.filter(Q(pk=institution.pk) | Q(parent=institution))
    if ounit_codes:
        found = {unit.slug: unit for unit in units.filter(slug__in=ounit_codes)}
        keys = ounit_codes
    else:
        pks = [int(value) for value in ounit_ids if value.isascii() and value.isdigit()]
        found = {str(unit.pk): unit for unit in units.filter(pk__in=pks)}
        keys = ounit_ids
    for unit in found.values():
        unit.institution = institution
    return [found[key] for key in keys if key in found]


def find_factsheets(hei_ids: list[str]) -> list[Organization]:
    """The host university, if it is among these SCHAC codes: the only factsheet the site
    knows. One query."""
    return list(
        Organization.objects.institutions().filter(
            slug=settings.SITE_HOST_ORGANIZATION, schac_code__in=hei_ids
        )
    )


# Documents


def institutions_response(institutions, base_url: str) -> bytes:
    root = ET.Element(f"{{{INSTITUTIONS}}}institutions-response")
    for organization in institutions:
        hei = sub(root, INSTITUTIONS, "hei")
        sub(hei, INSTITUTIONS, "hei-id", organization.schac_code)
        for kind, value in (("erasmus", organization.erasmus_code), ("pic", organization.pic)):
            if value:
                sub(hei, INSTITUTIONS, "other-id", value, type=kind)
        add_names(hei, INSTITUTIONS, "name", organization)
        if organization.short_name_en:
            sub(hei, INSTITUTIONS, "abbreviation", organization.short_name_en)
        add_place(hei, INSTITUTIONS, organization, base_url)
        if organization.is_host():
            add_office_contact(hei)
        sub(hei, INSTITUTIONS, "root-ounit-id", str(organization.pk))
        for unit in [organization, *organization.children.all()]:
            sub(hei, INSTITUTIONS, "ounit-id", str(unit.pk))
    return document(root, INSTITUTIONS)


def ounits_response(units, base_url: str) -> bytes:
    root = ET.Element(f"{{{OUNITS}}}ounits-response")
    for unit in units:
        ounit = sub(root, OUNITS, "ounit")
        sub(ounit, OUNITS, "ounit-id", str(unit.pk))
        sub(ounit, OUNITS, "ounit-code", unit.slug)
        add_names(ounit, OUNITS, "name", unit)
        if unit.short_name_en:
            sub(ounit, OUNITS, "abbreviation", unit.short_name_en)
        if unit.pk != unit.institution.pk:
            sub(ounit, OUNITS, "parent-ounit-id", str(unit.parent_id))
        add_place(ounit, OUNITS, unit, base_url)
    return document(root, OUNITS)


def factsheet_response(institutions) -> bytes:
    facts = settings.EWP_FACTSHEET
    root = ET.Element(f"{{{FACTSHEET}}}factsheet-response")
    for organization in institutions:
        factsheet = sub(root, FACTSHEET, "factsheet")
        sub(factsheet, FACTSHEET, "hei-id", organization.schac_code)
        calendar = sub(factsheet, FACTSHEET, "calendar")
        for element, key in (
            ("student-nominations", "nominations"),
            ("student-applications", "applications"),
        ):
            entry = sub(calendar, FACTSHEET, element)
            sub(entry, FACTSHEET, "autumn-term", month_day(facts[f"{key}_autumn"]))
            sub(entry, FACTSHEET, "spring-term", month_day(facts[f"{key}_spring"]))
        add_information(factsheet, "application-info", facts["application_url"])
        sub(factsheet, FACTSHEET, "decision-weeks-limit", str(int(facts["decision_weeks"])))
        sub(factsheet, FACTSHEET, "tor-weeks-limit", str(int(facts["tor_weeks"])))
        add_information(factsheet, "housing-info", facts["housing_url"])
        add_information(factsheet, "visa-info", facts["visa_url"])
        add_information(factsheet, "insurance-info", facts["insurance_url"])
    return document(root, FACTSHEET)


def error_response(message: str) -> bytes:
    """EWP's envelope for every 4xx: the reason for the client's developer."""
    root = ET.Element(f"{{{COMMON}}}error-response")
    sub(root, COMMON, "developer-message", message)
    return document(root, COMMON)


# Parts


def sub(parent, namespace: str, name: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{namespace}}}{name}", attributes)
    if text is not None:
        element.text = NOT_XML.sub("", str(text))
    return element


def document(root, namespace: str) -> bytes:
    """The bytes, with the document's own namespace as the default one. (ElementTree's
    ``default_namespace`` refuses the unqualified attributes EWP uses, such as ``type``.)"""
    own = f"{{{namespace}}}"
    for element in root.iter():
        element.tag = element.tag.removeprefix(own)
    root.set("xmlns", namespace)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def language_tag(code: str) -> str:
    """A BCP 47 tag as xml:lang writes it: zh-hans is zh-Hans."""
    first, *rest = code.split("-")
    return "-".join([first, *(part.title() if len(part) == 4 else part.upper() for part in rest)])


def add_names(parent, namespace: str, name: str, organization) -> None:
    """The name in each language it is written in (English first, as EWP recommends)."""
    for code, _label in settings.LANGUAGES:
        value = getattr(organization, build_localized_fieldname("name", code))
        if value:
            sub(parent, namespace, name, value, **{XML_LANG: language_tag(code)})


def add_place(parent, namespace: str, organization, base_url: str) -> None:
    """Address, website and logo: the elements the Institutions and Organizational Units
    APIs share, in their order."""
    if organization.city_en or organization.country:
        address = sub(parent, ADDRESS, "street-address")
        if organization.city_en:
            sub(address, ADDRESS, "locality", organization.city_en)
        if organization.country:
            sub(address, ADDRESS, "country", organization.country.code)
    if organization.website:
        sub(parent, namespace, "website-url", organization.website)
    if organization.logo:
        logo = urljoin(base_url, organization.logo.url)
        # EWP takes only a secure address for a logo, which students' browsers load.
        if logo.startswith("https://"):
            sub(parent, namespace, "logo-url", logo)


def add_phone(parent, number: str) -> None:
    phone = sub(parent, PHONE, "phone-number")
    digits = re.sub(r"[\s().-]", "", number)
    if re.fullmatch(r"\+[0-9]{1,15}", digits):
        sub(phone, PHONE, "e164", digits)
    elif number:
        sub(phone, PHONE, "other-format", number)


def add_office_contact(parent) -> None:
    """The international office, as every page's footer shows it."""
    contact = sub(parent, CONTACT, "contact")
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            sub(
                contact,
                CONTACT,
                "contact-name",
                str(settings.SITE_NAME),
                **{XML_LANG: language_tag(code)},
            )
    if settings.OFFICE_PHONE:
        add_phone(contact, settings.OFFICE_PHONE)
    if settings.OFFICE_EMAIL:
        sub(contact, CONTACT, "email", settings.OFFICE_EMAIL)


def add_information(parent, name: str, url: str) -> None:
    entry = sub(parent, FACTSHEET, name)
    sub(entry, FACTSHEET, "email", settings.OFFICE_EMAIL)
    add_phone(entry, settings.OFFICE_PHONE)
    sub(entry, FACTSHEET, "website-url", url)


def month_day(value: str) -> str:
    """A day of the year as XML Schema writes it (--05-15), from a setting such as 05-15."""
    match = MONTH_DAY.fullmatch(str(value).strip())
    try:
        dt.date(2000, int(match[1]), int(match[2]))  # a leap year: 29 February is a day
    except (TypeError, ValueError):
        raise ImproperlyConfigured(
            f"An EWP factsheet date must be a month and day such as 05-15, not {value!r}."
        ) from None
    return f"--{match[1]}-{match[2]}"
