from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


def organization_names_changed(sender, instance, raw=False, **kwargs):
    """An organisation's other names changed: its ``aliases`` follow (search, mentions)."""
    if raw:
        return  # loaddata: the organisation's row comes with its aliases as they were
    from .models import Organization

    Organization.objects.filter(pk=instance.organization_id).refresh_aliases()


def remember_the_day(sender, instance, raw=False, **kwargs):
    """A participation being recorded keeps the person's position and organisation of the
    day (loading fixtures leaves rows as they are)."""
    if instance._state.adding and not raw:
        instance.remember_the_day()


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners, people and events")

    def ready(self):
        from intloffice.core import freshness, glossary

        from . import glossary as partner_glossary
        from . import timeline
        from .models import (
            Event,
            Membership,
            Organization,
            OrganizationName,
            Participation,
            Person,
        )

        freshness.watch(Organization, OrganizationName, Membership, Person, Event, Participation)
        # Bulk writes bypass signals: their callers call refresh_aliases() (partners.ror).
        for signal in (post_save, post_delete):
            signal.connect(
                organization_names_changed,
                sender=OrganizationName,
                dispatch_uid=f"organization-names-{signal is post_save}",
            )
        pre_save.connect(remember_the_day, sender=Participation, dispatch_uid="remember-the-day")
        timeline.register("events", timeline.events_and_visits)
        # Machine drafts keep partners' names as the office writes them (ATURC → АТУРК).
        glossary.register(partner_glossary.glossary_pairs)
