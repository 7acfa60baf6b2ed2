"""On PostgreSQL, a trigger computes each row's search vector in the write itself (an
INSERT, a bulk write, an .update() of a text), instead of a second UPDATE after it."""

from django.db import migrations

from intloffice.core.search import Indexed, drop_triggers, install_triggers

# The indexed fields as they are at this migration (search_fields may change later: a
# migration then remakes the trigger, see tests/core/test_search.py).
FIELDS = {
    "Agreement": (Indexed("title", "A"), Indexed("summary", "B")),
}


def install(apps, schema_editor):
    install_triggers(apps, schema_editor, "agreements", FIELDS)


def uninstall(apps, schema_editor):
    drop_triggers(apps, schema_editor, "agreements", FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0001_agreements"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
