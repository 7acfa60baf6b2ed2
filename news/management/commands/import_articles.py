from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from news.importing import import_articles
from news.models import Article

PROGRESS_EVERY = 500


class Command(BaseCommand):
    help = (
        "Import plain-text articles (the seed file format) from files, or from folders "
        "searched recursively for *.txt. Re-importing updates articles in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The articles' language (default: detected from each text).",
        )
        parser.add_argument(
            "--status",
            choices=[Article.Status.DRAFT, Article.Status.PUBLISHED],
            default=Article.Status.PUBLISHED,
            help="Status of new articles (default: published, dated by their date line).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and report, write nothing."
        )
        parser.add_argument(
            "--strict", action="store_true", help="Write nothing if any file fails."
        )

    def handle(self, *args, paths, language, status, dry_run, strict, **options):
        verbosity = options["verbosity"]
        seen = 0

        def on_file(path, error):
            nonlocal seen
            seen += 1
            if error:
                self.stderr.write(f"{path}: {error}")
            elif verbosity >= 2:
                self.stdout.write(f"{path}: ok")
            if verbosity >= 1 and seen % PROGRESS_EVERY == 0:
                self.stdout.write(f"… {seen} files read")

        report = import_articles(
            paths,
            language=language,
            status=status,
            dry_run=dry_run,
            strict=strict,
            on_file=on_file,
        )
        prefix = "Dry run: would have " if dry_run else ""
        if verbosity >= 1:
            self.stdout.write(
                f"{prefix}created {report.created}, updated {report.updated}, "
                f"unchanged {report.unchanged}, failed {report.failed} "
                f"in {report.seconds:.1f} s"
            )
        if report.rolled_back:
            self.stderr.write("--strict: nothing was written because a file failed.")
        if report.failed:
            raise CommandError(f"{report.failed} file(s) failed.", returncode=1)
