"""The year in figures: what the office did with its partners in one calendar year, per
country and per partner, for the yearly internationalisation report.

Counted for year Y (days in the site's time zone), partners being every organisation but
the host university and its offices (``Organization.objects.partners()``):

- visits in / out: visits (events of kind "visit") starting in Y, incoming or outgoing,
  under each partner that visited or hosted;
- agreements signed: agreements signed in Y, under each partner party;
- agreements in force: agreements in force on the last day of Y (today, for the current
  year), as ``AgreementQuerySet.active()`` says;
- agreements ended: agreements that expired or were ended early in Y (by that day);
- events: other events starting in Y, under each partner that organised them;
- articles: published articles whose publication fell in Y, under each partner they name.

A country's figure counts each visit, agreement, event or article once, however many of
its partners are in that country; so does the year's total. Private and draft things are
counted as staff see them (this is a staff report), drafts of articles and unsigned
agreements never.

Seven queries, whatever the number of partners and objects: the partners, then one for
the year's visits, and one for each kind of link, read as (object, partner) pairs.
"""

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from agreements.models import Agreement, AgreementParty
from intloffice.core.charts import bar_chart
from news.models import Article
from partners.models import Event, Organization

MEASURES = {
    "visits_in": _("Visits in"),
    "visits_out": _("Visits out"),
    "agreements_signed": _("Agreements signed"),
    "agreements_active": _("Agreements in force"),
    "agreements_ended": _("Agreements ended"),
    "events": _("Events"),
    "articles": _("Articles"),
}
# What the chart shows of each country (the table shows every measure).
CHARTED = ("visits_in", "visits_out", "agreements_signed", "articles")


@dataclass
class Row:
    """A country's, a partner's or the year's figures: each measure's set of object ids."""

    label: str
    country: str = ""  # ISO code
    url: str = ""
    found: dict[str, set] = field(default_factory=lambda: defaultdict(set))

    def count(self, measure: str) -> int:
        return len(self.found[measure])

    @property
    def counts(self) -> list[int]:
        return [self.count(measure) for measure in MEASURES]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class YearInFigures:
    year: int
    as_of: dt.date  # the last day counted: 31 December, or today in the current year
    total: Row
    by_country: list[Row]
    by_partner: list[Row]

    @property
    def measures(self) -> list:
        return list(MEASURES.values())

    def chart_series(self) -> list[tuple[str, list[int]]]:
        return [(str(MEASURES[m]), [row.count(m) for row in self.by_country]) for m in CHARTED]


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``year`` and of the next, in the site's time zone."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=zone),
        dt.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def year_in_figures(year: int, today: dt.date | None = None) -> YearInFigures:
    today = today or timezone.localdate()
    as_of = min(dt.date(year, 12, 31), today)
    first_day = dt.date(year, 1, 1)
    start, end = year_bounds(year)
    # In the current year, what has happened: up to the end of today.
    end = min(
        end, timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    )

    partners = {
        o.pk: o
        for o in Organization.objects.partners().only("pk", "slug", "name", "short_name", "country")
    }
    links: list[tuple[str, int, int]] = []  # (measure, object id, partner id)

    visits = Event.objects.filter(kind=Event.Kind.VISIT, start__gte=start, start__lt=end)
    direction_of = dict(visits.values_list("pk", "direction"))
    for through in (Event.visiting_organizations.through, Event.host_organizations.through):
        for event_id, organization_id in through.objects.filter(
            event_id__in=list(direction_of)
        ).values_list("event_id", "organization_id"):
            measure = (
                "visits_in" if direction_of[event_id] == Event.Direction.INCOMING else "visits_out"
            )
            links.append((measure, event_id, organization_id))

    # Each signed agreement's parties, with whether it was signed, in force or ended in the
    # year (one query: the statuses are AgreementQuerySet's, as subqueries).
    agreements = Agreement.objects.exclude(signed_on__isnull=True)
    active = agreements.active(today=as_of).values("pk")
    ended = (agreements.expired(today=as_of) | agreements.terminated(today=as_of)).filter(
        Q(valid_until__range=(first_day, as_of)) | Q(terminated_on__range=(first_day, as_of))
    )
    parties = AgreementParty.objects.filter(agreement__in=agreements).annotate(
        in_force=Exists(active.filter(pk=OuterRef("agreement_id"))),
        ended=Exists(ended.filter(pk=OuterRef("agreement_id"))),
    )
    for agreement_id, organization_id, signed_on, in_force, has_ended in parties.values_list(
        "agreement_id", "organization_id", "agreement__signed_on", "in_force", "ended"
    ):
        if signed_on and first_day <= signed_on <= as_of:
            links.append(("agreements_signed", agreement_id, organization_id))
        if in_force:
            links.append(("agreements_active", agreement_id, organization_id))
        if has_ended:
            links.append(("agreements_ended", agreement_id, organization_id))

    for event_id, organization_id in (
        Event.organizers.through.objects.filter(event__start__gte=start, event__start__lt=end)
        .exclude(event__kind=Event.Kind.VISIT)
        .values_list("event_id", "organization_id")
    ):
        links.append(("events", event_id, organization_id))

    published = Article.objects.published().filter(publish_at__gte=start, publish_at__lt=end)
    for article_id, organization_id in Article.organizations.through.objects.filter(
        article__in=published
    ).values_list("article_id", "organization_id"):
        links.append(("articles", article_id, organization_id))

    return tally(year, as_of, partners, links)


