from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Information pages and staff")

    def ready(self):
        from intloffice.core import freshness

        from .models import Page, StaffMember
        from .workflow import PAGES

        # Every save of a page, whatever door it comes through, passes the workflow.
        PAGES.connect()
        # Every public page shows the menus; the Contacts page shows the staff; a
        # scheduled page goes live (and into the menus) by itself.
        freshness.watch(Page, StaffMember)
        freshness.changes_by_itself(Page, Page.objects.next_publication)
