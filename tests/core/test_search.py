"""The search engine without the page: reading a query, and keeping each searched model's
vector up to date (PostgreSQL stores one; the SQLite fallback needs none)."""

from django.db import connection

from intloffice.core.search import MAX_QUERY_LENGTH, cjk_phrases, clean_query, query_terms
from news.models import Article
from partners.models import Event, Organization, Person
from tests.factories import make_organization


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


def test_chinese_runs_become_phrases_of_characters():
    assert cjk_phrases("西安 ATURC") == ' "西 安"  ATURC'
    assert cjk_phrases('"西安"') == '" 西 安 "'


def test_save_of_other_fields_does_not_touch_the_vector(db, django_assert_num_queries):
    organization = make_organization(name_en="Okapi Institute")
    # Every save also starts a new page-cache generation: one query for the next
    # scheduled publication.
    with django_assert_num_queries(2):
        organization.save(update_fields=["member_count"])
    expected = 3 if on_postgresql() else 2
    with django_assert_num_queries(expected):
        organization.save(update_fields=["name_en"])


def test_vectors_are_stored_for_every_searched_model(seed_article):
    for model in (Article, Organization, Person, Event):
        empty = model.objects.filter(search_vector__isnull=True).exists()
        assert empty is not on_postgresql()
