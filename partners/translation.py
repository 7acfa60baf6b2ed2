from modeltranslation.translator import TranslationOptions, register

from .models import Event, Organization, Participation, Person


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    # A short name is translated too: ATURC is АТУРК in Russian.
    fields = ("name", "short_name", "city", "description")
    required_languages = ("en",)


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("honorific", "name", "position", "photo_alt", "bio")
    required_languages = ("en",)


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("name", "venue", "city", "theme", "description", "purpose", "outcomes", "follow_up")
    required_languages = ("en",)


@register(Participation)
class ParticipationTranslation(TranslationOptions):
    fields = ("role", "position")
