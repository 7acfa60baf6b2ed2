"""Recompute the articles' search vectors: apostrophes inside words are now dropped (Xi'an
is indexed as xian), and Russian text is indexed as written besides its stems, for the
stems of a query to find (see intloffice.core.search)."""

from django.db import migrations

from intloffice.core.search import Indexed, refresh_in_migration

# The indexed fields as they are at this migration (Article.search_fields may change).
FIELDS = (Indexed("title", "A"), Indexed("summary", "B"), Indexed("body", "C", html=True))


def recompute_search_vectors(apps, schema_editor):
    refresh_in_migration(apps, schema_editor, "news", {"Article": FIELDS})


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0006_review_comments"),
    ]

    operations = [
        migrations.RunPython(recompute_search_vectors, migrations.RunPython.noop, elidable=True),
    ]
