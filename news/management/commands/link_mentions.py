from django.core.management.base import BaseCommand

from news.mentions import link_all_articles


class Command(BaseCommand):
    help = (
        "Re-link every article to the organisations, people and events it names, "
        "e.g. after adding a partner or an alias."
    )

    def handle(self, *args, **options):
        count = link_all_articles()
        self.stdout.write(f"Re-linked {count} article(s).")
