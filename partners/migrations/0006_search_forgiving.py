"""Recompute the organisations', people's and events' search vectors: apostrophes inside
words are now dropped (Xi'an is indexed as xian), and Russian text is indexed as written
besides its stems, for the stems of a query to find (see intloffice.core.search)."""

from django.db import migrations

from intloffice.core.search import Indexed, refresh_in_migration

# The indexed fields as they are at this migration (each model's search_fields may change).
FIELDS = {
    "Organization": (
        Indexed("name", "A"),
        Indexed("short_name", "B", translated=False),
        Indexed("aliases", "B", translated=False),
        Indexed("city", "C"),
        Indexed("description", "C"),
    ),
    "Person": (
        Indexed("name", "A"),
        Indexed("aliases", "B", translated=False),
        Indexed("position", "B"),
        Indexed("bio", "C"),
    ),
    "Event": (
        Indexed("name", "A"),
        Indexed("aliases", "B", translated=False),
        Indexed("theme", "B"),
        Indexed("venue", "C"),
        Indexed("city", "C"),
        Indexed("description", "C"),
    ),
}


def recompute_search_vectors(apps, schema_editor):
    refresh_in_migration(apps, schema_editor, "partners", FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0005_versions"),
    ]

    operations = [
        migrations.RunPython(recompute_search_vectors, migrations.RunPython.noop, elidable=True),
    ]
