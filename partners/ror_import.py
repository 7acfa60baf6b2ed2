"""Organisations created or completed from ROR records (partners/ror.py reads them):
``import_ror_files(paths)``, all or nothing, for ``manage.py import_ror``.

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
second time. Where ROR says otherwise than a kept field, the report says so. A name of
ROR's that is not kept as the name or short name becomes one of the other names.
"""

from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from modeltranslation.utils import build_localized_fieldname

from intloffice.core import freshness
from intloffice.core.audit import CommandLine, changed
from intloffice.core.slugs import unique_slug

from .models import Organization, OrganizationName
from .ror import LANGUAGES, RorError, RorRecord, domain_of, read_records


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
        freshness.kinds_changed(OrganizationName)  # no signal: pages show the names
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
