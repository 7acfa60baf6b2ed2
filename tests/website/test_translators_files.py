"""Translators' files from the translation desk: a download link per language and an upload
form, for an editor who does not use the command line (intloffice.website.views over
intloffice.core.translation_exchange)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from intloffice.core import provenance, xliff
from intloffice.core import translation_exchange as exchange
from intloffice.core.audit import CommandLine
from intloffice.website import translation_desk
from news import workflow
from news.models import Article
from tests.conftest import PASSWORD
from tests.core.test_translation_exchange import translate
from tests.factories import make_article, make_organization

DESK = reverse("translation_desk")
DOWNLOAD = reverse("translation_download")
UPLOAD = reverse("translation_upload")
ENGLISH = {"title_en": "Summit", "summary_en": "", "body_en": "<p>The rectors met.</p>"}
RUSSIAN = {"title": "Саммит", "body": "<p>Ректоры встретились.</p>"}


def upload(client, data: bytes, name: str = "summit-ru.xlf"):
    file = SimpleUploadedFile(name, data, content_type="application/xliff+xml")
    return client.post(UPLOAD, {"file": file}, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_desk_offers_a_download_per_language_and_an_upload_form(client, editor):
    make_article(**ENGLISH)
    client.force_login(editor)
    html = client.get(DESK).text
    assert "Download for translators (XLIFF)" in html
    links = [f"{DOWNLOAD}?language={code}&amp;kind=article" for code in ("ru", "zh-hans")]
    assert all(link in html for link in links)
    assert f'action="{UPLOAD}" enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # The chosen language and kind narrow the link to one file.
    html = client.get(DESK, {"language": "ru", "kind": "page"}).text
    assert f'href="{DOWNLOAD}?language=ru&amp;kind=page"' in html
    assert "language=zh-hans" not in html.split("desk-exchange", 1)[1]


def test_the_download_is_an_xliff_file_of_the_kinds_asked(client, editor):
    article = make_article(**ENGLISH)
    make_organization(name_en="Tsinghua University")
    client.force_login(editor)
    response = client.get(DOWNLOAD, {"language": "ru", "kind": "article"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xliff+xml"
    assert response["Content-Disposition"] == (
        'attachment; filename="translations-en-ru-article.xlf"'
    )
    parsed = xliff.parse(response.content)
    assert {(u.model, u.pk) for u in parsed.units} == {("news.article", str(article.pk))}
    everything = client.get(DOWNLOAD, {"language": "zh-hans"})
    models = {u.model for u in xliff.parse(everything.content).units}
    assert {"news.article", "partners.organization"} <= models


def test_nothing_to_download_or_a_bad_language_is_said_on_the_desk(client, editor):
    client.force_login(editor)
    response = client.get(DOWNLOAD, {"language": "ru", "kind": "event"}, follow=True)
    assert messages_of(response) == ["Nothing needs translating from en into ru."]
    response = client.get(DOWNLOAD, {"language": "<b>x</b>"}, follow=True)
    assert "is not a language of this site" in messages_of(response)[0]
    assert "<b>x</b>" not in response.text


def test_both_doors_are_for_staff_who_may_see_the_kinds(client, db):
    make_article(**ENGLISH)
    assert client.get(DOWNLOAD, {"language": "ru"}).status_code == 302  # to the login
    assert client.post(UPLOAD).status_code == 302
    clerk = get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    client.force_login(clerk)
    assert client.get(DOWNLOAD, {"language": "ru"}).status_code == 403
    assert client.post(UPLOAD).status_code == 403


def test_a_kind_the_person_may_not_see_is_not_downloaded(client, db):
    clerk = get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_organization"))
    client.force_login(clerk)
    assert client.get(DOWNLOAD, {"language": "ru", "kind": "article"}).status_code == 403


def test_an_uploaded_file_is_imported_as_the_person(client, publisher):
    article = make_article(**ENGLISH)
    client.force_login(publisher)
    data = translate(client.get(DOWNLOAD, {"language": "ru"}).content, RUSSIAN)
    response = upload(client, data)
    assert response.redirect_chain == [(f"{DESK}?language=ru", 302)]
    assert messages_of(response) == [
        "Imported “summit-ru.xlf”: 2 translation(s) written in 1 object(s); "
        "0 unchanged, 0 left empty."
    ]
    article.refresh_from_db()
    assert article.body_ru == RUSSIAN["body"] and article.last_edited_by == publisher


def test_a_stale_upload_is_refused_and_nothing_is_written(client, publisher):
    article = make_article(**ENGLISH)
    client.force_login(publisher)
    data = translate(client.get(DOWNLOAD, {"language": "ru"}).content, RUSSIAN)
    article.body_en = "<p>The rectors met and signed a roadmap.</p>"
    with workflow.acting(CommandLine("tests")):
        article.save()
    response = upload(client, data)
    assert messages_of(response) == [
        f"Nothing was imported: the source text of article {article.pk} “Summit”, body "
        "changed since the file was exported (export again and translate the new text)."
    ]
    assert 'class="error"' in response.text
    article.refresh_from_db()
    assert not article.title_ru and not article.body_ru


def test_an_editor_may_not_change_a_live_article_by_file(client, editor):
    article = make_article(**ENGLISH)
    client.force_login(editor)
    data = translate(exchange.export("ru"), RUSSIAN)
    response = upload(client, data)
    assert messages_of(response) == [
        f"Nothing was imported: editor may not change article {article.pk} “Summit”."
    ]
    assert not Article.objects.get(pk=article.pk).body_ru


def test_a_file_too_large_empty_or_not_xliff_is_refused_in_one_line(client, editor, monkeypatch):
    client.force_login(editor)
    monkeypatch.setattr(translation_desk, "MAX_UPLOAD", 100)
    response = upload(client, b"x" * 101)
    assert messages_of(response) == [
        "The file is larger than 100\xa0bytes: it is not a translators' file."
    ]
    assert messages_of(client.post(UPLOAD, follow=True)) == ["This field is required."]
    response = upload(client, b"<html><script>alert(1)</script></html>")
    assert messages_of(response) == [
        "This is not an XLIFF 2.0 document (its root is in no namespace)."
    ]
    assert "<script>alert(1)" not in response.text


def test_the_upload_is_a_post_with_its_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get(UPLOAD).status_code == 405
    file = SimpleUploadedFile("x.xlf", b"<xliff/>")
    assert client.post(UPLOAD, {"file": file}).status_code == 403


@pytest.mark.parametrize("size", [2, 20])
def test_the_download_costs_the_same_queries_at_any_size(
    client, editor, django_assert_max_num_queries, size
):
    for number in range(size):
        make_article(title_en=f"Article {number}")
        make_organization(name_en=f"University {number}")
    client.force_login(editor)
    client.get(DESK)
    # The session, the user, two of permissions, the states, one query per kind.
    with django_assert_max_num_queries(4 + 1 + len(provenance.tracked_kinds())):
        response = client.get(DOWNLOAD, {"language": "ru"})
    assert len(xliff.parse(response.content).units) >= 2 * size
