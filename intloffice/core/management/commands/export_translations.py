from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intloffice.core import translation_exchange as exchange


class Command(BaseCommand):
    help = (
        "Write an XLIFF 2.0 file of the texts that need translating into LANGUAGE (missing, "
        "stale or machine drafts), for translators; import_translations reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("language", help="The target language: ru, zh-hans …")
        parser.add_argument(
            "--source",
            help="The language the objects are written in (default: the site's); objects "
            "written first in another language go into a file of their own.",
        )
        parser.add_argument("--kind", help="Only one kind of object: article, page, person …")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Up to date translations too, for a translator to revise.",
        )
        parser.add_argument(
            "-o", "--output", type=Path, help="The file to write (default: the standard output)."
        )

    def handle(self, *args, language, source, kind, everything, output, **options):
        try:
            data = exchange.export(
                language, source=source, kinds=[kind] if kind else None, everything=everything
            )
        except exchange.ExchangeError as error:
            raise CommandError(str(error)) from None
        if output is None:
            self.stdout.write(data.decode(), ending="")
            return
        try:
            output.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        if options["verbosity"] >= 1:
            self.stderr.write(f"Wrote {output} ({data.count(b'<unit ')} unit(s)).")
