"""The state of every translation that exists already (intloffice.core.provenance): each
counts as up to date with its source as it is now; an empty one is missing."""

from django.db import migrations

from intloffice.core import provenance

# This migration's own copy of Article.translation_tracked.
TRACKED = ("title", "summary", "body", "image_alt", "image_caption")


def backfill(apps, schema_editor):
    provenance.backfill(apps, "news.Article", TRACKED, "original_language")


class Migration(migrations.Migration):
    dependencies = [("news", "0010_agreement_roles"), ("core", "0001_translation_states")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
