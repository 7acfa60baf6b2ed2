"""The partner map: the world's outline, and on it the countries where partners are.

The outline is data (``partners/data/world.json``, made once from Natural Earth by
``tools/make_world_map.py``; its source and licence are in ``partners/data/README.md``):
one SVG path per country, keyed by ISO 3166-1 alpha-2 code, in a drawing
``width`` x ``height`` units large. The counts are one query, whatever the number of
partners.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import ngettext
from django_countries import countries

from .models import Organization

OUTLINE = Path(__file__).resolve().parent / "data" / "world.json"
# Shades of the brand colour by number of partners: 1, 2 to 9, 10 or more.
SHADES = (1, 2, 10)


@functools.cache
def outline() -> dict:
    """The world's outline, read once per process."""
    return json.loads(OUTLINE.read_text(encoding="utf-8"))


def shade(partners: int) -> int:
    """1 (lightest) to 3 (darkest): the step of SHADES the number reaches."""
    return sum(partners >= step for step in SHADES)


def legend() -> list[tuple[int, str]]:
    """Each shade and what it means, in the active language: "1 partner", "2–9 partners"..."""
    entries = []
    for number, low in enumerate(SHADES, start=1):
        high = SHADES[number] - 1 if number < len(SHADES) else None
        if high is None:
            text = ngettext("%(count)d or more partner", "%(count)d or more partners", low) % {
                "count": low
            }
        elif high == low:
            text = ngettext("%(count)d partner", "%(count)d partners", low) % {"count": low}
        else:
            text = ngettext("%(low)d–%(high)d partner", "%(low)d–%(high)d partners", high) % {
                "low": low,
                "high": high,
            }
        entries.append((number, text))
    return entries


def country_url(code: str) -> str:
    """The partners list showing only those in this country."""
    return f"{reverse('partners:organization_list')}?{urlencode({'country': code})}"


@dataclass(frozen=True)
class PartnerCountry:
    code: str
    name: str  # in the active language
    partners: int
    path: str  # its outline ("" when it is too small to draw at this scale)
    point: tuple[int, int] | None  # where to draw a dot, when it is small

    @property
    def label(self) -> str:
        """What the country's link on the map says: "China: 12 partners"."""
        return ngettext(
            "%(country)s: %(count)d partner", "%(country)s: %(count)d partners", self.partners
        ) % {"country": self.name, "count": self.partners}

    @property
    def on_map(self) -> bool:
        """Whether the outline has it (Gibraltar and Tuvalu, for one, are in the table only)."""
        return bool(self.path or self.point)

    @property
    def shade(self) -> int:
        return shade(self.partners)

    @property
    def url(self) -> str:
        return country_url(self.code)


@dataclass(frozen=True)
class PartnerMap:
    width: int
    height: int
    countries: list[PartnerCountry]  # most partners first
    land: str  # every other country's outline, as one path
    without_country: int  # partners whose country is not recorded: not on the map
    legend: list[tuple[int, str]]


def partners_by_country() -> dict[str, int]:
    """How many partners each country has ("" for those without a country): one query.
    The host university and its own offices are not partners."""
    rows = (
        Organization.objects.partners().values("country").annotate(partners=Count("pk")).order_by()
    )
    return {row["country"]: row["partners"] for row in rows}


def partner_map() -> PartnerMap:
    """The map in the active language: countries named as the reader reads them."""
    world = outline()
    counts = partners_by_country()
    without_country = counts.pop("", 0)
    shapes, points = world["countries"], world["points"]
    found = [
        PartnerCountry(
            code=code,
            name=countries.name(code) or code,
            partners=number,
            path=shapes.get(code, ""),
            point=tuple(points[code]) if code in points else None,
        )
        for code, number in counts.items()
    ]
    found.sort(key=lambda country: (-country.partners, country.name.casefold()))
    land = "".join(path for code, path in shapes.items() if code not in counts)
    return PartnerMap(
        width=world["width"],
        height=world["height"],
        countries=found,
        land=land + world["other"],
        without_country=without_country,
        legend=legend(),
    )
