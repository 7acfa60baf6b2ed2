"""The editorial back-office as people use it: an editor writes and submits, a publisher
schedules, and the article appears by itself when its time comes (no cron).

Real Chromium against the live server: logins through the admin's login page, typing into
the tabbed translation fields and the rich-text editor, uploading a real JPEG, clicking the
workflow buttons. The clock is time-machine's: it is patched for every thread of this
process, the live server's included, so "one minute later" takes no minute.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from news.models import Article
from tests.factories import make_article, role_group

from .conftest import screenshot

PASSWORD = "a-long-enough-test-password"
SLUG = "summer-school-with-aturc-partners"
TITLE_EN = "Summer school with ATURC partners"
TITLE_RU = "Летняя школа с партнёрами АТУРК"
BODY_EN = "Forty students from six universities met in Saint Petersburg."
BODY_RU = "Сорок студентов из шести университетов встретились в Санкт-Петербурге."
ALT_EN = "Students in front of the Main Building"
ALT_RU = "Студенты перед Главным зданием"
# Everything a form posts except files: what a browser would send back unchanged.
FORM_FIELDS = """(selector) => {
  const form = document.querySelector(selector);
  const fields = {};
  for (const [name, value] of new FormData(form)) {
    if (!(value instanceof File)) fields[name] = value;
  }
  return fields;
}"""


@pytest.fixture
def staff(transactional_db, django_user_model):
    """An editor and a publisher, in the groups the data migration defines.

    Transactional tests flush the database afterwards, the migration's groups with it,
    so they are made again here from the migration's own table.
    """
    users = {}
    for username, group_name in (("editor", "Editors"), ("publisher", "Publishers")):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(role_group(group_name))
        users[username] = user
    return users


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def clock():
    """A frozen clock at a whole second near the real time (session cookies expire by
    the browser's real clock); move it with ``clock.move_to``."""
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/admin/")


def show_language(page, field: str, language: str) -> None:
    """Click the language tab above a translated field (modeltranslation's tabs)."""
    page.locator(f'li[aria-controls="tab_id_{field}_{language}"]').click()
    expect(page.locator(f"#id_{field}_{language}")).to_be_attached()


def type_into_editor(page, field: str, text: str) -> None:
    """Click into the rich-text (ProseMirror) editor of ``field`` and type ``text``."""
    editor = page.locator(f"#tab_id_{field} [contenteditable=true]")
    editor.click()
    page.keyboard.type(text)
    expect(editor).to_contain_text(text)


def workflow_button(page, name: str):
    return page.locator(f'button[name="_transition"][value="{name}"]')


def small_jpeg(path):
    Image.new("RGB", (64, 48), (200, 30, 40)).save(path, "JPEG", quality=90)
    return path


def assert_public_status(page, base: str, slug: str, status: int) -> None:
    for language in ("en", "ru"):
        response = page.goto(f"{base}/{language}/news/{slug}/")
        assert response.status == status, f"/{language}/news/{slug}/ answered {response.status}"


def test_editor_submits_publisher_schedules_and_the_article_appears_by_itself(
    live_server, staff, media_root, clock, open_browser_page, tmp_path
):
    base = live_server.url
    editor = open_browser_page()
    public = open_browser_page()

    # 1. The editor writes the article in English and Russian, with an image, and submits.
    log_in(editor, base, "editor")
    editor.get_by_role("link", name="Articles").first.click()
    editor.get_by_role("link", name="Add article").click()
    expect(editor).to_have_url(f"{base}/admin/news/article/add/")
    expect(workflow_button(editor, "publish")).to_have_count(0)
    editor.locator("#id_title_en").fill(TITLE_EN)
    show_language(editor, "title", "ru")
    editor.locator("#id_title_ru").fill(TITLE_RU)
    editor.locator("summary", has_text="Advanced").click()  # the slug is tucked away there
    editor.locator("#id_slug").fill(SLUG)
    type_into_editor(editor, "body_en", BODY_EN)
    show_language(editor, "body", "ru")
    type_into_editor(editor, "body_ru", BODY_RU)
    editor.locator("input[name=image]").set_input_files(small_jpeg(tmp_path / "students.jpg"))
    editor.locator("#id_image_alt_en").fill(ALT_EN)
    # An article written in Russian needs the image described in Russian too.
    show_language(editor, "image_alt", "ru")
    editor.locator("#id_image_alt_ru").fill(ALT_RU)
    screenshot(editor, "admin-1-editor-fills-the-new-article")
    workflow_button(editor, "submit").click()
    expect(editor).to_have_url(f"{base}/admin/news/article/")
    expect(editor.locator(".messagelist")).to_contain_text("Submitted for review")
    screenshot(editor, "admin-2-editor-submitted-for-review")

    article = Article.objects.get(slug=SLUG)
    assert article.status == Article.Status.REVIEW
    assert (article.title_en, article.title_ru) == (TITLE_EN, TITLE_RU)
    assert article.body_en == f"<p>{BODY_EN}</p>"
    assert article.body_ru == f"<p>{BODY_RU}</p>"
    assert (article.image_alt_en, article.image_alt_ru) == (ALT_EN, ALT_RU)
    assert article.last_edited_by == staff["editor"]
    assert re.fullmatch(r"articles/\d{4}/[0-9a-f]{32}\.jpg", article.image.name)
    with Image.open(media_root / article.image.name) as stored:
        assert (stored.format, stored.size) == ("JPEG", (64, 48))

    # 2. Not public yet, in any language.
    assert_public_status(public, base, SLUG, 404)

    # 3. The editor has no way to publish: no button, and a forged post is refused.
    change_url = f"{base}/admin/news/article/{article.pk}/change/"
    editor.locator("#result_list").get_by_role("link", name=TITLE_EN).click()
    expect(editor).to_have_url(change_url)
    expect(workflow_button(editor, "withdraw")).to_be_visible()
    for name in ("publish", "schedule"):
        expect(workflow_button(editor, name)).to_have_count(0)
    expect(editor.get_by_role("button", name="Publish now")).to_have_count(0)
    screenshot(editor, "admin-3-editor-change-page-without-publishing")
    forged = {**editor.evaluate(FORM_FIELDS, "#article_form"), "_transition": "publish"}
    response = editor.request.post(change_url, form=forged)
    assert response.status == 403
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW

    # 4. The publisher finds it among the articles to review and schedules it a minute ahead.
    publisher = open_browser_page()
    log_in(publisher, base, "publisher")
    publisher.goto(f"{base}/admin/news/article/?attention=review")
    publisher.locator("#result_list").get_by_role("link", name=TITLE_EN).click()
    expect(publisher).to_have_url(re.compile(re.escape(change_url)))
    when = timezone.now() + dt.timedelta(minutes=1)
    local = timezone.localtime(when)  # the admin shows and reads Europe/Moscow time
    assert str(local.tzinfo) == "Europe/Moscow"
    publisher.locator("#id_publish_at_0").fill(local.strftime("%Y-%m-%d"))
    publisher.locator("#id_publish_at_1").fill(local.strftime("%H:%M:%S"))
    screenshot(publisher, "admin-4-publisher-sets-the-publication-date")
    workflow_button(publisher, "schedule").click()
    expect(publisher).to_have_url(re.compile(re.escape(f"{base}/admin/news/article/?")))
    expect(publisher.locator(".messagelist")).to_contain_text("Scheduled for")
    screenshot(publisher, "admin-5-publisher-scheduled")

    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.publish_at == when
    assert (article.title_ru, article.body_ru) == (TITLE_RU, f"<p>{BODY_RU}</p>")
    assert_public_status(public, base, SLUG, 404)

    clock.move_to(when + dt.timedelta(seconds=5))
    assert_public_status(public, base, SLUG, 200)
    public.goto(f"{base}/en/news/{SLUG}/")
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    expect(public.locator("article .body")).to_have_text(BODY_EN)
    expect(public.locator("figure.featured img")).to_have_attribute("alt", ALT_EN)
    public.goto(f"{base}/ru/news/{SLUG}/")
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE_RU)
    expect(public.locator("article .body")).to_have_text(BODY_RU)
    expect(public.locator("figure.featured img")).to_have_attribute("alt", ALT_RU)
    screenshot(public, "admin-6-public-article-after-its-time-came")


