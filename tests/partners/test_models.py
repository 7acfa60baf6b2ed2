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


# An event's revisions: calendar apps replace their copy only when SEQUENCE rises.


def reloaded(event):
    from partners.models import Event

    return Event.objects.get(pk=event.pk)


def test_a_new_event_is_at_its_first_revision_and_was_never_moved(db):
    event = reloaded(make_event())
    assert (event.sequence, event.previous_start, event.status) == (0, None, "scheduled")
    assert not event.is_rescheduled() and not event.is_cancelled()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("end", None),
        ("timezone", "Asia/Shanghai"),
        ("venue_en", "Main Hall"),
        ("city_ru", "Сиань"),
        ("country", "CN"),
        ("format", "hybrid"),
        ("online_url", "https://meet.example.org/summit"),
        ("status", "cancelled"),
    ],
)
def test_a_change_of_time_place_or_status_raises_the_sequence(db, field, value):
    event = reloaded(make_event())
    setattr(event, field, value)
    event.save()
    event = reloaded(event)
    assert event.sequence == 1
    assert event.previous_start is None  # the start did not move
    event.save()  # saved again unchanged: no new revision
    assert reloaded(event).sequence == 1


def test_moving_an_event_keeps_the_start_it_had(db):
    event = reloaded(make_event())
    first = event.start
    event.start = first + dt.timedelta(days=7)
    event.end = event.start + dt.timedelta(hours=2)
    event.save()
    event = reloaded(event)
    assert (event.sequence, event.previous_start) == (1, first)
    assert event.is_rescheduled()
    # Moved again: the start before this move, and one revision more.
    second = event.start
    event.start = second + dt.timedelta(days=1)
    event.end = event.start + dt.timedelta(hours=2)
    event.save()
    event = reloaded(event)
    assert (event.sequence, event.previous_start) == (2, second)


def test_editing_only_the_text_keeps_the_revision(db):
    event = reloaded(make_event())
    event.description_en = "A new description."
    event.name_en = "A better name"
    event.save()
    assert (reloaded(event).sequence, reloaded(event).previous_start) == (0, None)


def test_the_same_instance_saved_twice_counts_each_change_once(db):
    event = make_event()  # never read back: compared with what was created
    event.status = "cancelled"
    event.save()
    event.save()
    assert reloaded(event).sequence == 1
    assert reloaded(event).is_cancelled()


def test_a_save_of_some_fields_stores_the_new_revision_too(db):
    event = reloaded(make_event())
    event.start += dt.timedelta(hours=1)
    event.end += dt.timedelta(hours=1)
    event.save(update_fields=["start", "end"])
    event = reloaded(event)
    assert event.sequence == 1 and event.previous_start is not None


def test_a_partly_loaded_event_compares_only_what_it_read(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.models import Event

    event = Event.objects.only("pk", "description_en", "sequence").get(pk=make_event().pk)
    event.description_en = "Only the text."
    with CaptureQueriesContext(connection) as queries:
        event.save(update_fields=["description_en"])
    # The UPDATE comes first: no deferred field was read to compare with.
    assert queries.captured_queries[0]["sql"].startswith("UPDATE")
    assert reloaded(event).sequence == 0


def test_an_online_address_on_an_event_held_only_in_person_is_refused(db):
    from django.core.exceptions import ValidationError

    event = make_event(format="offline", online_url="https://meet.example.org/x")
    with translation.override("en"), pytest.raises(ValidationError, match="no online address"):
        event.full_clean()
    event.format = "hybrid"
    event.full_clean()
