"""Every door through which an article's status or publication date can change holds the
workflow's rules and leaves an audit line: the change form, list actions, the History
revert, Recover deleted, the importer and a plain function call."""

import datetime as dt
import logging
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from intloffice.core.audit import CommandLine
from news import workflow
from news.models import Article
from tests.conftest import SEEDS
from tests.factories import make_article
from tests.forms import form_fields

ADD = reverse("admin:news_article_add")


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    return caplog


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def submit(client, url, form_id="article_form", **changes):
    """Open ``url`` and post its form back with ``changes``, as a person would."""
    page = client.get(url)
    assert page.status_code == 200, url
    return client.post(url, {**form_fields(page.text, form_id), **changes})


def stored(article):
    return Article.objects.values_list("status", "title_en").get(pk=article.pk)


@pytest.fixture
def live_after_a_draft(client, publisher):
    """The issue's steps: a publisher writes a draft, then publishes it with a new title."""
    client.force_login(publisher)
    response = submit(
        client, ADD, title_en="Draft title", slug="summer-school", body_en="<p>Text.</p>"
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="summer-school")
    response = submit(client, change_url(article), title_en="Live title", _transition="publish")
    assert response.status_code == 302
    assert stored(article) == ("published", "Live title")
    assert client.get("/en/news/summer-school/").status_code == 200
    draft_revision = Version.objects.get_for_object(article).last()
    assert draft_revision.field_dict["status"] == "draft"
    url = reverse("admin:news_article_revision", args=[article.pk, draft_revision.pk])
    form = form_fields(client.get(url).text, "article_form")  # what the revert page posts
    client.logout()
    return article, url, form


# History: the defect of issue 10.


def test_editor_cannot_revert_a_draft_revision_over_a_live_article(
    client, editor, live_after_a_draft, audit
):
    article, url, form = live_after_a_draft
    client.force_login(editor)
    history = client.get(reverse("admin:news_article_history", args=[article.pk]))
    assert history.status_code == 200 and url in history.text
    assert client.get(url).status_code == 403
    assert client.post(url, form).status_code == 403
    assert stored(article) == ("published", "Live title")
    assert client.get("/en/news/summer-school/").status_code == 200
    assert f"editor was refused revert of article {article.pk}" in audit.text


def test_publishers_revert_of_a_live_article_is_recorded_as_such(
    client, publisher, live_after_a_draft, audit
):
    article, url, form = live_after_a_draft
    client.force_login(publisher)
    assert client.post(url, form).status_code == 302
    assert stored(article) == ("draft", "Draft title")
    client.logout()
    assert client.get("/en/news/summer-school/").status_code == 404
    assert f"publisher: revert article {article.pk} 'summer-school' (draft," in audit.text
    assert "via History, revision of" in audit.text and "was published" in audit.text
    comment = Version.objects.get_for_object(article).first().revision.comment
    assert "Reverted to previous version" in comment
    assert "status: published → draft" in comment


def test_editor_may_still_revert_a_draft_to_an_earlier_draft(client, editor, publisher):
    client.force_login(editor)
    assert submit(client, ADD, title_en="First", slug="a-draft", body_en="<p>1</p>").status_code
    article = Article.objects.get(slug="a-draft")
    assert submit(client, change_url(article), title_en="Second").status_code == 302
    first = Version.objects.get_for_object(article).last()
    url = reverse("admin:news_article_revision", args=[article.pk, first.pk])
    assert submit(client, url).status_code == 302
    assert stored(article) == ("draft", "First")


# Recover deleted.


