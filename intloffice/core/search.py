"""The search engine: full-text search over any model that declares ``search_fields``.

A model says how it is searched with a tuple of ``Indexed`` fields (its name or title
weighs most) and a ``search_vector`` column; ``searchable_models()`` finds every such
model, and ``intloffice.core.apps`` keeps their vectors current on every save. The
engine knows no app: the site's search page (intloffice.website.search) and the admin's
search box call it with their own querysets.

On PostgreSQL each row stores a ``search_vector`` computed in SQL from its text columns:
English columns with the ``english`` configuration, Russian with ``russian``, and the rest
(Chinese, aliases, short names) with ``simple``. Chinese has no spaces between words, so
every CJK character is made a word of its own, in the vector and in the query, where a run
of characters becomes a phrase (``西 <-> 安``): a Chinese query then matches any substring.
The reader's text is parsed by ``websearch_to_tsquery`` under all three configurations,
ORed, so a Russian word in another form and an English plural both match.

Elsewhere (SQLite) every word of the query must be contained in one of the same columns.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import reduce
from operator import add, or_
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Count, F, Func, Model, Q, QuerySet, TextField, Value, Window
from django.utils.html import escape
from modeltranslation.utils import build_localized_fieldname

from .text import CJK_CHARACTERS

MAX_QUERY_LENGTH = 200
# Each word becomes a group of ORed LIKEs on SQLite, whose parser refuses deep expressions.
MAX_TERMS = 8

CJK_RUN = re.compile(f"[{CJK_CHARACTERS}]+")
TEXT_SEARCH_CONFIGS = {"en": "english", "ru": "russian"}


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


def search_vector(fields: Iterable[Indexed]):
    """The tsvector expression of a row, from the given fields' columns."""
    vectors = []
    for indexed in fields:
        for column, language in columns(indexed):
            text = F(column)
            if indexed.html:
                # Tags and entities become spaces: "</p><p>" must not glue two words.
                text = _regexp_replace(text, r"<[^>]*>|&#?[0-9A-Za-z]+;", " ")
            # In every column, not only Chinese: an alias or an English text may quote one.
            text = _regexp_replace(text, f"[{CJK_CHARACTERS}]", r" \& ")
            config = TEXT_SEARCH_CONFIGS.get(language, "simple")
            vectors.append(SearchVector(text, config=config, weight=indexed.weight))
    return reduce(add, vectors)


def uses_full_text(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def refresh_search_vectors(queryset: QuerySet) -> int:
    """Recompute the stored vectors of a queryset's rows in one UPDATE (PostgreSQL only)."""
    if not uses_full_text(queryset):
        return 0
    fields = queryset.model.search_fields
    return queryset.order_by().update(search_vector=search_vector(fields))


def refresh_on_save(sender, instance, using, update_fields=None, **kwargs):
    """post_save receiver: the saved row's vector, unless none of its text was saved."""
    if update_fields is not None:
        fields = sender.search_fields
        indexed = {f.name for f in fields} | {
            column for f in fields for column, _code in columns(f)
        }
        if not indexed.intersection(update_fields):
            return
    refresh_search_vectors(sender._base_manager.using(using).filter(pk=instance.pk))


# Reading the query


def clean_query(raw: str) -> tuple[str, bool]:
    """The query as searched: control characters removed, spaces collapsed, truncated.

    Returns the text and whether it was truncated. PostgreSQL refuses NUL characters.
    """
    raw = raw[: MAX_QUERY_LENGTH * 20]  # the rest would be cut anyway; spare the work
    text = "".join(" " if unicodedata.category(c) in {"Cc", "Cs"} else c for c in raw)
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    return text[:MAX_QUERY_LENGTH].rstrip(), True


_TOKENS = re.compile(r'"([^"]*)"|(\S+)')
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def query_terms(text: str) -> list[str]:
    """The words and quoted phrases of a query, without punctuation at their edges.

    ``OR`` and a leading ``-`` mean something to ``websearch_to_tsquery``; the fallback
    ignores them (every term is required), and the highlighting does not need them.
    """
    terms: dict[str, str] = {}
    for phrase, word in _TOKENS.findall(text):
        if word == "OR":
            continue
        term = " ".join(_EDGES.sub("", part) for part in (phrase or word).split('"'))
        term = " ".join(term.split())
        if term:
            terms.setdefault(term.casefold(), term)
    return list(terms.values())[:MAX_TERMS]


def cjk_phrases(text: str) -> str:
    """Every run of CJK characters as a quoted phrase of single characters: 西安 -> "西 安"."""

    def spaced(match: re.Match) -> str:
        characters = " ".join(match.group())
        within_quotes = text.count('"', 0, match.start()) % 2
        return f" {characters} " if within_quotes else f' "{characters}" '

    return CJK_RUN.sub(spaced, text)


def text_search_query(text: str):
    prepared = cjk_phrases(text)
    queries = [
        SearchQuery(prepared, config=config, search_type="websearch")
        for config in ("english", "russian", "simple")
    ]
    return reduce(or_, queries)


def _case_variants(term: str, html_field: bool) -> set[str]:
    # SQLite's LIKE ignores case for ASCII letters only: "арсеньев" would not find
    # "Арсеньев". The common spellings are tried; a word typed in another mixed case than
    # the text's ("спбпу" for "СПбПУ") is not found, which full-text search on PostgreSQL
    # does not suffer from.
    forms = {term, term.lower(), term.upper(), term[:1].upper() + term[1:].lower()}
    if html_field:
        # Bodies are stored escaped: "Xi'an" is "Xi&#x27;an" there.
        forms |= {escape(form) for form in forms}
    return forms


def containment(model: type[Model], terms: list[str]) -> Q:
    """Every term contained, whatever the case, in one of the indexed columns (the fallback)."""
    condition = Q()
    for term in terms:
        anywhere = Q()
        for indexed in model.search_fields:
            for column, _code in columns(indexed):
                for form in sorted(_case_variants(term, indexed.html)):
                    anywhere |= Q(**{f"{column}__icontains": form})
        condition &= anywhere
    return condition


def matching(queryset: QuerySet, text: str, terms: list[str]) -> QuerySet:
    """The queryset's rows matching the query, unordered."""
    if uses_full_text(queryset):
        return queryset.filter(search_vector=text_search_query(text))
    return queryset.filter(containment(queryset.model, terms))


def search(queryset: QuerySet, text: str, terms: list[str], *ordering) -> QuerySet:
    """The queryset's rows matching the query, best first, then by ``ordering``."""
    matches = matching(queryset.defer("search_vector"), text, terms)
    if uses_full_text(queryset):
        query = text_search_query(text)
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
        rank = SearchRank(F("search_vector"), text_search_query(text))
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
