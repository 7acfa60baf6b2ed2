"""Subject areas by the ISCED fields of education and training (ISCED-F 2013, UNESCO), the
codes Erasmus+ and EWP agreements name them by.

A code is a broad field (2 digits, "07"), a narrow field (3, "071") or a detailed field
(4, "0715"). Broad fields run from 00 to 10, and 99 is "field unknown". Within a broad
field, narrow fields are numbered from 1, 8 marks the inter-disciplinary one and 9 "not
elsewhere classified"; detailed fields likewise within a narrow one, and the
inter-disciplinary narrow field has the one detailed field 8 ("0588"). The check follows
that structure rather than a copy of the table, so that no real code is refused.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The eleven broad fields and "unknown", shown beside a code for readers.
BROAD_FIELDS = {
    "00": _("Generic programmes and qualifications"),
    "01": _("Education"),
    "02": _("Arts and humanities"),
    "03": _("Social sciences, journalism and information"),
    "04": _("Business, administration and law"),
    "05": _("Natural sciences, mathematics and statistics"),
    "06": _("Information and communication technologies"),
    "07": _("Engineering, manufacturing and construction"),
    "08": _("Agriculture, forestry, fisheries and veterinary"),
    "09": _("Health and welfare"),
    "10": _("Services"),
    "99": _("Field unknown"),
}
CODE = re.compile(r"(?P<broad>0\d|10)(?P<narrow>[1-9](?P<detailed>[1-9])?)?|99(9(9)?)?")


def is_isced_f_code(code: str) -> bool:
    match = CODE.fullmatch(code)
    if match is None:
        return False
    narrow = match["narrow"]
    # The inter-disciplinary narrow field (…8) has only its detailed field …88.
    return not (narrow and narrow[0] == "8" and match["detailed"] not in (None, "8"))


def validate_isced_f(value: str) -> None:
    if not is_isced_f_code(value):
        raise ValidationError(
            _(
                "Not an ISCED-F 2013 code: give 2 digits for a broad field (07), 3 for a "
                "narrow field (071) or 4 for a detailed field (0715)."
            ),
            code="isced_f",
        )


def broad_field(code: str) -> str:
    """The name of the broad field a code belongs to, or "" for an empty code."""
    return str(BROAD_FIELDS.get(code[:2], "")) if code else ""
