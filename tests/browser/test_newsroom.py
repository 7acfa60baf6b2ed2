"""The review as a newsroom does it, in Chromium: an editor writes and submits with a
comment; a publisher reads it, schedules the article, then publishes it at once with
"Publish now"; the editor reads the publisher's notes and has the mails.

Screenshots of each step at 1280 px go to test-artifacts/screenshots/newsroom-*.
"""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect

from news import workflow
from news.models import Article
from tests.factories import role_group

from .conftest import screenshot
from .test_accessibility import AXE_OPTIONS, describe
from .test_admin_flow import PASSWORD, log_in, type_into_editor, workflow_button
from .test_html_validity import vnu

SLUG = "winter-school-in-harbin"
TITLE = "Winter school in Harbin"
SUBMIT_NOTE = "Please check the dates of the Harbin programme."
SCHEDULE_NOTE = "Scheduled for the morning the programme opens."
PUBLISH_NOTE = "The partners announced it today: publishing now."
# The parts of the change form this feature adds: axe checks them (the rest is Django's).
OWN_PARTS = [".review-notes", ".workflow-comment", ".workflow-row", ".field-status_label"]


@pytest.fixture
def newsroom(transactional_db, django_user_model):
    """An editor and a publisher with addresses, in the roles migration's groups."""
    users = {}
    for username, group_name in (("editor", "Editors"), ("publisher", "Publishers")):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", PASSWORD, is_staff=True
        )
        user.groups.add(role_group(group_name))
        users[username] = user
    return users


def review_notes(page):
    """The Review notes table's rows as text, newest first."""
    return page.locator(".review-notes tbody tr").all_inner_texts()


def assert_accessible(browser, page, axe):
    """No axe violation in this feature's parts of the page ``page`` shows.

    In a second context with the same login: axe injects code the admin's CSP refuses
    (and ``open_browser_page`` would report); the policy is tested elsewhere.
    """
    context = browser.new_context(
        viewport=page.viewport_size, storage_state=page.context.storage_state(), bypass_csp=True
    )
    try:
        checked = context.new_page()
        checked.goto(page.url)
        violations = axe.run(
            checked, context={"include": [[part] for part in OWN_PARTS]}, options=AXE_OPTIONS
        ).response["violations"]
    finally:
        context.close()
    assert violations == [], describe(violations, page.url)


def assert_valid_html(java, page, tmp_path):
    """No Nu checker error in this feature's parts of the page (Django's own markup has
    errors of its own that are not this feature's to fix)."""
    parts = "\n".join(
        page.locator(f"#article_form {part}").first.evaluate("(element) => element.outerHTML")
        for part in OWN_PARTS
    )
    document = tmp_path / "newsroom-parts.html"
    document.write_text(
        f"<!DOCTYPE html><html lang=en><title>Parts</title><form>{parts}</form></html>",
        encoding="utf-8",
    )
    errors = [f"{m.get('lastLine')}: {m['message']}" for m in vnu(java, [document])]
    assert errors == [], "\n".join(errors)


