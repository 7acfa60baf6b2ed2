from modeltranslation.translator import TranslationOptions, register

from .models import Page, StaffMember


@register(Page)
class PageTranslation(TranslationOptions):
    # A page may be written in one language first: no language is required.
    fields = ("title", "summary", "body")
    required_languages = ()


@register(StaffMember)
class StaffMemberTranslation(TranslationOptions):
    # Names as each language writes them (Иван Петров, Ivan Petrov, 伊万·彼得罗夫).
    fields = ("name", "role")
    required_languages = ("en",)
