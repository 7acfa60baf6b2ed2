"""A reader's path through the site, as a person would click it, on a laptop and a phone."""

import re
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG

from .conftest import DESKTOP, PHONE, SEED_TITLE, screenshot

MAX_TABS = 40


def reveal(page, target):
    """Open a collapsed header menu (a phone layout may have one) if ``target`` is hidden."""
    if target.is_visible():
        return
    toggles = page.get_by_role("banner").locator("button[aria-expanded=false]")
    for index in range(toggles.count()):
        toggles.nth(index).click()
        if target.is_visible():
            return


def path_and_query(page):
    url = urlsplit(page.url)
    return url.path, parse_qs(url.query)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_reader_finds_the_summit_report_filters_switches_language_and_searches(
    site, open_browser_page, viewport
):
    page = open_browser_page(viewport)

    @contextmanager
    def step(name):
        """One thing a person does; a failure names it, a success is photographed."""
        try:
            yield
        except Exception as error:
            error.add_note(f"Journey step that failed: {name} (at {page.url})")
            raise
        screenshot(page, f"journey-{name}")

    with step("1-home-en"):
        page.goto(f"{site}/en/")
        expect(page.locator("html")).to_have_attribute("lang", "en")

    with step("2-news-en"):
        news = page.get_by_role("banner").get_by_role("link", name="News", exact=True)
        reveal(page, news)
        news.click()
        expect(page).to_have_url(re.compile(r"/en/news/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("News")

    with step("3-news-filtered-by-aturc-en"):
        filters = page.locator("form.news-filters")
        partner = filters.locator("select[name=partner]")
        # A person picks the partner by its label and visible name; the value is the slug.
        expect(partner).to_have_accessible_name(re.compile(r"\S"))
        partner.select_option("aturc")
        filters.locator("button[type=submit], button:not([type]), input[type=submit]").first.click()
        expect(page).to_have_url(re.compile(r"/en/news/\?(.*&)?partner=aturc(&|$)"))
        path, query = path_and_query(page)
        assert path == "/en/news/"
        assert query["partner"] == ["aturc"]
        main = page.get_by_role("main")
        forum_news = main.get_by_role("link", name="ATURC Youth Forum: call for participants")
        expect(forum_news).to_be_visible()
        # Articles that do not mention ATURC are filtered out.
        expect(main.get_by_role("link", name="Summer school in Shanghai")).to_have_count(0)

    with step("4-article-en"):
        main.get_by_role("link", name=SEED_TITLE).first.click()
        expect(page).to_have_url(re.compile(rf"/en/news/{SEED_SLUG}/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)

    with step("5-article-ru"):
        languages = page.get_by_role("navigation", name="Language")
        russian = languages.get_by_role("link", name="Русский")
        reveal(page, russian)
        russian.click()
        expect(page).to_have_url(f"{site}/ru/news/{SEED_SLUG}/")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        # The seed has a Russian translation (seeds/…ru.txt): no English fallback here.
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text("Политехнический университет на Пятом саммите АТУРК-2022")
        expect(page.locator(".fallback-notice")).to_have_count(0)

    with step("6-search-results-ru"):
        header = page.get_by_role("banner")
        search = header.locator("form[role=search] input[type=search][name=q]")
        reveal(page, search)
        search.fill("Xi'an")
        search.press("Enter")
        expect(page).to_have_url(re.compile(r"/ru/search/\?"))
        path, query = path_and_query(page)
        assert (path, query.get("q")) == ("/ru/search/", ["Xi'an"])
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        summit = page.get_by_role("main").locator(f'a[href$="/ru/news/{SEED_SLUG}/"]')
        expect(summit.first).to_be_visible()


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const nav = el.closest("nav");
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || "").trim().slice(0, 40),
    href: el.getAttribute("href"),
    type: el.getAttribute("type"),
    name: el.getAttribute("name"),
    nav: nav && nav.getAttribute("aria-label"),
    inSearch: !!el.closest("[role=search], search"),
    skipTarget: (() => {
      const href = el.getAttribute("href") || "";
      const target = href.startsWith("#") && document.getElementById(href.slice(1));
      return !!target && !!target.closest("main");
    })(),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < innerHeight && box.left < innerWidth,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def test_keyboard_reaches_skip_link_language_switcher_and_search_with_visible_focus(site, page):
    page.goto(f"{site}/en/")
    focused = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused.append(page.evaluate(FOCUSED))
        if focused[-1]["inSearch"] and focused[-1]["tag"] == "input":
            break
    screenshot(page, "keyboard-search-focused-en")
    trail = "\n".join(f"{n:2}. {f}" for n, f in enumerate(focused, 1))

    skip = focused[0]
    assert skip["tag"] == "a" and skip["skipTarget"], f"first Tab is not a skip link:\n{trail}"
    assert skip["onScreen"], f"the skip link stays off-screen when focused:\n{trail}"
    assert any(f["tag"] == "a" and f["nav"] == "Language" for f in focused), (
        f"no language-switcher link within {MAX_TABS} Tabs:\n{trail}"
    )
    assert any(f["tag"] == "input" and f["inSearch"] for f in focused), (
        f"the search box is not reached within {MAX_TABS} Tabs:\n{trail}"
    )
    invisible = [f for f in focused if not (f["outline"] or f["shadow"])]
    assert invisible == [], "focused without a visible focus style:\n" + "\n".join(
        map(str, invisible)
    )


def test_skip_link_moves_focus_into_the_main_content(site, page):
    page.goto(f"{site}/en/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    in_main = page.evaluate("!!document.activeElement.closest('main')")
    assert in_main, f"after the skip link, Tab went to {focused}, outside <main>"
