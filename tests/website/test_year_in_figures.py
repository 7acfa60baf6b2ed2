"""The year in figures: every number checked against the database, counted again here by
plain queries; the command's CSV and HTML, its errors; the admin's page for staff only."""

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone

from agreements.models import Agreement
from intloffice.website.year_in_figures import MEASURES, year_in_figures
from news.models import Article
from partners.models import Event, Organization
from tests.factories import make_agreement, make_article, make_event, make_organization, make_visit

YEAR = 2025
MOSCOW = timezone.get_fixed_timezone(180)


def at(month, day, hour=12):
    return dt.datetime(YEAR, month, day, hour, tzinfo=MOSCOW)


@pytest.fixture
def world(db):
    """A year with partners in China (two), Kazakhstan and nowhere, the host university,
    and things in the year, before it and after it, public and not."""
    us = make_organization(slug="spbpu", name_en="Polytechnic", country="RU")
    office = make_organization(name_en="Our office in Shanghai", country="CN", parent=us)
    xjtu = make_organization(name_en="Xi'an Jiaotong", country="CN")
    hit = make_organization(name_en="Harbin Tech", country="CN")
    kaznu = make_organization(name_en="KazNU", country="KZ")
    aturc = make_organization(name_en="ATURC", kind="association")
    # Visits: one from two Chinese partners (once for China), one of ours to Kazakhstan,
    # one on New Year's Eve at 23:30 Moscow time (in the year), one the year before.
    make_visit(visiting=[xjtu, hit], hosts=[us], start=at(3, 1))
    make_visit(direction=Event.Direction.OUTGOING, visiting=[us], hosts=[kaznu], start=at(5, 5))
    make_visit(visiting=[kaznu], hosts=[office], start=at(12, 31, 23))
    make_visit(visiting=[xjtu], hosts=[us], start=dt.datetime(YEAR - 1, 12, 31, 23, tzinfo=MOSCOW))
    # Events: a summit organised by ATURC and XJTU; a forum of ours alone; one next year.
    make_event(start=at(6, 9)).organizers.set([aturc, xjtu])
    make_event(start=at(7, 1)).organizers.set([us])
    make_event(start=dt.datetime(YEAR + 1, 1, 2, tzinfo=MOSCOW)).organizers.set([hit])
    # Agreements: signed in the year (in force at its end); ended in the year; ended early;
    # a draft; signed next year; in force throughout (signed before, ends after).
    make_agreement(
        parties=[us, xjtu], signed_on=dt.date(YEAR, 4, 1), valid_until=dt.date(YEAR + 4, 3, 31)
    )
    make_agreement(
        parties=[us, kaznu], signed_on=dt.date(YEAR - 5, 1, 1), valid_until=dt.date(YEAR, 6, 30)
    )
    make_agreement(
        parties=[us, hit, xjtu],
        signed_on=dt.date(YEAR - 1, 1, 1),
        valid_until=dt.date(YEAR + 3, 1, 1),
        terminated_on=dt.date(YEAR, 9, 1),
    )
    make_agreement(parties=[us, hit], signed_on=None, published=False)
    make_agreement(
        parties=[us, aturc], signed_on=dt.date(YEAR + 1, 2, 1), valid_until=dt.date(YEAR + 6, 1, 1)
    )
    make_agreement(
        parties=[us, aturc],
        signed_on=dt.date(YEAR - 2, 1, 1),
        valid_until=dt.date(YEAR + 2, 1, 1),
        published=False,
    )
    # Articles: two in the year, one a draft, one the year before.
    make_article(organizations=[xjtu, hit, us], publish_at=at(3, 2))
    make_article(organizations=[kaznu], publish_at=at(8, 8))
    make_article(organizations=[xjtu], status=Article.Status.DRAFT, publish_at=at(8, 9))
    make_article(organizations=[xjtu], publish_at=dt.datetime(YEAR - 1, 6, 1, tzinfo=MOSCOW))
    return {"xjtu": xjtu, "hit": hit, "kaznu": kaznu, "aturc": aturc}


def counted_in_the_database(partners) -> dict[str, int]:
    """Each measure for a set of partners, by plain queries (distinct objects)."""
    start = dt.datetime(YEAR, 1, 1, tzinfo=MOSCOW)
    end = dt.datetime(YEAR + 1, 1, 1, tzinfo=MOSCOW)
    as_of = dt.date(YEAR, 12, 31)
    visits = Event.objects.filter(kind=Event.Kind.VISIT, start__gte=start, start__lt=end).filter(
        Q(visiting_organizations__in=partners) | Q(host_organizations__in=partners)
    )
    agreements = Agreement.objects.filter(parties__in=partners).exclude(signed_on=None)
    ended = agreements.filter(
        Q(valid_until__range=(dt.date(YEAR, 1, 1), as_of))
        | Q(terminated_on__range=(dt.date(YEAR, 1, 1), as_of))
    )
    return {
        "visits_in": visits.filter(direction="incoming").distinct().count(),
        "visits_out": visits.filter(direction="outgoing").distinct().count(),
        "agreements_signed": agreements.filter(signed_on__year=YEAR).distinct().count(),
        "agreements_active": agreements.filter(
            signed_on__lte=as_of, valid_until__gte=as_of, terminated_on=None
        )
        .distinct()
        .count(),
        "agreements_ended": ended.distinct().count(),
        "events": Event.objects.exclude(kind=Event.Kind.VISIT)
        .filter(start__gte=start, start__lt=end, organizers__in=partners)
        .distinct()
        .count(),
        "articles": Article.objects.published()
        .filter(publish_at__gte=start, publish_at__lt=end, organizations__in=partners)
        .distinct()
        .count(),
    }


