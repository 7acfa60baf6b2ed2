from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from intloffice.website.year_in_figures import as_csv, as_html, year_in_figures


class Command(BaseCommand):
    help = (
        "The year in figures: visits in and out, agreements signed, in force and ended, "
        "events and articles, per country and per partner, as CSV or an HTML page."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, default=None, help="Calendar year (default: last year)."
        )
        parser.add_argument(
            "--lang",
            default=settings.LANGUAGE_CODE,
            help="Language of the names and headings: "
            + ", ".join(c for c, _n in settings.LANGUAGES),
        )
        parser.add_argument("--format", choices=["csv", "html"], default="csv")
        parser.add_argument("--output", help="Write to this file instead of the screen.")

    def handle(self, *args, year, lang, format, output, **options):
        this_year = timezone.localdate().year
        year = year if year is not None else this_year - 1
        if not 1990 <= year <= this_year:
            raise CommandError(f"--year {year}: give a year from 1990 to {this_year}.")
        codes = [code for code, _name in settings.LANGUAGES]
        if lang not in codes:
            raise CommandError(f"--lang {lang}: give one of {', '.join(codes)}.")
        with translation.override(lang):
            figures = year_in_figures(year)
            text = as_csv(figures) if format == "csv" else as_html(figures)
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as file:
                file.write(text)
        except OSError as error:
            raise CommandError(f"{output}: {error.strerror}.") from None
        self.stdout.write(f"{output}: the year {year} in figures ({format}).")
