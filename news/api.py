"""Articles in the JSON API (intloffice/website/api.py mounts this router): public ones
only (``published()``), newest first, as the news list shows them."""

import datetime as dt

from django.db.models import Prefetch
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from agreements.models import Agreement
from intloffice.core import api
from intloffice.core.api import Item, ListQuery

from .models import NEWEST_FIRST, Article

router = Router(tags=["news"])

FIELDS = ("title", "summary", "body", "byline", "image_alt", "image_caption")


class Label(Schema):
    slug: str
    name: str


class ArticleOut(Item):
    title: str
    summary: str
    body: str = Field(description="HTML.")
    byline: str
    publish_at: dt.datetime
    original_language: api.Language
    image: str | None
    image_alt: str
    image_caption: str
    category: Label | None
    tags: list[Label]
    organisations: list[str] = Field(description="Slugs of the organisations it names.")
    people: list[str] = Field(description="Slugs of the people it names.")
    events: list[str] = Field(description="Slugs of the events it reports.")
    agreements: list[str] = Field(description="Slugs of the public agreements it reports.")


class ArticleFilters(ListQuery):
    partner: str | None = Field(None, description="Slug of an organisation it names.")
    year: int | None = api.year_field("Year of publication.")
    category: str | None = Field(None, description="Slug of its category.")
    tag: str | None = Field(None, description="Slug of one of its tags.")


def public_articles():
    return (
        Article.objects.published()
        .select_related("category")
        .prefetch_related(
            "tags",
            "organizations",
            "people",
            "events",
            Prefetch("agreements", queryset=Agreement.objects.public()),
        )
    )


def label(obj, language: str) -> dict:
    return {"slug": obj.slug, "name": api.translated(obj, "name", language)}


def items(request, articles: list[Article], language: str) -> list[dict]:
    states = api.translation_states(articles)
    return [
        {
            **api.common(request, article, language, FIELDS, states),
            "publish_at": article.publish_at,
            "original_language": article.original_language,
            "image": api.absolute_file_url(request, article.image),
            "category": label(article.category, language) if article.category else None,
            "tags": [label(tag, language) for tag in article.tags.all()],
            "organisations": [o.slug for o in article.organizations.all()],
            "people": [p.slug for p in article.people.all()],
            "events": [e.slug for e in article.events.all()],
            "agreements": [a.slug for a in article.agreements.all()],
        }
        for article in articles
    ]


@router.get(
    "/articles/",
    response={200: api.page_schema(ArticleOut), **api.LIST_ERRORS},
    summary="Published articles, newest first",
)
def article_list(request, response: HttpResponse, query: Query[ArticleFilters]):
    articles = public_articles()
    if query.partner:
        articles = articles.filter(organizations__slug=query.partner)
    if query.year:
        articles = articles.filter(publish_at__year=query.year)
    if query.category:
        articles = articles.filter(category__slug=query.category)
    if query.tag:
        articles = articles.filter(tags__slug=query.tag)
    return api.list_page(request, response, articles, query, NEWEST_FIRST, items)


@router.get(
    "/articles/{slug}/",
    response={200: ArticleOut, **api.DETAIL_ERRORS},
    summary="One published article",
)
def article_detail(request, response: HttpResponse, slug: str, query: Query[api.DetailQuery]):
    return api.one(request, response, public_articles(), slug, query.lang, items)
