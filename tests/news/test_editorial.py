"""The editorial back-office: roles, workflow, preview, stale edits, history, logins."""

import datetime as dt
import logging

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from news import workflow
from news.models import Article
from tests.conftest import PASSWORD
from tests.factories import make_article


def form_data(article, **changes):
    data = {
        "title_en": article.title_en or "",
        "title_ru": article.title_ru or "",
        "title_zh_hans": "",
        "slug": article.slug,
        "body_en": article.body_en or "",
        "body_ru": article.body_ru or "",
        "publish_at_0": timezone.localtime(article.publish_at).strftime("%Y-%m-%d"),
        "publish_at_1": timezone.localtime(article.publish_at).strftime("%H:%M:%S"),
        "original_language": article.original_language,
        "based_on_version": str(article.version),
    }
    data.update(changes)
    return data


def test_groups_have_exact_permissions(db):
    editors = {p.codename for p in Group.objects.get(name="Editors").permissions.all()}
    publishers = {p.codename for p in Group.objects.get(name="Publishers").permissions.all()}
    assert "publish_article" not in editors and "delete_article" not in editors
    assert {"add_article", "change_article", "view_article"} <= editors
    assert {"publish_article", "delete_article"} <= publishers
    for codenames in (editors, publishers):
        assert not {c for c in codenames if c.endswith(("_user", "_group", "_permission"))}


