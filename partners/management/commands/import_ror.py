from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partners.ror import RorError
from partners.ror_import import import_ror_files


class Command(BaseCommand):
    help = (
        "Create or complete organisations from Research Organization Registry records "
        "(schema v2 JSON, as https://api.ror.org/v2/organizations/<id> returns them). "
        "A field already filled is kept; importing again changes nothing. All files are "
        "imported, or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="FILE.json")

    def handle(self, *args, paths, **options):
        try:
            report = import_ror_files(paths)
        except RorError as error:
            raise CommandError(f"{error}. Nothing was imported.") from None
        for outcome in report.outcomes:
            filled = f": {', '.join(outcome.filled)}" if outcome.action == "updated" else ""
            self.stdout.write(f"{outcome.action} {outcome.slug} ({outcome.ror_id}){filled}")
            for note in outcome.notes:
                self.stdout.write(f"  {note}")
        self.stdout.write(
            f"Created {report.count('created')}, updated {report.count('updated')}, "
            f"unchanged {report.count('unchanged')}."
        )
        if report.count("created") or report.count("updated"):
            self.stdout.write("To link existing articles to new names: manage.py link_mentions")
