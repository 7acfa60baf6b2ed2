from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intloffice.website.static_edition import PublishError, publish


class Command(BaseCommand):
    help = (
        "Write the public site (every page, feed, calendar and sitemap in every language, "
        "robots.txt, the static files) into OUT for nginx or a CDN; again later, rewrite "
        "only what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="The folder to write (made if missing).")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Render every page again, not only those whose content changed "
            "(after a deploy that changed templates or code).",
        )
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="ADDRESS",
            help="Render only these addresses (such as /en/news/ or /en/news/?page=2), "
            "following no link; every other file stays as it is.",
        )

    def handle(self, *args, out, all, only, **options):
        try:
            report = publish(Path(out), everything=all, only=only)
        except PublishError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"{error.filename or out}: {error.strerror}") from None
        self.stdout.write(report.summary())
