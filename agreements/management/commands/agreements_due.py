import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator

from agreements.reminders import THRESHOLDS, send_reminders


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today {text!r}: give a date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "E-mail each agreement's responsible person "
        + ", ".join(str(days) for days in THRESHOLDS)
        + " days before it ends, once per threshold. Safe to run daily (or more often)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", help="Act as on this day (YYYY-MM-DD) rather than today, e.g. to catch up."
        )
        parser.add_argument(
            "--site-url",
            help="The site's address for the links in the mails (default: DJANGO_SITE_URL).",
        )

    def handle(self, *args, **options):
        today = day(options["today"]) if options["today"] else None
        site_url = options["site_url"]
        if site_url is not None:
            try:
                URLValidator(schemes=["http", "https"])(site_url)
            except ValidationError:
                raise CommandError(f"--site-url {site_url!r}: give an http(s) address.") from None
        report = send_reminders(today, site_url)
        for agreement, days, address in report.sent:
            self.stdout.write(f"Sent: {agreement} ({days} days before its end) to {address}")
        for agreement in report.unassigned:
            self.stdout.write(
                f"Not sent: {agreement} ends on {agreement.valid_until}, and has no responsible "
                "person with an e-mail address."
            )
        self.stdout.write(f"{len(report.sent)} reminder(s) sent.")
        if report.failed:
            reasons = "; ".join(f"{agreement}: {error}" for agreement, error in report.failed)
            raise CommandError(
                f"{len(report.failed)} reminder(s) could not be sent (tried again on the next "
                f"run): {reasons}"
            )
