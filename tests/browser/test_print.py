"""A printed page is its content: the site's navigation stays on the screen, and links in an
article's text spell out where they lead (paper cannot be clicked)."""

import pytest

from tests.factories import make_article

from .conftest import screenshot, visit

# What each page shows on the screen and leaves out on paper.
SCREEN_ONLY = {
    "article": [
        ".skip-link",
        ".site-header .header-menu",
        ".language-switcher",
        ".breadcrumbs",
        ".prev-next",
        ".site-footer nav",
    ],
    "news-list": [".news-filters", ".year-archive"],
    "partner": [".feed-link"],
}
PATHS = {"news-list": "/en/news/", "partner": "/en/partners/aturc/"}
DISPLAYED = """(selector) => [...document.querySelectorAll(selector)]
  .filter((element) => getComputedStyle(element).display !== "none").length"""
AFTER = """(selector) => getComputedStyle(document.querySelector(selector), "::after").content"""


def displayed(page, selectors) -> list[str]:
    return [selector for selector in selectors if page.evaluate(DISPLAYED, selector)]


@pytest.fixture
def printed_article(site_data):
    return make_article(
        slug="printed-report",
        title_en="Printed report",
        body_en='<p>Read <a href="https://example.org/report">the full report</a> online.</p>',
    )


@pytest.mark.parametrize("name", SCREEN_ONLY)
def test_printing_leaves_out_the_navigation_and_keeps_the_content(
    site, page, printed_article, name
):
    path = PATHS.get(name, printed_article.get_absolute_url())
    visit(page, site + path)
    selectors = SCREEN_ONLY[name]
    # Shown on the screen first: a part missing from the page would pass for a hidden one.
    assert displayed(page, selectors) == selectors
    page.emulate_media(media="print")
    printed = displayed(page, selectors)
    assert printed == [], f"{path} prints what only the screen needs: {', '.join(printed)}"
    assert page.locator("main h1").is_visible()
    assert page.locator(".site-header .brand").is_visible()
    screenshot(page, f"print-{name}")


def test_a_printed_article_spells_out_where_its_links_lead(site, page, printed_article):
    visit(page, site + printed_article.get_absolute_url())
    link = '.article .body a[href="https://example.org/report"]'
    assert page.evaluate(AFTER, link) in ("none", "normal")
    page.emulate_media(media="print")
    assert page.evaluate(AFTER, link) == '" (https://example.org/report)"'
