"""Slugs: a readable Latin address made from a title in any language, unique for its model.

One maker for the importer and the admin, so that an article gets the same address
whichever way it arrives. A Cyrillic or Chinese title is transliterated (anyascii) rather
than dropped: "Пятый саммит АТУРК в Сиане" -> "pyatyy-sammit-aturk-v-siane". Chinese and
Japanese are written without spaces, so each of their characters is made a word of its own,
"大学新闻" -> "da-xue-xin-wen", not one unreadable "daxuexinwen".
"""

import re
from itertools import chain, count, islice

from anyascii import anyascii
from django.db.models import QuerySet
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from .text import CJK_CHARACTERS
from .translated import localized_fields

# The max_length of every slug field of the project.
SLUG_LENGTH = 80
CJK_RUN = re.compile(f"[{CJK_CHARACTERS}]+")


def make_slug(title: str, *, fallback: str, max_length: int = SLUG_LENGTH) -> str:
    """ASCII letters, digits and hyphens, at most ``max_length`` of them: a title too long
    loses its last, cut word. ``fallback`` when the title has no letter or digit."""
    spaced = CJK_RUN.sub(lambda run: " ".join(run[0]), title)
    slug = slugify(anyascii(spaced))[:max_length].strip("-")
    slug = slug.rsplit("-", 1)[0] if len(slug) == max_length and "-" in slug else slug
    return slug or fallback[:max_length]


def with_suffix(base: str, suffix: str, max_length: int = SLUG_LENGTH) -> str:
    """``base-suffix``, ``base`` cut short enough for the whole to fit in ``max_length``."""
    return f"{base[: max_length - len(suffix) - 1].rstrip('-')}-{suffix}"


def unique_slug(others: QuerySet, title: str, *, fallback: str, field: str = "slug") -> str:
    """The title's slug, or if one of ``others`` has it already the first free of
    ``slug-2``, ``slug-3``...; usually one query."""
    max_length = others.model._meta.get_field(field).max_length
    base = make_slug(title, fallback=fallback, max_length=max_length)
    numbered = (with_suffix(base, str(number), max_length) for number in count(2))
    candidates = chain([base], numbered)
    while True:
        batch = list(islice(candidates, 20))
        taken = set(others.filter(**{f"{field}__in": batch}).values_list(field, flat=True))
        for slug in batch:
            if slug not in taken:
                return slug


class SlugFromTitle:
    """For an admin ModelForm with a ``slug`` field: the editor may leave it blank, and
    it is then made from the first of ``slug_sources`` that has a value (a translated
    field in each language in the order of settings.LANGUAGES: an article may have a
    Russian or Chinese title only), unique for the model. A slug typed is kept as typed.

    Made on the server, not by the admin's prepopulating JavaScript, which spelled
    Russian otherwise than the importer and left a Chinese title without any slug.
    """

    slug_sources: tuple[str, ...] = ("name",)
    slug_help_text = _("Left blank, it is made from the name.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if field := self.fields.get("slug"):
            field.required = False
            field.help_text = (
                format_lazy("{} {}", field.help_text, self.slug_help_text)
                if field.help_text
                else self.slug_help_text
            )

    def clean(self):
        cleaned = super().clean()
        # A slug typed wrong stays an error to correct, not replaced behind the editor's back.
        if "slug" in self.fields and not cleaned.get("slug") and "slug" not in self.errors:
            model = self._meta.model
            others = model._default_manager.exclude(pk=self.instance.pk)
            cleaned["slug"] = unique_slug(
                others, self.slug_source(cleaned), fallback=model._meta.model_name
            )
        return cleaned

    def slug_source(self, cleaned) -> str:
        for name in self.slug_sources:
            # A translated field's form has only its language columns; a plain one, itself.
            for column in (*localized_fields(name), name):
                if cleaned.get(column):
                    return cleaned[column]
        return ""
