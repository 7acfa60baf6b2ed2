from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from intloffice.core import freshness

        from .models import Agreement, AgreementParty

        # The agreements list and pages, partner pages, articles and search show them; an
        # agreement comes into force, expires or ends early at midnight by itself.
        freshness.watch(Agreement, AgreementParty)
        freshness.changes_by_itself(Agreement.objects.next_change)
        # A partner's timeline lists the agreements it signed, under the visit they came of.
        from partners import timeline

        from .timeline import agreements

        timeline.register("agreements", agreements)
