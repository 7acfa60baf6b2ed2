"""Exchange with translators: the fields to translate, written as XLIFF 2.0 and read back.

Why XLIFF 2.0 rather than PO: it is the OASIS standard that translators' tools (memoQ,
Trados, OmegaT, Weblate, Okapi) open as it is, and its metadata module (``mda``) carries what
an import needs to trust a file: which object and field a unit is (model label, primary key,
field name) and the digest of the source text it was made from, so that a text that changed
while the file was out is refused rather than overwritten with a stale translation. PO has
one free comment for all of that, and its msgid must be unique, which two fields with the
same English text are not.

One ``<file>`` per object, one ``<unit>`` per field, one segment each; the target is empty
when the field has no translation yet. A rich-text body is kept as text: its HTML goes
escaped into ``<source>`` and ``<target>`` rather than as XLIFF inline codes, so that what
comes back is exactly the HTML a translator saw (CAT tools show it as text; their HTML
filters are not needed for the short bodies of a news office), and the site's sanitiser
checks it on saving as any edit. Tools may split a unit into several segments: reading joins
them back. XML reads every line end as a line feed: a carriage return does not come back.

Reading refuses, with one line, anything not a well-formed XLIFF 2.x document in the
expected languages, a unit without its object, and a file declaring a DTD or entities (no
entity is ever expanded: the billion laughs and external entities are stopped before the
document is parsed). This module knows no model: the callers map units to objects.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings

NAMESPACE = "urn:oasis:names:tc:xliff:document:2.0"
METADATA = "urn:oasis:names:tc:xliff:metadata:2.0"
VERSIONS = {"2.0", "2.1"}  # 2.1 keeps 2.0's namespace and core
CATEGORY = "intloffice"


class XliffError(ValueError):
    """The file cannot be read or written; the message is one line, for a person."""


@dataclass(frozen=True)
class Unit:
    """One field of one object: ``model`` is a model label ("news.article")."""

    model: str
    pk: str
    field: str
    source: str
    target: str = ""
    digest: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.model, str(self.pk), self.field)


@dataclass(frozen=True)
class Parsed:
    source_language: str
    target_language: str
    units: list[Unit]


def _tag(name: str, namespace: str = NAMESPACE) -> str:
    return f"{{{namespace}}}{name}"


def bcp47(language: str) -> str:
    """The site's code as XLIFF writes languages (BCP 47): zh-hans → zh-Hans."""
    parts = language.split("-")
    return "-".join([parts[0], *(p.title() if len(p) == 4 else p.upper() for p in parts[1:])])


def site_language(value: str) -> str | None:
    codes = {code.lower(): code for code, _name in settings.LANGUAGES}
    return codes.get((value or "").lower())


def _metadata(parent: ET.Element, values: dict[str, str]) -> None:
    group = ET.SubElement(ET.SubElement(parent, "mda:metadata"), "mda:metaGroup", category=CATEGORY)
    for name, value in values.items():
        ET.SubElement(group, "mda:meta", type=name).text = value


def _text(element: ET.Element, text: str, where: str) -> None:
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        raise XliffError(f"{where} holds a control character, which XML cannot carry.")
    element.set("xml:space", "preserve")
    element.text = text


def build(units: list[Unit], source_language: str, target_language: str) -> bytes:
    """An XLIFF 2.0 document (UTF-8) of ``units``, grouped by object in the order given."""
    for language in (source_language, target_language):
        if site_language(language) is None:
            raise XliffError(f"{language!r} is not a language of this site.")
    # Written with literal prefixes: ElementTree's namespace options are global or refuse
    # unqualified attributes.
    root = ET.Element(
        "xliff",
        {"xmlns": NAMESPACE, "xmlns:mda": METADATA},
        version="2.0",
        srcLang=bcp47(source_language),
        trgLang=bcp47(target_language),
    )
    files: dict[tuple[str, str], ET.Element] = {}
    seen = set()
    for unit in units:
        where = f"The field {unit.field} of {unit.model} {unit.pk}"
        if unit.key in seen:
            raise XliffError(f"{where} is given twice.")
        seen.add(unit.key)
        file = files.get(unit.key[:2])
        if file is None:
            file = ET.SubElement(root, "file", id=f"f{len(files) + 1}")
            _metadata(file, {"model": unit.model, "pk": str(unit.pk)})
            files[unit.key[:2]] = file
        element = ET.SubElement(file, "unit", id=unit.field)
        meta = {"field": unit.field, "source-digest": unit.digest}
        _metadata(element, {name: value for name, value in meta.items() if value})
        state = "translated" if unit.target else "initial"
        segment = ET.SubElement(element, "segment", state=state)
        _text(ET.SubElement(segment, "source"), unit.source, where)
        _text(ET.SubElement(segment, "target"), unit.target, where)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _refuse_declarations(data: bytes) -> None:
    """Parse once with expat, refusing any DTD before an entity could be declared or used."""

    def refuse(*_args):
        raise XliffError("The file declares a DTD or entities, which are refused.")

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        message = expat.ErrorString(error.code)
        raise XliffError(
            f"The file is not well-formed XML (line {error.lineno}, "
            f"column {error.offset + 1}: {message})."
        ) from None


