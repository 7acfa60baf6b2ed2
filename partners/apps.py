from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners, people and events")

    def ready(self):
        from intloffice.core import freshness

        from .models import Event, Membership, Organization, Participation, Person

        freshness.watch(Organization, Membership, Person, Event, Participation)
