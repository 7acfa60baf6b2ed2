"""Organisations from the Research Organization Registry (ROR, CC0 data): each record read
from a file (schema v2, as https://api.ror.org/v2/organizations/<id> returns it; a file
may also hold a list of them, as the data dump does) creates an organisation or completes
the one it matches.

Reading is pure: ``parse_record(data)`` turns a decoded record into a ``RorRecord`` or
raises ``RorError`` with a one-line reason.

Matching an organisation already here, in this order:
1. the same ROR ID;
2. else, among organisations with no ROR ID (one with another ROR ID is another
   organisation), the same Wikidata ID;
3. else, among those, the same internet domain: the SCHAC code or the website's domain
   (without "www.") equal to one of the record's domains (its website's and ``domains``).
   Equal, not "within": a faculty's or a campus's subdomain must not merge two
   institutions. Two candidates are refused: staff set the ROR ID on the right one in the
   admin, and the next import matches it by that.

Writing: a new organisation gets everything the record has; one that exists gets only what
it lacks. A field staff filled is never overwritten and a name never removed, so staff
corrections survive a re-import, and the same record imported twice changes nothing the
second time. Where ROR says otherwise than a kept field, the report says so.

Names: ROR's English label (or else its display name) is the English name; labels in
Russian and Chinese are the Russian and Chinese names; an English (or language-less)
acronym is the short name. Every other label, acronym and alias becomes one of the
organisation's other names, with its kind and language (English, Russian, Chinese; any
other language is recorded as "any language"), so that articles mentioning it are linked.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from modeltranslation.utils import build_localized_fieldname

from intloffice.core.audit import CommandLine, changed
from intloffice.core.identifiers import normalise_ror, normalise_wikidata
from intloffice.core.slugs import unique_slug

from .models import Organization, OrganizationName

# ROR's organisation types, in the order they decide our kind; the others (facility,
# healthcare, archive, other) have none here: such an organisation is created in the admin,
# and an import then completes it.
KINDS = {
    "education": Organization.Kind.UNIVERSITY,
    "government": Organization.Kind.GOVERNMENT,
    "funder": Organization.Kind.FOUNDATION,
    "company": Organization.Kind.COMPANY,
    "nonprofit": Organization.Kind.FOUNDATION,
}
# ROR names' languages (ISO 639-1) that are languages of this site.
LANGUAGES = {"en": "en", "ru": "ru", "zh": "zh-hans"}
NAME_KINDS = {
    "label": OrganizationName.Kind.LABEL,
    "acronym": OrganizationName.Kind.ACRONYM,
    "alias": OrganizationName.Kind.ALIAS,
}


class RorError(Exception):
    """A record that cannot be imported, with the reason in one line."""


@dataclass(frozen=True)
class RorName:
    value: str
    types: tuple[str, ...]
    language: str  # this site's language code, or "" for any other (or none)

    @property
    def kind(self) -> str:
        for ror_type in ("acronym", "alias", "label"):
            if ror_type in self.types:
                return NAME_KINDS[ror_type]
        return OrganizationName.Kind.LABEL  # ror_display alone


@dataclass
class RorRecord:
    ror_id: str
    names: list[RorName]
    website: str = ""
    domains: list[str] = field(default_factory=list)
    country: str = ""
    city: str = ""
    wikidata_id: str = ""
    kind: str | None = None
    ror_types: list[str] = field(default_factory=list)
    parent_ror_id: str = ""

    def name(self, language: str) -> str:
        """The label in one of this site's languages (the English one, or else the display
        name, for English)."""
        for name in self.names:
            if name.language == language and "label" in name.types:
                return name.value
        if language == "en":
            return next(name.value for name in self.names if "ror_display" in name.types)
        return ""

    def short_name(self) -> str:
        for name in self.names:
            if "acronym" in name.types and name.language in ("", "en"):
                return name.value
        return ""

    def all_domains(self) -> set[str]:
        return {domain for domain in [*self.domains, domain_of(self.website)] if domain}


def domain_of(url: str) -> str:
    """A website's host without "www.": the domain a SCHAC code would be."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


# Reading


