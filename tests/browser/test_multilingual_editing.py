"""An office editor writes an article in Russian only, with an image, in a real Chromium:
language tabs named in words with a mark for what is filled in, one switch for every tab,
an image that survives the form coming back with an error, a thumbnail once saved; the
Chinese admin in the site's own Chinese font; axe and the Nu checker on those pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from news.models import Article
from tests.conftest import SEED_SLUG, SEEDS

from .conftest import screenshot
from .test_accessibility import AXE_OPTIONS, describe
from .test_admin_flow import log_in, media_root, small_jpeg, staff  # noqa: F401 (fixtures)
from .test_html_validity import CANARY, vnu

TITLE_RU = "Летняя школа в Политехе"
ALT_RU = "Студенты перед Главным зданием"
# The translated fields of an article, each with its own tabs.
GROUPS = ("title", "summary", "body", "byline", "image_alt", "image_caption")
TAB_NAMES = ["English", "Русский", "中文"]


def tab(page, field: str, suffix: str):
    return page.locator(f'li[aria-controls="tab_id_{field}_{suffix}"] a.language-tab')


def active_languages(page) -> list[str]:
    """The language shown by each group of tabs (each field's active tab)."""
    return page.locator(".ui-tabs-nav li.ui-tabs-active a.language-tab").evaluate_all(
        "(links) => links.map((link) => link.lang)"
    )


def choose_language(page, name: str) -> None:
    page.locator("#language-switch label", has_text=name).click()


@pytest.fixture
def signed_in(live_server, open_browser_page, request):
    """Open a page signed in to the admin as the editor, with the admin in ``language``."""
    request.getfixturevalue("staff")

    def open_admin(language: str = "en"):
        page = open_browser_page()
        log_in(page, live_server.url, "editor")
        if language != "en":
            # Chosen and sent as the form itself, not through its script's change event
            # (the script could be late on a loaded machine, and its own test is elsewhere).
            page.locator("#admin-language").evaluate(
                "(menu, code) => { menu.value = code; menu.form.submit(); }", language
            )
            # A form post and a new page: give a loaded machine time.
            expect(page.locator("html")).to_have_attribute("lang", language, timeout=20_000)
        return page

    return open_admin


@pytest.fixture(scope="module")
def axe():
    return Axe()


def axe_violations(page, axe) -> list[dict]:
    """axe's findings on the page as it is now. axe adds a <style> of its own to some pages,
    which the admin's policy blocks: a report from code with no file (run by the test) is
    axe's, not the page's, and is not counted as the page's violation."""
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    page.wait_for_timeout(200)  # the browser reports blocked styles a moment later
    page.csp_violations[:] = [v for v in page.csp_violations if not v["source"].startswith(":")]
    return violations


@pytest.mark.usefixtures("media_root")
def test_editor_writes_a_russian_only_article_with_an_image_using_one_switch(
    live_server, signed_in, tmp_path, axe
):
    base = live_server.url
    page = signed_in()
    page.goto(f"{base}/admin/news/article/add/")

    # Tabs named in words, each with an empty mark; the switch starts in English.
    switch = page.get_by_role("group", name="Language of the texts")
    expect(switch).to_be_visible()
    expect(switch.get_by_role("radio")).to_have_count(3)
    expect(switch.get_by_role("radio", name="English")).to_be_checked()
    for field in GROUPS:
        names = page.locator(f'li[aria-controls^="tab_id_{field}_"] a').evaluate_all(
            "(links) => links.map((link) => link.firstChild.textContent)"
        )
        assert names == TAB_NAMES, field
    expect(tab(page, "title", "ru")).to_have_text("Русский○ (empty)")
    expect(page.locator("#modeltranslation-main-switch")).to_have_count(0)
    assert active_languages(page) == ["en"] * len(GROUPS)
    # The slug is out of the way: made from the title, in "Advanced".
    expect(page.locator("#id_slug")).to_be_hidden()

    # One click turns every group to Russian.
    choose_language(page, "Русский")
    assert active_languages(page) == ["ru"] * len(GROUPS)
    page.locator("#id_title_ru").fill(TITLE_RU)
    expect(tab(page, "title", "ru")).to_have_text("Русский✓ (filled in)")
    expect(tab(page, "title", "ru")).to_have_class(re.compile(r"\bis-filled\b"))
    expect(tab(page, "title", "en")).to_have_class(re.compile(r"\bis-empty\b"))
    page.locator("#tab_id_body_ru [contenteditable=true]").click()
    page.keyboard.type("Сорок студентов из шести университетов.")
    expect(tab(page, "body", "ru")).to_have_text(re.compile("✓"))
    page.locator("input[name=image]").set_input_files(small_jpeg(tmp_path / "students.jpg"))
    screenshot(page, "edit-1-russian-title-and-image")
    violations = axe_violations(page, axe)
    assert violations == [], describe(violations, page.url)

    # Saved without describing the image in Russian: the form comes back, in Russian,
    # with the chosen image kept and shown.
    page.locator("input[name=_continue]").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(switch.get_by_role("radio", name="Русский")).to_be_checked()
    expect(page.locator('li[aria-controls="tab_id_image_alt_ru"]')).to_have_attribute(
        "aria-selected", "true"
    )
    kept = page.locator(".image-kept img.image-preview")
    expect(kept).to_be_visible()
    assert kept.evaluate("(img) => img.naturalWidth") == 64
    expect(tab(page, "title", "ru")).to_have_text(re.compile("✓"))
    screenshot(page, "edit-2-error-with-the-image-kept")

    page.locator("#id_image_alt_ru").fill(ALT_RU)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    article = Article.objects.get(title_ru=TITLE_RU)
    assert re.fullmatch(r"articles/\d{4}/[0-9a-f]{32}\.jpg", article.image.name)
    assert not article.title_en
    assert article.slug == "letnyaya-shkola-v-politekhe"  # made from the Russian title
    thumbnail = page.locator(".field-image img.image-preview")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("(img) => img.naturalWidth") == 64
    expect(page.locator(".image-kept")).to_have_count(0)
    # Opened again, the form starts in the admin's language, with the marks of what is there.
    assert active_languages(page) == ["en"] * len(GROUPS)
    expect(tab(page, "title", "ru")).to_have_class(re.compile(r"\bis-filled\b"))
    expect(tab(page, "title", "en")).to_have_class(re.compile(r"\bis-empty\b"))
    screenshot(page, "edit-3-saved-with-thumbnail")
    violations = axe_violations(page, axe)
    assert violations == [], describe(violations, page.url)

    page.goto(f"{base}/admin/news/article/")
    row = page.locator("#result_list tr", has_text=TITLE_RU)
    expect(row.locator(".field-languages")).to_contain_text("EN — RU ✓ ZH —")
    screenshot(page, "edit-4-article-list-languages")


def fonts_in_use(page) -> set[str]:
    return set(
        page.evaluate(
            """() => [...document.fonts].filter((f) => f.status === "loaded")
                 .map((f) => f.family.replace(/['"]/g, ""))"""
        )
    )


def test_chinese_admin_starts_in_chinese_and_draws_it_with_the_sites_font(
    live_server, signed_in, axe
):
    base = live_server.url
    page = signed_in("zh-hans")
    expect(page.locator("#site-name")).to_contain_text("国际合作处")
    expect(page.locator("#site-name")).to_contain_text("圣彼得堡彼得大帝理工大学")
    screenshot(page, "admin-zh-index")
    page.goto(f"{base}/admin/news/article/add/")
    page.evaluate("document.fonts.ready")
    expect(page.get_by_role("radio", name="中文")).to_be_checked()
    assert active_languages(page) == ["zh-hans"] * len(GROUPS)
    # Not a system font: the site's own Noto Sans SC, so no computer shows boxes.
    assert "Noto Sans SC" in fonts_in_use(page)
    family = page.locator("h1").evaluate("(h1) => getComputedStyle(h1).fontFamily")
    assert family.startswith('"Noto Sans Variable", "Noto Sans SC"')
    screenshot(page, "admin-zh-add-article")
    violations = axe_violations(page, axe)
    assert violations == [], describe(violations, page.url)


def admin_pages() -> dict[str, str]:
    """The admin pages an editor works in: lists, add and change forms of articles, of the
    partners' world, of agreements, of information pages and staff, and an article's
    history (the seed's records, in the database)."""
    from agreements.models import Agreement
    from pages.models import Page, StaffMember
    from partners.models import Event, Organization, Person

    article = Article.objects.get(slug=SEED_SLUG)
    pages = {
        "index": "/admin/",
        "article-history": f"/admin/news/article/{article.pk}/history/",
        # The seed's summit year: a chart and both tables.
        "year-in-figures": "/admin/year-in-figures/?year=2022",
    }
    for name, model, example in (
        ("article", Article, article),
        ("organisation", Organization, Organization.objects.get(slug="aturc")),
        ("event", Event, Event.objects.first()),
        ("person", Person, Person.objects.first()),
        ("information-page", Page, Page.objects.get(slug="contacts")),
        ("staff-member", StaffMember, StaffMember.objects.first()),
        ("agreement", Agreement, Agreement.objects.first()),
    ):
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages |= {f"{name}-list": base, f"{name}-add": base + "add/"}
        pages[f"{name}-change"] = f"{base}{example.pk}/change/"
    # A visit's form has its own part open, with the delegation below.
    pages["visit-change"] = f"/admin/partners/event/{Event.objects.get(kind='visit').pk}/change/"
    return pages


def import_seeds():
    from partners.models import Organization, Person
    from partners.seed import load_seed_entities
    from tests.factories import make_agreement, make_staff_member, make_visit, seed_pages

    load_seed_entities()
    call_command("import_articles", SEEDS, verbosity=0)
    seed_pages()  # gone after a transactional test's flush; kept otherwise
    make_staff_member(languages=["en", "ru"], phone="+7 812 000-00-01")
    # Not yet shown on the site: an editor may still change it.
    make_agreement(
        parties=[
            (Organization.objects.get(slug="spbpu"), "International Office"),
            Organization.objects.get(slug="aturc"),
        ],
        published=False,
        notes="Renewal to discuss.",
    )
    make_visit(
        visiting=[Organization.objects.get(slug="aturc")],
        hosts=[Organization.objects.get(slug="spbpu")],
        delegation=[Person.objects.get(slug="dmitry-arseniev")],
        purpose_en="To plan joint programmes.",
    )


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_admin_pages_editors_use_have_no_axe_violations(live_server, signed_in, axe, language):
    import_seeds()
    page = signed_in(language)
    for path in admin_pages().values():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        violations = axe_violations(page, axe)
        assert violations == [], describe(violations, f"{path} ({language})")


def test_admin_pages_editors_use_are_valid_html(client, editor, java, tmp_path):
    import_seeds()
    client.force_login(editor)
    for language in ["en", "ru", "zh-hans"]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for name, path in admin_pages().items():
            response = client.get(path)
            assert response.status_code == 200, path
            (tmp_path / f"{language}-{name}.html").write_bytes(response.content)
    (tmp_path / "canary.html").write_text(CANARY)
    errors = [
        f"{m.get('url', '?').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in vnu(java, sorted(tmp_path.glob("*.html")))
    ]
    canary = [error for error in errors if error.startswith("canary.html:")]
    assert canary, "the Nu checker reported nothing for a file with a known error"
    errors = [error for error in errors if error not in canary]
    assert errors == [], "\n".join(errors)
