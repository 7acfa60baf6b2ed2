"""On PostgreSQL, a trigger computes each row's search vector in the write itself (an
INSERT, a bulk write, an .update() of a text), instead of a second UPDATE after it."""

from django.db import migrations

from intloffice.core.search import Indexed, drop_triggers, install_triggers

# The indexed fields as they are at this migration (search_fields may change later: a
# migration then remakes the trigger, see tests/core/test_search.py).
FIELDS = {
    "Organization": (
        Indexed("name", "A"),
        Indexed("short_name", "B"),
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
        Indexed("purpose", "C"),
        Indexed("outcomes", "C"),
        Indexed("follow_up", "C"),
    ),
}


def install(apps, schema_editor):
    install_triggers(apps, schema_editor, "partners", FIELDS)


def uninstall(apps, schema_editor):
    drop_triggers(apps, schema_editor, "partners", FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0013_event_status_and_revisions"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
