from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "intloffice.core"
    label = "core"

    def ready(self):
        # Connect the login receivers (those of logins after axes': see answer_with_429).
        from . import audit, dependencies, logins, provenance  # noqa: F401
        from .search import register_sqlite_functions

        # Search vectors need no receiver: on PostgreSQL a trigger per table computes each
        # row's vector in the write itself, bulk writes and .update() included (see
        # core/search.py); SQLite stores none. Its fallback matches in a Python function
        # each connection must know.
        connection_created.connect(register_sqlite_functions, dispatch_uid="search-sqlite")
        # Every query reports the tables it reads to the page being recorded, if any
        # (intloffice/core/dependencies.py).
        connection_created.connect(dependencies.install_on, dispatch_uid="dependencies")
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
