"""Machine drafts (intloffice.core.translation_drafts, provenance's drafts, the admin's
review): a backend drafts the missing and stale fields with the partners' glossary; a draft
is kept beside its field, never public, until an editor saves it in the form."""

import logging

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from intloffice.core import provenance, translation_drafts
from intloffice.core.audit import CommandLine
from intloffice.core.machine_translation import Backend, TranslationError
from intloffice.core.provenance import State, TranslationState
from news import workflow
from news.models import Article
from tests.factories import make_article, make_page
from tests.forms import form_fields

pytestmark = pytest.mark.django_db

MARKING = "intloffice.core.machine_translation.MarkingBackend"
TEXTS = {
    "title_en": "ATURC summit",
    "title_ru": "Саммит АТУРК",
    "summary_en": "",
    "body_en": "<p>The rectors of ATURC met in Xi'an.</p>",
    "body_ru": "<p>Ректоры встретились в Сиане.</p>",
}


class FailingSecond(Backend):
    """Answers one batch, then fails as a server would."""

    calls = 0

    def translate(self, texts, source, target, is_html):
        FailingSecond.calls += 1
        if FailingSecond.calls > 1:
            raise TranslationError("The translation server answered 503 Service Unavailable.")
        return [f"[draft] {text}" for text in texts]


@pytest.fixture
def backend(settings):
    settings.INTLOFFICE_TRANSLATION_BACKEND = MARKING
    settings.INTLOFFICE_TRANSLATION_OPTIONS = {}


def row(obj, field, language) -> TranslationState:
    return TranslationState.objects.get(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        field=field,
        language=language,
    )


