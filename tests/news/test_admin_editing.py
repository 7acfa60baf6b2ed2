"""The article admin as office editors read it, through its real pages: the office's name
in each language, Russian titles in the right case, one language switch, the slug out of
the way, which languages each article lacks, and a live article's text shown as text."""

import re

import pytest
import reversion
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from reversion.models import Version

from news.models import Article
from tests.factories import make_article

ARTICLES = reverse("admin:news_article_changelist")
ADD = reverse("admin:news_article_add")


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1].strip()


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_admin_bears_the_office_and_university_names_in_each_language(superuser_client, language):
    html = in_language(superuser_client, language).get(reverse("admin:index")).text
    with translation.override(language):
        office, university = str(settings.SITE_NAME), str(settings.SITE_UNIVERSITY)
        django = gettext("Django administration")
        django_site = gettext("Django site admin")
    assert f'<span class="site-office">{office}</span>' in html
    assert f'<span class="site-university">{university}</span>' in html
    assert f"| {office}</title>" in html
    assert django not in html and django_site not in html


def test_branding_is_translated_not_english_everywhere(superuser_client):
    html = in_language(superuser_client, "zh-hans").get(reverse("admin:index")).text
    assert "国际合作处" in html and "圣彼得堡彼得大帝理工大学" in html
    html = in_language(superuser_client, "ru").get(reverse("admin:index")).text
    assert "Международная служба" in html


def test_admin_pages_use_the_sites_own_fonts(superuser_client):
    html = superuser_client.get(reverse("admin:index")).text
    assert re.search(
        r'<link rel="stylesheet" href="/static/vendor/fonts/fonts\.[0-9a-f]+\.css">', html
    )
    assert re.search(
        r'<link rel="stylesheet" href="/static/admin-extra/admin\.[0-9a-f]+\.css">', html
    )


def accusative(language: str, name: str) -> str:
    with translation.override(language):
        return pgettext("accusative", name)


def phrase(language: str, msgid: str, name: str) -> str:
    with translation.override(language):
        return gettext(msgid) % accusative(language, name)


def test_russian_titles_name_the_article_in_the_accusative(superuser_client, seed_article):
    """Django's "Изменить %s" with the nominative "статья" read "Изменить статья"."""
    client = in_language(superuser_client, "ru")
    change = reverse("admin:news_article_change", args=[seed_article.pk])
    pages = {
        ADD: phrase("ru", "Add %s", "article"),
        change: phrase("ru", "Change %s", "article"),
        ARTICLES: phrase("ru", "Select %s to change", "article"),
    }
    for url, title in pages.items():
        html = client.get(url).text
        assert h1(html) == title, url
        assert f"<title>{title} |" in html or f"| {title} |" in html, url
        for wrong in ("Добавить статья", "Изменить статья", "Выберите статья"):
            assert wrong not in html, (url, wrong)
    html = client.get(ARTICLES).text
    add_button = re.search(r'class="addlink">\s*(.*?)\s*</a>', html, re.S)[1]
    with translation.override("ru"):
        assert add_button == gettext("Add %(name)s") % {"name": accusative("ru", "article")}
    html = client.get(ADD).text
    breadcrumb = re.search(r'<div class="breadcrumbs">(.*?)</div>', html, re.S)[1]
    assert breadcrumb.rstrip().endswith(phrase("ru", "Add %s", "article"))
    html = client.get(reverse("admin:news_article_delete", args=[seed_article.pk])).text
    assert "удалить статья" not in html
    assert f"удалить {accusative('ru', 'article')}" in html


def test_read_only_title_names_the_article_in_the_accusative(client, editor):
    article = make_article(status=Article.Status.PUBLISHED)
    client.force_login(editor)
    html = (
        in_language(client, "ru").get(reverse("admin:news_article_change", args=[article.pk])).text
    )
    assert h1(html) == phrase("ru", "View %s", "article")


def test_english_titles_are_unchanged(superuser_client, seed_article):
    change = reverse("admin:news_article_change", args=[seed_article.pk])
    assert h1(superuser_client.get(change).text) == "Change article"
    assert h1(superuser_client.get(ADD).text) == "Add article"
    assert h1(superuser_client.get(ARTICLES).text) == "Select article to change"


def checked_language(html: str) -> str:
    """The language the form's language switch starts in."""
    [chosen] = re.findall(r'name="_language" value="([\w-]+)"[^>]* checked>', html)
    return chosen


def test_article_form_has_one_language_switch_naming_each_language_in_itself(superuser_client):
    html = superuser_client.get(ADD).text
    switch = re.search(
        r'<fieldset class="language-switch"[^>]*hidden[^>]*>(.*?)</fieldset>', html, re.S
    )
    assert switch, "the switch waits, hidden, for its script"
    labels = re.findall(
        r'<label for="language-switch-([\w-]+)" lang="[\w-]+">(.*?)</label>', switch[1]
    )
    assert labels == [("en", "English"), ("ru", "Русский"), ("zh-hans", "中文")]
    assert checked_language(html) == "en"
    assert re.search(r'<script src="/static/admin-extra/language-tabs\.[0-9a-f]+\.js">', html)


def test_the_switch_starts_in_the_admins_language(superuser_client):
    html = in_language(superuser_client, "zh-hans").get(ADD).text
    assert checked_language(html) == "zh-hans"


