"""On PostgreSQL, a trigger computes each row's search vector in the write itself (an
INSERT, a bulk write, an .update() of a text), instead of a second UPDATE after it."""

from django.db import migrations

from intloffice.core.search import Indexed, drop_triggers, install_triggers

# The indexed fields as they are at this migration (search_fields may change later: a
# migration then remakes the trigger, see tests/core/test_search.py).
FIELDS = {
    "Page": (
        Indexed("title", "A"),
        Indexed("summary", "B"),
        Indexed("body", "C", html=True),
    ),
}


def install(apps, schema_editor):
    install_triggers(apps, schema_editor, "pages", FIELDS)


def uninstall(apps, schema_editor):
    drop_triggers(apps, schema_editor, "pages", FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0004_translation_states"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
