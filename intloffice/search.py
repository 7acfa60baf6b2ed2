"""Search over published articles, organisations, people and events, in every language.

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
from dataclasses import dataclass, field
from functools import reduce
from operator import add, or_
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, F, Func, Model, Q, QuerySet, TextField, Value, Window
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from modeltranslation.utils import build_localized_fieldname

from news.models import Article
from partners.models import Event, Organization, Person

from .pages import PageMixin, home_crumb
from .text import CJK_CHARACTERS, html_to_text
from .translated import fallback_chain, translated_ordering

MAX_QUERY_LENGTH = 200
# Each word becomes a group of ORed LIKEs on SQLite, whose parser refuses deep expressions.
MAX_TERMS = 8
ARTICLES_PER_PAGE = 10
# The newest matching articles that are ranked and counted. Past it, the page says so and
# suggests narrowing the search: ranking reads each candidate's vector.
RANKED_ARTICLES = 300
TOP_RESULTS = 10
SNIPPET_LENGTH = 200  # characters, about 30 English words; Chinese has no words to count
SNIPPET_LEAD = 60  # characters of context shown before the first match

CJK_RUN = re.compile(f"[{CJK_CHARACTERS}]+")
TEXT_SEARCH_CONFIGS = {"en": "english", "ru": "russian"}


class Indexed(NamedTuple):
    """A searchable field: its weight, whether it has a column per language, whether HTML."""

    name: str
    weight: str
    translated: bool = True
    html: bool = False


# Name or title A; lead, position, short names and aliases B; body and description C.
INDEXED: dict[str, tuple[Indexed, ...]] = {
    "news.Article": (
        Indexed("title", "A"),
        Indexed("summary", "B"),
        Indexed("body", "C", html=True),
    ),
    "partners.Organization": (
        Indexed("name", "A"),
        Indexed("short_name", "B", translated=False),
        Indexed("aliases", "B", translated=False),
        Indexed("city", "C"),
        Indexed("description", "C"),
    ),
    "partners.Person": (
        Indexed("name", "A"),
        Indexed("aliases", "B", translated=False),
        Indexed("position", "B"),
        Indexed("bio", "C"),
    ),
    "partners.Event": (
        Indexed("name", "A"),
        Indexed("aliases", "B", translated=False),
        Indexed("theme", "B"),
        Indexed("venue", "C"),
        Indexed("city", "C"),
        Indexed("description", "C"),
    ),
}


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
    fields = INDEXED[queryset.model._meta.label]
    return queryset.order_by().update(search_vector=search_vector(fields))


def refresh_on_save(sender, instance, using, update_fields=None, **kwargs):
    """post_save receiver: the saved row's vector, unless none of its text was saved."""
    if update_fields is not None:
        fields = INDEXED[sender._meta.label]
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
        for indexed in INDEXED[model._meta.label]:
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


def best_newest(
    queryset: QuerySet, text: str, terms: list[str], limit: int
) -> tuple[list[int], bool]:
    """The ids of the newest ``limit`` matches, best first, and whether there are more.

    One pass over the public index, newest first, that stops after ``limit`` matches and
    ranks only those: ranking reads each candidate's vector, so a common word in a large
    archive must not make every match a candidate, nor must counting them.
    """
    matches = matching(queryset.order_by("-publish_at", "-pk"), text, terms)
    if uses_full_text(queryset):
        rank = SearchRank(F("search_vector"), text_search_query(text))
        rows = list(matches.annotate(rank=rank).values_list("pk", "rank")[: limit + 1])
    else:
        rows = [(pk, 0) for pk in matches.values_list("pk", flat=True)[: limit + 1]]
    more, rows = len(rows) > limit, rows[:limit]
    rows.sort(key=lambda row: -row[1])  # stable: equal ranks stay newest first
    return [pk for pk, _rank in rows], more


def in_order(queryset: QuerySet, ids: list[int]) -> list[Model]:
    """The rows with these ids, in this order (one query)."""
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# Showing results