def _meta(element: ET.Element) -> dict[str, str]:
    values = {}
    for group in element.findall(f"{_tag('metadata', METADATA)}/{_tag('metaGroup', METADATA)}"):
        if group.get("category") == CATEGORY:
            for meta in group.findall(_tag("meta", METADATA)):
                values[meta.get("type", "")] = meta.text or ""
    return values


def _plain(element: ET.Element, where: str) -> str:
    if len(element):
        raise XliffError(f"{where} holds inline markup, which is not read: keep the text as it is.")
    return element.text or ""


def _read_unit(element: ET.Element, model: str, pk: str) -> Unit:
    meta = _meta(element)
    field = meta.get("field") or element.get("id") or ""
    where = f"The field {field or '?'} of {model} {pk}"
    if not field:
        raise XliffError(f"A unit of {model} {pk} does not say which field it is.")
    sources, targets = [], []
    parts = [p for p in element if p.tag in {_tag("segment"), _tag("ignorable")}]
    if not parts:
        raise XliffError(f"{where} has no segment.")
    for part in parts:
        source = part.find(_tag("source"))
        if source is None:
            raise XliffError(f"{where} has a segment without its source.")
        sources.append(_plain(source, where))
        target = part.find(_tag("target"))
        # An ignorable (white space between segments) keeps its source as its target.
        if target is not None:
            targets.append(_plain(target, where))
        elif part.tag == _tag("ignorable"):
            targets.append(sources[-1])
    return Unit(
        model=model,
        pk=pk,
        field=field,
        source="".join(sources),
        target="".join(targets),
        digest=meta.get("source-digest", ""),
    )


def parse(
    data: bytes, *, source_language: str | None = None, target_language: str | None = None
) -> Parsed:
    """The units of an XLIFF 2.x document, with its languages as the site's codes.

    With ``source_language`` or ``target_language`` given, a file in other languages is
    refused. Raises ``XliffError`` with one line for anything that cannot be trusted.
    """
    _refuse_declarations(data)
    root = ET.fromstring(data)
    if root.tag != _tag("xliff"):
        found = root.tag.split("}")[0].lstrip("{") if "}" in root.tag else "no namespace"
        raise XliffError(f"This is not an XLIFF 2.0 document (its root is in {found}).")
    if root.get("version") not in VERSIONS:
        raise XliffError(f"The file is XLIFF version {root.get('version')!r}; 2.0 is read.")
    languages = []
    for attribute, expected in (("srcLang", source_language), ("trgLang", target_language)):
        value = root.get(attribute, "")
        language = site_language(value)
        if language is None:
            raise XliffError(f"The file's {attribute} {value!r} is not a language of this site.")
        if expected and language != expected:
            raise XliffError(
                f"The file's {attribute} is {bcp47(language)}, not {bcp47(expected)} as expected."
            )
        languages.append(language)
    if languages[0] == languages[1]:
        raise XliffError("The file's source and target languages are the same.")
    units, seen = [], set()
    for file in root.findall(_tag("file")):
        meta = _meta(file)
        model, pk = meta.get("model", ""), meta.get("pk", "")
        if not model or not pk:
            raise XliffError(f"The file element {file.get('id')!r} does not name its object.")
        for element in file.iter(_tag("unit")):
            unit = _read_unit(element, model, pk)
            if unit.key in seen:
                raise XliffError(f"The field {unit.field} of {model} {pk} is in the file twice.")
            seen.add(unit.key)
            units.append(unit)
    if not units:
        raise XliffError("The file holds no unit to import.")
    return Parsed(languages[0], languages[1], units)
