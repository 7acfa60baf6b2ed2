"""The site's face on a laptop and a phone, in each language: the home, an article, a partner
and an event page photographed for people to look at (test-artifacts/screenshots/), and the
layout each viewport promises checked on the way."""

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG

from .conftest import DESKTOP, LANGUAGES, PHONE, screenshot, visit

PAGES = {
    "home": "/",
    "article": f"/news/{SEED_SLUG}/",
    "partner": "/partners/aturc/",
    "event": "/events/fifth-aturc-summit-2022/",
}
# A phone's header leaves the screen to the page: one line, brand and menu button.
PHONE_HEADER_HEIGHT = 80

COLUMNS = """(selector) => new Set([...document.querySelectorAll(selector)]
  .map((element) => Math.round(element.getBoundingClientRect().left))).size"""
LOADED_PICTURES = """(selector) => [...document.querySelectorAll(selector)]
  .filter((img) => img.complete && img.naturalWidth > 0).length"""


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_laptop_the_news_fills_columns_with_pictures(site, open_browser_page, lang):
    page = open_browser_page(DESKTOP)
    for name, path in PAGES.items():
        visit(page, f"{site}/{lang}{path}")
        screenshot(page, f"face-{name}-{lang}")
        if name == "home":
            # The lead story is the newest article with a picture, shown with it.
            lead = page.locator(".lead-story")
            expect(lead.locator(".card-title")).to_have_count(1)
            assert page.evaluate(LOADED_PICTURES, ".lead-story img") == 1
            assert page.evaluate(COLUMNS, "#latest-news ~ .card-grid > .card") >= 2
            assert page.evaluate(LOADED_PICTURES, ".card-picture img") >= 1
            # The partners beside the news, the host university not among them.
            partners = page.locator("#our-partners ~ .partner-list")
            expect(partners.locator('a[href$="/partners/aturc/"]')).to_have_count(1)
            expect(partners.locator('a[href$="/partners/spbpu/"]')).to_have_count(0)
            assert page.evaluate(LOADED_PICTURES, "#our-partners ~ .partner-list img") == 1
        if name == "partner":
            assert page.evaluate(LOADED_PICTURES, "img.logo") == 1
        if name == "event":
            # An event has no picture of its own: its organisers' logos stand for it.
            assert page.evaluate(LOADED_PICTURES, "#organisers ~ .partner-list img") == 1
        # The footer tells how to reach the office and leads to the university's site.
        footer = page.locator(".site-footer")
        expect(footer.locator('a[href^="mailto:"]')).to_have_count(1)
        expect(footer.locator('a[href^="tel:"]')).to_have_count(1)
        expect(footer.locator('a[rel="external"]')).to_have_count(1)
        assert header_height(page) <= 140


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_phone_the_header_is_one_line_and_its_menu_button_opens_the_menu(
    site, open_browser_page, lang
):
    page = open_browser_page(PHONE)
    for name, path in PAGES.items():
        visit(page, f"{site}/{lang}{path}")
        assert header_height(page) <= PHONE_HEADER_HEIGHT, f"/{lang}{path}"
        screenshot(page, f"face-{name}-{lang}")
    # The cards stand in one column.
    visit(page, f"{site}/{lang}/")
    assert page.evaluate(COLUMNS, "#latest-news ~ .card-grid > .card") == 1
    button = page.locator(".menu-button")
    menu = page.locator("#site-menu")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("navigation").first).to_be_visible()
    expect(menu.locator("input[type=search]")).to_be_visible()
    screenshot(page, f"face-menu-open-{lang}")
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(menu).to_be_hidden()


def test_without_scripts_a_phone_shows_the_menu_and_no_button(site, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        assert page.goto(f"{site}/en/").status == 200
        expect(page.locator(".menu-button")).to_be_hidden()
        expect(page.locator("#site-menu").get_by_role("link", name="News")).to_be_visible()
        expect(page.locator("#site-search")).to_be_visible()
    finally:
        context.close()
