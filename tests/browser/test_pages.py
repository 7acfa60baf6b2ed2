"""The Contacts page and the menus as readers see them, on a laptop and a phone, in each
language: photographed for people to look at (test-artifacts/screenshots/)."""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, LANGUAGES, PHONE, screenshot, visit

MENU = {"en": "Contacts", "ru": "Контакты", "zh-hans": "联系我们"}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_contacts_page_shows_the_office_and_its_staff(site, open_browser_page, lang, viewport):
    page = open_browser_page(viewport)
    visit(page, f"{site}/{lang}/contacts/")
    screenshot(page, f"pages-contacts-{lang}")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text(MENU[lang])
    expect(main.locator(".office-contacts a[href^='mailto:']")).to_have_count(1)
    expect(main.locator(".staff-member")).to_have_count(3)
    # Only the photo with consent recorded is shown; it has loaded.
    expect(main.locator(".staff-member img")).to_have_count(1)
    assert page.evaluate("document.querySelector('.staff-member img').naturalWidth > 0")
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_phone_menu_button_opens_the_menu_with_the_pages(site, open_browser_page, lang):
    page = open_browser_page(PHONE)
    visit(page, f"{site}/{lang}/")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 80  # one line: the brand and the button
    link = page.locator(".site-nav").get_by_role("link", name=MENU[lang])
    expect(link).to_be_hidden()
    page.locator(".menu-button").click()
    expect(link).to_be_visible()
    screenshot(page, f"pages-phone-menu-open-{lang}")
    link.click()
    expect(page).to_have_url(f"{site}/{lang}/contacts/")
    expect(page.locator(f'.site-nav a[href="/{lang}/contacts/"]')).to_have_attribute(
        "aria-current", "page"
    )


def test_footer_links_to_the_information_pages(site, page):
    visit(page, f"{site}/en/")
    footer = page.get_by_role("navigation", name="Information for readers")
    expect(footer.get_by_role("link")).to_have_count(4)
    footer.get_by_role("link", name="Visa support").click()
    expect(page.locator("h1")).to_have_text("Visa support")
    screenshot(page, "pages-visa-support-en")
