from django.core.management.base import BaseCommand

from partners.seed import load_seed_entities


class Command(BaseCommand):
    help = "Create the seed article's partners, people and events if they are missing."

    def handle(self, *args, **options):
        created = load_seed_entities()
        self.stdout.write(f"Seed entities: {created} created, the rest already present.")
