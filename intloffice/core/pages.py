"""What every public page tells browsers and search engines about itself."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from . import structured_data
from .text import excerpt

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trail = self.get_breadcrumbs()
        data = self.get_structured_data()
        if len(trail) > 1:
            data = [*data, structured_data.breadcrumbs(self.request, trail)]
        context.update(
            section=self.section,
            breadcrumbs=trail,
            structured_data=data,
            content_languages=self.get_content_languages(),
            page_description=self.get_description(),
        )
        return context


def home_crumb() -> tuple[str, str]:
    return (_("Home"), reverse("home"))


class DetailPage(PageMixin):
    """A public page about one object (a DetailView's): the trail ends with the object,
    its structured data comes from ``describe(request, object)``, and its languages are
    those in which its ``title_field`` is written."""

    title_field = "name"
    describe = None  # a builder from intloffice.core.structured_data, as a staticmethod

    def get_parent_crumbs(self) -> list[tuple[str, str]]:
        return [home_crumb()]

    def get_breadcrumbs(self):
        title = getattr(self.object, self.title_field)
        return [*self.get_parent_crumbs(), (title, self.object.get_absolute_url())]

    def get_structured_data(self):
        return [self.describe(self.request, self.object)] if self.describe else []

    def get_content_languages(self):
        return content_languages(self.object, self.title_field)
