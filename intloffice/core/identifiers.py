"""The identifiers partners are known by in the registries an international office uses,
each read however it is typed or pasted, kept in one normal form, and refused with a
one-line reason when it cannot be one.

- ROR ID (Research Organization Registry, research and funding): ``0``, six characters of
  Crockford's base 32 (digits and letters without i, l, o, u) and two check digits (ISO
  7064 mod 97-10 of the six characters' number). "02x91aj62", "ror.org/02x91aj62" and
  "https://ror.org/02x91aj62" are one ID, kept as the last.
- SCHAC code (Erasmus Without Paper): the institution's internet domain, "spbstu.ru",
  lower-cased.
- Erasmus code (institutions with an Erasmus Charter): country letters padded with spaces
  to three characters, a city of letters and hyphens, two or three digits: "F  PARIS001",
  "D  BERLIN01", "IRLDUBLIN01". People and spreadsheets collapse the spaces, so any spacing
  is read and the normal form restored, as the European University Foundation's ECHE list
  does (github.com/EuropeanUniversityFoundation/eche-api, docs/01_DATA/02_ERASMUS.md).
- PIC (Participant Identification Code, EU Funding & Tenders Portal): nine digits.
- Wikidata ID: "Q" and a number, from "q981237" or the page's address.

The functions are plain (str -> str, or ValidationError) and know no model;
``IdentifierField`` applies one to a model's column. Here in core, not in partners,
because migrations may import only core.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# ROR

ROR_PREFIX = "https://ror.org/"
CROCKFORD_BASE32 = "0123456789abcdefghjkmnpqrstvwxyz"  # no i, l, o, u
ROR_ID = re.compile(r"0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}")
ROR_ADDRESS = re.compile(r"(?:https?://)?(?:www\.)?(?:ror\.org/)?(?P<id>[0-9a-z]+)/?")


def ror_check_digits(characters: str) -> str:
    """The two check digits of a ROR ID's six base-32 characters (ISO 7064 mod 97-10, as
    ROR computes them when it makes an ID)."""
    number = 0
    for character in characters:
        number = number * 32 + CROCKFORD_BASE32.index(character)
    return f"{98 - (number * 100) % 97:02d}"


def normalise_ror(value: str) -> str:
    match = ROR_ADDRESS.fullmatch(value.strip().lower())
    identifier = match["id"] if match else ""
    if not ROR_ID.fullmatch(identifier):
        raise ValidationError(
            _("A ROR ID is a 0 and eight letters and digits, as in https://ror.org/02x91aj62."),
            code="ror",
        )
    if ror_check_digits(identifier[1:7]) != identifier[7:]:
        raise ValidationError(
            _("This ROR ID has a typing error (its check digits do not match): copy it again."),
            code="ror_check_digits",
        )
    return ROR_PREFIX + identifier


# SCHAC

DOMAIN_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
TOP_LEVEL_DOMAIN = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")


def normalise_schac(value: str) -> str:
    domain = value.strip().lower().removesuffix(".")
    labels = domain.split(".")
    if (
        len(domain) > 253
        or len(labels) < 2
        or not all(DOMAIN_LABEL.fullmatch(label) for label in labels)
        or not TOP_LEVEL_DOMAIN.fullmatch(labels[-1])
    ):
        raise ValidationError(
            _("A SCHAC code is an internet domain such as spbstu.ru, without https:// or /."),
            code="schac",
        )
    return domain


# Erasmus

ERASMUS_CITY = r"(?P<city>[A-Z](?:[A-Z-]*[A-Z])?)"
ERASMUS_NUMBER = r" ?(?P<number>[0-9]{1,3})"
# Written with a space after the country letters, or run together (only IRL and LUX, the
# three-letter countries, can be told apart from the city then).
ERASMUS_SPACED = re.compile(f"(?P<country>[A-Z]{{1,3}}) {ERASMUS_CITY}{ERASMUS_NUMBER}")
ERASMUS_JOINED = re.compile(f"(?P<country>IRL|LUX){ERASMUS_CITY}{ERASMUS_NUMBER}")
THREE_LETTER_COUNTRIES = {"IRL", "LUX"}


def normalise_erasmus(value: str) -> str:
    spaced = " ".join(value.upper().replace("_", " ").split())
    match = ERASMUS_SPACED.fullmatch(spaced) or ERASMUS_JOINED.fullmatch(spaced)
    if not match or (len(match["country"]) == 3 and match["country"] not in THREE_LETTER_COUNTRIES):
        raise ValidationError(
            _(
                "An Erasmus code is the country letters, the city and a number, as in "
                "“F  PARIS001” or “D  BERLIN01”."
            ),
            code="erasmus",
        )
    return f"{match['country']:<3}{match['city']}{match['number'].zfill(2)}"


# PIC

PIC = re.compile(r"[0-9]{9}")


def normalise_pic(value: str) -> str:
    digits = "".join(value.split())
    if not PIC.fullmatch(digits):
        raise ValidationError(_("A PIC is nine digits."), code="pic")
    return digits


# Wikidata

WIKIDATA_ADDRESS = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?(?:wikidata\.org/(?:wiki|entity)/)?q(?P<number>[1-9][0-9]*)/?"
)


def normalise_wikidata(value: str) -> str:
    match = WIKIDATA_ADDRESS.fullmatch(value.strip().lower())
    if not match:
        raise ValidationError(
            _("A Wikidata ID is a Q and a number, as in Q981237."), code="wikidata"
        )
    return f"Q{match['number']}"


def wikidata_url(identifier: str) -> str:
    return f"https://www.wikidata.org/wiki/{identifier}"


NORMALISERS = {
    "ror": normalise_ror,
    "schac": normalise_schac,
    "erasmus": normalise_erasmus,
    "pic": normalise_pic,
    "wikidata": normalise_wikidata,
}
MAX_LENGTHS = {"ror": 25, "schac": 253, "erasmus": 20, "pic": 9, "wikidata": 20}
TYPED_LENGTH = 255


class IdentifierField(models.CharField):
    """An optional identifier of one ``scheme`` (a key of NORMALISERS), kept in its normal
    form: a form or ``full_clean()`` normalises what was typed, or refuses it with the
    scheme's reason. Empty is NULL, so that a unique identifier is unique only when set
    (Django's advice for a unique CharField that may be blank).

    Only validation normalises: lookups take the value as given (an admin search for part
    of an ID must not fail validation), and code that writes identifiers without a form
    calls the normaliser itself (partners.ror does).
    """

    def __init__(self, *args, scheme: str, **kwargs):
        self.scheme = scheme
        kwargs.setdefault("max_length", MAX_LENGTHS[scheme])
        kwargs.update(null=True, blank=True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        del kwargs["null"], kwargs["blank"]
        if kwargs.get("max_length") == MAX_LENGTHS[self.scheme]:
            del kwargs["max_length"]
        return (
            name,
            "intloffice.core.identifiers.IdentifierField",
            args,
            {
                **kwargs,
                "scheme": self.scheme,
            },
        )

    def formfield(self, **kwargs):
        # What is typed may be longer than what is kept: an address, spaces.
        return super().formfield(**{"max_length": TYPED_LENGTH, **kwargs})

    def clean(self, value, model_instance):
        if value is None or not str(value).strip():
            return None
        return super().clean(NORMALISERS[self.scheme](str(value)), model_instance)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value is not None and not value.strip():
            # Written as "" by code: stored as NULL, or a second empty one would collide.
            value = None
            setattr(model_instance, self.attname, value)
        return value
