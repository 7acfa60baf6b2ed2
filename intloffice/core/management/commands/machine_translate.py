from django.core.management.base import BaseCommand, CommandError

from intloffice.core import provenance, translation_drafts
from intloffice.core.audit import CommandLine
from intloffice.core.machine_translation import TranslationError

STATES = {"missing": [provenance.State.MISSING], "stale": [provenance.State.STALE]}


class Command(BaseCommand):
    help = (
        "Ask the configured translation backend (DJANGO_TRANSLATION_BACKEND) for machine "
        "drafts of the fields missing or stale in LANGUAGE. Drafts are never public: editors "
        "find them on the translation desk and in each form, and a draft becomes the "
        "translation when an editor saves it."
    )

    def add_arguments(self, parser):
        parser.add_argument("language", help="the language to draft in: en, ru or zh-hans")
        parser.add_argument(
            "--kind",
            action="append",
            help="only objects of this kind (article, page, organization, person, event); "
            "repeat for several",
        )
        parser.add_argument(
            "--only", choices=sorted(STATES), help="only missing, or only stale, fields"
        )
        parser.add_argument("--limit", type=int, help="at most this many fields")

    def handle(self, *args, language, kind, only, limit, **options):
        codes = provenance.languages()
        if language not in codes:
            raise CommandError(f"Unknown language {language!r}: use one of {', '.join(codes)}.")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number.")
        kinds = provenance.tracked_kinds()
        models = list(kinds.values())
        if kind:
            unknown = [name for name in kind if name not in kinds]
            if unknown:
                raise CommandError(
                    f"{unknown[0]!r} is not a kind of object with translations "
                    f"(one of: {', '.join(kinds)})."
                )
            models = [kinds[name] for name in dict.fromkeys(kind)]
        states = STATES[only] if only else [*STATES["missing"], *STATES["stale"]]
        try:
            report = translation_drafts.draft(
                language, models=models, states=states, limit=limit, actor=CommandLine()
            )
        except TranslationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{report.kept} machine draft(s) kept of {report.asked} field(s) asked, in "
            f"{language}. Editors review them on the translation desk."
        )
        if report.error:
            raise CommandError(
                f"The backend stopped the run: {report.error} The drafts made so far are kept; "
                "run the command again to go on."
            )
