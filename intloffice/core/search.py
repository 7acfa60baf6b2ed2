"""The search engine: full-text search over any model that declares ``search_fields``.

A model says how it is searched with a tuple of ``Indexed`` fields (its name or title
weighs most) and a ``search_vector`` column; ``searchable_models()`` finds every such
model, and on PostgreSQL a trigger per table, made from those declarations by each app's
migration, keeps their vectors current on every write. The engine knows no app: the
site's search page (intloffice.website.search) and the admin's search box call it with
their own querysets.

Search forgives how people type, the same way on both databases:

- An apostrophe inside a word is dropped, in the text and in the query, whichever of the
  apostrophes it is (' ’ ʼ ‘ ` ′): "Xi’an" as phones type it, "Xi'an", "Xian" and "xian"
  are one word.
- A word of the query also matches as its stem, found by the Snowball stemmers (Russian
  and English): "Арсеньева" finds "Арсеньев", "университетов" finds "университет".
- Chinese has no spaces between words, so every CJK character is a word of its own: a run
  of characters in the query matches wherever those characters stand together.

On PostgreSQL each row stores a ``search_vector`` computed in SQL from its text columns:
English columns with the ``english`` configuration, Russian with ``russian`` and also
``simple`` (the words as written), and the rest (Chinese, aliases, short names) with
``simple``; every CJK character is spaced out into a word of its own, and a run of them in
the query becomes a phrase (``西 <-> 安``). The reader's text is parsed by
``websearch_to_tsquery`` under all three configurations, ORed; and word by word, each
word may also match as a prefix, its stem (``арсеньев:*``). Why both: the Russian
Snowball stemmer cuts a surname in the nominative further than in other cases
("Арсеньев" to ``арсен``, "Арсеньева" to ``арсеньев``), so stems compared with stems miss;
the stem of the query as the beginning of a word as written finds every form.

Elsewhere (SQLite, the development database) every word of the query, or its stem, must be
contained in one of the same columns, compared by a Python function SQLite calls on each
row (``sqlite_matches``): its text with HTML tags and character references decoded,
apostrophes inside words dropped and case folded in any script; the stems are the same
Snowball stems (the ``snowballstemmer`` package). SQLite's FTS5 was the other way, not
taken: it is a second index to keep in step with every write on the database that serves
development, its stemmer (porter) is English only, and its trigram tokenizer, which finds
parts of Chinese text, needs three characters (西安 has two). A Python function costs a
full scan, as LIKE did: fine for a development database's few hundred articles.

How a query is read (cleaned, split, its words' other forms) is query.py. Longer than most
modules even so: the stored vector, the PostgreSQL query and the SQLite fallback must agree
on what a word is, and are read side by side.
"""

import json
from collections.abc import Iterable
from functools import lru_cache, reduce
from operator import add, and_, or_
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    Expression,
    F,
    Func,
    Model,
    QuerySet,
    TextField,
    Value,
    Window,
)
from django.db.models.sql import Query
from modeltranslation.utils import build_localized_fieldname

from .query import (
    APOSTROPHES,
    TOKENS,
    cjk_phrases,
    fold,
    query_terms,
    stems,
    without_apostrophes,
    word_forms,
)
from .text import CJK_CHARACTERS, html_to_text

TEXT_SEARCH_CONFIGS = {"en": "english", "ru": "russian"}
# Languages whose columns are also indexed as written, for the stems of the query to find.
AS_WRITTEN = {"ru"}

# The same in PostgreSQL's regular expressions: between characters that are neither space
# nor punctuation (written so, [[:alnum:]] would be ASCII only in a database of the C locale).
_PG_WORD_CHARACTER = f"[^[:space:][:punct:]{APOSTROPHES}]"
PG_INNER_APOSTROPHES = f"(?<={_PG_WORD_CHARACTER})[{APOSTROPHES}]+(?={_PG_WORD_CHARACTER})"
# Stored bodies are escaped: "Xi'an" is "Xi&#x27;an" there (or &#39;, &apos;, &rsquo;…).
PG_APOSTROPHE_REFERENCES = r"&(#[xX]0*27|#0*39|apos|rsquo|lsquo|#[xX]0*2019|#0*8217);"


