from django.apps import AppConfig
from django.db.models.signals import post_save


class IntlofficeConfig(AppConfig):
    name = "intloffice"

    def ready(self):
        from news.models import Article
        from partners.models import Event, Organization, Person

        from . import audit  # noqa: F401  (connects the login receivers)
        from .search import refresh_on_save

        # Every save keeps the row's search vector current with one UPDATE. Bulk writes
        # bypass signals: their callers refresh with refresh_search_vectors().
        for model in (Article, Organization, Person, Event):
            post_save.connect(
                refresh_on_save, sender=model, dispatch_uid=f"search-{model._meta.label}"
            )
