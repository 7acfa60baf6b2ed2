from django.core.management.base import BaseCommand
from django.db import transaction

from intloffice.core import provenance


class Command(BaseCommand):
    help = (
        "Bring the state of every tracked translation up to date with the stored texts: "
        "after writes that bypassed the ORM (SQL by hand, a restored table). Translations "
        "without a state yet count as up to date with their source as it is now."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            seen = provenance.refresh_all()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{seen} object(s) looked at.")