def test_the_switch_keeps_the_editors_language_when_the_form_comes_back(superuser_client):
    response = superuser_client.post(ADD, {"_language": "ru", "status": "draft"})
    assert response.status_code == 200
    assert checked_language(response.text) == "ru"


def test_slug_is_tucked_into_a_collapsed_advanced_section(superuser_client):
    html = superuser_client.get(ADD).text
    advanced = re.search(
        r"<details><summary>\s*<h2[^>]*>Advanced</h2>\s*</summary>(.*?)</details>", html, re.S
    )
    assert advanced and 'name="slug"' in advanced[1]
    assert html.count('name="slug"') == 1


def test_a_slug_error_opens_the_advanced_section(superuser_client, seed_article):
    response = superuser_client.post(
        ADD, {"title_en": "Another", "slug": seed_article.slug, "status": "draft"}
    )
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert not re.search(r"<details><summary>\s*<h2[^>]*>Advanced</h2>", response.text)


def test_russian_only_article_gets_its_slug_from_the_russian_title(superuser_client):
    fields = {
        "title_ru": "Летняя школа",
        "body_ru": "<p>Текст.</p>",
        "status": "draft",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "10:00:00",
        "original_language": "ru",
    }
    assert superuser_client.post(ADD, fields).status_code == 302
    assert Article.objects.get(title_ru="Летняя школа").slug == "letnyaya-shkola"


def language_cell(html: str, title: str) -> str:
    row = re.search(rf"<tr>(?:(?!</tr>).)*?{re.escape(title)}(?:(?!</tr>).)*</tr>", html, re.S)[0]
    return re.search(r'<td class="field-languages">(.*?)</td>', row, re.S)[1]


def test_article_list_says_which_languages_are_missing(superuser_client):
    make_article(
        title_en="Everywhere",
        title_ru="Везде",
        title_zh_hans="到处",
        body_ru="<p>Текст.</p>",
        body_zh_hans="<p>文字。</p>",
    )
    make_article(
        title_en="English and Chinese",
        title_zh_hans="英文和中文",
        body_zh_hans="<p>文字。</p>",
        title_ru="Только заголовок",
    )
    html = superuser_client.get(ARTICLES).text
    everywhere = language_cell(html, "Everywhere")
    assert "EN ✓" in everywhere and "RU ✓" in everywhere and "ZH ✓" in everywhere
    assert "written in every language" in everywhere
    partial = language_cell(html, "English and Chinese")
    assert "EN ✓" in partial and "RU —" in partial and "ZH ✓" in partial
    # A title without a text is not an article in that language.
    assert '<span class="visually-hidden">missing: Russian</span>' in partial


def test_language_column_speaks_the_admins_language(superuser_client):
    make_article(title_en="Only English")
    html = in_language(superuser_client, "ru").get(ARTICLES).text
    cell = language_cell(html, "Only English")
    with translation.override("ru"):
        missing = gettext("missing: %(languages)s") % {
            "languages": f"{gettext('Russian')}, {gettext('Simplified Chinese')}"
        }
    assert f'<span class="visually-hidden">{missing}</span>' in cell


BODY = '<p>Полный <strong>текст</strong> и <a href="https://example.org/">ссылка</a>.</p>'


def test_editor_opening_a_live_article_reads_its_text_rendered(client, editor):
    article = make_article(status=Article.Status.PUBLISHED, title_ru="Новость", body_ru=BODY)
    client.force_login(editor)
    response = client.get(reverse("admin:news_article_change", args=[article.pk]))
    assert response.status_code == 200
    html = response.text
    assert "&lt;strong&gt;" not in html and "&lt;p&gt;" not in html
    readonly = re.search(
        r'field-body_ru_rendered">.*?<div class="readonly">(.*?)</div>', html, re.S
    )[1]
    assert readonly.strip() == (
        '<p>Полный <strong>текст</strong> и <a href="https://example.org/" '
        'rel="noopener noreferrer">ссылка</a>.</p>'
    )


def test_read_only_text_is_sanitised_again_when_shown(client, editor):
    article = make_article(status=Article.Status.PUBLISHED)
    # Written past the model (raw SQL, an old row): the display cleans it anyway.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Article._meta.db_table} SET body_en = %s WHERE id = %s",
            ['<p onclick="alert(1)">Hi<script>alert(2)</script></p>', article.pk],
        )
    client.force_login(editor)
    html = client.get(reverse("admin:news_article_change", args=[article.pk])).text
    readonly = re.search(
        r'field-body_en_rendered">.*?<div class="readonly">(.*?)</div>', html, re.S
    )[1]
    assert readonly.strip() == "<p>Hi</p>"


def test_a_publisher_still_edits_the_live_text_in_the_editor(client, publisher):
    article = make_article(status=Article.Status.PUBLISHED, body_en="<p>Live</p>")
    client.force_login(publisher)
    html = client.get(reverse("admin:news_article_change", args=[article.pk])).text
    assert 'name="body_en"' in html
    assert '<div class="readonly"><p>Live</p>' not in html


def test_history_pages_keep_their_own_titles(superuser_client):
    article = make_article(title_en="Kept in history")
    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).get()
    html = superuser_client.get(
        reverse("admin:news_article_revision", args=[article.pk, version.pk])
    ).text
    assert h1(html) == "Revert Kept in history"
