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
