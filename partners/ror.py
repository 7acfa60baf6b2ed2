"""Records of the Research Organization Registry (ROR, CC0 data), read: schema v2, as
https://api.ror.org/v2/organizations/<id> returns one, or a list of them, as the data dump
holds them. Pure: ``parse_record(data)`` turns a decoded record into a ``RorRecord`` or
raises ``RorError`` with a one-line reason; ``read_records(path)`` does so for a file.
partners/ror_import.py writes them.

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

from django.core.exceptions import ValidationError

from intloffice.core.identifiers import normalise_ror, normalise_wikidata

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