def test_editor_can_submit_but_never_publish(editor):
    article = make_article(status=Article.Status.DRAFT)
    assert [t.name for t in workflow.available(editor, article)] == ["submit"]
    workflow.apply(article, "submit", editor)
    assert article.status == Article.Status.REVIEW
    for name in ("publish", "schedule", "unpublish", "archive"):
        with pytest.raises(PermissionDenied):
            workflow.apply(article, name, editor, when=timezone.now() + dt.timedelta(days=1))
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_editor_cannot_publish_by_a_direct_post(client, editor):
    article = make_article(status=Article.Status.REVIEW)
    client.force_login(editor)
    url = reverse("admin:news_article_change", args=[article.pk])
    page = client.get(url).text
    assert 'value="publish"' not in page and 'value="schedule"' not in page
    response = client.post(url, form_data(article, _transition="publish", status="published"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    # The status field itself is read-only: posting it changes nothing.
    client.post(url, form_data(article, status="published"))
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_editor_cannot_change_or_delete_a_published_article(client, editor):
    article = make_article()
    client.force_login(editor)
    change = client.post(
        reverse("admin:news_article_change", args=[article.pk]), form_data(article, title_en="X")
    )
    assert change.status_code == 403
    delete = client.post(reverse("admin:news_article_delete", args=[article.pk]), {"post": "yes"})
    assert delete.status_code == 403
    article.refresh_from_db()
    assert article.title_en != "X"
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_publisher_schedules_and_the_article_appears_by_itself(client, publisher):
    article = make_article(status=Article.Status.REVIEW)
    client.force_login(publisher)
    when = timezone.now() + dt.timedelta(minutes=1)
    response = client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        form_data(
            article,
            _transition="schedule",
            publish_at_0=timezone.localtime(when).strftime("%Y-%m-%d"),
            publish_at_1=timezone.localtime(when).strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert not article.is_public()
    assert article.is_public(now=when + dt.timedelta(seconds=1))
    assert Article.objects.published(now=when + dt.timedelta(seconds=1)).filter(pk=article.pk)


def test_list_actions_follow_the_same_rules(client, editor, publisher):
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(2)]
    url = reverse("admin:news_article_changelist")
    client.force_login(editor)
    assert "publish_now" not in client.get(url).text
    client.post(url, {"action": "publish_now", "_selected_action": [a.pk for a in drafts]})
    assert not Article.objects.published().filter(pk__in=[a.pk for a in drafts]).exists()
    client.force_login(publisher)
    client.post(url, {"action": "publish_now", "_selected_action": [a.pk for a in drafts]})
    assert Article.objects.published().filter(pk__in=[a.pk for a in drafts]).count() == 2
    from reversion.models import Version

    history = Version.objects.get_for_object(drafts[0])
    assert history.count() == 1 and history.get().revision.user == publisher


def test_staff_preview_drafts_and_the_public_gets_404(client, editor):
    draft = make_article(status=Article.Status.DRAFT, title_ru="Черновик")
    scheduled = make_article(publish_at=timezone.now() + dt.timedelta(hours=2))
    for article in (draft, scheduled):
        for language in ("en", "ru", "zh-hans"):
            url = f"/{language}/news/{article.slug}/"
            assert client.get(url).status_code == 404
    for url in ("/en/news/", "/en/search/?q=Article", "/en/news/feed/", "/sitemap.xml"):
        text = client.get(url).content.decode()
        assert draft.slug not in text and scheduled.slug not in text, url
    client.force_login(editor)
    for language in ("en", "ru", "zh-hans"):
        page = client.get(f"/{language}/news/{draft.slug}/")
        assert page.status_code == 200
        assert 'class="preview-banner"' in page.text
        assert '<meta name="robots" content="noindex">' in page.text
    assert "preview-banner" in client.get(f"/en/news/{scheduled.slug}/").text


def test_a_stale_save_is_refused_and_loses_nothing(client, editor, django_user_model):
    colleague = django_user_model.objects.create_user("colleague", is_staff=True)
    colleague.groups.add(Group.objects.get(name="Editors"))
    article = make_article(status=Article.Status.DRAFT, title_en="Original")
    url = reverse("admin:news_article_change", args=[article.pk])
    opened = form_data(article)  # both open the form at version 1
    client.force_login(colleague)
    assert client.post(url, {**opened, "title_en": "Colleague's title"}).status_code == 302
    client.force_login(editor)
    response = client.post(url, {**opened, "title_en": "Editor's title"})
    assert response.status_code == 200
    assert "colleague saved this article" in response.text
    article.refresh_from_db()
    assert article.title_en == "Colleague's title"
    assert article.version == 2
    # Reloading gives the current version, and then the editor's save goes through.
    assert client.post(url, form_data(article, title_en="Editor's title")).status_code == 302


def test_history_restores_an_earlier_text_in_all_languages(client, publisher):
    from reversion.models import Version

    client.force_login(publisher)
    article = make_article(status=Article.Status.DRAFT, title_en="First", body_ru="<p>Один</p>")
    url = reverse("admin:news_article_change", args=[article.pk])
    client.post(url, form_data(article, title_en="First", body_ru="<p>Один</p>"))
    article.refresh_from_db()
    client.post(url, form_data(article, title_en="Second", title_ru="Второй", body_ru="<p>Два</p>"))
    article.refresh_from_db()
    assert (article.title_en, article.title_ru) == ("Second", "Второй")
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 2
    oldest = versions.last()
    assert oldest.revision.user == publisher
    history = client.get(reverse("admin:news_article_history", args=[article.pk]))
    assert history.status_code == 200
    compare = client.get(
        reverse("admin:news_article_compare", args=[article.pk]),
        {"version_id1": oldest.pk, "version_id2": versions.first().pk},
    )
    assert compare.status_code == 200 and "Second" in compare.text
    revert_url = reverse("admin:news_article_revision", args=[article.pk, oldest.pk])
    form = client.get(revert_url).context["adminform"].form
    # What the browser posts back: the restored revision's values as the form shows them.
    restored = {name: form.initial.get(name) or "" for name in ("title_en", "title_ru", "body_ru")}
    data = form_data(article, **restored, based_on_version=str(form["based_on_version"].value()))
    assert client.post(revert_url, data).status_code == 302
    article.refresh_from_db()
    assert article.title_en == "First"
    assert not article.title_ru
    assert article.body_ru == "<p>Один</p>"


def test_five_failed_logins_lock_that_user_from_that_address_only(client, editor, publisher):
    login = reverse("admin:login")
    for _ in range(5):
        client.post(login, {"username": "editor", "password": "typo"}, REMOTE_ADDR="10.0.0.7")
    locked = client.post(
        login, {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert locked.status_code == 429
    # A colleague behind the same address still gets in.
    ok = client.post(login, {"username": "publisher", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert ok.status_code == 302


def test_logins_and_publications_are_logged(client, publisher, caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    login = reverse("admin:login")
    client.post(login, {"username": "publisher", "password": "wrong"})
    client.post(login, {"username": "publisher", "password": PASSWORD})
    article = make_article(status=Article.Status.REVIEW)
    workflow.apply(article, "publish", publisher)
    workflow.apply(article, "unpublish", publisher)
    from reversion.models import Version

    assert Version.objects.get_for_object(article).count() == 2  # outside the admin too
    text = caplog.text
    assert "login failed for 'publisher'" in text
    assert "publisher logged in" in text
    assert f"publisher: publish article {article.pk}" in text
    assert f"publisher: unpublish article {article.pk}" in text


def test_create_staff_generates_a_password_shown_once(db, capsys):
    call_command("create_staff", "anna", role="editor", no_input=True)
    out = capsys.readouterr().out
    assert "Created editor 'anna'." in out and "Password (shown once): " in out
    from django.contrib.auth import get_user_model

    anna = get_user_model().objects.get(username="anna")
    assert anna.is_staff and not anna.is_superuser
    assert anna.check_password(out.split("Password (shown once): ")[1].strip())
    assert list(anna.groups.values_list("name", flat=True)) == ["Editors"]


def test_admin_speaks_russian_and_chinese(client, editor):
    client.force_login(editor)
    client.post(reverse("set_language"), {"language": "ru", "next": "/admin/"})
    russian = client.get(reverse("admin:index")).text
    assert '<html lang="ru"' in russian and "Администрирование сайта" in russian
    assert "Отправить на проверку" in client.get(reverse("admin:news_article_add")).text
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/admin/"})
    chinese = client.get(reverse("admin:index")).text
    assert '<html lang="zh-hans"' in chinese and "站点管理" in chinese


def test_admin_index_lists_what_needs_attention(client, publisher):
    make_article(status=Article.Status.REVIEW)
    make_article(publish_at=timezone.now() + dt.timedelta(days=1))
    client.force_login(publisher)
    html = client.get(reverse("admin:index")).text
    assert "Needs attention" in html
    assert "?attention=review" in html and "?attention=scheduled" in html
    review = client.get(reverse("admin:news_article_changelist") + "?attention=review")
    assert review.context["cl"].result_count == 1


def test_an_image_needs_alt_text_in_each_written_language_unless_decorative(
    client, publisher, tmp_path, settings
):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    article = make_article(status=Article.Status.DRAFT, title_ru="Заголовок")
    url = reverse("admin:news_article_change", args=[article.pk])
    client.force_login(publisher)

    def jpeg():
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
        buffer.seek(0)
        buffer.name = "photo.jpg"
        return buffer

    refused = client.post(url, form_data(article, image=jpeg(), image_alt_en="A red square"))
    assert refused.status_code == 200
    assert "Describe the image in Russian" in refused.text
    article.refresh_from_db()
    assert not article.image
    decorative = client.post(url, form_data(article, image=jpeg(), image_decorative="on"))
    assert decorative.status_code == 302
    article.refresh_from_db()
    assert article.image and article.image_decorative


def test_a_transition_on_a_new_article_is_logged_with_its_id(client, editor, caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    client.force_login(editor)
    response = client.post(
        reverse("admin:news_article_add"),
        {
            "title_en": "Summer school",
            "slug": "summer-school",
            "body_en": "<p>Text</p>",
            "publish_at_0": "2026-01-01",
            "publish_at_1": "10:00:00",
            "original_language": "en",
            "_transition": "submit",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="summer-school")
    assert article.status == Article.Status.REVIEW
    assert f"editor: submit article {article.pk} 'summer-school'" in caplog.text
