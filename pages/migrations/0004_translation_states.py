"""The state of every translation that exists already (intloffice.core.provenance): each
counts as up to date with its source as it is now; an empty one is missing."""

from django.db import migrations

from intloffice.core import provenance

# This migration's own copy of Page.translation_tracked.
TRACKED = ("title", "summary", "body")


def backfill(apps, schema_editor):
    provenance.backfill(apps, "pages.Page", TRACKED)


class Migration(migrations.Migration):
    dependencies = [("pages", "0003_seed_pages"), ("core", "0001_translation_states")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