def tally(year, as_of, partners: dict, links) -> YearInFigures:
    total = Row(label=str(_("All partners")))
    by_partner: dict[int, Row] = {}
    by_country: dict[str, Row] = {}
    for measure, object_id, organization_id in links:
        partner = partners.get(organization_id)
        if partner is None:  # the host university or one of its offices
            continue
        total.found[measure].add(object_id)
        if organization_id not in by_partner:
            by_partner[organization_id] = Row(
                label=str(partner),
                country=partner.country.code or "",
                url=partner.get_absolute_url(),
            )
        by_partner[organization_id].found[measure].add(object_id)
        code = partner.country.code or ""
        if code not in by_country:
            by_country[code] = Row(
                label=countries.name(code) if code else str(_("No country recorded")), country=code
            )
        by_country[code].found[measure].add(object_id)

    def ordered(rows):
        return sorted(rows, key=lambda row: (-row.total, row.label))

    return YearInFigures(
        year=year,
        as_of=as_of,
        total=total,
        by_country=ordered(by_country.values()),
        by_partner=ordered(by_partner.values()),
    )


def as_csv(figures: YearInFigures) -> str:
    """One table: the year's total, each country, then each partner (with its country)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Scope"), _("Country"), _("Partner"), *map(str, MEASURES.values())])
    writer.writerow([_("Year %(year)d") % {"year": figures.year}, "", "", *figures.total.counts])
    for row in figures.by_country:
        writer.writerow([_("Country"), row.label, "", *row.counts])
    for row in figures.by_partner:
        country = countries.name(row.country) if row.country else ""
        writer.writerow([_("Partner"), country, row.label, *row.counts])
    return out.getvalue()


def as_html(figures: YearInFigures) -> str:
    """A page of its own (styles inline, no links out): to send or print."""
    return render_to_string("website/year_in_figures_document.html", context_of(figures))


def context_of(figures: YearInFigures) -> dict:
    return {
        "figures": figures,
        "chart": bar_chart(
            [row.label for row in figures.by_country],
            figures.chart_series(),
            title=str(_("Partners by country, %(year)d") % {"year": figures.year}),
            description=str(
                _(
                    "Visits in and out, agreements signed and articles per country; "
                    "the table gives every figure."
                )
            ),
        ),
    }