class Indexed(NamedTuple):
    """A searchable field: its weight, whether it has a column per language, whether HTML.

    Weights: name or title A; lead, position, short names and aliases B; body and
    description C.
    """

    name: str
    weight: str
    translated: bool = True
    html: bool = False


def searchable_models() -> list[type[Model]]:
    """Every installed model that declares its ``search_fields``."""
    return [model for model in apps.get_models() if getattr(model, "search_fields", None)]


def columns(indexed: Indexed) -> list[tuple[str, str | None]]:
    """``(column, language)`` pairs of a field; the language is None for untranslated ones."""
    if not indexed.translated:
        return [(indexed.name, None)]
    return [
        (build_localized_fieldname(indexed.name, code), code)
        for code in settings.MODELTRANSLATION_LANGUAGES
    ]


# Indexing (PostgreSQL)


def _regexp_replace(expression, pattern: str, replacement: str):
    return Func(
        expression,
        Value(pattern),
        Value(replacement),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def search_vector(fields: Iterable[Indexed], column=F):
    """The tsvector expression of a row, from the given fields' columns (each read as
    ``column(name)``: a field of the queryset's rows, or of a trigger's new row)."""
    vectors = []
    for indexed in fields:
        for name, language in columns(indexed):
            text = column(name)
            if indexed.html:
                text = _regexp_replace(text, PG_APOSTROPHE_REFERENCES, "'")
                # Tags and entities become spaces: "</p><p>" must not glue two words.
                text = _regexp_replace(text, r"<[^>]*>|&#?[0-9A-Za-z]+;", " ")
            text = _regexp_replace(text, PG_INNER_APOSTROPHES, "")
            # In every column, not only Chinese: an alias or an English text may quote one.
            text = _regexp_replace(text, f"[{CJK_CHARACTERS}]", r" \& ")
            config = TEXT_SEARCH_CONFIGS.get(language, "simple")
            vectors.append(SearchVector(text, config=config, weight=indexed.weight))
            if language in AS_WRITTEN:
                vectors.append(SearchVector(text, config="simple", weight=indexed.weight))
    return reduce(add, vectors)


def uses_full_text(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def refresh_search_vectors(queryset: QuerySet) -> int:
    """Recompute the stored vectors of a queryset's rows in one UPDATE (PostgreSQL only).

    Writes keep them current by themselves (the trigger below): this is for a migration
    that changes what is indexed, and for rows written while the trigger was absent.
    """
    if not uses_full_text(queryset):
        return 0
    fields = queryset.model.search_fields
    return queryset.order_by().update(search_vector=search_vector(fields))


def refresh_in_migration(apps, schema_editor, app_label: str, fields: dict) -> None:
    """For a data migration: recompute the stored vectors of an app's models, given as
    {model name: the Indexed fields at the migration's time}. PostgreSQL only: the column
    is unused elsewhere."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, indexed in fields.items():
        model = apps.get_model(app_label, name)
        model.objects.using(schema_editor.connection.alias).update(
            search_vector=search_vector(indexed)
        )


# Keeping vectors current (PostgreSQL): a trigger per table
#
# Every write computes its row's vector in the same statement, whoever writes it: a save
# in the admin, the importer's bulk_create and bulk_update, an .update() of a text, raw
# SQL. The trigger's expression is search_vector() compiled over the new row, so the
# stored vector is the one the queries were written for, and ``search_fields`` stays the
# one declaration (tests/core/test_search.py compares each installed trigger with it).
# Not a generated column: Django would write the column in every INSERT, which PostgreSQL
# refuses for a generated one, and the field must stay a plain (unused) one on SQLite.


class _NewRow(Expression):
    """A column of the row a trigger is writing: ``NEW."column"``."""

    output_field = TextField()

    def __init__(self, column: str):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        return f"NEW.{connection.ops.quote_name(self.column)}", []


def trigger_name(table: str) -> str:
    return f"{table}_search_vector"


def trigger_body(fields: Iterable[Indexed], connection) -> str:
    """The PL/pgSQL body of the trigger function: the new row's vector, parameters inlined
    (a function's body holds no parameters)."""
    query = Query(None)
    expression = search_vector(fields, column=_NewRow).resolve_expression(query)
    sql, params = expression.as_sql(query.get_compiler(connection=connection), connection)
    expression_sql = connection.ops.compose_sql(sql, params)
    return f"\nBEGIN\n  NEW.search_vector := {expression_sql};\n  RETURN NEW;\nEND\n"


def indexed_columns(fields: Iterable[Indexed]) -> list[str]:
    return [name for indexed in fields for name, _language in columns(indexed)]


def trigger_sql(table: str, fields: Iterable[Indexed], connection) -> list[str]:
    """The statements that make (or remake) a table's trigger.

    It fires on an INSERT and on an UPDATE that sets one of the indexed columns, so an
    update of other columns (a status, a counter) costs nothing more.
    """
    fields = tuple(fields)
    quote = connection.ops.quote_name
    name = quote(trigger_name(table))
    body = trigger_body(fields, connection)
    watched = ", ".join(quote(column) for column in indexed_columns(fields))
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
        f"AS $search_vector${body}$search_vector$",
        f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}",
        f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OF {watched} ON {quote(table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def install_triggers(apps, schema_editor, app_label: str, fields: dict) -> None:
    """For a migration: make (or remake) the trigger of each of an app's models, given as
    {model name: the Indexed fields at the migration's time}, and recompute the stored
    vectors, which a write that bypassed the old way (an .update()) may have left behind.
    PostgreSQL only: elsewhere nothing is stored."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for name, indexed in fields.items():
        table = apps.get_model(app_label, name)._meta.db_table
        for statement in trigger_sql(table, indexed, connection):
            schema_editor.execute(statement, params=None)
    refresh_in_migration(apps, schema_editor, app_label, fields)


def drop_triggers(apps, schema_editor, app_label: str, names) -> None:
    """For a migration's reverse: remove the triggers of an app's models."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    for name in names:
        table = apps.get_model(app_label, name)._meta.db_table
        trigger = quote(trigger_name(table))
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {quote(table)}", params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {trigger}()", params=None)


# Making the query


def _websearch(text: str, invert: bool = False):
    """The text parsed by websearch_to_tsquery under each configuration, ORed (or, inverted,
    none of them ANDed)."""
    queries = [
        SearchQuery(cjk_phrases(text), config=config, search_type="websearch", invert=invert)
        for config in ("english", "russian", "simple")
    ]
    return reduce(and_ if invert else or_, queries)


def _excluded(text: str) -> set[str]:
    """The words the reader excluded with a leading minus, folded: "-Shanghai" (within
    quotes a minus is no operator)."""
    return {
        fold(term)
        for _phrase, word in TOKENS.findall(text)
        if word.startswith("-")
        for term in query_terms(word[1:])
    }


def text_search_query(text: str, terms: list[str]):
    """The tsquery of a reader's query: the whole text as websearch_to_tsquery reads it (with
    its OR and -word), or else every term, each under any configuration or by its stem."""
    text = without_apostrophes(text)
    whole = _websearch(text)
    excluded = _excluded(text)
    each = []
    for term in terms:
        term = without_apostrophes(term)
        if fold(term) in excluded:
            continue
        query = _websearch(f'"{term}"' if " " in term else term)
        for stem in stems(term):
            # A raw tsquery: a stem is letters and digits only, so it cannot be an operator.
            query |= SearchQuery(f"{stem}:*", config="simple", search_type="raw")
        each.append(query)
    if not each:
        return whole
    every = reduce(and_, each)
    for word in sorted(excluded):
        every &= _websearch(word, invert=True)
    return whole | every


@lru_cache(maxsize=1024)
def _tsquery_text(text: str, terms: tuple[str, ...], alias: str) -> str:
    connection = connections[alias]
    query = Query(None)
    expression = text_search_query(text, list(terms)).resolve_expression(query)
    sql, params = expression.as_sql(query.get_compiler(alias), connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)
        return cursor.fetchone()[0]


class LiteralQuery(SearchQuery):
    """A tsquery given as PostgreSQL writes one (``'word' & 'other':*``)."""

    def as_sql(self, compiler, connection, function=None, template=None):
        return "%s::tsquery", [self.literal]


def compiled_query(queryset: QuerySet, text: str, terms: list[str]) -> SearchQuery:
    """``text_search_query`` as PostgreSQL reads it, asked once per query text and process
    (a few dozen nested functions to compile and to parse: the search page's seven
    sections each filter and rank by it), then passed as one literal tsquery."""
    query = LiteralQuery("")
    query.literal = _tsquery_text(text, tuple(terms), queryset.db)
    return query


# The SQLite fallback

SQLITE_MATCHES = "intloffice_search_matches"


@lru_cache(maxsize=256)
def _needles(forms: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(term) for term in json.loads(forms))


def sqlite_matches(forms: str, html_columns: str, *values: str | None) -> bool:
    """Whether every term (a JSON list of each term's forms) has one of its forms contained
    in one of the column values; ``html_columns`` marks with "1" the values that are HTML."""
    texts = []
    for value, html in zip(values, html_columns, strict=True):
        if value:
            texts.append(fold(html_to_text(value) if html == "1" else value))
    return all(
        any(form in text for form in needles for text in texts) for needles in _needles(forms)
    )


def register_sqlite_functions(sender, connection, **kwargs):
    """connection_created receiver: teach each SQLite connection ``sqlite_matches``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_MATCHES, -1, sqlite_matches, deterministic=True
        )


def containment(model: type[Model], terms: list[str]) -> Func:
    """Every term, or a stem of it, contained in one of the indexed columns (the fallback)."""
    indexed_columns = [
        (column, indexed.html) for indexed in model.search_fields for column, _ in columns(indexed)
    ]
    forms = json.dumps([word_forms(term) for term in terms], ensure_ascii=False)
    return Func(
        Value(forms),
        Value("".join("1" if html else "0" for _column, html in indexed_columns)),
        *(F(column) for column, _html in indexed_columns),
        function=SQLITE_MATCHES,
        output_field=BooleanField(),
    )


# Searching


def matching(queryset: QuerySet, text: str, terms: list[str]) -> QuerySet:
    """The queryset's rows matching the query, unordered."""
    if uses_full_text(queryset):
        return queryset.filter(search_vector=compiled_query(queryset, text, terms))
    return queryset.filter(containment(queryset.model, terms))


def search(queryset: QuerySet, text: str, terms: list[str], *ordering) -> QuerySet:
    """The queryset's rows matching the query, best first, then by ``ordering``."""
    matches = matching(queryset.defer("search_vector"), text, terms)
    if uses_full_text(queryset):
        query = compiled_query(queryset, text, terms)
        matches = matches.annotate(rank=SearchRank(F("search_vector"), query))
        return matches.order_by("-rank", *ordering)
    return matches.order_by(*ordering)


def best_of_first(
    queryset: QuerySet, text: str, terms: list[str], limit: int
) -> tuple[list[int], bool]:
    """The ids of the first ``limit`` matches in the queryset's order, best first, and
    whether there are more.

    One pass over an ordered index (the newest articles first) that stops after ``limit``
    matches and ranks only those: ranking reads each candidate's vector, so a common word
    in a large archive must not make every match a candidate, nor must counting them.
    """
    matches = matching(queryset, text, terms)
    if uses_full_text(queryset):
        rank = SearchRank(F("search_vector"), compiled_query(queryset, text, terms))
        rows = list(matches.annotate(rank=rank).values_list("pk", "rank")[: limit + 1])
    else:
        rows = [(pk, 0) for pk in matches.values_list("pk", flat=True)[: limit + 1]]
    more, rows = len(rows) > limit, rows[:limit]
    rows.sort(key=lambda row: -row[1])  # stable: equal ranks stay in the queryset's order
    return [pk for pk, _rank in rows], more


def in_order(queryset: QuerySet, ids: list[int]) -> list[Model]:
    """The rows with these ids, in this order (one query)."""
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def top(queryset: QuerySet, limit: int) -> tuple[list[Model], int]:
    """The first ``limit`` rows and the number of all of them, in one query."""
    rows = list(queryset.annotate(matches=Window(Count("pk")))[:limit])
    return rows, (rows[0].matches if rows else 0)
