"""The state of every translation that exists already (intloffice.core.provenance): each
counts as up to date with its source as it is now; an empty one is missing."""

from django.db import migrations

from intloffice.core import provenance


def backfill(apps, schema_editor):
    # The fields are this migration's own copy of the model's translation_tracked.
    provenance.backfill(apps, "partners.Organization", ("name", "short_name", "description"), None)
    provenance.backfill(apps, "partners.Person", ("name", "position", "bio", "photo_alt"), None)
    provenance.backfill(apps, "partners.Event", ("name", "theme", "description", "purpose", "outcomes", "follow_up"), None)


class Migration(migrations.Migration):
    dependencies = [("partners", "0010_visits_and_positions_of_the_day"), ("core", "0001_translation_states")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
