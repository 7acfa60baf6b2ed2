"""What every public page needs of the information pages: the menus, and which addresses
are pages. One query, kept until a page changes (freshness.remember), shared by every page
in every language; a scheduled page's time renews it by itself."""

from dataclasses import dataclass, field

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from intloffice.core.freshness import remember, remembered

from .models import Page


@dataclass
class Directory:
    slugs: frozenset = frozenset()  # every page's, drafts too (the view says 404)
    menus: dict = field(default_factory=dict)  # menu -> public pages in menu order


def compute() -> Directory:
    titles = [build_localized_fieldname("title", code) for code, _name in settings.LANGUAGES]
    pages = list(
        Page.objects.only(
            "slug", "menu", "position", "status", "publish_at", *titles
        ).in_menu_order()
    )
    menus = {menu: [] for menu in (Page.Menu.MAIN, Page.Menu.FOOTER)}
    for page in pages:
        if page.menu in menus and page.is_public():
            menus[page.menu].append(page)
    return Directory(slugs=frozenset(page.slug for page in pages), menus=menus)


def directory() -> Directory:
    return remember("pages-directory", compute)


def directory_known() -> bool:
    """Whether the menus are remembered (and still exact)."""
    return remembered("pages-directory") is not None


def menu(name: str, known_only: bool = False) -> list[Page]:
    """The public pages in menu ``name`` ("main" or "footer"), in their order. With
    ``known_only``, only if they are remembered already, else none (the 404 page, which
    costs no query, shows the menus most of the time, and never a wrong one)."""
    return menus(known_only).get(name, [])


def menus(known_only: bool = False) -> dict[str, list[Page]]:
    """Every menu's public pages (see ``menu``)."""
    found = remembered("pages-directory") if known_only else directory()
    return found.menus if found else {}


def is_page(slug: str) -> bool:
    return slug in directory().slugs
