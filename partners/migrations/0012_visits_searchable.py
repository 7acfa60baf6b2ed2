"""Recompute the events' search vectors: a visit's purpose, outcomes and follow-up, shown
on its page, are now searched too."""

from django.db import migrations

from intloffice.core.search import Indexed, refresh_in_migration

# The indexed fields as they are at this migration (search_fields may change later).
FIELDS = {
    "Event": (
        Indexed("name", "A"),
        Indexed("aliases", "B", translated=False),
        Indexed("theme", "B"),
        Indexed("venue", "C"),
        Indexed("city", "C"),
        Indexed("description", "C"),
        Indexed("purpose", "C"),
        Indexed("outcomes", "C"),
        Indexed("follow_up", "C"),
    ),
}


def recompute_search_vectors(apps, schema_editor):
    refresh_in_migration(apps, schema_editor, "partners", FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0011_translation_states"),
    ]

    operations = [
        migrations.RunPython(recompute_search_vectors, migrations.RunPython.noop, elidable=True),
    ]