HOSTILE = (
    "<p>Безопасный абзац.</p>"
    "<script>alert(1)</script>"
    "<p><img src=x onerror=alert(2)></p>"
    '<p><a href="javascript:alert(3)">x</a></p>'
)


def test_script_posted_into_the_russian_body_never_runs_on_the_public_page(
    live_server, staff, open_browser_page
):
    """The rich-text editor cannot produce these, so the publisher's browser posts the
    admin form directly, as a hand-crafted request would: the server must clean it."""
    base = live_server.url
    article = make_article(status=Article.Status.REVIEW, title_ru="Заголовок")
    change_url = f"{base}/admin/news/article/{article.pk}/change/"
    publisher = open_browser_page()
    log_in(publisher, base, "publisher")
    publisher.goto(change_url)
    fields = publisher.evaluate(FORM_FIELDS, "#article_form")
    response = publisher.request.post(
        change_url, form={**fields, "body_ru": HOSTILE, "_transition": "publish"}
    )
    assert response.ok, response.status
    article.refresh_from_db()
    assert article.is_public()
    assert "Безопасный абзац." in article.body_ru

    reader = open_browser_page()
    dialogs = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = reader.goto(f"{base}/ru/news/{article.slug}/", wait_until="load")
    assert response.status == 200
    body = reader.locator("article .body")
    expect(body).to_contain_text("Безопасный абзац.")
    found = body.evaluate(
        """(body) => ({
          scripts: body.querySelectorAll("script").length,
          onerror: document.querySelectorAll("[onerror]").length,
          javascriptLinks: [...document.querySelectorAll("[href]")]
            .filter((el) => el.getAttribute("href").trim().toLowerCase()
              .startsWith("javascript:")).length,
          html: body.innerHTML,
        })"""
    )
    assert (found["scripts"], found["onerror"], found["javascriptLinks"]) == (0, 0, 0), found
    assert dialogs == []
    screenshot(reader, "admin-7-sanitised-russian-body")


