from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self):
        from intloffice.core import freshness

        from . import feeds
        from .models import Agreement, AgreementParty

        # The agreements list and pages, partner pages, articles and search show them; an
        # agreement comes into force, expires or ends early at midnight by itself.
        freshness.watch(Agreement, AgreementParty)
        freshness.changes_by_itself(Agreement, Agreement.objects.next_change)
        # A WebSub hub, if there is one, hears of every committed change to what the feeds
        # show (intloffice.core.websub).
        pre_save.connect(feeds.agreement_changing, sender=Agreement, dispatch_uid="websub-before")
        post_save.connect(feeds.agreement_saved, sender=Agreement, dispatch_uid="websub-saved")
        post_delete.connect(feeds.agreement_deleted, sender=Agreement, dispatch_uid="websub-gone")
        post_save.connect(feeds.party_changed, sender=AgreementParty, dispatch_uid="websub-party")
        post_delete.connect(feeds.party_changed, sender=AgreementParty, dispatch_uid="websub-party")
        # A partner's timeline lists the agreements it signed, under the visit they came of.
        from partners import timeline

        from .timeline import agreements

        timeline.register("agreements", agreements)
