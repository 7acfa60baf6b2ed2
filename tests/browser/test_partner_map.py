"""The partner map in a real browser: a world map with the partners' countries, each a link
a keyboard reaches and a screen reader names, and the table beside it on a phone.

(Its axe, Nu and reflow checks are those of every public page: conftest.PAGES.)"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import make_organization

from .conftest import DESKTOP, LANGUAGES, PHONE, screenshot, visit
from .test_accessibility import AXE_OPTIONS, describe
from .test_html_validity import fetch, vnu

# Partners an office like ours has: many in China, some in Central Asia and Europe, one in
# a city state that is a dot on the map. (The seed adds the Russian Science Foundation.)
PARTNERS = {"CN": 12, "KZ": 3, "MN": 2, "DE": 2, "FR": 1, "VN": 1, "BR": 1, "SG": 1}
NAMES = {
    "en": ("China: 12 partners", "China"),
    "ru": ("Китай", "Китай"),
    "zh-hans": ("中国", "中国"),
}
# Where the map's links are, and the focused one's outline, as the browser draws them.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {inMap: !!el.closest("svg.world-map"), name: el.getAttribute("aria-label"),
          outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
}"""
MAP_BOX = """() => {
  const box = document.querySelector("svg.world-map").getBoundingClientRect();
  return {width: box.width, height: box.height, window: document.documentElement.clientWidth};
}"""


@pytest.fixture
def partners_abroad(site):
    for code, number in PARTNERS.items():
        for index in range(number):
            make_organization(name_en=f"{code} University {index + 1}", country=code)
    return site


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_map_shows_the_partners_countries_on_a_laptop_and_a_phone(
    partners_abroad, open_browser_page, lang
):
    site = partners_abroad
    name, china = NAMES[lang]
    for viewport in (DESKTOP, PHONE):
        page = open_browser_page(viewport)
        visit(page, f"{site}/{lang}/partners/map/")
        screenshot(page, f"partner-map-{lang}")
        world = page.locator("svg.world-map")
        links = world.get_by_role("link")
        # The countries with partners, the Russian Science Foundation's Russia among them.
        expect(links).to_have_count(len(PARTNERS) + 1)
        expect(world.get_by_role("link", name=name)).to_have_count(1)
        box = page.evaluate(MAP_BOX)
        # The whole world in the column, scaled down on a phone, never wider than the window.
        assert box["width"] <= box["window"] and box["width"] > 0.8 * (box["window"] - 40)
        assert box["height"] == pytest.approx(box["width"] * 431 / 1000, rel=0.02)
        table = page.get_by_role("table")
        expect(table).to_be_visible()
        expect(table.get_by_role("row")).to_have_count(1 + len(PARTNERS) + 1)
        expect(table.get_by_role("row").nth(1)).to_contain_text(china)
        expect(table.get_by_role("row").nth(1)).to_contain_text("12")
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        assert violations == [], describe(violations, page.url)


def test_a_keyboard_reaches_the_countries_and_a_country_leads_to_its_partners(
    partners_abroad, open_browser_page
):
    site = partners_abroad
    page = open_browser_page(DESKTOP)
    visit(page, f"{site}/en/partners/map/")
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["inMap"]:
            break
    # The first country on the map is the one with most partners, with a visible outline.
    assert focused == {
        "inMap": True,
        "name": "China: 12 partners",
        "outline": "solid",
        "outlineWidth": 3,
    }
    screenshot(page, "partner-map-focus-en")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == "Kazakhstan: 3 partners"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/en/partners/?country=CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners in China")
    expect(page.locator(".partner-list > li")).to_have_count(12)
    screenshot(page, "partners-in-china-en")
    # The table leads there too, also for a country too small to click on the map.
    visit(page, f"{site}/en/partners/map/")
    page.get_by_role("table").get_by_role("link", name="Singapore").click()
    expect(page).to_have_url(f"{site}/en/partners/?country=SG")
    expect(page.locator(".partner-list > li")).to_have_count(1)


def test_the_map_with_many_countries_and_dots_is_valid_html(partners_abroad, java, tmp_path):
    """conftest.PAGES checks the map with the seed's one country; here with dots too."""
    for lang in LANGUAGES:
        status, html = fetch(f"{partners_abroad}/{lang}/partners/map/")
        assert status == 200 and b"<circle" in html
        (tmp_path / f"{lang}.html").write_bytes(html)
    errors = vnu(java, sorted(tmp_path.iterdir()))
    assert errors == [], errors
