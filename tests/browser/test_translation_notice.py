"""Readers are told, in a real Chromium: an editor changes the English body of the summit
report; the translation desk shows Russian and Chinese stale; a Russian reader sees the
notice; the editor updates the Russian text from the desk; the notice goes for the Russian
reader and stays for the Chinese one. axe and the Nu checker find nothing on a page with
the notice, in Russian and in Chinese."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from news.models import Article
from tests.conftest import SEED_SLUG

from .conftest import DESKTOP, PHONE, SEED_TITLE, screenshot, visit
from .test_accessibility import describe
from .test_admin_flow import log_in, staff, type_into_editor  # noqa: F401 (fixtures)
from .test_html_validity import vnu
from .test_multilingual_editing import axe_violations

ARTICLE = "/{language}/news/" + SEED_SLUG + "/"
ADDED_EN = " They also signed a roadmap for joint master's programmes."
ADDED_RU = " Они также подписали дорожную карту совместных магистерских программ."


def notice(page):
    return page.get_by_role("note").filter(has=page.get_by_role("link", name=re.compile(".")))


@pytest.mark.usefixtures("staff")
def test_the_notice_follows_the_english_change_and_the_russian_update(
    site, open_browser_page, java, tmp_path
):
    article = Article.objects.get(slug=SEED_SLUG)
    editor = open_browser_page()
    russian = open_browser_page()
    chinese = open_browser_page()

    visit(russian, site + ARTICLE.format(language="ru"))
    expect(russian.locator(".translation-notice")).to_have_count(0)

    # 1. The editor opens the summit report and adds a sentence to its English body.
    log_in(editor, site, "publisher")
    # (The article list opens on what needs attention: a missing translation.)
    editor.goto(f"{site}/admin/news/article/?q=ATURC-2022")
    editor.locator("#result_list").get_by_role("link", name=SEED_TITLE).click()
    expect(editor).to_have_url(re.compile(rf"/admin/news/article/{article.pk}/change/"))
    editor.locator("#tab_id_body_en [contenteditable=true]").click()
    editor.keyboard.press("Control+End")
    editor.keyboard.type(ADDED_EN)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert ADDED_EN.strip() in article.body_en

    # 2. The desk shows its Russian and Chinese stale.
    editor.goto(f"{site}/admin/")
    editor.get_by_role("link", name="Translations out of date").click()
    russian_cell = editor.get_by_role("link", name=f"{SEED_TITLE}, Русский: stale")
    expect(russian_cell).to_be_visible()
    expect(
        editor.get_by_role("link", name=re.compile(rf"^{SEED_TITLE}, .*中文: stale$"))
    ).to_be_visible()

    # 3. The Russian reader is told, with a link to the English original.
    visit(russian, site + ARTICLE.format(language="ru"))
    told = notice(russian)
    expect(told).to_contain_text("2026")
    link = told.get_by_role("link")
    expect(link).to_have_attribute("href", ARTICLE.format(language="en"))
    expect(link).to_have_attribute("hreflang", "en")
    visit(chinese, site + ARTICLE.format(language="zh-hans"))
    expect(notice(chinese)).to_be_visible()

    # axe and the Nu checker on the page with the notice, in both languages.
    for reader, language in ((russian, "ru"), (chinese, "zh-hans")):
        violations = axe_violations(reader, Axe())
        assert violations == [], describe(violations, reader.url)
        document = tmp_path / f"article-{language}.html"
        document.write_text(reader.request.get(reader.url).text(), encoding="utf-8")
        assert [m["message"] for m in vnu(java, [document])] == [], language
        for viewport in (DESKTOP, PHONE):
            reader.set_viewport_size(viewport)
            screenshot(reader, f"translation-notice-{language}")
        reader.set_viewport_size(DESKTOP)

    # 4. The editor updates the Russian text: one click on its desk cell opens the form on
    # the Russian tab.
    russian_cell.click()
    expect(editor).to_have_url(re.compile(r"\?_language=ru$"))
    type_into_editor(editor, "body_ru", ADDED_RU)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert ADDED_RU.strip() in article.body_ru

    # 5. The notice is gone for the Russian reader, and stays for the Chinese one.
    visit(russian, site + ARTICLE.format(language="ru"))
    expect(russian.locator("article .body")).to_contain_text(ADDED_RU.strip())
    expect(russian.locator(".translation-notice")).to_have_count(0)
    visit(chinese, site + ARTICLE.format(language="zh-hans"))
    expect(notice(chinese)).to_be_visible()


def test_lists_mark_what_they_show_in_another_language(site, open_browser_page):
    """The English-only article is marked "in English" ("на английском") on the Russian
    news list and home page, at both widths; the translated ones are not."""
    for viewport in (DESKTOP, PHONE):
        reader = open_browser_page(viewport)
        for name, path in (("news", "/ru/news/"), ("home", "/ru/")):
            visit(reader, site + path)
            card = reader.locator("article.card").filter(
                has=reader.get_by_role("link", name="New joint laboratory with RSF support")
            )
            expect(card.locator(".fallback-mark")).to_have_text("на английском")
            translated = reader.locator("article.card").filter(
                has=reader.get_by_role("link", name="Молодёжный форум АТУРК: приём заявок")
            )
            expect(translated.locator(".fallback-mark")).to_have_count(0)
            screenshot(reader, f"fallback-marks-{name}-ru")
