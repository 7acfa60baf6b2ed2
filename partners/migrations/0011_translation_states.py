"""The state of every translation that exists already (intloffice.core.provenance): each
counts as up to date with its source as it is now; an empty one is missing."""

from django.db import migrations

from intloffice.core import provenance

# This migration's own copy of each model's translation_tracked.
TRACKED = {
    "partners.Organization": ("name", "short_name", "description"),
    "partners.Person": ("name", "position", "bio", "photo_alt"),
    "partners.Event": ("name", "theme", "description", "purpose", "outcomes", "follow_up"),
}


def backfill(apps, schema_editor):
    for label, fields in TRACKED.items():
        provenance.backfill(apps, label, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0010_visits_and_positions_of_the_day"),
        ("core", "0001_translation_states"),
    ]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