def test_every_kind_of_admin_page_keeps_to_the_admin_policy(
    live_server, staff, django_user_model, open_browser_page
):
    """The admin's Content-Security-Policy holds on every kind of page staff open: lists,
    add and change forms (tabs, rich text, dates, inlines), history, a revision, the
    comparison of two versions, a deletion, the password form. Any violation fails the
    test (``open_browser_page`` watches every page)."""
    base = live_server.url
    django_user_model.objects.create_superuser("chief", "chief@example.org", PASSWORD)
    article = make_article(title_en="First title")
    page = open_browser_page()
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/admin/")
    opened = []

    def open_admin(path):
        response = page.goto(base + path)
        assert response.status == 200, f"{path} answered {response.status}"
        opened.append(path)

    for model in admin.site._registry:
        opts = model._meta
        open_admin(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if opts.app_label != "axes":  # login records are django-axes's to write: no add form
            open_admin(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))

    # Two saves through the form make two versions to compare.
    change = reverse("admin:news_article_change", args=[article.pk])
    open_admin(change)
    page.locator("#admin-language").select_option("ru")  # the menu's script submits it
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.locator("#admin-language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#calendarlink0").click()  # the date picker's calendar
    expect(page.locator("#calendarbox0")).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("#id_title_en").fill("Second title")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    page.locator("#id_title_en").fill("Third title")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()

    open_admin(reverse("admin:news_article_history", args=[article.pk]))
    page.get_by_role("button", name="compare").click()
    expect(page).to_have_url(re.compile(r"/history/compare/\?"))
    expect(page.locator("#content")).to_contain_text("Third title")
    page.go_back()
    page.locator("#change-history a").first.click()  # one revision, as a form
    expect(page).to_have_url(re.compile(r"/history/\d+/$"))
    open_admin(reverse("admin:news_article_delete", args=[article.pk]))
    open_admin(reverse("admin:password_change"))
    screenshot(page, "admin-8-every-kind-of-page-under-the-policy")
    assert len(opened) > 20
