"""The search engine without the page: reading a query, and keeping each searched model's
vector up to date (PostgreSQL stores one; the SQLite fallback needs none)."""

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from intloffice.core import search
from intloffice.core.audit import CommandLine
from intloffice.core.query import (
    MAX_QUERY_LENGTH,
    cjk_phrases,
    clean_query,
    query_terms,
    stems,
    without_apostrophes,
    word_forms,
)
from intloffice.core.search import matching, refresh_search_vectors, sqlite_matches
from news import workflow
from news.models import Article
from partners.models import Event, Organization, Person
from tests.factories import make_article, make_organization

ROOT = Path(__file__).resolve().parents[2]


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def test_query_is_read_as_words_and_phrases():
    assert query_terms('"Technical Universities" of Russia, China!') == [
        "Technical Universities",
        "of",
        "Russia",
        "China",
    ]
    assert query_terms("!!! ??? ... -- ()") == []
    assert query_terms("Xi'an OR -Shanghai") == ["Xi'an", "Shanghai"]
    assert query_terms('"unbalanced') == ["unbalanced"]
    assert clean_query("  a\x00b \n c ") == ("a b c", False)
    assert clean_query("x" * 300) == ("x" * MAX_QUERY_LENGTH, True)


def test_apostrophes_inside_words_are_dropped_whichever_they_are():
    for typed in ("Xi'an", "Xi’an", "Xiʼan", "Xi‘an", "Xi`an", "Xi′an"):
        assert without_apostrophes(typed) == "Xian"
    assert without_apostrophes("Д’Артаньян, rock'n'roll") == "ДАртаньян, rocknroll"
    # At a word's edge an apostrophe is punctuation, kept to separate words.
    assert without_apostrophes("the rectors' forum, ‘Clean City’") == (
        "the rectors' forum, ‘Clean City’"
    )


def test_words_are_also_looked_for_by_their_stems():
    # The Russian stemmer cuts a nominative surname further than the other cases: the
    # stem of the query must be looked for as the beginning of the words as written.
    assert stems("Арсеньева") == ("арсеньев",)
    assert stems("Арсеньев") == ("арсен",)
    assert stems("университетов") == ("университет",)
    # The English stemmer's final i stands for y: "universit" begins both.
    assert stems("universities") == ("universit",)
    assert stems("university") == ("universit",)
    # Short words, Chinese and words with punctuation inside are looked for as they are.
    assert stems("SPb") == stems("西安举行") == stems("Vice-Rector") == ()
    assert word_forms("Xi’an") == ["xian"]
    assert word_forms("Technical  Universities") == ["technical universities"]


def test_sqlite_function_reads_html_and_folds_case_in_any_script():
    forms = '[["xian"], ["спбпу"]]'
    assert sqlite_matches(forms, "10", "<p>Xi&#x27;an</p>", "СПбПУ")
    assert sqlite_matches(forms, "01", "СПбПУ", "XI’AN")
    assert not sqlite_matches(forms, "00", "Xi&#x27;an", "СПбПУ")  # not HTML: not decoded
    assert not sqlite_matches(forms, "00", None, "СПбПУ")


def test_chinese_runs_become_phrases_of_characters():
    assert cjk_phrases("西安 ATURC") == ' "西 安"  ATURC'
    assert cjk_phrases('"西安"') == '" 西 安 "'


def test_save_of_other_fields_does_not_touch_the_vector(db, django_assert_num_queries):
    organization = make_organization(name_en="Okapi Institute")
    # Every save also starts a new page-cache generation: one query for the next
    # scheduled publication of each kind (articles, information pages), one for the next
    # change of an agreement's status.
    with django_assert_num_queries(4):
        organization.save(update_fields=["member_count"])
    # A translated text saved: its translations' states are read too (intloffice.core.provenance).
    # The same on both databases: PostgreSQL computes the vector in the UPDATE itself.
    with django_assert_num_queries(5):
        organization.save(update_fields=["name_en"])


def test_vectors_are_stored_for_every_searched_model(seed_article):
    for model in (Article, Organization, Person, Event):
        empty = model.objects.filter(search_vector__isnull=True).exists()
        assert empty is not on_postgresql()


def test_apostrophes_of_html_bodies_are_forgiven(db):
    article = make_article(
        title_en="Report",
        summary_en="",
        body_en="<p>Xi&#39;an, Xi&rsquo;an and the People&#x27;s Republic.</p>",
    )
    for query in ("Xian", "Xi’an", "Peoples", "People's Republic"):
        assert list(matching(Article.objects.all(), query, query_terms(query))) == [article]


