"""Information pages pass the articles' workflow: an editor writes and submits, only a
publisher publishes; every door (the form's buttons, list actions, History's revert, a
save outside the workflow) is checked and leaves an audit line; each step leaves a note
and tells the publishers by mail."""

import logging

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from reversion.models import Version

from intloffice.core import workflow as core_workflow
from pages import workflow
from pages.models import Page, ReviewNote
from tests.factories import make_page
from tests.forms import form_fields

ADD = reverse("admin:pages_page_add")
CHANGELIST = reverse("admin:pages_page_changelist")


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    return caplog


def change_url(page):
    return reverse("admin:pages_page_change", args=[page.pk])


def submit(client, url, **changes):
    """Open ``url`` and post its form back with ``changes``, as a person would."""
    form = client.get(url)
    assert form.status_code == 200, url
    return client.post(url, {**form_fields(form.text, "page_form"), **changes})


def status_of(page):
    return Page.objects.values_list("status", flat=True).get(pk=page.pk)


def test_an_editor_writes_and_submits_and_a_publisher_publishes(
    client, editor, publisher, audit, django_capture_on_commit_callbacks
):
    publisher.email = "chief@example.org"
    publisher.save()
    editor.email = "writer@example.org"
    editor.save()
    client.force_login(editor)
    response = submit(
        client, ADD, title_en="Summer school", body_en="<p>Text.</p>", _transition="submit"
    )
    assert response.status_code == 302
    page = Page.objects.get(title_en="Summer school")
    assert page.slug == "summer-school" and status_of(page) == "review"
    assert f"editor: submit page {page.pk} 'summer-school' (review," in audit.text
    assert client.get("/en/summer-school/").status_code == 200  # the editor's preview
    client.logout()
    assert client.get("/en/summer-school/").status_code == 404

    client.force_login(editor)
    assert submit(client, change_url(page), _transition="publish").status_code == 403
    assert status_of(page) == "review"
    assert f"editor was refused publish of page {page.pk}" in audit.text

    client.force_login(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            client, change_url(page), _transition="publish", review_comment="Good to go."
        )
    assert response.status_code == 302
    assert status_of(page) == "published"
    assert f"publisher: publish page {page.pk} 'summer-school' (published," in audit.text
    assert [note.step for note in ReviewNote.objects.filter(page=page)] == ["publish", "submit"]
    assert ReviewNote.objects.filter(page=page, step="publish").get().comment == "Good to go."
    history = Version.objects.get_for_object(page).first().revision.get_comment()
    assert history.startswith("Published: “Good to go.”")
    client.logout()
    assert client.get("/en/summer-school/").status_code == 200
    # The editor who wrote it is told; the publisher who acted is not.
    assert [message.to for message in mail.outbox] == [["writer@example.org"]]
    assert mail.outbox[0].subject == "[International Office] Published: Summer school"


def test_submitting_mails_the_publishers_with_a_link_to_the_page(
    client, editor, publisher, django_capture_on_commit_callbacks
):
    publisher.email = "chief@example.org"
    publisher.save()
    page = make_page(status="draft", slug="visa")
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(client, change_url(page), _transition="submit").status_code == 302
    (message,) = mail.outbox
    assert message.to == ["chief@example.org"]
    assert message.subject == f"[International Office] Submitted for review: {page.title_en}"
    assert "Open the page in the admin:" in message.body
    assert f"http://testserver/admin/pages/page/{page.pk}/change/" in message.body


def test_an_editor_cannot_change_a_live_page_nor_use_publishers_actions(
    client, editor, publisher, audit
):
    page = make_page(slug="listed")
    client.force_login(editor)
    assert client.post(change_url(page), {"title_en": "Changed"}).status_code == 403
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [page.pk]})
    assert status_of(page) == "published"
    client.force_login(publisher)
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [page.pk]})
    assert status_of(page) == "draft"
    assert f"publisher: unpublish page {page.pk} 'listed' (draft," in audit.text


def test_history_revert_to_a_live_revision_needs_a_publisher(client, editor, publisher, audit):
    client.force_login(publisher)
    assert submit(client, ADD, title_en="FAQ", slug="faq-2", _transition="publish").status_code
    page = Page.objects.get(slug="faq-2")
    live_revision = Version.objects.get_for_object(page).first()
    assert live_revision.field_dict["status"] == "published"
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [page.pk]})
    assert status_of(page) == "draft"
    url = reverse("admin:pages_page_revision", args=[page.pk, live_revision.pk])
    form = form_fields(client.get(url).text, "page_form")

    client.force_login(editor)
    assert client.post(url, form).status_code == 403
    assert status_of(page) == "draft"
    assert f"editor was refused revert of page {page.pk}" in audit.text
    client.force_login(publisher)
    assert client.post(url, form).status_code == 302
    assert status_of(page) == "published"
    assert f"publisher: revert page {page.pk} 'faq-2' (published," in audit.text


def test_a_save_or_bulk_write_outside_the_workflow_is_refused(db, editor, publisher, audit):
    page = make_page(status="draft")
    page.status = "published"
    with pytest.raises(core_workflow.WorkflowBypass):
        page.save()
    with pytest.raises(core_workflow.WorkflowBypass):
        Page.objects.filter(pk=page.pk).update(status="published")
    with pytest.raises(core_workflow.WorkflowBypass):
        Page.objects.bulk_create([Page(title_en="x", slug="x", status="published")])
    assert status_of(page) == "draft"
    assert f"refused to publish page {page.pk} outside the workflow" in audit.text
    with core_workflow.acting(editor), pytest.raises(PermissionDenied):
        Page.objects.filter(pk=page.pk).update(status="published")
    with core_workflow.acting(publisher, via="a script"):
        Page.objects.filter(pk=page.pk).update(status="published")
    assert status_of(page) == "published"
    assert f"publisher: set status=published of 1 page(s) via a script: {page.pk}" in audit.text


def test_apply_checks_the_permission_and_the_stage(db, editor, publisher, audit):
    page = make_page(status="draft")
    assert [t.name for t in workflow.PAGES.available(editor, page)] == ["submit"]
    with pytest.raises(PermissionDenied):
        workflow.PAGES.apply(page, "publish", editor)
    assert f"editor was refused publish of page {page.pk}" in audit.text
    with pytest.raises(ValueError, match="cannot withdraw a page that is draft"):
        workflow.PAGES.apply(page, "withdraw", publisher)
    workflow.PAGES.apply(page, "publish", publisher)
    assert Page.objects.published().filter(pk=page.pk).exists()
    # Publishing a page asks for the pages' permission, not the articles'.
    assert workflow.PAGES.PUBLISH == "pages.publish_page"
    assert editor.has_perm("pages.change_page") and not editor.has_perm("pages.publish_page")
    assert publisher.has_perm("pages.publish_page")


def test_the_admin_index_lists_pages_waiting_for_review(client, publisher):
    client.force_login(publisher)
    assert "Pages waiting for review" not in client.get(reverse("admin:index")).text
    make_page(status="review")
    html = client.get(reverse("admin:index")).text
    assert "Pages waiting for review" in html
    assert f'href="{CHANGELIST}?status=review"' in html
