from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from intloffice.core import translation_exchange as exchange
from intloffice.core.audit import CommandLine


class Command(BaseCommand):
    help = (
        "Write the translations of an XLIFF file made by export_translations: all of them, "
        "or none if any source text changed since the export (export again then)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            help="Import as this person, with their permissions and name in History "
            "(default: whoever runs the command, as an administrator).",
        )
        parser.add_argument("--language", help="Refuse a file into another target language.")

    def handle(self, *args, file, user, language, **options):
        if user is None:
            actor = CommandLine()
        else:
            actor = get_user_model()._default_manager.filter(username=user).first()
            if actor is None:
                raise CommandError(f"There is no user {user!r}.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            report = exchange.import_file(data, actor, name=file.name, language=language)
        except exchange.ExchangeError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] >= 1:
            self.stdout.write(report.summary())
            if options["verbosity"] >= 2:
                for name in report.objects:
                    self.stdout.write(f"  {name}")
