"""The state of every translation: which went stale when its source changed meaningfully,
which is missing, which a person made up to date (intloffice.core.provenance)."""

import shutil
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intloffice.core import provenance
from intloffice.core.audit import CommandLine
from intloffice.core.provenance import State, TranslationState
from news import workflow
from news.importing import import_articles
from news.models import Article
from pages.models import Page
from partners.models import Event, Organization, Person
from tests.conftest import SEEDS
from tests.factories import make_article, make_event, make_organization, make_page, make_person

pytestmark = pytest.mark.django_db

TRIPLE = {
    "title_en": "Summit",
    "title_ru": "Саммит",
    "title_zh_hans": "峰会",
    "summary_en": "The fifth summit.",
    "summary_ru": "Пятый саммит.",
    "summary_zh_hans": "第五届峰会。",
    "body_en": "<p>The rectors met in Xi'an.</p>",
    "body_ru": "<p>Ректоры встретились в Сиане.</p>",
    "body_zh_hans": "<p>校长们在西安会面。</p>",
}


def states(obj) -> dict[tuple[str, str], str]:
    return {
        (row.field, row.language): row.state
        for row in TranslationState.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
    }


def save(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    with workflow.acting(CommandLine("tests")):
        obj.save()


def test_digest_ignores_markup_wrapping_and_compatibility_forms():
    text = "<p>The rectors met in Xi'an.</p>"
    assert provenance.digest(text) == provenance.digest("The  rectors\nmet in <b>Xi'an</b>.")
    # NFKC: a full-width letter and a ligature read the same as the plain ones.
    assert provenance.digest("ｆine") == provenance.digest("ﬁne".replace("ﬁ", "fi"))
    assert provenance.digest(text) != provenance.digest("The rectors met in Harbin.")
    assert provenance.digest("") == provenance.digest("<p> </p>") == ""


def test_a_new_article_with_every_language_is_up_to_date_and_english_only_is_missing():
    article = make_article(**TRIPLE)
    assert set(states(article).values()) == {State.CURRENT}
    assert set(states(article)) == {
        (name, code) for name in ("title", "summary", "body") for code in ("ru", "zh-hans")
    }
    english = make_article(title_en="Only English", body_en="<p>Text.</p>", summary_en="")
    assert states(english) == {
        ("title", "ru"): State.MISSING,
        ("title", "zh-hans"): State.MISSING,
        ("body", "ru"): State.MISSING,
        ("body", "zh-hans"): State.MISSING,
    }


def test_a_change_to_body_en_makes_body_ru_and_body_zh_hans_stale_and_nothing_else():
    article = make_article(**TRIPLE)
    before = states(article)
    save(article, body_en="<p>The rectors met in Xi'an and signed a roadmap.</p>")
    after = states(article)
    changed = {key: state for key, state in after.items() if before[key] != state}
    assert changed == {("body", "ru"): State.STALE, ("body", "zh-hans"): State.STALE}


def test_editing_body_ru_makes_it_up_to_date_and_leaves_chinese_stale():
    article = make_article(**TRIPLE)
    save(article, body_en="<p>The rectors met in Xi'an and signed a roadmap.</p>")
    save(article, body_ru="<p>Ректоры встретились в Сиане и подписали дорожную карту.</p>")
    assert states(article)[("body", "ru")] == State.CURRENT
    assert states(article)[("body", "zh-hans")] == State.STALE


def test_rewrapping_or_markup_alone_changes_nothing():
    article = make_article(**TRIPLE)
    save(article, body_en="<p>The rectors\n  met in <strong>Xi'an</strong>.</p>")
    assert set(states(article).values()) == {State.CURRENT}


def test_a_source_changed_back_makes_the_translation_up_to_date_again():
    article = make_article(**TRIPLE)
    save(article, body_en="<p>Something else.</p>")
    assert states(article)[("body", "ru")] == State.STALE
    save(article, body_en=TRIPLE["body_en"])
    assert states(article)[("body", "ru")] == State.CURRENT


def test_a_minor_change_keeps_translations_up_to_date_against_the_new_source():
    article = make_article(**TRIPLE)
    with provenance.minor_change():
        save(article, body_en="<p>The rectors met in Xi’an.</p>")
    assert set(states(article).values()) == {State.CURRENT}
    # Confirmed against the new wording: changing it back is a change again.
    save(article, body_en="<p>Nothing of the sort.</p>")
    assert states(article)[("body", "ru")] == State.STALE


def test_a_minor_change_does_not_make_an_already_stale_translation_up_to_date():
    article = make_article(**TRIPLE)
    save(article, body_en="<p>A new meaning.</p>")
    with provenance.minor_change():
        save(article, body_en="<p>A new meaning!</p>")
    assert states(article)[("body", "ru")] == State.STALE


def test_filling_a_missing_translation_makes_it_up_to_date_and_emptying_it_missing():
    article = make_article(title_en="Only English", summary_en="", body_en="<p>Text.</p>")
    save(article, body_ru="<p>Текст.</p>")
    assert states(article)[("body", "ru")] == State.CURRENT
    save(article, body_ru="")
    assert states(article)[("body", "ru")] == State.MISSING


def test_the_source_is_the_articles_original_language():
    article = make_article(**TRIPLE, original_language="ru")
    assert {code for _field, code in states(article)} == {"en", "zh-hans"}
    save(article, body_ru="<p>Ректоры встретились в Харбине.</p>")
    assert states(article)[("body", "en")] == State.STALE
    assert states(article)[("body", "zh-hans")] == State.STALE
    # English is a translation here: changing it changes no other language's state.
    save(article, body_en="<p>The rectors met in Harbin.</p>")
    assert states(article)[("body", "en")] == State.CURRENT
    assert states(article)[("body", "zh-hans")] == State.STALE


def test_pages_organisations_people_and_events_are_tracked():
    page = make_page(body_ru="<p>Текст.</p>")
    organization = make_organization(description_en="A university.", description_ru="Вуз.")
    person = make_person(bio_en="A professor.")
    event = make_event(description_en="A summit.", description_zh_hans="峰会。")
    assert {Article, Page, Organization, Person, Event} <= set(provenance.tracked_models())
    assert states(page)[("body", "ru")] == State.CURRENT
    assert states(page)[("body", "zh-hans")] == State.MISSING
    save(organization, description_en="A technical university.")
    assert states(organization)[("description", "ru")] == State.STALE
    assert states(person)[("bio", "ru")] == State.MISSING
    assert states(event)[("description", "zh-hans")] == State.CURRENT
    assert ("description", "ru") in states(event)


def test_deleting_an_object_forgets_its_states():
    organization = make_organization(description_en="A university.")
    assert states(organization)
    organization.delete()
    assert not TranslationState.objects.filter(object_id=organization.pk).exists()


def test_a_workflow_step_changes_no_state():
    article = make_article(**TRIPLE, status=Article.Status.DRAFT)
    save(article, body_en="<p>New.</p>")
    before = states(article)
    workflow.ARTICLES.apply(article, "publish", CommandLine("tests"))
    assert states(article) == before


def test_state_of_summarises_the_worst_field_and_when_the_source_changed():
    article = make_article(**{**TRIPLE, "summary_zh_hans": ""})
    summary = provenance.state_of(article, "zh-hans")
    assert summary.state == State.MISSING and summary.source_changed_at is None
    assert summary.fields_in(State.MISSING) == ["summary"]
    save(article, body_en="<p>A new meaning.</p>")
    summary = provenance.state_of(article, "zh-hans")
    assert summary.state == State.STALE
    assert summary.label == "stale"
    assert summary.source_changed_at is not None
    assert provenance.state_of(article, "en").is_source
    assert provenance.state_of(article, "en").state == State.CURRENT


def test_states_for_many_objects_of_several_kinds_is_one_query():
    objects = [make_article(**TRIPLE) for _ in range(5)] + [
        make_organization(description_en="x") for _ in range(5)
    ]
    ContentType.objects.get_for_models(Article, Organization)  # the cache, as in a request
    with CaptureQueriesContext(connection) as queries:
        found = provenance.states_for(objects)
    assert len(queries) == 1
    article_type = ContentType.objects.get_for_model(Article).pk
    assert found[(article_type, objects[0].pk)]["ru"].state == State.CURRENT
    organization_type = ContentType.objects.get_for_model(Organization).pk
    assert found[(organization_type, objects[5].pk)]["ru"].state == State.MISSING


def test_having_filters_a_queryset_by_state_and_pairs_in_counts_object_languages():
    stale = make_article(**TRIPLE)
    make_article(**TRIPLE)
    save(stale, body_en="<p>Changed.</p>")
    assert list(provenance.having(Article.objects.all(), [State.STALE])) == [stale]
    assert list(provenance.having(Article.objects.all(), [State.STALE], "ru")) == [stale]
    save(stale, body_ru="<p>Поправлено.</p>")
    assert not provenance.having(Article.objects.all(), [State.STALE], "ru").exists()
    assert provenance.pairs_in(State.STALE) == 1


def test_importer_keeps_states_in_bulk_and_a_changed_english_file_makes_translations_stale(
    seed_entities, tmp_path
):
    for path in Path(SEEDS).iterdir():
        shutil.copy(path, tmp_path / path.name)
    import_articles([tmp_path])
    article = Article.objects.get()
    assert set(states(article).values()) == {State.CURRENT}
    english = tmp_path / "000_81355e64a07f423b.txt"
    english.write_text(
        english.read_text(encoding="utf-8").replace("68 foremost", "70 foremost"),
        encoding="utf-8",
    )
    import_articles([english])
    changed = {key for key, state in states(article).items() if state == State.STALE}
    assert changed == {("body", "ru"), ("body", "zh-hans")}


def test_refresh_all_backfills_existing_translations_as_up_to_date():
    article = make_article(**TRIPLE)
    save(article, body_en="<p>New meaning.</p>")
    TranslationState.objects.all().delete()
    assert provenance.refresh_all() >= 1
    assert set(states(article).values()) == {State.CURRENT}


def test_backfill_for_a_migration_works_on_the_models_as_they_are():
    from django.apps import apps

    article = make_article(**{**TRIPLE, "body_zh_hans": ""})
    TranslationState.objects.all().delete()
    provenance.backfill(apps, "news.Article", ("title", "summary", "body"), "original_language")
    assert states(article)[("body", "zh-hans")] == State.MISSING
    assert states(article)[("body", "ru")] == State.CURRENT


def test_the_command_repairs_states_after_a_write_that_bypassed_the_orm(capsys):
    from django.core.management import call_command

    article = make_article(**TRIPLE)
    Article.objects.filter(pk=article.pk).update(body_en="<p>Written by SQL.</p>")
    assert states(article)[("body", "ru")] == State.CURRENT  # no signal saw it
    call_command("translation_states")
    assert states(article)[("body", "ru")] == State.STALE
    assert "object(s) looked at." in capsys.readouterr().out
