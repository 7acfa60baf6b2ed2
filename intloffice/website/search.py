"""The site's search page: published information pages and articles, partners, people,
events and agreements at once.

``search_site(text, page, language)`` does the work and returns what the page shows;
``SearchView`` reads the request and renders it. The matching and ranking are the search
engine's (intloffice.core.search), the marking of matches its neighbour's
(intloffice.core.snippets).
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page as PageOfResults
from django.core.paginator import Paginator
from django.db.models import Model
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from modeltranslation.utils import build_localized_fieldname

from agreements.models import Agreement
from intloffice.core import query, search
from intloffice.core.pages import PageMixin, home_crumb
from intloffice.core.snippets import excerpt, highlight, highlighter
from intloffice.core.text import html_to_text
from intloffice.core.translated import fallback_chain, translated_ordering
from news.models import Article
from pages.models import Page
from partners.models import Event, Organization, Person

ARTICLES_PER_PAGE = 10
# The newest matching articles that are ranked and counted. Past it, the page says so and
# suggests narrowing the search: ranking reads each candidate's vector.
RANKED_ARTICLES = 300
TOP_RESULTS = 10


@dataclass
class Hit:
    object: Model
    title: SafeString
    snippet: SafeString = field(default_factory=SafeString)
    # The snippet's language when it is not the page's (it may come from another column).
    snippet_language: str = ""


@dataclass
class Section:
    """The partners, people, events or agreements found: the first TOP_RESULTS, and how
    many in all."""

    hits: list[Hit]
    count: int


@dataclass
class Results:
    articles: PageOfResults
    article_hits: list[Hit]
    more_articles: bool
    partners: Section
    people: Section
    events: Section
    # The host university and its offices: "us", shown apart from the partners.
    ours: Section
    pages: Section
    agreements: Section

    @property
    def count(self) -> int:
        sections = (self.partners, self.people, self.events, self.ours, self.pages, self.agreements)
        return self.articles.paginator.count + sum(section.count for section in sections)


def search_site(text: str, terms: list[str], page: str | int | None, language: str) -> Results:
    """What matches the query: the top information pages, a page of articles (best of the
    newest first), then the top partners, people and events (best first), the host
    university and its offices if they match (apart: they are not partners), and the
    public agreements whose title, summary or partners match (newest first)."""
    pattern = highlighter(terms)
    ids, more_articles = search.best_of_first(
        Article.objects.published().newest_first(), text, terms, RANKED_ARTICLES
    )
    articles = Paginator(ids, ARTICLES_PER_PAGE).get_page(page)
    articles.object_list = search.in_order(
        Article.objects.select_related("category"), articles.object_list
    )

    def section(queryset, *ordering) -> Section:
        rows, count = search.top(search.search(queryset, text, terms, *ordering), TOP_RESULTS)
        return Section([Hit(row, title=highlight(row.name, pattern)) for row in rows], count)

    name = translated_ordering("name", language)
    pages, pages_count = search.top(
        search.search(
            Page.objects.published(), text, terms, translated_ordering("title", language)
        ),
        TOP_RESULTS,
    )
    return Results(
        articles=articles,
        article_hits=[article_hit(article, pattern, language) for article in articles],
        more_articles=more_articles,
        partners=section(Organization.objects.partners(), name),
        people=section(Person.objects.select_related("organization"), name),
        events=section(Event.objects.all(), "-start"),
        ours=section(Organization.objects.ours(), name),
        # A page is shown as an article is: its title, and its text around the match.
        pages=Section([article_hit(page, pattern, language) for page in pages], pages_count),
        agreements=agreement_section(text, terms, pattern),
    )


def agreement_section(text: str, terms: list[str], pattern) -> Section:
    found = Agreement.objects.public().matching(text, terms)
    rows, count = search.top(found, TOP_RESULTS)
    return Section([Hit(row, title=highlight(row.title, pattern)) for row in rows], count)


def article_hit(article: Article | Page, pattern: re.Pattern | None, language: str) -> Hit:
    """The title, and the lead or body around the first match, in the first language that
    has a match (the reader's, then the fallbacks); without a match, the first text."""
    hit = Hit(article, title=highlight(article.title or "", pattern))
    first = None
    for code in fallback_chain(language):
        for name in ("summary", "body"):
            value = getattr(article, build_localized_fieldname(name, code))
            if not value:
                continue
            text = html_to_text(value) if name == "body" else " ".join(value.split())
            if first is None:
                first = (text, code)
            if pattern and pattern.search(text):
                return with_snippet(hit, text, code, pattern, language)
    return with_snippet(hit, *first, pattern, language) if first else hit


def with_snippet(hit: Hit, text: str, code: str, pattern, language: str) -> Hit:
    hit.snippet = excerpt(text, pattern)
    hit.snippet_language = "" if code == language else code
    return hit


class SearchView(PageMixin, TemplateView):
    template_name = "search.html"
    query_parameters = ("q", "page")  # see intloffice.core.freshness

    def get_breadcrumbs(self):
        return [home_crumb(), (_("Search"), reverse("search"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        text, truncated = query.clean_query(self.request.GET.get("q", ""))
        terms = query.query_terms(text)
        context.update(query=text, truncated=truncated, max_length=query.MAX_QUERY_LENGTH)
        if not text:
            context["message"] = _("Type a name, a place or a topic to search for.")
            return context
        if not terms:
            context["message"] = _("Your search has no words to look for. Try a name or a place.")
            return context
        language = get_language() or settings.LANGUAGE_CODE
        results = search_site(text, terms, self.request.GET.get("page"), language)
        context.update(
            results=results,
            page_obj=results.articles,
            filter_query=urlencode({"q": text}),
        )
        if not results.count:
            context["message"] = _("Nothing matches your search. Try other or fewer words.")
        return context
