"""The workflow as a newsroom reads it: one vocabulary of stages, past-tense confirmations,
History that names each step, comments with review steps shown to the author, "Publish
now" on a scheduled article, and mail to the author and the publishers.

Through the admin's real HTML forms, posted back as a browser would (tests/forms.py).
"""

import datetime as dt
import html
import logging
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from reversion.models import Version

from news import workflow
from news.models import Article, ReviewNote
from tests.conftest import SEEDS, staff_member
from tests.factories import make_article
from tests.forms import form_fields

ADD = reverse("admin:news_article_add")
LIST = reverse("admin:news_article_changelist")


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def post_form(client, url, **changes):
    """Open ``url`` and post its form back with ``changes``; follow the redirect."""
    page = client.get(url)
    assert page.status_code == 200, url
    return client.post(url, {**form_fields(page.text, "article_form"), **changes}, follow=True)


def shown_messages(response) -> list[str]:
    return [strip_tags(str(message)) for message in response.context["messages"]]


def revision_comments(article) -> list[str]:
    """History's comments, oldest first."""
    versions = Version.objects.get_for_object(article).order_by("pk")
    return [version.revision.comment for version in versions]


def date_fields(when: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(when)
    return {"publish_at_0": local.strftime("%Y-%m-%d"), "publish_at_1": local.strftime("%H:%M:%S")}


def next_december(hour=9) -> tuple[dt.datetime, str]:
    """1 December, 09:00 Moscow time, in a year to come, and how staff read it."""
    year = timezone.localdate().year + 1
    when = timezone.make_aware(dt.datetime(year, 12, 1, hour, 0))
    return when, f"1 Dec {year}, {hour:02d}:00 MSK"


def scheduled_article(**fields):
    return make_article(publish_at=timezone.now() + dt.timedelta(days=3), **fields)


@pytest.fixture
def newsroom(editor, publisher, django_user_model):
    """An editor and two publishers with addresses, one publisher without, and a
    superuser (who may publish) with one."""
    for user, address in ((editor, "editor@example.org"), (publisher, "publisher@example.org")):
        user.email = address
        user.save()
    chief = staff_member("chief", "Publishers")
    chief.email = "chief@example.org"
    chief.first_name, chief.last_name = "Anna", "Chief"
    chief.save()
    staff_member("quiet", "Publishers")  # no address: told nothing
    django_user_model.objects.create_superuser("root", "it@example.org", "x")
    return {"editor": editor, "publisher": publisher, "chief": chief}


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what waits for the transaction's commit (the mails) when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# "Publish now" on a scheduled article.


def test_a_publisher_publishes_a_scheduled_article_now_without_a_detour_through_draft(
    client, publisher, caplog
):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    article = scheduled_article(slug="scheduled")
    client.force_login(publisher)
    page = client.get(change_url(article)).text
    assert 'value="publish"' in page and 'value="unpublish"' in page
    response = post_form(client, change_url(article), _transition="publish")
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.is_public() and article.publish_at <= timezone.now()
    assert list(article.review_notes.values_list("step", flat=True)) == ["publish"]
    assert "unpublish" not in caplog.text
    assert f"publisher: publish article {article.pk} 'scheduled' (published," in caplog.text
    assert client.get("/en/news/scheduled/").status_code == 200


def test_the_publish_now_list_action_publishes_scheduled_articles_too(client, publisher):
    waiting = [scheduled_article() for _ in range(2)]
    client.force_login(publisher)
    response = client.post(
        LIST, {"action": "publish_now", "_selected_action": [a.pk for a in waiting]}, follow=True
    )
    assert shown_messages(response) == ["Published: 2 article(s)."]
    assert Article.objects.published().filter(pk__in=[a.pk for a in waiting]).count() == 2


def test_a_live_article_offers_no_publish_now(client, publisher):
    client.force_login(publisher)
    page = client.get(change_url(make_article())).text
    assert 'value="publish"' not in page and 'value="unpublish"' in page


# One vocabulary.


def test_a_scheduled_article_reads_scheduled_in_its_form_the_list_and_the_filter(client, publisher):
    article = scheduled_article(title_en="Coming soon")
    live = make_article(title_en="Already live")
    client.force_login(publisher)
    form = client.get(change_url(article)).text
    status = re.search(r'field-status_label.*?<div class="readonly">(.*?)</div>', form, re.S)
    assert status and status.group(1) == "scheduled"
    listing = client.get(LIST)
    rows = {str(a): listing.context["cl"].model_admin.status_label(a) for a in [article, live]}
    assert rows == {"Coming soon": "scheduled", "Already live": "published"}
    filters = listing.context["cl"].filter_specs
    stage_filter = next(spec for spec in filters if spec.parameter_name == "status")
    assert [str(label) for _value, label in stage_filter.lookup_choices] == [
        "draft",
        "in review",
        "scheduled",
        "published",
        "archived",
    ]
    titles = lambda query: [str(a) for a in client.get(LIST + query).context["cl"].result_list]  # noqa: E731
    assert titles("?status=scheduled") == ["Coming soon"]
    assert titles("?status=published") == ["Already live"]


def test_a_refused_step_names_the_stage(client, publisher):
    article = make_article(status=Article.Status.DRAFT)
    with pytest.raises(ValueError, match="cannot withdraw an article that is draft"):
        workflow.apply(article, "withdraw", publisher)
    with pytest.raises(ValueError, match="cannot publish an article that is published"):
        workflow.apply(make_article(), "publish", publisher)


# Confirmations and History.


def test_steps_are_confirmed_in_the_past_tense_and_named_in_history(client, editor, publisher):
    when, readable = next_december()
    client.force_login(editor)
    response = post_form(client, ADD, title_en="Summer school", slug="summer-school")
    assert shown_messages(response) == [
        "The article “Summer school” was added successfully."  # a plain save keeps Django's
    ]
    article = Article.objects.get(slug="summer-school")
    response = post_form(client, change_url(article), _transition="submit")
    assert shown_messages(response) == ["Submitted for review: “Summer school”"]

    client.force_login(publisher)
    response = post_form(
        client, change_url(article), _transition="withdraw", review_comment="Add the date."
    )
    assert shown_messages(response) == ["Sent back to draft: “Summer school”"]
    response = post_form(client, change_url(article), _transition="schedule", **date_fields(when))
    assert shown_messages(response) == [f"Scheduled for {readable}: “Summer school”"]
    response = post_form(
        client, change_url(article), _transition="publish", title_en="Summer school 2026"
    )
    assert shown_messages(response) == ["Published: “Summer school 2026”"]
    response = post_form(client, change_url(article), _transition="archive")
    assert shown_messages(response) == ["Archived: “Summer school 2026”"]

    comments = revision_comments(article)
    assert comments[:5] == [
        "Added.",
        "Submitted for review",
        "Sent back to draft: “Add the date.”",
        f"Scheduled for {readable} — Changed Publication date.",
        "Published — Changed Title [en].",
    ]
    assert comments[5] == "Archived"
    history = client.get(reverse("admin:news_article_history", args=[article.pk])).text
    assert "No fields changed" not in history
    assert html.escape("Sent back to draft: “Add the date.”", quote=False) in history


def test_list_actions_name_the_step_in_history_and_their_message(client, publisher):
    article = make_article(status=Article.Status.REVIEW)
    client.force_login(publisher)
    response = client.post(
        LIST, {"action": "publish_now", "_selected_action": [article.pk]}, follow=True
    )
    assert shown_messages(response) == ["Published: 1 article(s)."]
    assert revision_comments(article) == ["Published"]


def test_a_step_through_apply_names_itself_with_its_comment(publisher):
    article = make_article(status=Article.Status.REVIEW)
    workflow.apply(article, "withdraw", publisher, comment="  Needs a photo.  ")
    assert revision_comments(article) == ["Sent back to draft: “Needs a photo.”"]
    note = article.review_notes.get()
    assert (note.step, note.actor, note.comment) == ("withdraw", publisher, "Needs a photo.")


# Comments with review steps, shown to the author.


def test_review_comments_are_kept_and_shown_to_the_author_escaped(client, editor, publisher):
    article = make_article(status=Article.Status.DRAFT, title_en="Summit report")
    client.force_login(editor)
    assert "Review notes" not in client.get(change_url(article)).text
    asked, answered = "Please check the Chinese title.", "The <b>lead</b> is too long.\nCut it."
    post_form(client, change_url(article), _transition="submit", review_comment=asked)
    client.force_login(publisher)
    page = client.get(change_url(article)).text
    assert "Review notes" in page and asked in page
    post_form(client, change_url(article), _transition="withdraw", review_comment=answered)
    client.force_login(editor)
    page = client.get(change_url(article)).text
    notes = page.split("Review notes", 1)[1].split("</table>", 1)[0]
    assert notes.index("Sent back to draft") < notes.index("Submitted for review")  # newest first
    assert "The &lt;b&gt;lead&lt;/b&gt; is too long.<br>Cut it." in notes
    assert "<b>lead</b>" not in page
    assert ">publisher<" in notes and ">editor<" in notes
    assert [n.comment for n in ReviewNote.objects.filter(article=article)] == [answered, asked]


def test_the_comment_box_sits_by_the_workflow_buttons_and_a_plain_save_is_no_step(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    page = client.get(change_url(article)).text
    box = page.index('name="review_comment"')
    assert page.index('class="submit-row"') < box < page.index('name="_transition"')
    assert 'aria-describedby="id_review_comment_helptext"' in page
    post_form(client, change_url(article), title_en="New title", review_comment="Ignored")
    assert not article.review_notes.exists()
    assert revision_comments(article) == ["Changed Title [en]."]


def test_a_comment_too_long_is_refused_with_the_form_kept(client, editor):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(editor)
    response = post_form(
        client, change_url(article), _transition="submit", review_comment="x" * 2001
    )
    assert "Ensure this value has at most 2000 characters" in response.text
    assert 'name="review_comment"' in response.text
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


# Mail.


def test_each_review_step_mails_the_author_and_the_publishers_but_not_the_actor(
    client, newsroom, mailoutbox, commits
):
    when, readable = next_december()
    client.force_login(newsroom["editor"])
    post_form(client, ADD, title_en="Summer school", slug="summer-school")
    assert mailoutbox == []  # a plain save tells no one
    article = Article.objects.get(slug="summer-school")

    def step(who, name, **fields):
        mailoutbox.clear()
        client.force_login(newsroom[who])
        with commits():
            post_form(client, change_url(article), _transition=name, **fields)
        return {tuple(mail.to): mail for mail in mailoutbox}

    publishers = {("chief@example.org",), ("it@example.org",), ("publisher@example.org",)}
    mails = step("editor", "submit", review_comment="Ready, I think.")
    assert set(mails) == publishers
    mail = mails[("publisher@example.org",)]
    assert mail.subject == "[International Office] Submitted for review: Summer school"
    assert "Submitted for review by editor." in mail.body
    assert "Ready, I think." in mail.body
    assert f"http://testserver/admin/news/article/{article.pk}/change/" in mail.body
    assert mail.from_email == "intloffice@localhost"

    mails = step("chief", "withdraw", review_comment="Add the programme.")
    assert set(mails) == {
        ("editor@example.org",),
        ("it@example.org",),
        ("publisher@example.org",),
    }
    body = mails[("editor@example.org",)].body
    assert "Sent back to draft by Anna Chief." in body and "Add the programme." in body

    mails = step("publisher", "schedule", **date_fields(when))
    assert set(mails) == {("editor@example.org",), ("chief@example.org",), ("it@example.org",)}
    assert mails[("editor@example.org",)].subject.endswith(
        f"Scheduled for {readable}: Summer school"
    )
    assert "Comment:" not in mails[("editor@example.org",)].body

    mails = step("publisher", "publish")
    assert ("editor@example.org",) in mails and ("publisher@example.org",) not in mails
    assert step("publisher", "archive") == {}  # archiving tells no one


def test_list_actions_mail_too(client, newsroom, mailoutbox, commits):
    article = make_article(status=Article.Status.REVIEW)
    client.force_login(newsroom["publisher"])
    with commits():
        client.post(LIST, {"action": "publish_now", "_selected_action": [article.pk]})
    # Made at the shell: no first revision, so no author to tell.
    assert sorted(mail.to[0] for mail in mailoutbox) == ["chief@example.org", "it@example.org"]
    assert mailoutbox[0].subject == f"[International Office] Published: {article}"


def test_an_import_mails_no_one(newsroom, mailoutbox, commits):
    with commits():
        call_command("import_articles", SEEDS, user="publisher", verbosity=0)
    assert Article.objects.get().is_public()
    assert mailoutbox == []


def test_a_step_rolled_back_mails_no_one(client, newsroom, mailoutbox, commits):
    article = make_article(status=Article.Status.REVIEW)
    client.force_login(newsroom["editor"])
    with commits():
        response = post_form(client, change_url(article), _transition="publish")
    assert response.status_code == 403
    assert mailoutbox == []


def test_a_mail_server_that_refuses_leaves_the_step_done_and_logs(
    client, newsroom, settings, commits, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(newsroom["editor"])
    with commits():
        response = post_form(client, change_url(article), _transition="submit")
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW
    assert f"could not send 3 mail(s) about the submit of article {article.pk}" in caplog.text