def test_editor_submits_with_a_comment_publisher_schedules_then_publishes_now(
    live_server, newsroom, browser, open_browser_page, java, tmp_path
):
    base = live_server.url
    axe = Axe()
    mail.outbox.clear()

    # 1. The editor writes the article and submits it with a comment.
    editor = open_browser_page()
    log_in(editor, base, "editor")
    editor.goto(f"{base}/admin/news/article/add/")
    editor.locator("#id_title_en").fill(TITLE)
    editor.locator("summary", has_text="Advanced").click()  # the slug is tucked away there
    editor.locator("#id_slug").fill(SLUG)
    type_into_editor(editor, "body_en", "Thirty students spend January at HIT.")
    editor.get_by_label("Comment for the author and the publishers (optional)").fill(SUBMIT_NOTE)
    screenshot(editor, "newsroom-1-editor-writes-and-comments")
    workflow_button(editor, "submit").click()
    expect(editor).to_have_url(f"{base}/admin/news/article/")
    expect(editor.locator(".messagelist")).to_have_text(f"Submitted for review: “{TITLE}”")
    expect(editor.locator(".messagelist")).not_to_contain_text("successfully")
    screenshot(editor, "newsroom-2-editor-submitted")
    article = Article.objects.get(slug=SLUG)
    change_url = f"{base}/admin/news/article/{article.pk}/change/"
    assert [m.to for m in mail.outbox] == [["publisher@example.org"]]

    # 2. The publisher finds it waiting for review and reads the editor's comment.
    publisher = open_browser_page()
    log_in(publisher, base, "publisher")
    publisher.goto(f"{base}/admin/news/article/?attention=review")
    row = publisher.locator("#result_list tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("in review")
    row.get_by_role("link", name=TITLE).click()
    expect(publisher).to_have_url(re.compile(re.escape(change_url)))
    expect(publisher.locator(".field-status_label .readonly")).to_have_text("in review")
    notes = review_notes(publisher)
    assert len(notes) == 1 and "Submitted for review" in notes[0] and SUBMIT_NOTE in notes[0]
    assert "editor" in notes[0]
    assert_accessible(browser, publisher, axe)
    screenshot(publisher, "newsroom-3-publisher-reads-the-comment")

    # 3. The publisher schedules it two days ahead, with a note.
    when = (timezone.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    local = timezone.localtime(when)
    publisher.locator("#id_publish_at_0").fill(local.strftime("%Y-%m-%d"))
    publisher.locator("#id_publish_at_1").fill(local.strftime("%H:%M:%S"))
    publisher.get_by_label("Comment for the author and the publishers (optional)").fill(
        SCHEDULE_NOTE
    )
    workflow_button(publisher, "schedule").click()
    with translation.override("en"):  # the publisher's admin is in English
        scheduled = f"Scheduled for {workflow.moment(when)}"
    assert scheduled.endswith(" MSK")
    expect(publisher.locator(".messagelist")).to_have_text(f"{scheduled}: “{TITLE}”")
    publisher.goto(f"{base}/admin/news/article/")  # it has left the list of those in review
    row = publisher.locator("#result_list tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("scheduled")
    screenshot(publisher, "newsroom-4-publisher-scheduled")
    article.refresh_from_db()
    assert article.is_scheduled() and article.publish_at == when

    # 4. The scheduled article says so in its form, and offers "Publish now".
    row.get_by_role("link", name=TITLE).click()
    expect(publisher.locator(".field-status_label .readonly")).to_have_text("scheduled")
    expect(workflow_button(publisher, "publish")).to_have_text("Publish now")
    assert "Scheduled for" in review_notes(publisher)[0]
    assert_accessible(browser, publisher, axe)
    assert_valid_html(java, publisher, tmp_path)
    screenshot(publisher, "newsroom-5-scheduled-article-offers-publish-now")

    # 5. Publish now: live at once, never a draft on the way.
    publisher.get_by_label("Comment for the author and the publishers (optional)").fill(
        PUBLISH_NOTE
    )
    workflow_button(publisher, "publish").click()
    expect(publisher.locator(".messagelist")).to_have_text(f"Published: “{TITLE}”")
    row = publisher.locator("#result_list tbody tr").filter(has_text=TITLE)
    expect(row).to_contain_text("published")
    screenshot(publisher, "newsroom-6-published-now")
    article.refresh_from_db()
    assert article.is_public()
    assert list(article.review_notes.values_list("step", flat=True)) == [
        "publish",
        "schedule",
        "submit",
    ]
    public = open_browser_page()
    assert public.goto(f"{base}/en/news/{SLUG}/").status == 200

    # 6. The editor (who may no longer change it) reads the publisher's notes, and was mailed.
    editor.goto(change_url)
    notes = review_notes(editor)
    assert [note.split("\t")[0] for note in notes] == [
        "Published",
        scheduled,
        "Submitted for review",
    ]
    assert PUBLISH_NOTE in notes[0] and SCHEDULE_NOTE in notes[1]
    assert_accessible(browser, editor, axe)
    screenshot(editor, "newsroom-7-editor-reads-the-notes")
    to_editor = [m for m in mail.outbox if m.to == ["editor@example.org"]]
    assert [m.subject for m in to_editor] == [
        f"[International Office] {scheduled}: {TITLE}",
        f"[International Office] Published: {TITLE}",
    ]
    assert PUBLISH_NOTE in to_editor[1].body and change_url in to_editor[1].body
