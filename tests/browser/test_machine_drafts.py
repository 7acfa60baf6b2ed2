"""Reviewing a machine draft in a real Chromium: the form says a draft waits, one click puts
it in the Russian tab, and saving it makes it the translation readers see."""

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from intloffice.core import translation_drafts
from intloffice.core.audit import CommandLine
from intloffice.core.machine_translation import MarkingBackend
from intloffice.core.provenance import State, TranslationState
from news import workflow
from tests.factories import make_article

from .conftest import screenshot
from .test_accessibility import describe
from .test_admin_flow import log_in, staff  # noqa: F401 (fixtures)
from .test_multilingual_editing import axe, axe_violations  # noqa: F401 (fixture)


@pytest.mark.usefixtures("staff")
def test_an_editor_opens_the_draft_in_the_form_corrects_it_and_saves(
    live_server,
    open_browser_page,
    axe,  # noqa: F811
):
    article = make_article(
        title_en="Summit",
        title_ru="Саммит",
        summary_en="",
        body_en="<p>The rectors met.</p>",
        body_ru="<p>Ректоры встретились.</p>",
    )
    article.body_en = "<p>The rectors met and signed a roadmap.</p>"
    with workflow.acting(CommandLine("tests")):
        article.save()
    translation_drafts.draft("ru", backend=MarkingBackend())

    page = open_browser_page()
    log_in(page, live_server.url, "publisher")
    page.goto(f"{live_server.url}/admin/news/article/{article.pk}/change/")
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("A machine draft waits for review: Body [ru].")
    violations = axe_violations(page, axe)
    assert violations == [], describe(violations, page.url)

    page.get_by_role("link", name="Open them in the form (Russian)").click()
    expect(page.get_by_role("radio", name="Русский")).to_be_checked()
    expect(messages).to_contain_text("The machine drafts are in the form (Body [ru])")
    editor = page.locator("#tab_id_body_ru [contenteditable=true]")
    expect(editor).to_contain_text("[MT ru] The rectors met and signed a roadmap.")
    screenshot(page, "admin-machine-draft-in-the-form")
    # Still only a draft: the Russian reader sees the older translation.
    reader = open_browser_page()
    reader.goto(f"{live_server.url}/ru/news/{article.slug}/")
    expect(reader.locator("main")).to_contain_text("Ректоры встретились.")
    expect(reader.locator("main")).not_to_contain_text("[MT")

    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" Проверено.")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert "Проверено." in article.body_ru
    row = TranslationState.objects.get(
        content_type=ContentType.objects.get_for_model(article),
        object_id=article.pk,
        field="body",
        language="ru",
    )
    assert (row.state, row.draft) == (State.CURRENT, "")
    reader.reload()
    expect(reader.locator("main")).to_contain_text("Проверено.")