def save(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    with workflow.acting(CommandLine("tests")):
        obj.save()


def stale_article() -> Article:
    article = make_article(**TEXTS)
    save(article, body_en="<p>The rectors of ATURC met in Harbin.</p>")
    assert row(article, "body", "ru").state == State.STALE
    assert row(article, "body", "zh-hans").state == State.MISSING
    return article


def test_drafts_are_kept_beside_the_field_never_in_it(seed_entities, backend):
    article = stale_article()
    report = translation_drafts.draft("ru", models=[Article])
    assert report.error == "" and report.kept == report.asked >= 1
    body = row(article, "body", "ru")
    assert body.state == State.MACHINE
    # The glossary named the partner as the office writes it; the column is untouched.
    assert body.draft == "<p>[MT ru] The rectors of АТУРК met in Harbin.</p>"
    article.refresh_from_db()
    assert article.body_ru == "<p>Ректоры встретились в Сиане.</p>"
    assert provenance.drafts_of(article, "ru") == {("body", "ru"): body.draft}
    # Up-to-date fields are not drafted, and a second run asks nothing twice.
    assert row(article, "title", "ru").draft == ""
    assert translation_drafts.draft("ru", models=[Article]).asked == 0


def test_a_draft_is_never_shown_to_readers(client, seed_entities, backend):
    article = stale_article()
    translation_drafts.draft("ru")
    translation_drafts.draft("zh-hans")
    assert row(article, "body", "zh-hans").state == State.MACHINE
    for code in ("ru", "zh-hans"):
        with translation.override(code):
            url = article.get_absolute_url()
        page = client.get(url)
        assert page.status_code == 200
        assert "[MT" not in page.text


def test_saving_the_field_makes_it_up_to_date_and_a_source_change_drops_the_draft(backend):
    article = stale_article()
    translation_drafts.draft("ru")
    save(article, body_ru="<p>Ректоры встретились в Харбине.</p>")
    body = row(article, "body", "ru")
    assert (body.state, body.draft) == (State.CURRENT, "")

    translation_drafts.draft("zh-hans")
    assert row(article, "body", "zh-hans").state == State.MACHINE
    save(article, body_en="<p>The rectors met in Moscow.</p>")
    body = row(article, "body", "zh-hans")
    assert (body.state, body.draft) == (State.MISSING, "")  # it drafted a text that is gone
    translation_drafts.draft("ru")
    assert provenance.confirm(article, "ru") == 1  # the stored Russian is right after all
    body = row(article, "body", "ru")
    assert (body.state, body.draft) == (State.CURRENT, "")


def test_a_draft_of_a_source_changed_meanwhile_is_not_kept(backend):
    article = stale_article()
    [wanted] = [w for w in provenance.wanted(Article, "ru") if w.pk == article.pk]
    save(article, body_en="<p>Changed again while the machine worked.</p>")
    assert provenance.store_drafts([(wanted, "<p>Старый черновик.</p>")]) == 0
    assert row(article, "body", "ru").draft == ""


def test_html_drafts_are_sanitised(settings):
    class Hostile(Backend):
        def translate(self, texts, source, target, is_html):
            return [
                f"{text}<script>alert(1)</script><img src=x onerror=alert(2)>" for text in texts
            ]

    article = stale_article()
    translation_drafts.draft("ru", models=[Article], backend=Hostile())
    draft = row(article, "body", "ru").draft
    assert "<script" not in draft and "onerror" not in draft and "Harbin" in draft


def test_a_backend_failing_half_way_keeps_the_batches_made(caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    FailingSecond.calls = 0
    article = stale_article()
    make_page(title_en="About", body_en="<p>About the office.</p>")
    report = translation_drafts.draft("zh-hans", backend=FailingSecond(), actor=CommandLine("olga"))
    assert report.error == "The translation server answered 503 Service Unavailable."
    assert report.kept >= 1
    assert TranslationState.objects.filter(state=State.MACHINE).count() == report.kept
    assert "olga (command line): machine drafts in zh-hans" in caplog.text
    assert "stopped: The translation server answered 503" in caplog.text
    assert row(article, "body", "zh-hans").state in {State.MACHINE, State.MISSING}


def test_the_command_drafts_and_says_how_many(backend, capsys):
    article = stale_article()
    call_command("machine_translate", "ru", "--kind", "article", "--only", "stale")
    assert "machine draft(s) kept of 1 field(s) asked, in ru" in capsys.readouterr().out
    assert row(article, "body", "ru").state == State.MACHINE


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["fr"], "Unknown language 'fr': use one of en, ru, zh-hans."),
        (["ru", "--kind", "news.article"], "'news.article' is not a kind of object with"),
        (["ru", "--kind", "tag"], "'tag' is not a kind of object with translations (one of: "),
        (["ru", "--limit", "0"], "--limit must be a positive number."),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(backend, arguments, message):
    with pytest.raises(CommandError) as refused:
        call_command("machine_translate", *arguments)
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_without_a_backend_the_command_says_so(settings):
    settings.INTLOFFICE_TRANSLATION_BACKEND = None
    stale_article()
    with pytest.raises(CommandError, match=r"No translation backend is configured"):
        call_command("machine_translate", "ru")
    assert not TranslationState.objects.filter(state=State.MACHINE).exists()


def test_a_failing_backend_stops_the_command_with_one_line(settings):
    settings.INTLOFFICE_TRANSLATION_BACKEND = "tests.core.test_translation_drafts.FailingSecond"
    settings.INTLOFFICE_TRANSLATION_OPTIONS = {}
    FailingSecond.calls = 1  # the next call fails
    stale_article()
    with pytest.raises(CommandError) as refused:
        call_command("machine_translate", "ru")
    assert "The backend stopped the run: The translation server answered 503" in str(refused.value)


def test_the_editor_reviews_drafts_in_the_form_and_saving_publishes_them(
    client, publisher, backend
):
    article = stale_article()
    translation_drafts.draft("ru")
    client.force_login(publisher)
    url = reverse("admin:news_article_change", args=[article.pk])
    plain = client.get(url)
    assert "Machine drafts wait for review" in plain.text or "A machine draft waits" in plain.text
    assert "?_language=ru&amp;_drafts=1" in plain.text
    assert "[MT ru]" not in plain.text  # not in the form until asked

    with_drafts = client.get(f"{url}?_language=ru&_drafts=1")
    assert "The machine drafts are in the form (Body [ru])" in with_drafts.text
    fields = form_fields(with_drafts.text, "article_form")
    assert fields["body_ru"].startswith("<p>[MT ru]")
    corrected = fields["body_ru"].replace("[MT ru] ", "")
    response = client.post(url, {**fields, "body_ru": corrected})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body_ru == corrected
    body = row(article, "body", "ru")
    assert (body.state, body.draft) == (State.CURRENT, "")
    # History has it as any edit of the Russian body.
    comment = Version.objects.get_for_object(article).first().revision.comment
    assert "Body [ru]" in comment


def test_someone_who_may_only_view_sees_no_drafts(client, backend, django_user_model):
    from django.contrib.auth.models import Permission

    article = stale_article()
    translation_drafts.draft("ru")
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    url = reverse("admin:news_article_change", args=[article.pk])
    for address in (url, f"{url}?_language=ru&_drafts=1"):
        page = client.get(address)
        assert page.status_code == 200
        assert "[MT" not in page.text and "machine draft" not in page.text.lower()