def _items(data: dict, key: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise RorError(f"its {key} is not a list")
    return value


def _objects(data: dict, key: str) -> list[dict]:
    items = _items(data, key)
    if not all(isinstance(item, dict) for item in items):
        raise RorError(f"its {key} are not objects")
    return items


def parse_names(data: dict) -> list[RorName]:
    names = []
    for item in _objects(data, "names"):
        value, types = item.get("value"), item.get("types")
        if not isinstance(value, str) or not isinstance(types, list):
            raise RorError("a name has no text value or no list of types")
        value = " ".join(value.split())
        language = LANGUAGES.get(str(item.get("lang") or "").lower().split("-")[0], "")
        if value:
            names.append(RorName(value, tuple(str(t) for t in types), language))
    if not any("ror_display" in name.types for name in names):
        raise RorError("it has no name of type ror_display")
    return names


def parse_record(data) -> RorRecord:
    """A decoded ROR v2 record as a RorRecord; RorError if it is not one."""
    if not isinstance(data, dict):
        raise RorError("not a ROR record (a JSON object with an id and names)")
    if "names" not in data:
        if "name" in data:
            raise RorError(
                "a ROR schema v1 record: download the v2 one "
                "(https://api.ror.org/v2/organizations/<id>)"
            )
        raise RorError("not a ROR v2 record: it has no names")
    try:
        ror_id = normalise_ror(str(data.get("id") or ""))
    except ValidationError:
        raise RorError(f"its id {data.get('id')!r} is not a ROR ID") from None
    status = data.get("status")
    if status == "withdrawn":
        raise RorError(f"{ror_id} is withdrawn from ROR: import the record that replaced it")
    record = RorRecord(ror_id=ror_id, names=parse_names(data))
    for link in _objects(data, "links"):
        if link.get("type") == "website" and isinstance(link.get("value"), str):
            record.website = link["value"].strip()
            break
    record.domains = [str(d).lower().removeprefix("www.") for d in _items(data, "domains")]
    for location in _objects(data, "locations"):
        details = location.get("geonames_details") or {}
        if isinstance(details, dict):
            record.country = str(details.get("country_code") or "").upper()
            record.city = str(details.get("name") or "")
            break
    for external in _objects(data, "external_ids"):
        if external.get("type") == "wikidata":
            candidates = [external.get("preferred"), *_items(external, "all")]
            if value := next((c for c in candidates if c), None):
                try:
                    record.wikidata_id = normalise_wikidata(str(value))
                except ValidationError:
                    raise RorError(f"its Wikidata ID {value!r} is not one") from None
    record.ror_types = [str(t).lower() for t in _items(data, "types")]
    record.kind = next((KINDS[t] for t in KINDS if t in record.ror_types), None)
    for relationship in _objects(data, "relationships"):
        if str(relationship.get("type")).lower() == "parent":
            try:
                record.parent_ror_id = normalise_ror(str(relationship.get("id") or ""))
            except ValidationError:
                raise RorError(f"its parent {relationship.get('id')!r} is no ROR ID") from None
    return record


def read_records(path: Path) -> list[RorRecord]:
    """The records of one file (a record, or a list of them); RorError if any is bad."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RorError("is not UTF-8 text") from None
    except OSError as error:
        raise RorError(f"cannot be read ({error.strerror or error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RorError(f"is not JSON ({error.msg} at line {error.lineno})") from None
    if isinstance(data, list):
        if not data:
            raise RorError("holds no ROR record (an empty list)")
        records = []
        for number, item in enumerate(data, start=1):
            try:
                records.append(parse_record(item))
            except RorError as error:
                raise RorError(f"record {number}: {error}") from None
        return records
    return [parse_record(data)]


# Writing


@dataclass
class Outcome:
    action: str  # "created", "updated" or "unchanged"
    slug: str
    ror_id: str
    filled: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RorReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(outcome.action == action for outcome in self.outcomes)


def find_organization(record: RorRecord) -> Organization | None:
    """The organisation the record describes, if one is here (see the module's doc)."""
    if found := Organization.objects.filter(ror_id=record.ror_id).first():
        return found
    candidates = Organization.objects.filter(ror_id__isnull=True)
    if record.wikidata_id and (found := candidates.filter(wikidata_id=record.wikidata_id).first()):
        return found
    domains = record.all_domains()
    if not domains:
        return None
    matches = [
        organization
        for organization in candidates.exclude(website="", schac_code__isnull=True)
        if organization.schac_code in domains or domain_of(organization.website) in domains
    ]
    if len(matches) > 1:
        slugs = ", ".join(sorted(organization.slug for organization in matches))
        raise RorError(
            f"its domain is that of several organisations ({slugs}): set the ROR ID "
            f"{record.ror_id} on the right one in the admin, then import again"
        )
    return matches[0] if matches else None


class Filler:
    """Sets the fields an organisation lacks, and notes where ROR says otherwise."""

    def __init__(self, organization: Organization):
        self.organization = organization
        self.filled: list[str] = []
        self.notes: list[str] = []

    def fill(self, column: str, value) -> None:
        if not value:
            return
        current = getattr(self.organization, column)
        if not current:
            setattr(self.organization, column, value)
            self.filled.append(column)
        elif str(current) != str(value):
            self.notes.append(f"kept {column} {str(current)!r} (ROR: {str(value)!r})")


def fill_from(organization: Organization, record: RorRecord) -> Filler:
    filler = Filler(organization)
    filler.fill("ror_id", record.ror_id)
    # A name of ROR's that is not kept as the name becomes one of the other names.
    for language in LANGUAGES.values():
        filler.fill(build_localized_fieldname("name", language), record.name(language))
    filler.fill(build_localized_fieldname("short_name", "en"), record.short_name())
    filler.fill("website", record.website)
    filler.fill("country", record.country)
    filler.fill(build_localized_fieldname("city", "en"), record.city)
    if record.kind and organization.kind != record.kind and organization.pk:
        filler.notes.append(f"kept kind {organization.kind!r} (ROR: {', '.join(record.ror_types)})")
    if record.wikidata_id:
        owner = Organization.objects.filter(wikidata_id=record.wikidata_id).exclude(
            pk=organization.pk
        )
        if slug := owner.values_list("slug", flat=True).first():
            filler.notes.append(f"left out Wikidata ID {record.wikidata_id}: it is {slug}'s")
        else:
            filler.fill("wikidata_id", record.wikidata_id)
    parent = None
    if record.parent_ror_id and not organization.parent_id:
        parent = Organization.objects.filter(ror_id=record.parent_ror_id).first()
    if parent:
        organization.parent = parent
        filler.filled.append("parent")
    return filler


def new_names(organization: Organization, record: RorRecord) -> list[OrganizationName]:
    """The record's names that the organisation neither has as its name or short name in
    some language nor among its other names."""
    used = {
        getattr(organization, build_localized_fieldname(field_name, language))
        for field_name in ("name", "short_name")
        for language in LANGUAGES.values()
    }
    existing = set(organization.names.values_list("language", "value"))
    names = []
    for name in record.names:
        if name.value in used or (name.language, name.value) in existing:
            continue
        existing.add((name.language, name.value))
        names.append(
            OrganizationName(
                organization=organization,
                language=name.language,
                kind=name.kind,
                value=name.value,
            )
        )
    return names


def import_record(record: RorRecord) -> Outcome:
    """Create or complete the organisation of one record (inside the caller's transaction)."""
    organization = find_organization(record)
    created = organization is None
    if created:
        if record.kind is None:
            types = ", ".join(record.ror_types) or "none"
            raise RorError(
                f"{record.ror_id} is of ROR type {types}, which has no kind here: add the "
                "organisation in the admin with its ROR ID, then import it again"
            )
        title = record.short_name() or record.name("en")
        organization = Organization(
            kind=record.kind,
            slug=unique_slug(Organization.objects.all(), title, fallback="organization"),
        )
    filler = fill_from(organization, record)
    if created or filler.filled:
        try:
            organization.full_clean()
        except ValidationError as error:
            reasons = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            raise RorError(f"{record.ror_id} cannot be saved ({reasons})") from None
        organization.save()
    names = new_names(organization, record)
    if names:
        OrganizationName.objects.bulk_create(names)
        Organization.objects.filter(pk=organization.pk).refresh_aliases()
        filler.filled.append(f"{len(names)} other name(s)")
    action = "created" if created else "updated" if filler.filled else "unchanged"
    if action != "unchanged":
        changed(
            CommandLine(),
            "add" if created else "change",
            organization,
            f"from ROR {record.ror_id}" + ("" if created else f": {', '.join(filler.filled)}"),
        )
    return Outcome(action, organization.slug, record.ror_id, filler.filled, filler.notes)


def import_ror_files(paths: list[Path]) -> RorReport:
    """Import every record of the files, all or nothing: a bad file or record raises
    RorError naming the file, before anything is written or with everything undone."""
    records = []
    for path in paths:
        try:
            records += [(path, record) for record in read_records(path)]
        except RorError as error:
            raise RorError(f"{path}: {error}") from None
    report = RorReport()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment("Imported from the Research Organization Registry (ROR).")
        for path, record in records:
            try:
                report.outcomes.append(import_record(record))
            except RorError as error:
                raise RorError(f"{path}: {error}") from None
    return report
