from modeltranslation.translator import TranslationOptions, register

from .models import Agreement, AgreementParty


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    # Only what readers see is translated; the notes are the office's, in its language.
    fields = ("title", "summary")
    required_languages = ("en",)


@register(AgreementParty)
class AgreementPartyTranslation(TranslationOptions):
    fields = ("unit",)