def highlighter(terms: list[str]) -> re.Pattern | None:
    """A pattern for the words to mark: whole short words, longer ones with their endings.

    A rough stand-in for the stemming PostgreSQL did, for display only: "university"
    also marks "universities", "университетов" marks "университет".
    """
    patterns = set()
    for word in {word for term in terms for word in term.split()}:
        if CJK_RUN.search(word):
            patterns.add(re.escape(word))
        elif len(word) <= 3:
            patterns.add(rf"(?<!\w){re.escape(word)}(?!\w)")
        else:
            stem = word[:-2] if len(word) >= 6 and word.isalpha() else word
            patterns.add(rf"(?<!\w){re.escape(stem)}\w*")
    if not patterns:
        return None
    return re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """``text`` escaped, with the matches wrapped in ``<mark>``."""
    if pattern is None:
        return escape(text)
    parts, end = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        parts.append(escape(text[end : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        end = match.end()
    parts.append(escape(text[end:]))
    # Safe: every piece of text went through escape().
    return mark_safe("".join(parts))


def plain_text(value: str | None, is_html: bool = False) -> str:
    if is_html:
        return html_to_text(value)
    return " ".join((value or "").split())


def excerpt(text: str, pattern: re.Pattern | None) -> SafeString:
    """About SNIPPET_LENGTH characters of ``text`` around its first match, marked."""
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - SNIPPET_LEAD) if match else 0
    if start:
        space = text.find(" ", start, match.start())
        start = space + 1 if space != -1 else start
    end = start + SNIPPET_LENGTH
    if end < len(text):
        space = text.rfind(" ", end - SNIPPET_LENGTH // 4, end)
        end = space if space != -1 else end
    shown = highlight(text[start:end], pattern)
    return mark_safe(("…" if start else "") + shown + ("…" if end < len(text) else ""))


@dataclass
class Hit:
    object: Model
    title: SafeString
    snippet: SafeString = field(default_factory=SafeString)
    # The snippet's language when it is not the page's (it may come from another column).
    snippet_language: str = ""


def article_hit(article: Article, pattern: re.Pattern | None, language: str) -> Hit:
    """The title, and the lead or body around the first match, in the first language that
    has a match (the reader's, then the fallbacks); without a match, the shown lead."""
    hit = Hit(article, title=highlight(article.title or "", pattern))
    first = None
    for code in fallback_chain(language):
        for name in ("summary", "body"):
            value = getattr(article, build_localized_fieldname(name, code))
            if not value:
                continue
            text = plain_text(value, name == "body")
            if first is None:
                first = (text, code)
            if pattern and pattern.search(text):
                return with_snippet(hit, text, code, pattern, language)
    return with_snippet(hit, *first, pattern, language) if first else hit


def with_snippet(hit: Hit, text: str, code: str, pattern, language: str) -> Hit:
    hit.snippet = excerpt(text, pattern)
    hit.snippet_language = "" if code == language else code
    return hit


def top(queryset: QuerySet) -> tuple[list[Model], int]:
    """The first TOP_RESULTS rows and the number of all matches, in one query."""
    rows = list(queryset.annotate(matches=Window(Count("pk")))[:TOP_RESULTS])
    return rows, (rows[0].matches if rows else 0)


class SearchView(PageMixin, TemplateView):
    template_name = "search.html"
    query_parameters = ("q", "page")  # see page_cache

    def get_breadcrumbs(self):
        return [home_crumb(), (_("Search"), reverse("search"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        text, truncated = clean_query(self.request.GET.get("q", ""))
        terms = query_terms(text)
        context.update(query=text, truncated=truncated, max_length=MAX_QUERY_LENGTH)
        if not text:
            context["message"] = _("Type a name, a place or a topic to search for.")
            return context
        if not terms:
            context["message"] = _("Your search has no words to look for. Try a name or a place.")
            return context

        language = get_language() or settings.LANGUAGE_CODE
        pattern = highlighter(terms)
        ids, more_articles = best_newest(Article.objects.published(), text, terms, RANKED_ARTICLES)
        page = Paginator(ids, ARTICLES_PER_PAGE).get_page(self.request.GET.get("page"))
        page.object_list = in_order(
            Article.objects.select_related("category"),
            page.object_list,
        )
        name = translated_ordering("name", language)
        partners, partner_count = top(search(Organization.objects.all(), text, terms, name))
        people, people_count = top(
            search(Person.objects.select_related("organization"), text, terms, name)
        )
        events, event_count = top(search(Event.objects.all(), text, terms, "-start"))

        def named(obj):
            return Hit(obj, title=highlight(obj.name, pattern))

        context.update(
            page_obj=page,
            filter_query=urlencode({"q": text}),
            article_hits=[article_hit(article, pattern, language) for article in page],
            article_count=page.paginator.count,
            more_articles=more_articles,
            partner_hits=[named(organization) for organization in partners],
            partner_count=partner_count,
            person_hits=[named(person) for person in people],
            person_count=people_count,
            event_hits=[named(event) for event in events],
            event_count=event_count,
        )
        context["result_count"] = (
            context["article_count"] + partner_count + people_count + event_count
        )
        if not context["result_count"]:
            context["message"] = _("Nothing matches your search. Try other or fewer words.")
        return context
