from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class IntlofficeConfig(AppConfig):
    name = "intloffice"

    def ready(self):
        from news.models import Article, Category, Tag
        from partners.models import Event, Membership, Organization, Participation, Person

        # Connect the login receivers (those of logins after axes': see answer_with_429).
        from . import audit, logins  # noqa: F401
        from .page_cache import content_changed
        from .search import refresh_on_save

        # Every save keeps the row's search vector current with one UPDATE. Bulk writes
        # bypass signals: their callers refresh with refresh_search_vectors().
        for model in (Article, Organization, Person, Event):
            post_save.connect(
                refresh_on_save, sender=model, dispatch_uid=f"search-{model._meta.label}"
            )

        # Anything a public page shows starts a new page-cache generation.
        shown = (Article, Organization, Person, Event, Membership, Participation, Category, Tag)
        for model in shown:
            label = model._meta.label
            post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-save-{label}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-del-{label}")
        for through in (
            Article.tags.through,
            Article.organizations.through,
            Article.people.through,
            Article.events.through,
            Event.organizers.through,
        ):
            m2m_changed.connect(
                content_changed, sender=through, dispatch_uid=f"pages-m2m-{through._meta.label}"
            )
