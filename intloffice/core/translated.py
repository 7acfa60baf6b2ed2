"""Which language a translated field is actually shown in, after modeltranslation's fallback.

The reader's language comes first, then the fallback chain of settings; the element that
shows a fallback value must carry that value's ``lang`` so screen readers pronounce it
right and the page can say the text is not translated.
"""

from django.conf import settings
from django.db.models import Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname


def fallback_chain(language: str) -> list[str]:
    chain = [language]
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    for code in fallbacks.get(language, fallbacks["default"]):
        if code not in chain:
            chain.append(code)
    return chain


def shown_language(obj, field: str, language: str | None = None) -> str:
    """The language whose text ``obj.<field>`` displays for a reader in ``language``."""
    language = language or get_language() or settings.LANGUAGE_CODE
    for code in fallback_chain(language):
        if getattr(obj, build_localized_fieldname(field, code), None):
            return code
    return language


def localized_fields(*fields: str) -> list[str]:
    """Every language column of the given fields, e.g. for an admin's ``search_fields``."""
    return [
        build_localized_fieldname(field, code)
        for field in fields
        for code, _name in settings.LANGUAGES
    ]


def translated_ordering(field: str, language: str | None = None):
    """Sort by what the reader sees: modeltranslation's fallback does not apply in SQL."""
    language = language or get_language() or settings.LANGUAGE_CODE
    columns = [
        NullIf(build_localized_fieldname(field, code), Value(""))
        for code in fallback_chain(language)
    ]
    return Lower(Coalesce(*columns))
