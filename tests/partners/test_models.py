"""Facts about events that hold wherever they are used: which are upcoming, which zones are real."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import make_event


def test_upcoming_and_past_events(db):
    from partners.models import Event

    now = timezone.now()
    past = make_event(start=now - dt.timedelta(days=3), end=now - dt.timedelta(days=2))
    running = make_event(start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=1))
    future = make_event(start=now + dt.timedelta(days=1), end=None)
    assert list(Event.objects.upcoming()) == [running, future]
    assert list(Event.objects.past()) == [past]


def test_an_event_time_zone_must_be_a_real_zone(db):
    from django.core.exceptions import ValidationError

    event = make_event(timezone="Asia/Shanghai")
    event.full_clean()
    event.timezone = "Asia/Shangai"
    with translation.override("en"), pytest.raises(ValidationError, match="not a time zone"):
        event.full_clean()


# Short names have a column per language (ATURC, АТУРК, 中俄工科大学联盟).


def test_a_short_name_reads_the_active_language_and_falls_back_to_english(db):
    from partners.models import Organization
    from tests.factories import make_organization

    aturc = make_organization(
        name_en="Association of Technical Universities of Russia and China",
        short_name_en="ATURC",
        short_name_ru="АТУРК",
        short_name_zh_hans="中俄工科大学联盟",
    )
    rsf = make_organization(name_en="Russian Science Foundation", short_name_en="RSF")
    shown = {}
    for language in ("en", "ru", "zh-hans"):
        with translation.override(language):
            aturc = Organization.objects.get(pk=aturc.pk)
            shown[language] = (str(aturc), rsf.short_name)
    assert shown == {
        "en": ("ATURC", "RSF"),
        "ru": ("АТУРК", "RSF"),
        "zh-hans": ("中俄工科大学联盟", "RSF"),
    }


def test_the_seed_names_aturc_in_each_language(seed_entities):
    from partners.models import Organization

    aturc = Organization.objects.get(slug="aturc")
    assert (aturc.short_name_en, aturc.short_name_ru, aturc.short_name_zh_hans) == (
        "ATURC",
        "АТУРК",
        "中俄工科大学联盟",
    )


@pytest.mark.parametrize(("query", "language"), [("ХПИ", "ru"), ("哈工大", "zh-hans")])
def test_an_organisation_is_found_by_its_short_name_in_any_language(client, db, query, language):
    from tests.factories import make_organization

    make_organization(
        slug="hit",
        name_en="Harbin Institute of Technology",
        short_name_en="HIT",
        short_name_ru="ХПИ",
        short_name_zh_hans="哈工大",
    )
    for page_language in ("en", language):
        response = client.get(f"/{page_language}/search/", {"q": query})
        assert f'href="/{page_language}/partners/hit/"' in response.text, page_language


def test_the_host_university_and_its_offices_are_ours_the_rest_partners(db, settings):
    from partners.models import Organization
    from tests.factories import make_organization

    host = make_organization(slug="home-university")
    office = make_organization(slug="home-office", kind="office", parent=host)
    partner = make_organization(slug="partner-university")
    partners_office = make_organization(slug="partner-office", kind="office", parent=partner)
    settings.SITE_HOST_ORGANIZATION = "home-university"
    assert set(Organization.objects.ours()) == {host, office}
    assert set(Organization.objects.partners()) == {partner, partners_office}
    assert host.is_host() and not office.is_host() and not partner.is_host()
