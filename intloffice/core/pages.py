"""What every public page tells browsers and search engines about itself, and readers
about the language of its text."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from . import provenance, structured_data
from .freshness import remember, uses
from .provenance import State, Summary
from .text import excerpt
from .translated import shown_language

# About what search results and link previews show of a page's description.
DESCRIPTION_LENGTH = 220


def shortened(text: str) -> str:
    """Text cut for a page description at a word (or a Chinese character), as cards cut it."""
    return excerpt(text, DESCRIPTION_LENGTH)


def content_languages(obj, field: str) -> list[str]:
    """The languages in which ``obj.<field>`` has real text (for hreflang alternates)."""
    return [
        code
        for code, _name in settings.LANGUAGES
        if getattr(obj, build_localized_fieldname(field, code), None)
    ]


def up_to_date(summary: Summary) -> bool:
    """Whether the text in ``summary.language`` says what the original says: the original
    itself, or a translation none of whose fields is stale or a machine draft. (A missing
    field shows the original's text, in its own language: the page is not advertised in
    a language whose title is missing, see ``content_languages``.)"""
    return summary.is_source or not (set(summary.fields.values()) & {State.STALE, State.MACHINE})


def outdated_fields(obj, summary: Summary) -> list[str]:
    """The fields whose text a reader in ``summary.language`` sees may no longer say what
    the original says: stale ones, and those whose column still holds the former
    translation while a machine draft awaits review (drafts are never public)."""
    if summary.is_source:
        return []
    return [
        name
        for name, state in summary.fields.items()
        if state == State.STALE
        or state == State.MACHINE
        and getattr(obj, build_localized_fieldname(name, summary.language), None)
    ]


@dataclass(frozen=True)
class OutdatedTranslation:
    """What a reader is told about a translation that may be out of date."""

    language: str
    source_language: str
    # When the original last changed meaningfully (None: not known).
    source_changed_at: dt.datetime | None
    fields: tuple[str, ...]


def outdated_translation(obj, title_field: str, summary: Summary | None):
    """An ``OutdatedTranslation`` when the reader sees text of ``obj`` in their language that
    may be out of date; None otherwise, and when the title itself is shown in another
    language (the fallback notice says that, and one note is enough)."""
    if summary is None or summary.is_source:
        return None
    if shown_language(obj, title_field, summary.language) != summary.language:
        return None
    fields = outdated_fields(obj, summary)
    if not fields:
        return None
    return OutdatedTranslation(
        summary.language, summary.source_language, summary.source_changed_at, tuple(fields)
    )


class PageMixin:
    """Breadcrumbs, structured data, hreflang languages and description of a public page.

    Views override the ``get_*`` hooks; the base template renders the rest.
    """

    section: str | None = None

    def get_breadcrumbs(self) -> list[tuple[str, str]]:
        return []

    def get_structured_data(self) -> list[dict]:
        return []

    def get_content_languages(self) -> list[str] | None:
        return None  # every language

    def get_description(self) -> str | None:
        """What the page is about, for search results and link previews (plain text);
        None: the site's own description."""
        return None

    def page_structured_data(self, context) -> list[dict]:
        data = self.get_structured_data()
        if len(trail := context["breadcrumbs"]) > 1:
            data = [*data, structured_data.breadcrumbs(self.request, trail)]
        return data

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            section=self.section,
            breadcrumbs=self.get_breadcrumbs(),
            content_languages=self.get_content_languages(),
            # Computed when the template shows them (callables): not at all while the
            # page's head is kept (``head_key``).
            structured_data=lambda: self.page_structured_data(context),
            page_description=self.get_description,
            head_key="",
        )
        return context


def home_crumb() -> tuple[str, str]:
    return (_("Home"), reverse("home"))


class DetailPage(PageMixin):
    """A public page about one object (a DetailView's): the trail ends with the object,
    its structured data comes from ``describe(request, object)``, and its languages are
    those in which its ``title_field`` is written.

    For an object whose translations are tracked (``translation_tracked``: see
    core/provenance.py), its states in every language are read in one query: the page
    advertises (hreflang, JSON-LD) only the languages that are up to date, and tells a
    reader whose translation may be out of date (``outdated_translation``, shown by the
    ``fallback_notice`` tag).
    """

    title_field = "name"
    describe = None  # a builder from intloffice.core.structured_data, as a staticmethod

    def get_parent_crumbs(self) -> list[tuple[str, str]]:
        return [home_crumb()]

    def get_breadcrumbs(self):
        title = getattr(self.object, self.title_field)
        return [*self.get_parent_crumbs(), (title, self.object.get_absolute_url())]

    def get_structured_data(self):
        return [self.describe(self.request, self.object)] if self.describe else []

    @cached_property
    def translations(self) -> dict[str, Summary] | None:
        """language -> Summary of the object; None if its translations are not tracked."""
        obj = self.object
        if not getattr(obj, "translation_tracked", None):
            return None
        # Once per version of the object, until its row changes (a save does, and so does
        # every write of states without one: freshness.rows_changed).
        name = f"translations:{obj._meta.label}:{obj.pk}:{getattr(obj, 'version', '')}"

        def compute():
            uses(obj)
            return provenance.states_for([obj])[provenance.key(obj)]

        return remember(name, compute)

    def get_content_languages(self):
        written = content_languages(self.object, self.title_field)
        if self.translations is None:
            return written
        return [code for code in written if up_to_date(self.translations[code])]

    def page_structured_data(self, context) -> list[dict]:
        data = super().page_structured_data(context)
        if self.translations is None:
            return data
        original, written = context["original_language"], context["content_languages"]
        return [
            structured_data.with_translations(self.request, item, original, written)
            for item in data
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        translations = self.translations
        if translations is not None:
            summary = translations.get(get_language())
            context["original_language"] = provenance.source_language_of(self.object)
            context["outdated_translation"] = outdated_translation(
                self.object, self.title_field, summary
            )
        # The head (title, description, links to the other languages, structured data)
        # is the object's: kept with what the view read (base.html's {% remembered %}).
        # Not with a query string: the page it names is not the object's alone.
        if not self.request.GET:
            context["head_key"] = f"{self.object._meta.label}:{self.object.pk}"
        return context
