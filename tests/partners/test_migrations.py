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