def test_only_a_publisher_recovers_a_deleted_live_article(
    client, editor, live_after_a_draft, audit
):
    article, _url, _form = live_after_a_draft
    client.force_login(editor)
    delete = reverse("admin:news_article_delete", args=[article.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.force_login(editor.__class__.objects.get(username="publisher"))
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    deleted = Version.objects.get_deleted(Article).get()
    url = reverse("admin:news_article_recover", args=[deleted.pk])
    form = form_fields(client.get(url).text, "article_form")

    client.force_login(editor)
    assert client.get(reverse("admin:news_article_recoverlist")).status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(url, form).status_code == 403
    assert not Article.objects.filter(pk=article.pk).exists()

    client.force_login(editor.__class__.objects.get(username="publisher"))
    assert client.post(url, form).status_code == 302
    assert stored(article) == ("published", "Live title")
    assert f"publisher: recover article {article.pk} 'summer-school' (published," in audit.text


# The change form and list actions.


def test_a_live_articles_date_changes_in_the_form_only_by_a_publisher_and_is_logged(
    client, editor, publisher, audit
):
    article = make_article(slug="live", publish_at=timezone.now() - dt.timedelta(days=3))
    later = timezone.localtime(timezone.now() + dt.timedelta(days=2))
    date = {"publish_at_0": later.strftime("%Y-%m-%d"), "publish_at_1": later.strftime("%H:%M:%S")}
    client.force_login(editor)
    assert client.post(change_url(article), {"title_en": "x", **date}).status_code == 403
    client.force_login(publisher)
    assert submit(client, change_url(article), **date).status_code == 302
    article.refresh_from_db()
    assert article.publish_at == later.replace(microsecond=0)
    assert not article.is_public()
    assert f"publisher: change the publication date of article {article.pk} 'live'" in audit.text


def test_form_transitions_are_checked_and_logged(client, editor, publisher, audit):
    article = make_article(status=Article.Status.REVIEW, slug="in-review")
    client.force_login(editor)
    assert submit(client, change_url(article), _transition="publish").status_code == 403
    assert stored(article)[0] == "review"
    client.force_login(publisher)
    assert submit(client, change_url(article), _transition="publish").status_code == 302
    assert stored(article)[0] == "published"
    assert f"publisher: publish article {article.pk} 'in-review' (published," in audit.text


def test_list_actions_are_checked_and_logged(client, editor, publisher, audit):
    article = make_article(slug="listed")
    url = reverse("admin:news_article_changelist")
    client.force_login(editor)
    client.post(url, {"action": "unpublish", "_selected_action": [article.pk]})
    assert stored(article)[0] == "published"
    client.force_login(publisher)
    client.post(url, {"action": "unpublish", "_selected_action": [article.pk]})
    assert stored(article)[0] == "draft"
    assert f"publisher: unpublish article {article.pk} 'listed' (draft," in audit.text


# The importer.


def test_import_names_who_published_and_refuses_an_editor(editor, publisher, audit):
    with pytest.raises(CommandError, match="editor may not import as published"):
        call_command("import_articles", SEEDS, user="editor", verbosity=0)
    assert not Article.objects.exists()
    with pytest.raises(CommandError, match="No active user named 'nobody'"):
        call_command("import_articles", SEEDS, user="nobody", verbosity=0)
    call_command("import_articles", SEEDS, user="publisher", verbosity=0)
    article = Article.objects.get()
    assert article.is_public()
    assert f"publisher: publish 1 article(s) via import: {article.pk}" in audit.text


def test_import_from_the_shell_names_the_login(db, audit):
    call_command("import_articles", SEEDS, verbosity=0)
    article = Article.objects.get()
    assert f"{CommandLine()}: publish 1 article(s) via import: {article.pk}" in audit.text


def test_reimport_keeps_the_status_and_date_a_publisher_gave(
    seed_article, publisher, editor, tmp_path, audit
):
    workflow.apply(seed_article, "unpublish", publisher)
    moved = seed_article.publish_at + dt.timedelta(hours=5)
    with workflow.acting(publisher):
        seed_article.publish_at = moved
        seed_article.save()
    text = (Path(SEEDS) / "000_81355e64a07f423b.txt").read_text(encoding="utf-8")
    (tmp_path / "edited.txt").write_text(text.replace("68 foremost", "69 foremost"))
    call_command("import_articles", tmp_path, verbosity=0)
    seed_article.refresh_from_db()
    assert "69 foremost" in seed_article.body_en
    assert (seed_article.status, seed_article.publish_at) == ("draft", moved)
    assert f"update the text of 1 article(s) via import: {seed_article.pk}" in audit.text


def test_an_editor_cannot_change_a_live_article_by_import(seed_article, editor, tmp_path, capsys):
    text = (Path(SEEDS) / "000_81355e64a07f423b.txt").read_text(encoding="utf-8")
    (tmp_path / "edited.txt").write_text(text.replace("68 foremost", "69 foremost"))
    with pytest.raises(CommandError, match="1 file"):
        call_command("import_articles", tmp_path, user="editor", status="draft", verbosity=0)
    assert "which is published: only a publisher may change it" in capsys.readouterr().err
    seed_article.refresh_from_db()
    assert "68 foremost" in seed_article.body_en and seed_article.is_public()


# A plain function call, and the ORM underneath.


def test_apply_refuses_an_editor(editor, audit):
    article = make_article(status=Article.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        workflow.apply(article, "publish", editor)
    assert stored(article)[0] == "draft"
    assert f"editor was refused publish of article {article.pk}" in audit.text


def test_a_save_that_skips_the_workflow_is_refused(db, audit):
    article = make_article(status=Article.Status.DRAFT)
    article.status = Article.Status.PUBLISHED
    with pytest.raises(workflow.WorkflowBypass):
        article.save()
    live = make_article()
    live.refresh_from_db()
    live.publish_at += dt.timedelta(days=1)
    with pytest.raises(workflow.WorkflowBypass):
        live.save()
    with pytest.raises(workflow.WorkflowBypass):
        Article.objects.create(slug="born-live", title_en="x", status=Article.Status.PUBLISHED)
    with pytest.raises(workflow.WorkflowBypass):
        Article.objects.filter(pk=live.pk).update(status=Article.Status.DRAFT)
    with pytest.raises(workflow.WorkflowBypass):
        Article.objects.bulk_create([Article(slug="bulk", title_en="x", status="published")])
    assert stored(article)[0] == "draft" and Article.objects.published().count() == 1
    assert "refused to publish article" in audit.text


def test_text_edits_and_draft_dates_need_no_workflow(db):
    article = make_article(status=Article.Status.DRAFT)
    article.title_en = "New title"
    article.publish_at += dt.timedelta(days=9)  # a draft's date is only a plan
    article.save()
    live = make_article()
    live.title_en = "Corrected"
    live.save()
    Article.objects.filter(pk=live.pk).update(summary_en="Lead")
    assert stored(live) == ("published", "Corrected")


def test_acting_checks_the_actors_permission(editor, publisher, audit):
    live = make_article(slug="live")
    with workflow.acting(editor), pytest.raises(PermissionDenied):
        Article.objects.filter(pk=live.pk).update(status=Article.Status.DRAFT)
    with workflow.acting(editor), pytest.raises(PermissionDenied):
        live.status = Article.Status.ARCHIVED
        live.save()
    live.refresh_from_db()
    assert live.status == "published"
    with workflow.acting(publisher, via="a script"):
        live.status = Article.Status.ARCHIVED
        live.save()
    assert "publisher: archive article" in audit.text and "via a script" in audit.text
    with workflow.acting(publisher):
        Article.objects.filter(pk=live.pk).update(status=Article.Status.DRAFT)
    assert f"publisher: set status=draft of 1 article(s): {live.pk}" in audit.text


def test_a_revision_restored_outside_a_door_is_refused(db, publisher):
    article = make_article(status=Article.Status.DRAFT)
    import reversion

    with reversion.create_revision():
        article.save()
    workflow.apply(article, "publish", publisher)
    draft = Version.objects.get_for_object(article).last()
    with pytest.raises(workflow.WorkflowBypass):
        draft.revert()
    assert stored(article)[0] == "published"
