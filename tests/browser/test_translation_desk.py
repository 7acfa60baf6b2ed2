"""The translation desk in a real Chromium: axe and the Nu checker find nothing on it, and
one click on a stale cell opens the form with that language's tabs shown."""

import dataclasses
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from intloffice.core import xliff
from intloffice.core.audit import CommandLine
from news import workflow
from tests.factories import make_article

from .test_accessibility import describe
from .test_admin_flow import log_in, staff  # noqa: F401 (fixtures)
from .test_html_validity import vnu
from .test_multilingual_editing import axe_violations


@pytest.mark.usefixtures("staff")
def test_desk_is_accessible_and_a_cell_opens_the_form_on_its_language(
    live_server, open_browser_page, java, tmp_path
):
    article = make_article(
        title_en="Summit",
        title_ru="Саммит",
        title_zh_hans="峰会",
        summary_en="",
        body_en="<p>The rectors met.</p>",
        body_ru="<p>Ректоры встретились.</p>",
        body_zh_hans="<p>校长们会面。</p>",
    )
    article.body_en = "<p>The rectors met and signed a roadmap.</p>"
    with workflow.acting(CommandLine("tests")):
        article.save()
    page = open_browser_page()
    log_in(page, live_server.url, "publisher")
    page.get_by_role("link", name="Translations out of date").click()
    table = page.get_by_role("table", name="1 object")
    expect(table).to_be_visible()
    violations = axe_violations(page, Axe())
    assert violations == [], describe(violations, page.url)
    document = tmp_path / "desk.html"
    # As the server sends it (the page's cookies: signed in).
    document.write_text(page.request.get(page.url).text(), encoding="utf-8")
    assert [m["message"] for m in vnu(java, [document])] == []

    table.get_by_role("link", name="Summit, Русский: stale").click()
    expect(page.get_by_role("radio", name="Русский")).to_be_checked()
    expect(page.locator('li[aria-controls="tab_id_body_ru"]')).to_have_attribute(
        "aria-selected", "true"
    )


@pytest.mark.usefixtures("staff")
def test_an_editor_downloads_a_file_for_translators_and_uploads_it_translated(
    live_server, open_browser_page, java, tmp_path
):
    article = make_article(
        title_en="Summit", summary_en="", body_en="<p>The rectors met.</p>", title_ru="Саммит"
    )
    page = open_browser_page()
    log_in(page, live_server.url, "publisher")
    page.goto(f"{live_server.url}/admin/translations/?kind=article")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the file for Русский").click()
    assert download.value.suggested_filename == "translations-en-ru-article.xlf"
    parsed = xliff.parse(Path(download.value.path()).read_bytes())
    units = [dataclasses.replace(u, target="<p>Ректоры встретились.</p>") for u in parsed.units]
    translated = tmp_path / "summit-ru.xlf"
    translated.write_bytes(xliff.build(units, "en", "ru"))

    page.get_by_label("Upload a translated file").set_input_files(translated)
    page.get_by_role("button", name="Import the translations").click()
    expect(page.get_by_text("Imported “summit-ru.xlf”: 1 translation(s) written")).to_be_visible()
    article.refresh_from_db()
    assert article.body_ru == "<p>Ректоры встретились.</p>"
    violations = axe_violations(page, Axe())
    assert violations == [], describe(violations, page.url)
    document = tmp_path / "desk-after-upload.html"
    document.write_text(page.content(), encoding="utf-8")
    assert [m["message"] for m in vnu(java, [document])] == []

    # The same file again, after the English body changed: refused, nothing written.
    article.body_en = "<p>The rectors met and signed a roadmap.</p>"
    with workflow.acting(CommandLine("tests")):
        article.save()
    page.get_by_label("Upload a translated file").set_input_files(translated)
    page.get_by_role("button", name="Import the translations").click()
    expect(page.get_by_text("Nothing was imported: the source text of article")).to_be_visible()
