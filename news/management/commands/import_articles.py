from argparse import ArgumentTypeError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from news.importing import import_articles
from news.models import Article
from news.parsing import MAX_FILE_BYTES
from news.sources import find_files

PROGRESS_EVERY = 1000
BAR_WIDTH = 30


def positive_int(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise ArgumentTypeError(f"expected a whole number of bytes above 0, not {value!r}")
    return int(value)


class Progress:
    """A bar redrawn in place on a terminal; a line every PROGRESS_EVERY files otherwise."""

    def __init__(self, command, total: int | None, quiet: bool):
        self.command = command
        self.total = total
        self.quiet = quiet
        self.done = 0
        self.named: set[str] = set()

    def __call__(self, path, error):
        self.done += 1
        if error:
            self.named.add(str(path))
            self.clear()
            self.command.stderr.write(f"{path}: {error}")
        if self.quiet:
            return
        if self.total:
            if self.done % 50 == 0 or self.done == self.total:
                filled = BAR_WIDTH * self.done // self.total
                bar = "#" * filled + "-" * (BAR_WIDTH - filled)
                self.command.stdout.write(f"\r[{bar}] {self.done}/{self.total}", ending="")
                self.command.stdout.flush()
        elif self.done % PROGRESS_EVERY == 0:
            self.command.stdout.write(f"{self.done} files read")

    def clear(self):
        if self.total:
            self.command.stdout.write("\r\033[K", ending="")

    def finish(self):
        if self.total and self.done:
            self.command.stdout.write("")


class Command(BaseCommand):
    help = (
        "Import plain-text articles (the seed file format) from files, or from folders "
        "searched recursively for *.txt; NAME.ru.txt and NAME.zh-hans.txt beside NAME.txt "
        "are its translations. Re-importing updates articles in place."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help=(
                "The language of files without a language in their name "
                "(default: detected from each text)."
            ),
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
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=(
                "The staff account the audit log names; it needs the publish permission "
                "to import published articles (default: your login at this shell)."
            ),
        )
        parser.add_argument(
            "--max-bytes",
            type=positive_int,
            default=MAX_FILE_BYTES,
            metavar="N",
            help=f"Skip files larger than N bytes (default: {MAX_FILE_BYTES}).",
        )

    def handle(self, *args, paths, language, status, dry_run, strict, user, max_bytes, **options):
        actor = None
        if user is not None:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user named {user!r}.")
        verbosity = options["verbosity"]
        on_terminal = verbosity >= 1 and self.stdout.isatty()
        total = sum(1 for _ in find_files(paths)) if on_terminal else None
        progress = Progress(self, total, quiet=verbosity < 1)
        try:
            report = import_articles(
                paths,
                language=language,
                status=status,
                dry_run=dry_run,
                strict=strict,
                max_bytes=max_bytes,
                on_file=progress,
                actor=actor,
            )
        except PermissionDenied as refused:
            raise CommandError(f"{refused}.") from None
        progress.finish()
        for path, error in report.failures:
            if path not in progress.named:
                self.stderr.write(f"{path}: {error}")
        if verbosity >= 1:
            prefix = "Dry run: would have " if dry_run else ""
            rate = report.processed / report.seconds if report.seconds else 0
            self.stdout.write(
                f"{prefix}created {report.created}, updated {report.updated}, "
                f"unchanged {report.unchanged}, failed {report.failed} "
                f"in {report.seconds:.1f} s ({rate:.0f} files/s)"
            )
        if report.rolled_back:
            self.stderr.write("--strict: nothing was written because a file failed.")
        if report.failed:
            raise CommandError(f"{report.failed} file(s) failed.", returncode=1)
