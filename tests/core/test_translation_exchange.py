"""Exchange with translators (intloffice.core.translation_exchange): the fields to translate
into one language go out as an XLIFF file and come back translated; a file whose source
text changed while it was out is refused whole, and nothing is written."""

import dataclasses
import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from reversion.models import Version

from intloffice.core import provenance, xliff
from intloffice.core import translation_exchange as exchange
from intloffice.core.audit import CommandLine
from intloffice.core.provenance import State, TranslationState
from news import workflow
from news.models import Article
from pages.models import Page
from partners.models import Event, Organization, Person
from tests.factories import make_article, make_event, make_organization, make_page, make_person

pytestmark = pytest.mark.django_db

ENGLISH = {
    "title_en": "Summit",
    "summary_en": "The fifth summit.",
    "body_en": "<p>The rectors met in Xi'an.</p>",
}
RUSSIAN = {
    "title": "Саммит",
    "summary": "Пятый саммит.",
    "body": "<p>Ректоры встретились в Сиане.</p>",
}
ADMIN = CommandLine("tests")


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    return caplog


def save(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    with workflow.acting(ADMIN):
        obj.save()


def states(obj) -> dict[tuple[str, str], str]:
    return {
        (row.field, row.language): row.state
        for row in TranslationState.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
    }


def translate(data: bytes, texts: dict[str, str]) -> bytes:
    """The exported file as a translator sends it back: ``texts`` by field name as targets."""
    parsed = xliff.parse(data)
    units = [dataclasses.replace(u, target=texts.get(u.field, u.target)) for u in parsed.units]
    return xliff.build(units, parsed.source_language, parsed.target_language)


def everything_stored() -> tuple:
    """Every column of every tracked object and every translation state, to prove that a
    refused file wrote nothing."""
    tables = (Article, Page, Organization, Person, Event, TranslationState)
    rows = [list(model._default_manager.order_by("pk").values()) for model in tables]
    return (rows, Version.objects.count())


def test_export_holds_the_missing_and_stale_fields_of_one_language_with_their_digests():
    article = make_article(**ENGLISH, title_ru="Саммит", title_zh_hans="峰会")
    make_article(
        **{**ENGLISH, "title_en": "Complete"}, **{f"{k}_ru": v for k, v in RUSSIAN.items()}
    )
    parsed = xliff.parse(exchange.export("ru"))
    assert (parsed.source_language, parsed.target_language) == ("en", "ru")
    assert [(u.model, u.pk, u.field) for u in parsed.units] == [
        ("news.article", str(article.pk), "summary"),
        ("news.article", str(article.pk), "body"),
    ]
    body = parsed.units[1]
    assert body.source == ENGLISH["body_en"] and body.target == ""
    assert body.digest == provenance.digest(ENGLISH["body_en"])
    # A stale translation goes out with its old text, for the translator to revise.
    save(article, title_en="The summit of rectors")
    units = xliff.parse(exchange.export("ru", kinds=["article"])).units
    assert [(u.field, u.target) for u in units] == [
        ("title", "Саммит"),
        ("summary", ""),
        ("body", ""),
    ]
    # Everything, up to date ones too: the complete article's fields join.
    assert len(exchange.units_for("ru", everything=True, kinds=["article"])) == 6


def test_round_trip_writes_the_translation_makes_it_up_to_date_and_leaves_history(audit):
    article = make_article(**ENGLISH)
    data = translate(exchange.export("ru"), RUSSIAN)
    report = exchange.import_file(data, ADMIN, name="summit-ru.xlf")
    assert (report.fields, report.objects, report.unchanged, report.empty) == (
        3,
        [f"article {article.pk} “Summit”"],
        0,
        0,
    )
    article.refresh_from_db()
    assert (article.title_ru, article.summary_ru, article.body_ru) == tuple(RUSSIAN.values())
    assert article.version == 2
    assert {key: value for key, value in states(article).items() if key[1] == "ru"} == {
        ("title", "ru"): State.CURRENT,
        ("summary", "ru"): State.CURRENT,
        ("body", "ru"): State.CURRENT,
    }
    assert states(article)[("body", "zh-hans")] == State.MISSING
    revision = Version.objects.get_for_object(article).first().revision
    assert revision.comment == "Translation into ru imported from file summit-ru.xlf"
    assert f"tests (command line): change article {article.pk} 'Summit'" in audit.text
    assert "summit-ru.xlf: title, summary, body" in audit.text
    # Nothing left to export.
    with pytest.raises(exchange.ExchangeError, match="Nothing needs translating from en into ru"):
        exchange.export("ru")


def test_a_file_whose_source_changed_while_out_is_refused_and_nothing_is_written():
    """The acceptance test: the file was exported, then the English body changed; the file
    comes back with every unit translated. Nothing is written, not even the units whose
    source did not change, and the message names the field."""
    article = make_article(**ENGLISH)
    other = make_article(**{**ENGLISH, "title_en": "Another"})
    data = translate(exchange.export("ru"), RUSSIAN)
    save(article, body_en="<p>The rectors met in Xi'an and signed a roadmap.</p>")
    before = everything_stored()
    with pytest.raises(exchange.ExchangeError) as refused:
        exchange.import_file(data, ADMIN, name="old.xlf")
    message = str(refused.value)
    assert message == (
        f"Nothing was imported: the source text of article {article.pk} “Summit”, body "
        "changed since the file was exported (export again and translate the new text)."
    )
    assert "\n" not in message
    assert everything_stored() == before
    for obj in (article, other):
        obj.refresh_from_db()
        assert not (obj.title_ru or obj.summary_ru or obj.body_ru)
    # Exported again, the new text goes out and comes back.
    report = exchange.import_file(translate(exchange.export("ru"), RUSSIAN), ADMIN)
    assert report.fields == 6


def test_the_public_page_and_search_follow_an_import(client):
    article = make_article(**ENGLISH)
    with translation.override("ru"):
        url = article.get_absolute_url()
    assert "Ректоры" not in client.get(url).text  # now cached
    exchange.import_file(translate(exchange.export("ru"), RUSSIAN), ADMIN)
    assert "Ректоры встретились в Сиане." in client.get(url).text
    found = client.get("/ru/search/", {"q": "Сиане"}).text
    assert url in found


def test_a_change_of_markup_or_wrapping_alone_does_not_refuse_the_file():
    article = make_article(**ENGLISH)
    data = translate(exchange.export("ru"), RUSSIAN)
    save(article, body_en="<p>The rectors met\n in <strong>Xi'an</strong>.</p>")
    assert exchange.import_file(data, ADMIN).fields == 3
    article.refresh_from_db()
    assert article.body_ru == RUSSIAN["body"]


def test_empty_targets_are_skipped_and_targets_equal_to_the_translation_change_nothing():
    article = make_article(**ENGLISH, title_ru="Саммит")
    save(article, title_en="The summit")  # the Russian title is stale now
    data = translate(exchange.export("ru"), {"body": RUSSIAN["body"]})
    report = exchange.import_file(data, ADMIN)
    assert (report.fields, report.unchanged, report.empty) == (1, 1, 1)
    assert states(article)[("title", "ru")] == State.STALE  # returned as it was
    assert states(article)[("summary", "ru")] == State.MISSING
    assert states(article)[("body", "ru")] == State.CURRENT
    # Nothing to change at all: no revision, no new version.
    versions = Version.objects.get_for_object(article).count()
    assert exchange.import_file(data, ADMIN).fields == 0
    assert Version.objects.get_for_object(article).count() == versions


def test_every_kind_of_tracked_object_goes_out_and_comes_back():
    page = make_page(title_en="Visa support", body_en="<p>Apply early.</p>")
    organization = make_organization(name_en="Tsinghua University")
    person = make_person(name_en="Li Wei", position_en="Rector")
    event = make_event(name_en="Summit", description_en="Rectors meet.")
    data = exchange.export("zh-hans")
    models = {unit.model for unit in xliff.parse(data).units}
    assert {"pages.page", "partners.organization", "partners.person", "partners.event"} <= models
    back = translate(
        data,
        {"title": "签证", "body": "<p>请尽早申请。</p>", "name": "名字", "position": "校长"},
    )
    exchange.import_file(back, ADMIN)
    page.refresh_from_db()
    organization.refresh_from_db()
    person.refresh_from_db()
    event.refresh_from_db()
    assert (page.title_zh_hans, page.body_zh_hans) == ("签证", "<p>请尽早申请。</p>")
    assert (organization.name_zh_hans, person.position_zh_hans) == ("名字", "校长")
    assert event.name_zh_hans == "名字"
    assert states(event)[("description", "zh-hans")] == State.MISSING


def test_an_article_written_first_in_russian_goes_into_a_file_from_russian():
    russian = make_article(
        original_language="ru",
        title_en="",
        summary_en="",
        body_en="",
        title_ru="Саммит",
        body_ru="<p>Текст.</p>",
    )
    english = make_article(**ENGLISH)
    assert {u.pk for u in exchange.units_for("ru")} == {str(english.pk)}
    units = exchange.units_for("en", source="ru")
    assert {(u.pk, u.field) for u in units} == {
        (str(russian.pk), "title"),
        (str(russian.pk), "body"),
    }
    # A file from English that names it is refused: it is not the article's source.
    unit = xliff.Unit("news.article", str(russian.pk), "title", "Summit", "Саммит")
    data = xliff.build([unit], "en", "ru")
    with pytest.raises(exchange.ExchangeError, match="is written in ru, not in the file's en"):
        exchange.import_file(data, ADMIN)


def test_a_unit_of_a_deleted_object_an_unknown_model_or_an_untracked_field_is_refused():
    article = make_article(**ENGLISH)
    data = translate(exchange.export("ru"), RUSSIAN)
    with workflow.acting(ADMIN):
        Article.objects.filter(pk=article.pk).delete()
    with pytest.raises(exchange.ExchangeError, match=f"news.article {article.pk} no longer exists"):
        exchange.import_file(data, ADMIN)
    kept = make_article(**ENGLISH)
    digest = provenance.digest("x")
    for unit, message in [
        (xliff.Unit("auth.user", "1", "username", "x", "y", digest), "auth.user is not a kind"),
        (
            xliff.Unit("news.article", f"0{kept.pk}", "title", "x", "y", digest),
            f"news.article 0{kept.pk} does not exist",
        ),
        (
            xliff.Unit("news.article", "١", "title", "x", "y", digest),
            "news.article ١ does not exist",
        ),
        (
            xliff.Unit("news.article", str(kept.pk), "slug", "x", "y", digest),
            "slug of news.article is not a translated field",
        ),
    ]:
        with pytest.raises(exchange.ExchangeError, match=message):
            exchange.import_file(xliff.build([unit], "en", "ru"), ADMIN)


def test_a_refusal_names_a_few_problems_and_counts_the_others():
    articles = [make_article(**{**ENGLISH, "title_en": f"Summit {n}"}) for n in range(5)]
    data = translate(exchange.export("ru"), RUSSIAN)
    for article in articles:
        save(article, title_en=f"{article.title_en}, changed", body_en="<p>Changed.</p>")
    with pytest.raises(exchange.ExchangeError) as refused:
        exchange.import_file(data, ADMIN)
    first = articles[0].pk
    assert str(refused.value) == (
        f"Nothing was imported: the source text of article {first} “Summit 0, changed”, title; "
        f"article {first} “Summit 0, changed”, body; article {first + 1} “Summit 1, changed”, "
        "title and 7 more changed since the file was exported (export again and translate "
        "the new text)."
    )


def test_a_text_too_long_for_its_field_is_refused():
    article = make_article(**ENGLISH)
    data = translate(exchange.export("ru"), {**RUSSIAN, "title": "Я" * 1000})
    with pytest.raises(exchange.ExchangeError, match=f"article {article.pk} “Summit”, title: "):
        exchange.import_file(data, ADMIN)
    article.refresh_from_db()
    assert not article.body_ru


def test_a_malformed_file_or_one_into_another_language_is_refused_in_one_line():
    make_article(**ENGLISH)
    for data, message in [
        (b"not xml", "The file is not well-formed XML"),
        (b"<html/>", "This is not an XLIFF 2.0 document"),
    ]:
        with pytest.raises(exchange.ExchangeError, match=message):
            exchange.import_file(data, ADMIN)
    data = translate(exchange.export("ru"), RUSSIAN)
    with pytest.raises(exchange.ExchangeError, match="trgLang is ru, not zh-Hans as expected"):
        exchange.import_file(data, ADMIN, language="zh-hans")
    for language, source, message in [
        ("fr", None, "fr is not a language of this site"),
        ("en", None, "The target language is the source language"),
        ("ru", "ru", "The target language is the source language"),
    ]:
        with pytest.raises(exchange.ExchangeError, match=message):
            exchange.export(language, source=source)
    with pytest.raises(exchange.ExchangeError, match="agreement is not a kind of object"):
        exchange.export("ru", kinds=["agreement"])


def test_a_person_without_permission_is_refused_and_nothing_is_written(editor, publisher):
    published = make_article(**ENGLISH)
    draft = make_article(**{**ENGLISH, "title_en": "Draft"}, status=Article.Status.DRAFT)
    organization = make_organization(name_en="Tsinghua University")
    data = translate(exchange.export("ru"), {**RUSSIAN, "name": "Университет Цинхуа"})
    before = everything_stored()
    # An editor may not change what is live, as in the admin.
    with pytest.raises(exchange.ExchangeError) as refused:
        exchange.import_file(data, editor)
    assert str(refused.value) == (
        f"Nothing was imported: editor may not change article {published.pk} “Summit”."
    )
    assert everything_stored() == before
    clerk = get_user_model().objects.create_user("clerk", is_staff=True)
    with pytest.raises(
        exchange.ExchangeError, match="clerk may not change organisation .*, article .*, article"
    ):
        exchange.import_file(data, clerk)
    assert everything_stored() == before
    # A publisher may; History names them.
    exchange.import_file(data, publisher, name="ru.xlf")
    for obj in (published, draft, organization):
        obj.refresh_from_db()
    assert published.body_ru == draft.body_ru == RUSSIAN["body"]
    assert organization.name_ru == "Университет Цинхуа"
    assert published.last_edited_by == publisher
    assert Version.objects.get_for_object(draft).first().revision.user == publisher


def test_an_editor_may_translate_a_draft(editor):
    draft = make_article(**ENGLISH, status=Article.Status.DRAFT)
    exchange.import_file(translate(exchange.export("ru"), RUSSIAN), editor)
    draft.refresh_from_db()
    assert draft.body_ru == RUSSIAN["body"] and draft.status == Article.Status.DRAFT


def test_a_script_in_a_translated_body_never_reaches_the_public_page(client):
    article = make_article(**ENGLISH)
    hostile = '<p>Текст.</p><script>alert(1)</script><p><a href="javascript:alert(2)">x</a></p>'
    data = translate(exchange.export("ru"), {**RUSSIAN, "body": hostile})
    exchange.import_file(data, ADMIN)
    article.refresh_from_db()
    assert "<script" not in article.body_ru and "javascript:" not in article.body_ru
    with translation.override("ru"):
        url = article.get_absolute_url()
    html = client.get(url).text
    assert "Текст." in html
    assert "alert(1)" not in html and "javascript:alert" not in html


def make_world(size: int) -> None:
    for number in range(size):
        make_article(title_en=f"Article {number}")
        make_page(title_en=f"Page {number}")
        make_organization(name_en=f"University {number}")
        make_person(name_en=f"Person {number}")
        make_event(name_en=f"Event {number}")


@pytest.mark.parametrize("size", [2, 20])
def test_export_costs_the_same_queries_for_10_and_100_objects(size):
    make_world(size)
    with CaptureQueriesContext(connection) as queries:
        data = exchange.export("ru")
    assert len(xliff.parse(data).units) >= 5 * size
    # The content types (cached after the first), the states, one query per kind.
    assert len(queries) <= 1 + 1 + len(provenance.tracked_kinds())


# The commands


def test_the_commands_write_a_file_and_read_it_back(tmp_path, capsys):
    article = make_article(**ENGLISH)
    path = tmp_path / "ru.xlf"
    call_command("export_translations", "ru", "--kind", "article", "-o", str(path))
    assert "Wrote" in capsys.readouterr().err
    path.write_bytes(translate(path.read_bytes(), RUSSIAN))
    call_command("import_translations", str(path))
    assert capsys.readouterr().out.strip() == (
        "3 translation(s) written in 1 object(s); 0 unchanged, 0 left empty."
    )
    article.refresh_from_db()
    assert article.body_ru == RUSSIAN["body"]
    assert Version.objects.get_for_object(article).first().revision.user is None


def test_the_export_command_writes_to_standard_output(capsys):
    make_article(**ENGLISH)
    call_command("export_translations", "zh-hans")
    assert 'trgLang="zh-Hans"' in capsys.readouterr().out


def test_the_import_command_refuses_a_stale_file_in_one_line(tmp_path):
    article = make_article(**ENGLISH)
    path = tmp_path / "ru.xlf"
    path.write_bytes(translate(exchange.export("ru"), RUSSIAN))
    save(article, body_en="<p>Something else entirely.</p>")
    with pytest.raises(
        CommandError, match=r"the source text of article \d+ “Summit”, body changed"
    ):
        call_command("import_translations", str(path))
    article.refresh_from_db()
    assert not article.title_ru


def test_the_import_command_acts_as_the_named_user(tmp_path, editor):
    article = make_article(**ENGLISH)
    path = tmp_path / "ru.xlf"
    path.write_bytes(translate(exchange.export("ru"), RUSSIAN))
    with pytest.raises(CommandError, match="editor may not change article"):
        call_command("import_translations", str(path), "--user", "editor")
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        call_command("import_translations", str(path), "--user", "nobody")
    article.refresh_from_db()
    assert not article.body_ru


def test_the_commands_refuse_bad_input_in_one_line(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_translations", str(tmp_path / "missing.xlf"))
    bad = tmp_path / "bad.xlf"
    bad.write_text("<xliff", encoding="utf-8")
    with pytest.raises(CommandError, match="not well-formed XML"):
        call_command("import_translations", str(bad))
    with pytest.raises(CommandError, match="xx is not a language of this site"):
        call_command("export_translations", "xx")
    with pytest.raises(CommandError, match="Nothing needs translating"):
        call_command("export_translations", "ru", "--kind", "event")


def test_a_machine_draft_goes_out_to_revise_and_comes_back_a_draft_unless_revised():
    from intloffice.core import translation_drafts
    from intloffice.core.machine_translation import MarkingBackend

    article = make_article(**ENGLISH, title_ru="Саммит", summary_ru="Пятый саммит.")
    translation_drafts.draft("ru", models=[Article], backend=MarkingBackend())
    assert states(article)[("body", "ru")] == State.MACHINE
    data = exchange.export("ru", kinds=["article"])
    [body] = [u for u in xliff.parse(data).units if u.field == "body" and u.pk == str(article.pk)]
    assert body.target == "<p>[MT ru] The rectors met in Xi'an.</p>"

    report = exchange.import_file(data, ADMIN, name="as-it-came.xlf")
    assert report.unchanged >= 1 and not report.objects
    article.refresh_from_db()
    assert not article.body_ru and states(article)[("body", "ru")] == State.MACHINE

    revised = translate(data, {"body": "<p>Ректоры встретились в Сиане.</p>"})
    exchange.import_file(revised, ADMIN, name="revised.xlf")
    article.refresh_from_db()
    assert article.body_ru == "<p>Ректоры встретились в Сиане.</p>"
    assert states(article)[("body", "ru")] == State.CURRENT
