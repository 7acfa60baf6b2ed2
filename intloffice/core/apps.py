from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "intloffice.core"
    label = "core"

    def ready(self):
        # Connect the login receivers (those of logins after axes': see answer_with_429).
        from . import audit, logins, provenance  # noqa: F401
        from .search import refresh_on_save, register_sqlite_functions, searchable_models

        # Every save keeps the row's search vector current with one UPDATE, for each model
        # that declares search_fields. Bulk writes bypass signals: their callers refresh
        # with refresh_search_vectors().
        for model in searchable_models():
            post_save.connect(
                refresh_on_save, sender=model, dispatch_uid=f"search-{model._meta.label}"
            )
        # The SQLite fallback matches in a Python function each connection must know.
        connection_created.connect(register_sqlite_functions, dispatch_uid="search-sqlite")
        # Each tracked translation's state follows its text in the save's own transaction.
        for model in provenance.tracked_models():
            post_save.connect(
                provenance.refresh_on_save,
                sender=model,
                dispatch_uid=f"provenance-{model._meta.label}",
            )
            post_delete.connect(
                provenance.forget_on_delete,
                sender=model,
                dispatch_uid=f"provenance-delete-{model._meta.label}",
            )