def test_or_and_exclusion_are_postgresql_s_alone(db):
    """websearch_to_tsquery reads OR and -word, also with other forms of the words; the
    fallback requires every word."""
    make_article(title_en="Arseniev visits Shanghai", title_ru="Визит Арсеньева в Шанхай")

    def finds(text):
        return matching(Article.objects.all(), text, query_terms(text)).exists()

    assert finds("Arseniev OR zanzibar") is on_postgresql()
    # "Арсеньев" finds "Арсеньева" by its stem only.
    assert finds("Арсеньев -Шанхай") is not on_postgresql()
    assert finds("Арсеньев -Пекин") is on_postgresql()


@pytest.mark.parametrize(("app", "model"), [("news", Article), ("partners", Event)])
def test_migrations_recompute_the_stored_vectors(seed_article, app, model):
    # Found by its name's end: the migrations may be renumbered.
    (path,) = (ROOT / app / "migrations").glob("*_search_forgiving.py")
    migration = importlib.import_module(f"{app}.migrations.{path.stem}")
    model.objects.update(search_vector=None)
    migration.recompute_search_vectors(apps, SimpleNamespace(connection=connection))
    if on_postgresql():
        xian = model.objects.filter(search_vector=SearchQuery("xian", config="simple"))
        assert xian.exists()
    else:
        assert not model.objects.filter(search_vector__isnull=False).exists()


# Every write keeps the vectors current: on PostgreSQL the table's trigger computes a row's
# vector in the INSERT or UPDATE itself; SQLite stores none and searches the columns.

TRICKY_TEXTS = {
    "title_en": "Okapi sighted in Xi’an",
    "title_ru": "Визит Арсеньева",
    "title_zh_hans": "西安举行论坛",
    "summary_en": "The rectors' forum",
    "body_en": "<p>The People&#x27;s Republic</p><p>Giraffes&nbsp;too</p>",
    "body_ru": "<p>Д&rsquo;Артаньян</p>",
}


def vector_of(article: Article) -> str | None:
    return Article.objects.filter(pk=article.pk).values_list("search_vector", flat=True).get()


def finds(text: str) -> list[Article]:
    return list(matching(Article.objects.all(), text, query_terms(text)))


def test_a_row_written_without_any_python_hook_is_found(db):
    """bulk_create sends no signal: on PostgreSQL the INSERT computes the vector."""
    with workflow.acting(CommandLine("tests")):
        (article,) = Article.objects.bulk_create(
            [Article(slug="okapi", status=Article.Status.DRAFT, **TRICKY_TEXTS)]
        )
    for query in ("okapi", "Xian", "Арсеньев", "西安", "Peoples Republic", "giraffes", "ДАртаньян"):
        assert finds(query) == [article], query
    stored = vector_of(article)
    if on_postgresql():
        # The very vector the engine's own expression computes (an UPDATE of the vector
        # alone does not fire the trigger).
        assert stored
        refresh_search_vectors(Article.objects.filter(pk=article.pk))
        assert vector_of(article) == stored
    else:
        assert stored is None


def test_an_update_of_a_text_changes_what_finds_it(db):
    article = make_article(title_en="Okapi sighted", body_en="<p>Giraffes too.</p>")
    Article.objects.filter(pk=article.pk).update(title_en="Tapir sighted")
    assert finds("tapir") == [article]
    assert finds("okapi") == []
    assert finds("giraffes") == [article]
    if on_postgresql():
        after_text = vector_of(article)
        refresh_search_vectors(Article.objects.filter(pk=article.pk))
        assert vector_of(article) == after_text
        # An update of other columns leaves the vector to itself (the trigger does not fire).
        Article.objects.filter(pk=article.pk).update(search_vector=None)
        Article.objects.filter(pk=article.pk).update(slug="tapir-sighted")
        assert vector_of(article) is None


def installed_trigger(model) -> tuple[str, list[str]] | None:
    """The body of the model's search trigger and the columns it watches, as the database
    holds them (None without one)."""
    table = model._meta.db_table
    name = search.trigger_name(table)
    with connection.cursor() as cursor:
        if not on_postgresql():
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
            assert cursor.fetchall() == []
            return None
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
        row = cursor.fetchone()
        if row is None:
            return None
        (body,) = row
        cursor.execute(
            "SELECT event_object_column FROM information_schema.triggered_update_columns "
            "WHERE trigger_name = %s AND event_object_table = %s",
            [name, table],
        )
        watched = [column for (column,) in cursor.fetchall()]
    return body, watched


@pytest.mark.parametrize("model", search.searchable_models(), ids=lambda model: model.__name__)
def test_each_trigger_is_made_from_the_model_s_search_fields(db, model):
    """A change of ``search_fields`` needs a migration that remakes the trigger (with
    install_triggers): the declaration stays the one source. SQLite has no trigger."""
    expected = None
    if on_postgresql():
        fields = model.search_fields
        expected = (
            search.trigger_body(fields, connection),
            sorted(search.indexed_columns(fields)),
        )
    found = installed_trigger(model)
    if found is not None:
        found = (found[0], sorted(found[1]))
    assert found == expected