def figures_of(row) -> dict[str, int]:
    return dict(zip(MEASURES, row.counts, strict=True))


def test_every_number_matches_the_database(world, settings, django_assert_max_num_queries):
    settings.TIME_ZONE = "Europe/Moscow"
    with django_assert_max_num_queries(7):
        figures = year_in_figures(YEAR, today=dt.date(YEAR + 1, 3, 1))
    assert figures.as_of == dt.date(YEAR, 12, 31)
    partners = Organization.objects.partners()
    assert figures_of(figures.total) == counted_in_the_database(partners)
    for row in figures.by_partner:
        partner = partners.get(name_en=row.label)
        assert figures_of(row) == counted_in_the_database([partner]), row.label
    for row in figures.by_country:
        in_country = (
            partners.filter(country=row.country) if row.country else partners.filter(country="")
        )
        assert figures_of(row) == counted_in_the_database(in_country), row.label
    # And the numbers a person checks by hand: China had one visit in (two partners,
    # one visit), none out; Kazakhstan one in (New Year's Eve), one out.
    china = next(row for row in figures.by_country if row.country == "CN")
    kazakhstan = next(row for row in figures.by_country if row.country == "KZ")
    assert figures_of(china) == {
        "visits_in": 1,
        "visits_out": 0,
        "agreements_signed": 1,
        "agreements_active": 1,
        "agreements_ended": 1,
        "events": 1,
        "articles": 1,
    }
    assert (kazakhstan.count("visits_in"), kazakhstan.count("visits_out")) == (1, 1)
    assert kazakhstan.count("agreements_ended") == 1
    # The host university and its office are never partners; ATURC has no country.
    labels = [row.label for row in figures.by_partner]
    assert "Polytechnic" not in labels and "Our office in Shanghai" not in labels
    assert sorted(labels) == ["ATURC", "Harbin Tech", "KazNU", "Xi'an Jiaotong"]
    assert [row.country for row in figures.by_country if not row.country] == [""]


def test_the_current_year_is_counted_up_to_today(world):
    figures = year_in_figures(YEAR, today=dt.date(YEAR, 5, 1))
    assert figures.as_of == dt.date(YEAR, 5, 1)
    assert figures.total.count("visits_out") == 0  # 5 May has not come
    assert figures.total.count("agreements_ended") == 0  # 30 June and 1 September neither


def test_the_query_count_does_not_grow_with_the_data(db, django_assert_max_num_queries):
    for _ in range(30):
        partner = make_organization(country="CN")
        make_visit(visiting=[partner], start=at(3, 1))
        make_agreement(parties=[partner, make_organization()], signed_on=dt.date(YEAR, 2, 2))
        make_article(organizations=[partner], publish_at=at(4, 4))
    with django_assert_max_num_queries(7):
        figures = year_in_figures(YEAR, today=dt.date(YEAR + 1, 1, 1))
    assert figures.total.count("visits_in") == 30


def test_the_command_writes_csv_in_the_language_asked(world, tmp_path):
    path = tmp_path / "2025.csv"
    call_command("intl_report", "--year", str(YEAR), "--lang", "ru", "--output", str(path))
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0][1:3] == ["Страна", "Партнёр"] and rows[0][0] != "Scope"
    assert rows[2][:2] == ["Страна", "Китай"]
    partners = {row[2]: row for row in rows if row[0] == "Партнёр"}
    assert partners["Xi'an Jiaotong"][1] == "Китай"


def test_the_command_writes_a_page_with_a_chart(world):
    out = io.StringIO()
    call_command("intl_report", "--year", str(YEAR), "--format", "html", stdout=out)
    html = out.getvalue()
    assert html.startswith("<!doctype html>") and '<html lang="en">' in html
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    ET.fromstring(svg)  # well-formed
    assert "Xi&#x27;an Jiaotong" in html or "Xi&#39;an Jiaotong" in html


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--year", "1800"], "--year 1800: give a year from 1990"),
        (["--lang", "fr"], "--lang fr: give one of en, ru, zh-hans."),
        (["--output", "/nonexistent/dir/file.csv"], "/nonexistent/dir/file.csv: No such file"),
    ],
)
def test_bad_arguments_get_one_line(db, arguments, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command("intl_report", *arguments)


def test_the_admin_page_is_for_staff_and_offers_the_downloads(client, world, editor):
    url = f"/admin/year-in-figures/?year={YEAR}"
    assert client.get(url).status_code == 302  # to the login
    client.force_login(editor)
    html = client.get(url).text
    assert "Xi&#x27;an Jiaotong" in html and "<svg" in html
    response = client.get(url + "&format=csv")
    assert (
        response["Content-Disposition"] == f'attachment; filename="year-in-figures-{YEAR}-en.csv"'
    )
    assert response.content.decode().splitlines()[1].startswith(f"Year {YEAR}")
    # A year out of range or not a number is last year, not an error.
    assert client.get("/admin/year-in-figures/?year=abc").status_code == 200


def test_a_partners_name_is_escaped_in_the_page(db, client, editor):
    evil = make_organization(name_en="<script>alert(1)</script>", country="CN")
    make_visit(visiting=[evil], start=at(3, 1))
    client.force_login(editor)
    html = client.get(f"/admin/year-in-figures/?year={YEAR}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
