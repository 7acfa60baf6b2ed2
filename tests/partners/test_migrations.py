"""Data migrations of partners, run forwards on rows as they were before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("partners", "0005_versions")
AFTER = ("partners", "0007_translated_short_names")


@pytest.fixture
def migrate(transactional_db):
    """Moves the partners app to a migration, and back to the latest at the end."""

    def to(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([target])
        return executor.loader.project_state([target]).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_short_name_written_so_far_becomes_the_english_one(migrate):
    old = migrate(BEFORE).get_model("partners", "Organization")
    old.objects.create(slug="hit", kind="university", name_en="Harbin Tech", short_name="HIT")
    old.objects.create(slug="aturc", kind="association", name_en="ATURC", short_name="ATURC")
    old.objects.create(slug="spbpu", kind="university", name_en="SPbPU", short_name="Polytech")

    new = migrate(AFTER).get_model("partners", "Organization")
    rows = {
        row.slug: (row.short_name_en, row.short_name_ru, row.short_name_zh_hans)
        for row in new.objects.all()
    }
    assert rows == {
        "hit": ("HIT", None, None),
        # A seed organisation gets its translations, unless staff renamed it since.
        "aturc": ("ATURC", "АТУРК", "中俄工科大学联盟"),
        "spbpu": ("Polytech", None, None),
    }


def test_each_line_of_the_aliases_becomes_a_name_with_its_language_and_kind(migrate):
    old = migrate(("partners", "0008_identifiers_names_and_membership_dates"))
    aturc = old.get_model("partners", "Organization").objects.create(
        slug="aturc",
        kind="association",
        name_en="ATURC",
        aliases="ATURC\nАТУРК\n  ASRTU \n\nAssociation of Sino-Russian Technical Universities\n"
        "中俄工科大学联盟\nSPbPU\nATURC",
    )
    old.get_model("partners", "Organization").objects.create(
        slug="plain", kind="university", name_en="Plain"
    )

    new = migrate(("partners", "0009_organization_names_from_aliases"))
    names = new.get_model("partners", "OrganizationName").objects.order_by("pk")
    assert [(n.organization_id, n.language, n.kind, n.value) for n in names] == [
        (aturc.pk, "", "acronym", "ATURC"),
        (aturc.pk, "ru", "acronym", "АТУРК"),
        (aturc.pk, "", "acronym", "ASRTU"),
        (aturc.pk, "", "alias", "Association of Sino-Russian Technical Universities"),
        (aturc.pk, "zh-hans", "alias", "中俄工科大学联盟"),
        (aturc.pk, "", "acronym", "SPbPU"),  # a repeated line once
    ]
    # The old text is kept as it was.
    organization = new.get_model("partners", "Organization").objects.get(slug="aturc")
    assert organization.aliases.startswith("ATURC\nАТУРК\n  ASRTU \n")


def test_participations_recorded_before_visits_keep_their_persons_position_of_today(migrate):
    before = migrate(("partners", "0009_organization_names_from_aliases"))
    Organization = before.get_model("partners", "Organization")
    Person = before.get_model("partners", "Person")
    Event = before.get_model("partners", "Event")
    Participation = before.get_model("partners", "Participation")
    spbpu = Organization.objects.create(slug="spbpu", kind="university", name_en="SPbPU")
    arseniev = Person.objects.create(
        slug="arseniev",
        name_en="Dmitry Arseniev",
        position_en="Vice-Rector",
        position_ru="Проректор",
        organization=spbpu,
    )
    romanov = Person.objects.create(slug="romanov", name_en="Pavel Romanov")
    summit = Event.objects.create(slug="summit", name_en="Summit", start="2022-06-09T01:00Z")
    Participation.objects.create(person=arseniev, event=summit)
    Participation.objects.create(person=romanov, event=summit)

    after = migrate(("partners", "0010_visits_and_positions_of_the_day"))
    rows = {
        row.person.slug: (
            row.position_en,
            row.position_ru,
            row.position_zh_hans,
            row.organization_id,
        )
        for row in after.get_model("partners", "Participation").objects.select_related("person")
    }
    assert rows == {
        "arseniev": ("Vice-Rector", "Проректор", None, spbpu.pk),
        "romanov": (None, None, None, None),
    }
