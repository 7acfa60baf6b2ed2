from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


def remember_the_day(sender, instance, raw=False, **kwargs):
    """A participation being recorded keeps the person's position and organisation of the
    day (loading fixtures leaves rows as they are)."""
    if instance._state.adding and not raw:
        instance.remember_the_day()


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners, people and events")

    def ready(self):
        from intloffice.core import freshness

        from . import timeline
        from .models import Event, Membership, Organization, Participation, Person

        freshness.watch(Organization, Membership, Person, Event, Participation)
        pre_save.connect(remember_the_day, sender=Participation, dispatch_uid="remember-the-day")
        timeline.register("events", timeline.events_and_visits)
